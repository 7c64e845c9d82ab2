package io.rivulet.tools;

import io.rivulet.journal.CheckpointData;
import io.rivulet.journal.CheckpointDescriptor;
import io.rivulet.journal.CheckpointStore;
import io.rivulet.journal.EpochCutLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.rivulet.tools.CliHarness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rivulet inspect} of a checkpoint directory written through {@link CheckpointStore}, in-process. */
class CheckpointInspectTest
{
    private static final String NL = System.lineSeparator();
    private static final long T0_MS = CliHarness.T0_MS;

    @TempDir
    Path dir;

    private static CheckpointData checkpoint(final long epoch, final long position, final long sequence)
    {
        final UnsafeBuffer window = new UnsafeBuffer(new byte[100]);
        final UnsafeBuffer dedup = new UnsafeBuffer(new byte[24]);
        window.putLong(0, epoch);
        return new CheckpointData(epoch, T0_MS + epoch * 1000, "fp", "withWatermark(ts) -> window(sym)",
            new long[]{position}, new long[]{sequence},
            List.of(new CheckpointData.Section("0:window", window, 0, 100),
                new CheckpointData.Section("0:dedup", dedup, 0, 24)));
    }

    private Path threeCheckpoints()
    {
        final Path ckpt = dir.resolve("ckpt");
        final CheckpointStore store = CheckpointStore.open(ckpt, 3);
        store.write(checkpoint(0, -1, 0));
        store.write(checkpoint(1, 41, 7));
        store.write(checkpoint(2, 99, 12));
        return ckpt;
    }

