package io.rivulet.engine;

import io.rivulet.journal.EpochCutLog;
import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalReader;
import io.rivulet.ringbuffer.RecordFlyweight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once under kill -9: a child JVM runs {@link ExactlyOnceJob} over a journal and is killed with
 * {@code kill -9} at random moments (during startup and recovery, while processing, while a checkpoint is being
 * written), then restarted, again and again; finally it runs to the end. Its output journal must equal, entry for
 * entry (sequence number and bytes) and in order, that of an uninterrupted golden run of the same job.
 * <p>
 * {@code -Drivulet.crash.kills=N} (default 20) and {@code -Drivulet.crash.records=N} scale it: the soak command in
 * the README runs 200 kills.
 */
@Timeout(value = 180, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExactlyOnceCrashTest extends ThreadLeakCheck
{
    private static final int KILLS = Integer.getInteger("rivulet.crash.kills", 20);
    private static final int RECORDS = Integer.getInteger("rivulet.crash.records", 300_000);
    private static final long CHECKPOINT_INTERVAL_MS = 10;

    @TempDir
    Path tempDir;

    @Test
    void outputAfterRepeatedKillNineEqualsTheGoldenRun() throws Exception
    {
        final long seed = Long.getLong("rivulet.crash.seed", System.nanoTime());
        System.out.println("ExactlyOnceCrashTest seed=" + seed + " (rerun with -Drivulet.crash.seed=" + seed + ")");
        final Path input = tempDir.resolve("input");
        final long writeStart = System.nanoTime();
        ExactlyOnceJob.writeInput(input, RECORDS, 200, 42);
        System.out.printf("input written in %.1f s%n", (System.nanoTime() - writeStart) / 1e9);

        final Path goldenOut = tempDir.resolve("golden-out");
        final long goldenStart = System.nanoTime();
        runChild(input, goldenOut, tempDir.resolve("golden-ckpt"), -1, null);
        System.out.printf("golden run in %.1f s%n", (System.nanoTime() - goldenStart) / 1e9);
        final List<String> golden = readOutput(goldenOut);
        assertTrue(golden.size() > 1_000, "the job should produce plenty of output, got " + golden.size());

        final Path out = tempDir.resolve("out");
        final Path checkpoints = tempDir.resolve("ckpt");
        final Random random = new Random(seed);
        int kills = 0;
        int runs = 0;
        int tempFilesSeen = 0;
        final StringBuilder log = new StringBuilder();
        try (OutputCounter counter = new OutputCounter(out))
        {
            for (int k = 0; k < KILLS; k++)
            {
                if (k % 3 == 0)
                {
                    // anywhere from JVM start: during class loading, recovery, or the first records
                    final long delayMs = random.nextInt(1_500);
                    final ChildRun early = runChild(input, out, checkpoints, delayMs, () -> true);
                    runs++;
                    if (early.killed)
                    {
                        kills++;
                        final boolean tempLeft = hasTempFile(checkpoints);
                        tempFilesSeen += tempLeft ? 1 : 0;
                        note(log, String.format("kill %d: %d ms after JVM start%s, output %d%n", kills, delayMs,
                            tempLeft ? ", during a checkpoint write" : "", counter.count()));
                    }
                }
                // then at a random point of the output, each kill in its own slice: kills spread over the run
                final long target = (long)(golden.size() * (k + random.nextDouble()) / KILLS);
                final ChildRun run = runChild(input, out, checkpoints, 0, () -> counter.count() >= target);
                runs++;
                if (!run.killed)
                {
                    throw new AssertionError("the job finished before output " + target + "\n" + log);
                }
                kills++;
                final boolean tempLeft = hasTempFile(checkpoints);
                tempFilesSeen += tempLeft ? 1 : 0;
                note(log, String.format("kill %d: at output %d (target %d)%s%n", kills, counter.count(), target,
                    tempLeft ? ", during a checkpoint write" : ""));
            }
        }
        runChild(input, out, checkpoints, -1, null); // to the end, uninterrupted
        runs++;
        System.out.println("ExactlyOnceCrashTest: " + kills + " kills (" + tempFilesSeen + " during a checkpoint " +
            "write), " + runs + " runs, " + golden.size() + " outputs");

        final List<String> actual = readOutput(out);
        assertEquals(golden.size(), actual.size(), "output count after " + kills + " kills (seed " + seed + ")");
        for (int i = 0; i < golden.size(); i++)
        {
            assertEquals(golden.get(i), actual.get(i), "output " + (i + 1) + " after " + kills + " kills (seed " +
                seed + ")");
        }
    }

    /**
     * Trigger.processingTime under kill -9: the job's rows depend on where each epoch ended ({@link
     * ExactlyOnceJob#defineUpdates}: keyed UPDATE count and max over the whole input), so there is no golden run
     * to compare with; instead, after the kills, the output journal must be exactly what the epochs in the
     * checkpoint directory's epoch log produce: for each epoch in order, one row per key changed in it, with the
     * key's count and highest id up to the epoch's last record, then the keys changed after the last epoch. A
     * replay that ended an epoch elsewhere than the run before it, or emitted a row twice or not at all, fails.
     */
    @Test
    void processingTimeUpdatesAfterRepeatedKillNineAreExactlyTheLoggedEpochs() throws Exception
    {
        final long seed = Long.getLong("rivulet.crash.seed", System.nanoTime());
        System.out.println("processingTime crash test seed=" + seed);
        final Path input = tempDir.resolve("pt-input");
        ExactlyOnceJob.writeInput(input, RECORDS, 200, 43);
        final Path out = tempDir.resolve("pt-out");
        final Path checkpoints = tempDir.resolve("pt-ckpt");
        final Random random = new Random(seed);
        final int kills = Math.max(3, KILLS / 2);
        int killed = 0;
        final StringBuilder log = new StringBuilder();
        try (OutputCounter counter = new OutputCounter(out))
        {
            for (int k = 0; k < kills; k++)
            {
                final ChildRun run;
                if (k % 3 == 0)
                {
                    final long delayMs = random.nextInt(1_500); // from JVM start: loading, recovery, replay
                    run = runChild(input, out, checkpoints, delayMs, () -> true, "processing-time-updates");
                }
                else
                {
                    // once it emitted something new, a little later: each killed run made progress
                    final long before = counter.count();
                    run = runChild(input, out, checkpoints, random.nextInt(800), () -> counter.count() > before,
                        "processing-time-updates");
                }
                if (run.killed)
                {
                    killed++;
                    note(log, String.format("processingTime kill %d: output %d%s%n", killed, counter.count(),
                        hasTempFile(checkpoints) ? ", during a checkpoint write" : ""));
                }
            }
        }
        runChild(input, out, checkpoints, -1, null, "processing-time-updates");
        assertTrue(killed >= kills / 2, "too few runs were killed before finishing to test anything: " + killed +
            "\n" + log);

        final long[] cuts;
        try (EpochCutLog epochs = EpochCutLog.open(checkpoints))
        {
            cuts = epochs.cutsAfter(0).positions();
        }
        assertTrue(cuts.length > 10, "epochs logged: " + cuts.length);
        final List<List<String>> expected = expectedUpdates(input, cuts);
        final List<String> actual = new ArrayList<>();
        try (Journal journal = Journal.at(out).open(); JournalReader reader = journal.reader())
        {
            final io.rivulet.ringbuffer.Field[] fields = journal.schema().fields()
                .toArray(new io.rivulet.ringbuffer.Field[0]);
            final long[] nextSequence = {1};
            while (reader.poll((index, ingestTimeNs, sequence, record) ->
            {
                assertEquals(nextSequence[0]++, sequence, "output sequence numbers run 1, 2, 3, ...");
                actual.add(record.getValue(fields[2]) + ":" + record.getValue(fields[3]) + ":" +
                    record.getValue(fields[4]));
            }, 1024) > 0)
            {
                // drain
            }
        }
        int at = 0;
        for (int epoch = 0; epoch < expected.size(); epoch++)
        {
            final List<String> rows = expected.get(epoch);
            assertTrue(at + rows.size() <= actual.size(), "output ends inside epoch " + (epoch + 1) + " (seed " +
                seed + ")");
            final List<String> got = new ArrayList<>(actual.subList(at, at + rows.size()));
            got.sort(null);
            if (!rows.equals(got))
            {
                final List<String> missing = new ArrayList<>(rows);
                missing.removeAll(got);
                final List<String> unexpected = new ArrayList<>(got);
                unexpected.removeAll(rows);
                throw new AssertionError("rows of epoch " + (epoch + 1) + " of " + expected.size() + " (outputs " +
                    (at + 1) + "-" + (at + rows.size()) + ") after " + killed + " kills (seed " + seed + "): " +
                    missing.size() + " expected rows missing, e.g. " + missing.subList(0, Math.min(3,
                    missing.size())) + "; " + unexpected.size() + " other rows, e.g. " +
                    unexpected.subList(0, Math.min(3, unexpected.size())) + "\n" + log);
            }
            at += rows.size();
        }
        assertEquals(actual.size(), at, "outputs after the last epoch's (seed " + seed + ")");
        System.out.println("processingTime crash test: " + killed + " kills, " + cuts.length + " epochs, " +
            actual.size() + " outputs as the logged epochs give them");
    }

    /**
     * The rows {@link ExactlyOnceJob#defineUpdates} emits if its epochs end after the records at {@code cuts}:
     * per epoch (and for the rest after the last), "key:count:maxId" of each key changed in it, sorted.
     */
    private static List<List<String>> expectedUpdates(final Path input, final long[] cuts)
    {
        final io.rivulet.ringbuffer.SymbolField key = ExactlyOnceJob.INPUT.symbolField("key");
        final io.rivulet.ringbuffer.LongField id = ExactlyOnceJob.INPUT.longField("id");
        final java.util.Map<String, long[]> totals = new java.util.HashMap<>();
        final List<List<String>> epochs = new ArrayList<>();
        final java.util.Set<String> changed = new java.util.TreeSet<>();
        final int[] cut = {0};
        final Runnable endEpoch = () ->
        {
            final List<String> rows = new ArrayList<>();
            for (final String k : changed)
            {
                rows.add(k + ":" + totals.get(k)[0] + ":" + totals.get(k)[1]);
            }
            rows.sort(null);
            epochs.add(rows);
            changed.clear();
        };
        try (Journal journal = Journal.at(input).open(); JournalReader reader = journal.reader())
        {
            while (reader.poll((index, ingestTimeNs, sequence, record) ->
            {
                final String k = record.getSymbol(key);
                final long[] t = totals.computeIfAbsent(k, x -> new long[]{0, Long.MIN_VALUE});
                t[0]++;
                t[1] = Math.max(t[1], record.getLong(id));
                changed.add(k);
                if (cut[0] < cuts.length && index == cuts[cut[0]])
                {
                    endEpoch.run();
                    cut[0]++;
                }
            }, 1024) > 0)
            {
                // drain
            }
        }
        assertEquals(cuts.length, cut[0], "every logged epoch ends at a record of the input");
        if (!changed.isEmpty())
        {
            endEpoch.run(); // end of stream: what changed after the last epoch
        }
        return epochs;
    }

    /** Kept for a failure message, and printed as it happens: a long soak shows its progress. */
    private static void note(final StringBuilder log, final String line)
    {
        log.append(line);
        System.out.print(line);
        System.out.flush();
    }

    private static boolean hasTempFile(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return false;
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
    }

    private static final class ChildRun
    {
        boolean killed;
    }

    /**
     * Runs the job in a child JVM. With a {@code killWhen} condition, kills it with {@code kill -9} once the
     * condition holds (checked after it printed {@code started}, if {@code killAfterMs} is 0) and then
     * {@code killAfterMs} have passed, unless it finished first. Without, waits for it to finish and requires
     * exit 0.
     */
    private ChildRun runChild(final Path input, final Path output, final Path checkpoints, final long killAfterMs,
        final java.util.function.BooleanSupplier killWhen) throws Exception
    {
        return runChild(input, output, checkpoints, killAfterMs, killWhen, "continuous");
    }

    private ChildRun runChild(final Path input, final Path output, final Path checkpoints, final long killAfterMs,
        final java.util.function.BooleanSupplier killWhen, final String mode) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Xmx512m");
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("-Dorg.slf4j"))
            {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ExactlyOnceJob.class.getName(),
            input.toString(), output.toString(), checkpoints.toString(), Long.toString(CHECKPOINT_INTERVAL_MS), mode));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final CountDownLatch started = new CountDownLatch(1);
        final StringBuffer text = new StringBuffer();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    text.append(line).append('\n');
                    if (line.equals("started"))
                    {
                        started.countDown();
                    }
                }
            }
            catch (final IOException ignored)
            {
                // the child was killed
            }
        }, "crash-test-child-output");
        reader.start();
        final ChildRun run = new ChildRun();
        try
        {
            if (killWhen != null)
            {
                if (killAfterMs == 0)
                {
                    assertTrue(started.await(120, TimeUnit.SECONDS) || !process.isAlive(), "child did not start");
                }
                final long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (!killWhen.getAsBoolean() && process.isAlive())
                {
                    assertTrue(System.nanoTime() < deadlineNs, "kill condition never held; output:\n" + text);
                    Thread.onSpinWait();
                }
                // the kill timer: returns early if the child exits by itself
                if (!process.waitFor(killAfterMs, TimeUnit.MILLISECONDS))
                {
                    final Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start();
                    assertEquals(0, kill.waitFor(), "kill -9 failed");
                    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "killed child did not exit");
                    run.killed = true;
                }
            }
            else
            {
                assertTrue(process.waitFor(10, TimeUnit.MINUTES), "child did not finish; output:\n" + text);
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
            if (!run.killed)
            {
                assertEquals(0, process.exitValue(), "child failed; output:\n" + text);
                assertTrue(text.indexOf("done") >= 0, "child did not finish; output:\n" + text);
            }
            return run;
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    /** Counts the entries of an output journal as a child process appends them (Chronicle is multi-process). */
    private static final class OutputCounter implements AutoCloseable
    {
        private final Path dir;
        private Journal journal;
        private JournalReader reader;
        private long count;

        OutputCounter(final Path dir)
        {
            this.dir = dir;
        }

        long count()
        {
            if (reader == null)
            {
                if (!Files.exists(dir.resolve(Journal.SCHEMA_FILE_NAME)))
                {
                    return 0;
                }
                journal = Journal.at(dir).open();
                reader = journal.reader();
            }
            count += reader.poll((index, ingestTimeNs, sequence, record) -> { }, 4096);
            return count;
        }

        @Override
        public void close()
        {
            if (reader != null)
            {
                reader.close();
                journal.close();
            }
        }
    }

    /** Every entry of an output journal: "sequence:hex of the record bytes", in order. */
    static List<String> readOutput(final Path dir)
    {
        final List<String> entries = new ArrayList<>();
        try (Journal journal = Journal.at(dir).open(); JournalReader reader = journal.reader())
        {
            final HexFormat hex = HexFormat.of();
            final int length = journal.schema().recordLengthBytes();
            while (reader.poll((index, ingestTimeNs, sequence, record) -> entries.add(sequence + ":" +
                hex.formatHex(bytes(record, length))), 1024) > 0)
            {
                // drain
            }
        }
        return entries;
    }

    private static byte[] bytes(final RecordFlyweight record, final int length)
    {
        final byte[] b = new byte[length];
        record.buffer().getBytes(record.offset(), b);
        return b;
    }
}
