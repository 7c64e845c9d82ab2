package io.rivulet.engine;

import io.rivulet.journal.EpochCutLog;
import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalReader;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Recovery of processingTime + checkpointLocation (the epoch-cuts log) in the cases a review found broken: a logged
 * epoch ending at the last record, a logged end of stream with a journaled publisher, a damaged entry, a trigger
 * changed after a crash, and a refused build that must leave the log alone.
 */
class ProcessingTimeRecoveryTest extends ThreadLeakCheck
{
    @TempDir
    Path tmp;

    /** Records epoch ends; sleeps at each (so that epoch's checkpoint stays in flight meanwhile). */
    static final class SlowEpochSink implements Sink
    {
        final List<Long> epochIds = new ArrayList<>();
        private final long sleepMsPerEpoch;

        SlowEpochSink(final long spinNsPerRow, final long sleepMsPerEpoch)
        {
            this.sleepMsPerEpoch = sleepMsPerEpoch;
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
        }

        @Override
        public void onEpoch(final long epochId)
        {
            synchronized (this)
            {
                epochIds.add(epochId);
            }
            if (sleepMsPerEpoch > 0)
            {
                try
                {
                    Thread.sleep(sleepMsPerEpoch);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static PipelineBuilder updates(final Source source, final Sink sink, final Path checkpoints,
        final Trigger trigger)
    {
        return Pipeline.from(source)
            .withWatermark("ts", 50)
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count(), Aggregate.max("id"))
            .to(sink)
            .trigger(trigger)
            .checkpointLocation(checkpoints).checkpointsRetained(10);
    }

    /** As {@link #updates} with a pass-through busy ~4 us per record first, so that a run spans many epochs. */
    private static PipelineBuilder slowUpdates(final Path input, final Sink sink, final Path checkpoints,
        final Trigger trigger)
    {
        return Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT))
            .withWatermark("ts", 50)
            .processByKey(new String[]{"key"}, Schema.builder().int32("unused").build(),
                ExactlyOnceJob.UPDATE_PASS_THROUGH, new ExactlyOnceJob.SlowPassThrough(4_000))
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count(), Aggregate.max("id"))
            .to(sink)
            .trigger(trigger)
            .checkpointLocation(checkpoints).checkpointsRetained(10);
    }