    private static void flipByte(final Path file, final long offset) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x5a);
        }
    }

    @Test
    void shouldListEachCheckpointAndMarkTheNewestValid()
    {
        final Path ckpt = threeCheckpoints();
        final CliHarness.Result result = run("inspect", ckpt.toString());
        assertEquals("", result.err());
        assertEquals(0, result.status());
        final long size = ckpt.resolve(CheckpointDescriptor.fileName(2)).toFile().length();
        assertTrue(result.out().startsWith(String.join("\n",
            "checkpoints    " + ckpt,
            "files          3 (3 valid)",
            "newest valid   epoch 2 (checkpoint-0000000000000000002.ckpt): recovery restores this one",
            "pipeline       withWatermark(ts) -> window(sym)",
            "",
            "epoch 2  checkpoint-0000000000000000002.ckpt  valid  <- newest valid",
            "  created      2026-11-27T10:00:02.000Z",
            "  size         " + size + " bytes",
            "  source 0     after index 99",
            "  sink seq     12",
            "  state        2 sections, 124 bytes",
            "    0:window  100 bytes",
            "    0:dedup   24 bytes",
            "",
            "epoch 1  checkpoint-0000000000000000001.ckpt  valid\n")), result.out());
        assertTrue(result.out().contains("epoch 0  checkpoint-0000000000000000000.ckpt  valid\n" +
            "  created      2026-11-27T10:00:00.000Z\n"), result.out());
        assertTrue(result.out().contains("  source 0     from the start\n  sink seq     0\n"), result.out());
    }

    /** Checkpoints 0-2 of a processingTime pipeline (its shape names the trigger), at positions -1, 41, 99. */
    private Path processingTimeCheckpoints(final String name)
    {
        final Path ckpt = dir.resolve(name);
        final CheckpointStore store = CheckpointStore.open(ckpt, 3);
        final long[] positions = {-1, 41, 99};
        final UnsafeBuffer state = new UnsafeBuffer(new byte[8]);
        for (int epoch = 0; epoch <= 2; epoch++)
        {
            store.write(new CheckpointData(epoch, T0_MS + epoch, "fp", "stage 0: window\ntrigger: processingTime " +
                "(any interval)", new long[]{positions[epoch]}, new long[]{epoch}, List.of(
                new CheckpointData.Section("0:window", state, 0, 8))));
        }
        return ckpt;
    }

    @Test
    void shouldShowTheEpochsLoggedAfterTheNewestValidCheckpoint()
    {
        final Path ckpt = processingTimeCheckpoints("pt-log");
        try (EpochCutLog log = EpochCutLog.open(ckpt))
        {
            log.record(0, -1, EpochCutLog.EPOCH_END);
            log.record(1, 41, EpochCutLog.EPOCH_END);
            log.record(2, 99, EpochCutLog.EPOCH_END);
            log.record(3, 150, EpochCutLog.EPOCH_END); // after the newest checkpoint (epoch 2): replayed
            log.record(4, 180, EpochCutLog.STREAM_END);
        }
        final CliHarness.Result result = run("inspect", ckpt.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("epoch log      epoch-cuts (processingTime): epoch 3 ended after index 150; " +
            "the stream ended after index 180: a recovery ends the same epochs there"), result.out());
        final CliHarness.Result json = run("inspect", "--format", "json", ckpt.toString());
        assertTrue(json.out().contains("\"epochLog\":{\"epochEndsAfterNewest\":[150],\"streamEnd\":180}"),
            json.out());

        final Path none = processingTimeCheckpoints("pt-none");
        try (EpochCutLog log = EpochCutLog.open(none))
        {
            log.record(2, 99, EpochCutLog.EPOCH_END);
        }
        assertTrue(run("inspect", none.toString()).out().contains(
            "epoch log      epoch-cuts (processingTime): no epoch logged after epoch 2"));
    }

    @Test
    void shouldShowAStreamEndLoggedAfterTheNewestCheckpointOfAnotherTrigger() throws IOException
    {
        // continuous or availableNow: the log holds only where the stream ended
        final Path ckpt = threeCheckpoints();
        try (EpochCutLog log = EpochCutLog.open(ckpt))
        {
            log.record(0, -1, EpochCutLog.EPOCH_END); // written when the pipeline started
            log.record(3, 180, EpochCutLog.STREAM_END); // its final checkpoint (epoch 3) was not written
        }
        final CliHarness.Result result = run("inspect", ckpt.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("epoch log      epoch-cuts (stream end): the stream ended after index 180 " +
            "(its final checkpoint was not written): a recovery ends it there"), result.out());
        assertTrue(run("inspect", "--format", "json", ckpt.toString()).out().contains(
            "\"epochLog\":{\"epochEndsAfterNewest\":[],\"streamEnd\":180}"));

        final Path completed = dir.resolve("completed"); // the stream end's checkpoint is the newest: nothing to say
        CheckpointStore.open(completed, 3).write(checkpoint(0, -1, 0));
        try (EpochCutLog log = EpochCutLog.open(completed))
        {
            log.record(0, -1, EpochCutLog.STREAM_END);
        }
        final CliHarness.Result noLine = run("inspect", completed.toString());
        assertEquals(0, noLine.status(), noLine.err());
        assertFalse(noLine.out().contains("epoch log"), noLine.out());
        assertTrue(run("inspect", "--format", "json", completed.toString()).out().contains("\"epochLog\":null"));
        // no valid checkpoint: a recovery is refused before it reads the log, so the log is not shown as replayed
        final Path corrupt = dir.resolve("corrupt");
        CheckpointStore.open(corrupt, 3).write(checkpoint(0, -1, 0));
        try (EpochCutLog log = EpochCutLog.open(corrupt))
        {
            log.record(1, 180, EpochCutLog.STREAM_END);
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(corrupt))
        {
            flipByte(files.filter(f -> f.toString().endsWith(".ckpt")).findFirst().orElseThrow(), 40);
        }
        final CliHarness.Result none = run("inspect", corrupt.toString());
        assertEquals(0, none.status(), none.err());
        assertFalse(none.out().contains("epoch log"), none.out());
        final Path plain = dir.resolve("plain"); // written before stream ends were logged: no log at all
        CheckpointStore.open(plain, 3).write(checkpoint(0, -1, 0));
        assertFalse(run("inspect", plain.toString()).out().contains("epoch log"));
    }

    @Test
    void shouldReportAMissingOrDamagedEpochLogInsteadOfFailing() throws IOException
    {
        final Path ckpt = dir.resolve("pt");
        final CheckpointStore store = CheckpointStore.open(ckpt, 3);
        final UnsafeBuffer state = new UnsafeBuffer(new byte[8]);
        for (long epoch = 0; epoch <= 2; epoch++)
        {
            store.write(new CheckpointData(epoch, T0_MS + epoch, "fp", "stage 0: window\ntrigger: processingTime " +
                "(any interval)", new long[]{epoch * 10}, new long[]{epoch}, List.of(new CheckpointData.Section(
                "0:window", state, 0, 8))));
        }
        // no log at all, although a processingTime checkpoint after the first needs its entry
        final CliHarness.Result missing = run("inspect", ckpt.toString());
        assertEquals(0, missing.status(), missing.err());
        assertTrue(missing.out().contains("epoch log      epoch-cuts (processingTime): MISSING the entry of epoch 2"),
            missing.out());
        assertTrue(run("inspect", "--format", "json", ckpt.toString()).out().contains(
            "\"epochLog\":{\"problem\":\"missing the entry of epoch 2"));
        // damaged: epoch 3's entry flipped, epoch 4's intact
        try (EpochCutLog log = EpochCutLog.open(ckpt))
        {
            log.record(2, 20, EpochCutLog.EPOCH_END);
            log.record(3, 30, EpochCutLog.EPOCH_END);
            log.record(4, 40, EpochCutLog.EPOCH_END);
        }
        flipByte(ckpt.resolve(EpochCutLog.FILE_NAME), 3L * EpochCutLog.ENTRY_BYTES + 9);
        final CliHarness.Result damaged = run("inspect", ckpt.toString());
        assertEquals(0, damaged.status(), damaged.err());
        assertEquals("", damaged.err());
        assertTrue(damaged.out().contains("epoch-cuts (processingTime): DAMAGED: the epoch log") &&
            damaged.out().contains("epoch 3"), damaged.out());
        final CliHarness.Result json = run("inspect", "--format", "json", ckpt.toString());
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().contains("\"epochLog\":{\"problem\":\"the epoch log"), json.out());
    }

    @Test
    void shouldShowWhyTheNewestIsCorruptAndFindThePreviousValidOne() throws IOException
    {
        final Path ckpt = threeCheckpoints();
        final Path newest = ckpt.resolve(CheckpointDescriptor.fileName(2));
        flipByte(newest, Files.size(newest) - 40); // in a section body: the header still reads
        Files.writeString(ckpt.resolve(CheckpointDescriptor.fileName(3) + CheckpointDescriptor.TEMP_SUFFIX), "torn");
        final CliHarness.Result result = run("inspect", ckpt.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("files          3 (2 valid)\n" +
            "newest valid   epoch 1 (checkpoint-0000000000000000001.ckpt): recovery restores this one\n" +
            "pipeline       withWatermark(ts) -> window(sym)\n" +
            "temp files     1 (checkpoint-*.ckpt.tmp: an interrupted write, ignored; recovery deletes it)\n"),
            result.out());
        assertTrue(result.out().matches("(?s).*\nepoch 2  checkpoint-0000000000000000002\\.ckpt  INVALID: checksum " +
            "mismatch \\(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\\)\n  created      2026-11-27T10:00:02\\.000Z\n.*"),
            result.out());
        assertTrue(result.out().contains("epoch 1  checkpoint-0000000000000000001.ckpt  valid  <- newest valid\n"),
            result.out());

        final CliHarness.Result json = run("inspect", ckpt.toString(), "--format", "json");
        assertEquals(0, json.status());
        assertTrue(json.out().startsWith("{\"checkpoints\":\"" + ckpt + "\",\"newestValidEpoch\":1,\"tempFiles\":1,\"epochLog\":null," +
            "\"files\":[{\"file\":\"checkpoint-0000000000000000002.ckpt\",\"epoch\":2,\"valid\":false,\"problem\":" +
            "\"checksum mismatch (stored 0x"), json.out());
        assertTrue(json.out().contains("{\"file\":\"checkpoint-0000000000000000001.ckpt\",\"epoch\":1,\"valid\":true," +
            "\"problem\":null,\"created\":\"2026-11-27T10:00:01.000Z\",\"sizeBytes\":" +
            ckpt.resolve(CheckpointDescriptor.fileName(1)).toFile().length() + ",\"sourcePositions\":[41]," +
            "\"sinkSequences\":[7],\"sections\":[{\"name\":\"0:window\",\"bytes\":100},{\"name\":\"0:dedup\"," +
            "\"bytes\":24}],\"pipeline\":\"withWatermark(ts) -> window(sym)\"}"), json.out());
        assertTrue(json.out().endsWith("}]}\n"), json.out());
    }

    @Test
    void shouldShowThePipelineOnceAndACheckpointOfAnotherPipelineWithItsOwn()
    {
        final Path ckpt = dir.resolve("ckpt");
        final CheckpointStore store = CheckpointStore.open(ckpt, 3);
        final UnsafeBuffer none = new UnsafeBuffer(new byte[0]);
        store.write(new CheckpointData(1, T0_MS, "old", "stage 0: where(qty > 1)\nsink", new long[]{-2 - 5L},
            new long[]{0}, List.of(new CheckpointData.Section("s", none, 0, 0))));
        store.write(new CheckpointData(2, T0_MS, "new", "stage 0: dedup(id)\nsink", new long[]{9}, new long[]{3},
            List.of()));
        final CliHarness.Result result = run("inspect", ckpt.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("\npipeline       stage 0: dedup(id)\n               sink\n\nepoch 2 "),
            result.out());
        assertTrue(result.out().contains("  source 0     at index 5\n  sink seq     0\n  state        1 section, " +
            "0 bytes\n    s  0 bytes\n  pipeline     stage 0: where(qty > 1)\n               sink\n" +
            "               (not the pipeline above)\n"), result.out());
        assertEquals(1, result.out().split("dedup\\(id\\)", -1).length - 1, "the pipeline is shown once");
    }

    @Test
    void shouldSayWhenNoCheckpointIsValid() throws IOException
    {
        final Path ckpt = dir.resolve("ckpt");
        CheckpointStore.open(ckpt, 3).write(checkpoint(5, 1, 1));
        Files.write(ckpt.resolve(CheckpointDescriptor.fileName(5)), new byte[]{1, 2, 3});
        final CliHarness.Result result = run("inspect", ckpt.toString());
        assertEquals(0, result.status());
        assertTrue(result.out().contains("files          1 (0 valid)\n" +
            "newest valid   none: recovery would start from the source's start\n\n" +
            "epoch 5  checkpoint-0000000000000000005.ckpt  INVALID: truncated or not a checkpoint: only 3 bytes\n" +
            "  created      -\n  size         3 bytes\n  state        0 sections, 0 bytes\n"), result.out());
    }

    @Test
    void shouldGiveOneLineAndANonZeroStatusForPathsThatAreNeither() throws IOException
    {
        assertEquals(new CliHarness.Result(1, "", "rivulet inspect: no journal or checkpoint directory at " +
            dir.resolve("nope") + ": the path does not exist" + NL), run("inspect", dir.resolve("nope").toString()));
        Files.createDirectories(dir.resolve("empty"));
        assertEquals(new CliHarness.Result(1, "", "rivulet inspect: " + dir.resolve("empty") + " is neither a " +
            "Rivulet journal (it has no 'schema' file) nor a checkpoint directory (it has no checkpoint-*.ckpt " +
            "files)" + NL), run("inspect", dir.resolve("empty").toString()));
        final Path ckpt = threeCheckpoints();
        final Path file = ckpt.resolve(CheckpointDescriptor.fileName(1));
        assertEquals(new CliHarness.Result(1, "", "rivulet inspect: " + file + " is one checkpoint file; give its " +
            "directory (" + ckpt.toAbsolutePath() + ") to see it next to the others" + NL),
            run("inspect", file.toString()));
        assertEquals(new CliHarness.Result(2, "", "rivulet inspect: --time-column: " + ckpt + " is a checkpoint " +
            "directory, which has no columns; the option is for journals" + NL),
            run("inspect", ckpt.toString(), "--time-column", "ts"));
        final CliHarness.Result help = run("inspect", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("<journal | checkpoint-dir>"), help.out());
    }
}
