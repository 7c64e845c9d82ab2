package io.rivulet.engine;

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
            input.toString(), output.toString(), checkpoints.toString(), Long.toString(CHECKPOINT_INTERVAL_MS)));
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