    private static void runToCompletion(final PipelineBuilder builder)
    {
        try (Pipeline p = builder.start())
        {
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS), "did not complete");
            assertNull(p.failure());
        }
    }

    private static long[] indices(final Path journalDir)
    {
        final List<Long> out = new ArrayList<>();
        try (Journal journal = Journal.at(journalDir).schema(ExactlyOnceJob.INPUT).open();
             JournalReader reader = journal.reader())
        {
            reader.toStart();
            while (reader.poll((index, ingest, seq, record) -> out.add(index), 256) > 0)
            {
                // collect
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static List<Path> checkpointFiles(final Path dir) throws IOException
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.filter(f -> f.getFileName().toString().endsWith(".ckpt")).sorted().toList();
        }
    }

    /**
     * The log says: epoch 1 ended at the next-to-last record, epoch 2 at the last record, then the stream ended
     * (epoch 3, the final checkpoint); only checkpoint 0 is on disk (the later ones were lost in a crash). A replay
     * must end epochs 1 and 2 where the log says, then end the stream as epoch 3.
     * <p>
     * With the source on its own thread, the poll that reads the last record also sets the tail's done flag; the
     * logged cut of epoch 2 is pending (checkpoint 1 is still in flight), yet JournalSource.produceSome calls
     * endStreamAfterPoll, which ends the stream at once: barriers.finish() waits for checkpoint 1 and takes epoch 2
     * as the FINAL checkpoint, overwriting log entry 2 (EPOCH_END) with STREAM_END. Epoch 2's marker is never
     * published (the sink never gets onEpoch(2)) and the stale STREAM_END entry 3 stays in the log.
     */
    @ParameterizedTest(name = "source on the stage thread: {0}")
    @ValueSource(booleans = {false, true})
    void shouldReEndALoggedEpochThatEndsAtTheLastRecord(final boolean sourceOnStageThread) throws IOException
    {
        final Path input = tmp.resolve("input");
        ExactlyOnceJob.writeInput(input, 2_000, 10, 7);
        final long[] idx = indices(input);
        final int n = idx.length;
        final Path checkpoints = tmp.resolve("ckpt");
        // a first run only to lay down checkpoint 0 of this pipeline (an hour-long interval: no epoch by time)
        runToCompletion(updates(Sources.journal(input, ExactlyOnceJob.INPUT), new SlowEpochSink(0, 0), checkpoints,
            Trigger.processingTime(Duration.ofHours(1))).sourceOnStageThread(sourceOnStageThread));
        final List<Path> files = checkpointFiles(checkpoints);
        for (final Path f : files.subList(1, files.size()))
        {
            Files.delete(f); // keep epoch 0 only: the crash lost the rest
        }
        try (EpochCutLog log = EpochCutLog.open(checkpoints))
        {
            log.reset();
            log.record(0, -1, EpochCutLog.EPOCH_END); // as a new pipeline logs its start
            log.record(1, idx[n - 2], EpochCutLog.EPOCH_END);
            log.record(2, idx[n - 1], EpochCutLog.EPOCH_END);
            log.record(3, idx[n - 1], EpochCutLog.STREAM_END);
        }

        final SlowEpochSink replay = new SlowEpochSink(0, 200);
        runToCompletion(updates(Sources.journal(input, ExactlyOnceJob.INPUT), replay, checkpoints,
            Trigger.processingTime(Duration.ofHours(1))).sourceOnStageThread(sourceOnStageThread));

        assertEquals(List.of(1L, 2L), replay.epochIds, "both logged epochs end again, each with its marker");
        try (EpochCutLog log = EpochCutLog.open(checkpoints))
        {
            final EpochCutLog.Cuts cuts = log.cutsAfter(0);
            assertArrayEquals(new long[]{idx[n - 2], idx[n - 1]}, cuts.positions(),
                "the log still says where epochs 1 and 2 ended");
            assertEquals(idx[n - 1], cuts.streamEnd());
        }
    }

    /**
     * A journaled publisher ends its stream (logged as STREAM_END) and the last checkpoints are lost in a crash. The
     * app starts again and appends more. The replay must end the stream where the run before ended it (what end of
     * stream emitted depends on that point; what the app appended since comes after the end), by itself, and emit
     * the same rows under the same sequence numbers. Before, the replay never ended an epoch again (the logged end
     * held every epoch back) and, in 2 of 3 runs, emitted other values under used sequence numbers.
     */
    @Test
    void shouldEndAJournaledPublishersReplayWhereTheLoggedStreamEnded() throws Exception
    {
        final Path dir = tmp.resolve("journaled");
        final Path checkpoints = tmp.resolve("ckpt-journaled");
        final LongField id = ExactlyOnceJob.INPUT.longField("id");
        final SymbolField key = ExactlyOnceJob.INPUT.symbolField("key");
        final LongField value = ExactlyOnceJob.INPUT.longField("value");
        final LongField ts = ExactlyOnceJob.INPUT.longField("ts");

        final ProcessingTimeCheckpointTest.SequencedSink first = new ProcessingTimeCheckpointTest.SequencedSink();
        try (JournaledPublisher in = Sources.journaled(dir, ExactlyOnceJob.INPUT);
             Pipeline p = updates(in, first, checkpoints, Trigger.processingTime(Duration.ofMillis(1))).start())
        {
            for (int i = 0; i < 2_000; i++)
            {
                final RecordFlyweight r = in.claim();
                r.setLong(id, i).setSymbol(key, "k" + (i % 10)).setLong(value, 1).setLong(ts, 1_700_000_000_000L + i);
                in.commit();
            }
            in.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            assertNull(p.failure());
        }
        final List<Path> files = checkpointFiles(checkpoints);
        // the last epoch's checkpoint and the final one never reached the disk
        Files.delete(files.get(files.size() - 1));
        Files.delete(files.get(files.size() - 2));

        final ProcessingTimeCheckpointTest.SequencedSink replay = new ProcessingTimeCheckpointTest.SequencedSink();
        try (JournaledPublisher in = Sources.journaled(dir, ExactlyOnceJob.INPUT);
             Pipeline p = updates(in, replay, checkpoints, Trigger.processingTime(Duration.ofMillis(1))).start())
        {
            for (int i = 2_000; i < 3_000; i++)
            {
                final RecordFlyweight r = in.claim();
                if (r == null)
                {
                    break; // the replay ended the stream already
                }
                r.setLong(id, i).setSymbol(key, "k" + (i % 10)).setLong(value, 1).setLong(ts, 1_700_000_000_000L + i);
                in.commit();
            }
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS), "the replay ends the stream where the run before did");
            assertNull(p.failure());
        }
        assertFalse(replay.sequences.isEmpty(), "the last epoch's rows come again");
        for (final long sequence : replay.sequences)
        {
            assertEquals(first.bySequence.get(sequence), replay.bySequence.get(sequence),
                "output " + sequence + " replayed with other values");
        }
    }

    /**
     * Writes an input, runs {@link #slowUpdates} under processingTime(1 ns) over it to the end, then deletes the
     * newest {@code lost} checkpoint files: a crash before they reached the disk, with the epochs they covered
     * logged and their rows out.
     *
     * @return the first run's outputs.
     */
    private static ProcessingTimeCheckpointTest.SequencedSink runThenLoseTheNewestCheckpoints(final Path input,
        final Path checkpoints, final int lost) throws IOException
    {
        ExactlyOnceJob.writeInput(input, 30_000, 40, 7);
        final ProcessingTimeCheckpointTest.SequencedSink first = new ProcessingTimeCheckpointTest.SequencedSink();
        runToCompletion(slowUpdates(input, first, checkpoints, Trigger.processingTime(Duration.ofNanos(1))));
        final List<Path> files = checkpointFiles(checkpoints);
        assertTrue(files.size() >= lost + 2, "enough epochs to lose some: " + first.epochIds + " " + files);
        for (final Path newest : files.subList(files.size() - lost, files.size()))
        {
            Files.delete(newest);
        }
        return first;
    }

    /**
     * A logged entry after the restored checkpoint whose CRC fails, followed by a valid entry, is corruption (a torn
     * write can only be the last entry). cutsAfter() used to stop there silently, and the replay ended that epoch by
     * time elsewhere, emitting other rows under the sequence numbers the first run used; it is refused now.
     */
    @Test
    void shouldRefuseADamagedEntryBeforeIntactOnes() throws IOException
    {
        final Path input = tmp.resolve("input-corrupt");
        final Path checkpoints = tmp.resolve("ckpt-corrupt");
        runThenLoseTheNewestCheckpoints(input, checkpoints, 4);
        final List<Path> kept = checkpointFiles(checkpoints);
        final String name = kept.get(kept.size() - 1).getFileName().toString();
        final long restored = Long.parseLong(name.substring("checkpoint-".length(), name.length() - ".ckpt".length()));
        // flip one bit of the position of the first entry after the restored checkpoint (bit rot, not a torn write:
        // the entries after it are intact)
        try (FileChannel ch = FileChannel.open(checkpoints.resolve(EpochCutLog.FILE_NAME), StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            final long at = Math.floorMod(restored + 1, EpochCutLog.SLOTS) * (long)EpochCutLog.ENTRY_BYTES + 8;
            final ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte)(b.get(0) ^ 1)).position(0);
            ch.write(b, at);
        }
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
            slowUpdates(input, new ProcessingTimeCheckpointTest.SequencedSink(), checkpoints,
                Trigger.processingTime(Duration.ofNanos(1))).build());
        assertTrue(refused.getMessage().contains("is damaged") &&
            refused.getMessage().contains("epoch " + (restored + 1)), refused.getMessage());
    }

    /**
     * After a crash, a rerun with another trigger used to delete the epoch-cuts log, though the epochs it logged had
     * already emitted their rows, and ended them elsewhere, emitting other rows under the same sequence numbers. The
     * trigger is part of the pipeline's shape now: another one is refused, the same one replays the logged epochs.
     */
    @Test
    void shouldRefuseAnotherTriggerAsAnotherPipelineAndReplayUnderTheSameOne() throws IOException
    {
        final Path input = tmp.resolve("input-trigger");
        final Path checkpoints = tmp.resolve("ckpt-trigger");
        final ProcessingTimeCheckpointTest.SequencedSink first = runThenLoseTheNewestCheckpoints(input, checkpoints, 4);
        // the trigger is part of the pipeline's shape: another one is another pipeline, both shapes shown
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
            slowUpdates(input, new ProcessingTimeCheckpointTest.SequencedSink(), checkpoints,
                Trigger.availableNow(1_000)).build());
        assertTrue(refused.getMessage().contains("another pipeline") &&
            refused.getMessage().contains("trigger: processingTime") &&
            refused.getMessage().contains("trigger: availableNow(1000)"), refused.getMessage());
        // the same trigger finishes the logged epochs with the same rows
        final ProcessingTimeCheckpointTest.SequencedSink replay = new ProcessingTimeCheckpointTest.SequencedSink();
        runToCompletion(slowUpdates(input, replay, checkpoints, Trigger.processingTime(Duration.ofMillis(50))));
        assertFalse(replay.sequences.isEmpty());
        for (final long sequence : replay.sequences)
        {
            assertEquals(first.bySequence.get(sequence), replay.bySequence.get(sequence),
                "output " + sequence + " replayed with other values");
        }
        // another trigger only by starting over, as for any change of the pipeline
        final ProcessingTimeCheckpointTest.SequencedSink fresh = new ProcessingTimeCheckpointTest.SequencedSink();
        runToCompletion(slowUpdates(input, fresh, checkpoints, Trigger.availableNow(1_000)).startFresh());
        // the old log's entries go with the old state (the new pipeline logs only where its stream ended)
        assertFalse(EpochCutLog.holds(checkpoints, 1), "the old log's entries go with the old state");
        assertTrue(EpochCutLog.streamEndAfter(checkpoints, 0).streamEnd() >= 0);
        assertFalse(fresh.sequences.isEmpty());
    }

    /**
     * The epoch log deleted or emptied after a crash (e.g. only the checkpoint files were backed up or moved): the
     * restored processingTime checkpoint's own entry is gone, so where the epochs after it ended is unknown. The
     * restart used to be accepted and ended those epochs by the clock again, re-emitting other values under used
     * sequence numbers; it is refused now, and startFresh() starts over.
     */
    @ParameterizedTest(name = "log emptied rather than deleted: {0}")
    @ValueSource(booleans = {false, true})
    void shouldRefuseACheckpointWhoseEpochLogIsGone(final boolean emptied) throws IOException
    {
        final Path input = tmp.resolve("input-gone-" + emptied);
        final Path checkpoints = tmp.resolve("ckpt-gone-" + emptied);
        runThenLoseTheNewestCheckpoints(input, checkpoints, 2);
        if (emptied)
        {
            Files.write(checkpoints.resolve(EpochCutLog.FILE_NAME), new byte[0]);
        }
        else
        {
            Files.delete(checkpoints.resolve(EpochCutLog.FILE_NAME));
        }
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
            slowUpdates(input, new ProcessingTimeCheckpointTest.SequencedSink(), checkpoints,
                Trigger.processingTime(Duration.ofNanos(1))).build());
        assertTrue(refused.getMessage().contains("has no entry for that epoch") &&
            refused.getMessage().contains("startFresh()"), refused.getMessage());
        final ProcessingTimeCheckpointTest.SequencedSink fresh = new ProcessingTimeCheckpointTest.SequencedSink();
        runToCompletion(slowUpdates(input, fresh, checkpoints, Trigger.processingTime(Duration.ofNanos(1)))
            .startFresh());
        assertFalse(fresh.sequences.isEmpty());
    }

    /**
     * Writes an input and runs the pipeline over it with an hour-long interval (so its only epoch is the one ended
     * before the end of stream, epoch 1, then the final 2), then deletes every checkpoint after epoch 0: a crash in
     * the pipeline's first epoch.
     */
    private static void runThenLoseEveryCheckpointAfterTheFirst(final Path input, final Path checkpoints)
        throws IOException
    {
        ExactlyOnceJob.writeInput(input, 4_000, 10, 7);
        runToCompletion(updates(Sources.journal(input, ExactlyOnceJob.INPUT), new SlowEpochSink(0, 0), checkpoints,
            Trigger.processingTime(Duration.ofHours(1))));
        final List<Path> files = checkpointFiles(checkpoints);
        for (final Path f : files.subList(1, files.size()))
        {
            Files.delete(f);
        }
    }

    /**
     * A crash in the pipeline's first epoch (checkpoint 0 on disk, epoch 1 logged and its rows out, checkpoint 1
     * lost), then the epoch log deleted. Epoch 0 had no entry of its own, so the missing log went unnoticed and the
     * restart ended epoch 1 by the clock, emitting other values under used sequence numbers. Epoch 0 is logged at
     * the pipeline's start now, so this is refused like a missing entry of any later epoch.
     */
    @Test
    void shouldRefuseCheckpointZeroWhoseEpochLogIsGone() throws IOException
    {
        final Path input = tmp.resolve("input-zero");
        final Path checkpoints = tmp.resolve("ckpt-zero");
        runThenLoseEveryCheckpointAfterTheFirst(input, checkpoints);
        Files.delete(checkpoints.resolve(EpochCutLog.FILE_NAME));
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
            updates(Sources.journal(input, ExactlyOnceJob.INPUT), new SlowEpochSink(0, 0), checkpoints,
                Trigger.processingTime(Duration.ofNanos(1))).build());
        assertTrue(refused.getMessage().contains("(epoch 0)") &&
            refused.getMessage().contains("has no entry for that epoch"), refused.getMessage());
    }

    /**
     * The journal ending before a logged epoch's last record fails the replay, and so does an empty one: an empty
     * journal used to end the stream at once, bypassing the check, and the final checkpoint overwrote epoch 1's
     * logged end.
     */
    @Test
    void shouldFailAReplayWhoseJournalWasEmptiedAfterALoggedEpoch() throws IOException
    {
        final Path input = tmp.resolve("input-empty");
        final Path checkpoints = tmp.resolve("ckpt-empty");
        runThenLoseEveryCheckpointAfterTheFirst(input, checkpoints); // the log still holds epoch 1 and the end
        try (Stream<Path> walk = Files.walk(input))
        {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        Journal.at(input).schema(ExactlyOnceJob.INPUT).open().close(); // rewritten: empty
        try (Pipeline p = updates(Sources.journal(input, ExactlyOnceJob.INPUT), new SlowEpochSink(0, 0), checkpoints,
            Trigger.processingTime(Duration.ofHours(1))).start())
        {
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS) || p.failure() != null);
            assertTrue(p.failure() != null && p.failure().getMessage().contains("rewritten"),
                "the replay must fail: the journal lost logged epoch 1's records; failure " + p.failure());
        }
        catch (final PipelineFailedException ex)
        {
            assertTrue(ex.getMessage().contains("rewritten"), ex.getMessage());
        }
        try (EpochCutLog log = EpochCutLog.open(checkpoints))
        {
            assertEquals(1, log.cutsAfter(0).positions().length, "epoch 1's logged end is kept");
        }
    }

    /**
     * Continuous and micro-batch UPDATE state differ in width (a dirty flag): switching between them over one
     * checkpoint directory failed deep in the restore ("state value width ... is 24, this operator needs 32"), and
     * startFresh() did not help, the fingerprint matching. The trigger is now part of the shape: refused as another
     * pipeline, and startFresh() starts over.
     */
    @Test
    void shouldRefuseSwitchingBetweenContinuousAndMicroBatchAsAnotherPipeline()
    {
        final Path input = tmp.resolve("input-switch");
        ExactlyOnceJob.writeInput(input, 2_000, 10, 7);
        final Path checkpoints = tmp.resolve("ckpt-switch");
        runToCompletion(updates(Sources.journal(input, ExactlyOnceJob.INPUT), new SlowEpochSink(0, 0), checkpoints,
            Trigger.continuous()));
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
            updates(Sources.journal(input, ExactlyOnceJob.INPUT), new SlowEpochSink(0, 0), checkpoints,
                Trigger.processingTime(Duration.ofMillis(10))).build());
        assertTrue(refused.getMessage().contains("another pipeline") && refused.getMessage().contains("startFresh"),
            refused.getMessage());
        runToCompletion(updates(Sources.journal(input, ExactlyOnceJob.INPUT), new SlowEpochSink(0, 0), checkpoints,
            Trigger.processingTime(Duration.ofMillis(10))).startFresh());
    }

    /**
     * A build that is refused (here: another pipeline's shape pointed at this checkpoint directory by mistake, with
     * the default continuous trigger) must leave the directory as it was. CheckpointCoordinator.recover used to
     * delete the epoch-cuts log before it even loaded the checkpoint, so the refused build destroyed the log and the
     * right pipeline, started next, replayed the lost epochs by the clock with other rows under used sequence
     * numbers.
     */
    @Test
    void shouldLeaveTheEpochLogAloneWhenABuildIsRefused() throws IOException
    {
        final Path input = tmp.resolve("input-refused");
        final Path checkpoints = tmp.resolve("ckpt-refused");
        final ProcessingTimeCheckpointTest.SequencedSink first = runThenLoseTheNewestCheckpoints(input, checkpoints, 4);
        final PipelineBuilder wrong = Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT))
            .withWatermark("ts", 50)
            .groupBy(WindowSpec.tumbling("ts", 60_000), "key").agg(Aggregate.count())
            .to(Sinks.collecting())
            .checkpointLocation(checkpoints);
        try
        {
            wrong.build().close();
            fail("another pipeline's checkpoint should be refused");
        }
        catch (final IllegalStateException expected)
        {
            assertTrue(expected.getMessage().contains("another pipeline"), expected.getMessage());
        }
        final boolean logSurvived = Files.exists(checkpoints.resolve(EpochCutLog.FILE_NAME));

        final ProcessingTimeCheckpointTest.SequencedSink replay = new ProcessingTimeCheckpointTest.SequencedSink();
        runToCompletion(slowUpdates(input, replay, checkpoints, Trigger.processingTime(Duration.ofNanos(1))));
        int differing = 0;
        for (final long sequence : replay.sequences)
        {
            if (!replay.bySequence.get(sequence).equals(first.bySequence.get(sequence)))
            {
                differing++;
            }
        }
        assertTrue(logSurvived && differing == 0, "the refused build deleted " + EpochCutLog.FILE_NAME + ": " +
            !logSurvived + "; outputs replayed with other values: " + differing + " of " + replay.sequences.size());
    }
}
