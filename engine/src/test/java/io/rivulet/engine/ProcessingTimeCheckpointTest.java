package io.rivulet.engine;

import io.rivulet.journal.EpochCutLog;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Trigger#processingTime} with {@link PipelineBuilder#checkpointLocation}: each epoch is a checkpoint,
 * where the wall clock ended it is logged before its marker leaves the source, and a recovery ends the epochs the
 * restored checkpoint does not cover at the same records again, so a replay emits the same rows under the same
 * sequence numbers (what an output journal's deduplication relies on).
 */
class ProcessingTimeCheckpointTest extends ThreadLeakCheck
{
    private static final int RECORDS = 30_000;
    private static final int KEYS = 40;

    @TempDir
    static Path tmp;
    private static Path input;

    @BeforeAll
    static void writeInput()
    {
        input = tmp.resolve("input");
        ExactlyOnceJob.writeInput(input, RECORDS, KEYS, 7);
    }

    /** Every output with its sequence number and epoch, and the epoch ends, in arrival order. */
    static final class SequencedSink implements Sink
    {
        final Map<Long, List<Object>> bySequence = new HashMap<>();
        final List<Long> sequences = new ArrayList<>();
        final List<Long> epochIds = new ArrayList<>();
        private Field[] fields;

        @Override
        public void open(final Schema schema)
        {
            fields = schema.fields().toArray(new Field[0]);
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            throw new AssertionError("the engine gives every sink the sequenced call");
        }

        @Override
        public synchronized void onRecord(final RecordFlyweight record, final long epoch, final long sequence)
        {
            final Object[] row = new Object[fields.length];
            for (int i = 0; i < fields.length; i++)
            {
                row[i] = record.getValue(fields[i]);
            }
            bySequence.put(sequence, Arrays.asList(row));
            sequences.add(sequence);
        }

        @Override
        public synchronized void onEpoch(final long epochId)
        {
            epochIds.add(epochId);
        }
    }

    /**
     * Keyed UPDATE count + max over one long window: a row's values depend on where its epoch ended. A slow stage
     * (25 us a record, 0.75 s a run) makes a run span many epochs however fast checkpoints are written: an epoch
     * ends at a poll once the one before is checkpointed. A slow sink did not: it gets at most one row per key
     * an epoch, and a fast run ended in 2 epochs.
     */
    private static PipelineBuilder updates(final Sink sink, final Path checkpoints, final int retained)
    {
        return Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT))
            .filter(ProcessingTimeCheckpointTest::afterAWhile)
            .withWatermark("ts", 50)
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count(), Aggregate.max("id"))
            .to(sink)
            .trigger(Trigger.processingTime(Duration.ofNanos(1))) // an epoch at every poll a checkpoint allows
            .checkpointLocation(checkpoints).checkpointsRetained(retained);
    }

    private static boolean afterAWhile(final RecordFlyweight record)
    {
        final long until = System.nanoTime() + 25_000;
        while (System.nanoTime() - until < 0)
        {
            Thread.onSpinWait();
        }
        return true;
    }

    private static SequencedSink run(final PipelineBuilder builder, final SequencedSink sink)
    {
        try (Pipeline p = builder.start())
        {
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS), "did not complete");
            assertEquals(null, p.failure());
        }
        return sink;
    }

    @Test
    void shouldMakeEachEpochACheckpointAndLogWhereItEnded()
    {
        final Path checkpoints = tmp.resolve("each-epoch");
        final SequencedSink sink = new SequencedSink();
        run(updates(sink, checkpoints, 3), sink);
        final List<Long> epochs = sink.epochIds;
        assertTrue(epochs.size() >= 3, "the slow stage spans several epochs: " + epochs);
        for (int i = 0; i < epochs.size(); i++)
        {
            assertEquals(i + 1L, epochs.get(i), "epoch ids are the checkpoint epochs 1, 2, 3, ...: " + epochs);
        }
        try (EpochCutLog log = EpochCutLog.open(checkpoints))
        {
            final EpochCutLog.Cuts logged = log.cutsAfter(0);
            final long[] cuts = logged.positions();
            assertEquals(cuts[cuts.length - 1], logged.streamEnd(),
                "the last epoch ends at the last record, and the stream right after it");
            assertEquals(epochs.size(), cuts.length, "one logged end per epoch: " + Arrays.toString(cuts));
            for (int i = 1; i < cuts.length; i++)
            {
                assertTrue(cuts[i] > cuts[i - 1], "epochs end at increasing journal indices: " +
                    Arrays.toString(cuts));
            }
        }
        // every record counted once: each key's last row holds its number of records
        final Map<Object, Long> lastCount = new HashMap<>();
        for (final long sequence : sink.sequences)
        {
            final List<Object> row = sink.bySequence.get(sequence);
            lastCount.put(row.get(2), (Long)row.get(3));
        }
        assertEquals(RECORDS, lastCount.values().stream().mapToLong(Long::longValue).sum());
    }

    /**
     * The records after the last epoch the clock ended end one more epoch before the end of stream, as without
     * checkpoints and under availableNow: the sink gets onEpoch after their rows (a sink writing a batch per epoch
     * lost the last one). Before, those rows left at end of stream with no onEpoch.
     */
    @ParameterizedTest(name = "source on the stage thread: {0}")
    @ValueSource(booleans = {false, true})
    void shouldEndALastEpochBeforeTheEndOfStream(final boolean sourceOnStageThread)
    {
        final SequencedSink sink = new SequencedSink();
        final AtomicInteger rowsAfterLastEpoch = new AtomicInteger();
        final Sink counting = new Sink()
        {
            @Override
            public void open(final Schema schema)
            {
                sink.open(schema);
            }

            @Override
            public void onRecord(final RecordFlyweight record)
            {
                throw new AssertionError("the engine gives every sink the sequenced call");
            }

            @Override
            public void onRecord(final RecordFlyweight record, final long epoch, final long sequence)
            {
                sink.onRecord(record, epoch, sequence);
                rowsAfterLastEpoch.incrementAndGet();
            }

            @Override
            public void onEpoch(final long epochId)
            {
                sink.onEpoch(epochId);
                rowsAfterLastEpoch.set(0);
            }
        };
        final PipelineBuilder builder = Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT))
            .withWatermark("ts", 50)
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count(), Aggregate.max("id"))
            .to(counting)
            .trigger(Trigger.processingTime(Duration.ofHours(1))) // the clock ends no epoch in this run
            .checkpointLocation(tmp.resolve("last-epoch-" + sourceOnStageThread))
            .sourceOnStageThread(sourceOnStageThread);
        run(builder, sink);
        assertEquals(List.of(1L), sink.epochIds, "one epoch: the records before the end");
        assertEquals(KEYS, sink.sequences.size(), "one row per key");
        assertEquals(0, rowsAfterLastEpoch.get(), "every row before the epoch's end");
    }

    @ParameterizedTest(name = "source on the stage thread: {0}")
    @ValueSource(booleans = {false, true})
    void shouldReplayTheLoggedEpochsWithTheSameRowsAfterACrash(final boolean sourceOnStageThread) throws IOException
    {
        final Path checkpoints = tmp.resolve("replay-" + sourceOnStageThread);
        final SequencedSink first = new SequencedSink();
        run(updates(first, checkpoints, 10).sourceOnStageThread(sourceOnStageThread), first);
        assertTrue(first.epochIds.size() >= 5, "enough epochs to lose some: " + first.epochIds);

        // a kill -9 right after the last epochs' rows were emitted and before their checkpoints were written:
        // the newest checkpoints (the end of stream's and the last three epochs') never reached the disk
        final List<Path> files;
        try (Stream<Path> list = Files.list(checkpoints))
        {
            files = list.filter(f -> f.getFileName().toString().endsWith(".ckpt")).sorted().toList();
        }
        assertTrue(files.size() >= 5, files::toString);
        for (final Path newest : files.subList(files.size() - 4, files.size()))
        {
            Files.delete(newest);
        }
        final SequencedSink replay = new SequencedSink();
        run(updates(replay, checkpoints, 10).sourceOnStageThread(sourceOnStageThread), replay);

        assertFalse(replay.sequences.isEmpty());
        for (final long sequence : replay.sequences)
        {
            assertEquals(first.bySequence.get(sequence), replay.bySequence.get(sequence),
                "output " + sequence + " replayed with other values");
        }
        assertEquals(first.sequences.subList(first.sequences.size() - replay.sequences.size(),
            first.sequences.size()), replay.sequences, "the replay continues the numbering where the checkpoint was");
        final long lastEpoch = first.epochIds.get(first.epochIds.size() - 1);
        assertEquals(List.of(lastEpoch - 2, lastEpoch - 1, lastEpoch), replay.epochIds.subList(0, 3),
            "the three lost epochs end again, at their logged records");
    }
}
