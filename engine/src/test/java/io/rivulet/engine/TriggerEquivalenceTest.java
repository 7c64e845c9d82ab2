package io.rivulet.engine;

import io.rivulet.engine.samples.SequencePatternDetector;
import io.rivulet.operators.Expr;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same pipeline definitions under every trigger (continuous, processingTime, availableNow(n), once) over the
 * same journal: micro-batch results agree with continuous ones, UPDATE emits a changed (key, window) at most once
 * per epoch, the sink sees each epoch's end once and in order, and availableNow/once complete by themselves.
 */
class TriggerEquivalenceTest extends ThreadLeakCheck
{
    private static final int RECORDS = 30_000;
    private static final int KEYS = 40;
    private static final int EPOCH_RECORDS = 1_000;

    @TempDir
    static Path tmp;
    private static Path input;

    @BeforeAll
    static void writeInput()
    {
        input = tmp.resolve("input");
        ExactlyOnceJob.writeInput(input, RECORDS, KEYS, 42);
    }

    private static List<Trigger> microBatchTriggers()
    {
        return List.of(Trigger.processingTime(Duration.ofMillis(20)), Trigger.processingTime(Duration.ofNanos(1)),
            Trigger.availableNow(EPOCH_RECORDS), Trigger.once());
    }

    /** Rows with the number of epoch ends the sink had seen before each; epoch ids in arrival order. */
    static final class EpochSink implements Sink
    {
        final List<List<Object>> rows = new ArrayList<>();
        final List<Integer> rowEpochs = new ArrayList<>();
        final List<Long> epochIds = new ArrayList<>();
        /** The epoch argument of {@link Sink#onRecord(RecordFlyweight, long, long)} for each row. */
        final List<Long> rowEpochTags = new ArrayList<>();
        private Field[] fields;

        @Override
        public synchronized void onRecord(final RecordFlyweight record, final long epoch, final long sequence)
        {
            rowEpochTags.add(epoch);
            onRecord(record);
        }

        @Override
        public void open(final Schema schema)
        {
            fields = schema.fields().toArray(new Field[0]);
        }

        @Override
        public synchronized void onRecord(final RecordFlyweight record)
        {
            final Object[] row = new Object[fields.length];
            for (int i = 0; i < fields.length; i++)
            {
                row[i] = record.getValue(fields[i]);
            }
            rows.add(Arrays.asList(row));
            rowEpochs.add(epochIds.size());
        }

        @Override
        public synchronized void onEpoch(final long epochId)
        {
            epochIds.add(epochId);
        }
    }

    private static EpochSink run(final Trigger trigger, final BiFunction<RecordStream, EpochSink, PipelineBuilder> def)
    {
        final EpochSink sink = new EpochSink();
        final JournalSource source = Sources.journal(input, ExactlyOnceJob.INPUT);
        if (trigger.isAvailableNow())
        {
            source.tailing(); // availableNow/once still stop at the entry that was last at start
        }
        try (Pipeline p = def.apply(Pipeline.from(source), sink).trigger(trigger).start())
        {
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS), trigger + " did not complete");
        }
        return sink;
    }

    private static EpochSink runContinuous(final BiFunction<RecordStream, EpochSink, PipelineBuilder> def)
    {
        final EpochSink sink = new EpochSink();
        try (Pipeline p = def.apply(Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT)), sink).start())
        {
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), sink.epochIds, "continuous mode ends no epochs");
        return sink;
    }

    private static BiFunction<RecordStream, EpochSink, PipelineBuilder> windowed(final WindowSpec window,
        final OutputMode mode)
    {
        return (from, sink) -> from.withWatermark("ts", 50)
            .groupBy(window, "key")
            .outputMode(mode)
            .agg(Aggregate.count(), Aggregate.sum("value"))
            .to(sink);
    }

    @Test
    void shouldEmitTheSameLastRowPerKeyAndWindowInUpdateModeUnderEveryTrigger()
    {
        for (final WindowSpec window : List.of(WindowSpec.tumbling("ts", 100), WindowSpec.sliding("ts", 200, 50)))
        {
            final BiFunction<RecordStream, EpochSink, PipelineBuilder> def = windowed(window, OutputMode.UPDATE);
            final EpochSink continuous = runContinuous(def);
            final Map<List<Object>, List<Object>> expected = lastPerKeyAndWindow(continuous.rows);
            assertTrue(continuous.rows.size() > expected.size(), "continuous UPDATE emits per record");
            for (final Trigger trigger : microBatchTriggers())
            {
                final EpochSink batch = run(trigger, def);
                assertEquals(expected, lastPerKeyAndWindow(batch.rows), window + " under " + trigger);
                assertAtMostOncePerEpoch(batch, window + " under " + trigger);
                assertEpochsInOrder(batch, trigger);
                assertTrue(batch.rows.size() < continuous.rows.size(), trigger + " emitted " + batch.rows.size() +
                    " rows, continuous " + continuous.rows.size());
            }
        }
    }

    @Test
    void shouldEndEverySessionWithItsFinalRowInUpdateModeUnderEveryTrigger()
    {
        // sessions merge: continuous UPDATE also emits sessions a later record merged away, which an epoch may
        // never show. What every trigger agrees on: each session that exists at the end (an APPEND row) was last
        // emitted with its final value
        final WindowSpec session = WindowSpec.session("ts", 20);
        final List<List<Object>> finalSessions = runContinuous(windowed(session, OutputMode.APPEND)).rows;
        final BiFunction<RecordStream, EpochSink, PipelineBuilder> def = windowed(session, OutputMode.UPDATE);
        final List<Trigger> triggers = new ArrayList<>(microBatchTriggers());
        triggers.add(Trigger.continuous());
        for (final Trigger trigger : triggers)
        {
            final Map<List<Object>, List<Object>> last = lastPerKeyAndWindow(run(trigger, def).rows);
            for (final List<Object> row : finalSessions)
            {
                assertEquals(row, last.get(row.subList(0, 3)), "session " + row + " under " + trigger);
            }
        }
    }

    @Test
    void shouldEmitIdenticalAppendRowsUnderEveryTrigger()
    {
        for (final WindowSpec window : List.of(WindowSpec.tumbling("ts", 100), WindowSpec.sliding("ts", 200, 50),
            WindowSpec.session("ts", 20)))
        {
            final BiFunction<RecordStream, EpochSink, PipelineBuilder> def = windowed(window, OutputMode.APPEND);
            final EpochSink continuous = runContinuous(def);
            assertFalse(continuous.rows.isEmpty());
            for (final Trigger trigger : microBatchTriggers())
            {
                final EpochSink batch = run(trigger, def);
                assertSameMultiset(continuous.rows, batch.rows, window + " under " + trigger);
                if (!window.toString().startsWith("session"))
                {
                    // windows fire in the order of their ends in every mode; rows within one firing are in table order
                    assertEquals(column(continuous.rows, 1), column(batch.rows, 1), window + " under " + trigger);
                }
                assertAtMostOncePerEpoch(batch, window + " under " + trigger);
                assertEpochsInOrder(batch, trigger);
            }
        }
    }

    @Test
    void shouldEmitTheSameRowsFromDedupAndKeyedProcessUnderEveryTrigger()
    {
        final BiFunction<RecordStream, EpochSink, PipelineBuilder> def = (from, sink) -> from
            .withWatermark("ts", 50)
            .dropDuplicates("ts", 2_000, "id")
            .select(Expr.col("key"), Expr.col("value"), Expr.col("ts"))
            .processByKey(new String[]{"key"}, SequencePatternDetector.STATE, SequencePatternDetector.OUTPUT,
                new SequencePatternDetector(500))
            .to(sink);
        final EpochSink continuous = runContinuous(def);
        assertFalse(continuous.rows.isEmpty());
        for (final Trigger trigger : microBatchTriggers())
        {
            final EpochSink batch = run(trigger, def);
            assertSameMultiset(continuous.rows, batch.rows, "dedup -> processByKey under " + trigger);
            assertEquals(byKeyInOrder(continuous.rows), byKeyInOrder(batch.rows), "per-key order under " + trigger);
            assertEpochsInOrder(batch, trigger);
        }
    }

    @Test
    void shouldEndOneEpochPerRecordsPerEpochAndOneForOnce()
    {
        final BiFunction<RecordStream, EpochSink, PipelineBuilder> def = windowed(WindowSpec.tumbling("ts", 100),
            OutputMode.UPDATE);
        final EpochSink byCount = run(Trigger.availableNow(EPOCH_RECORDS), def);
        assertEquals(RECORDS / EPOCH_RECORDS, byCount.epochIds.size());
        final EpochSink remainder = run(Trigger.availableNow(7_000), def);
        assertEquals(5, remainder.epochIds.size(), "4 full epochs and the rest");
        final EpochSink once = run(Trigger.once(), def);
        assertEquals(List.of(1L), once.epochIds);
        // every row of a single epoch comes before its end, except what end of stream fires afterwards
        assertTrue(once.rowEpochs.stream().allMatch(e -> e <= 1));
    }

    @Test
    void shouldTellTheSinkEachRowsEpochWithoutCheckpoints()
    {
        final BiFunction<RecordStream, EpochSink, PipelineBuilder> def = windowed(WindowSpec.tumbling("ts", 100),
            OutputMode.UPDATE);
        for (final Trigger trigger : microBatchTriggers())
        {
            final EpochSink sink = run(trigger, def);
            assertFalse(sink.epochIds.isEmpty(), trigger.toString());
            final long last = sink.epochIds.get(sink.epochIds.size() - 1);
            for (int i = 0; i < sink.rows.size(); i++)
            {
                // the epoch whose end follows the row; rows end of stream fires after the last end: the next id
                final int ended = sink.rowEpochs.get(i);
                final long expected = ended < sink.epochIds.size() ? sink.epochIds.get(ended) : last + 1;
                assertEquals(expected, sink.rowEpochTags.get(i), "row " + i + " under " + trigger);
            }
        }
        assertTrue(runContinuous(def).rowEpochTags.stream().allMatch(e -> e == 0), "continuous mode: epoch 0");
    }

    @Test
    void shouldCheckpointAtAvailableNowEpochsAndProduceTheContinuousOutput()
    {
        final BiFunction<RecordStream, EpochSink, PipelineBuilder> def = windowed(WindowSpec.tumbling("ts", 100),
            OutputMode.APPEND);
        final EpochSink continuous = runContinuous(def);
        final EpochSink sink = new EpochSink();
        final Path checkpoints = tmp.resolve("checkpoints-" + System.nanoTime());
        final PipelineBuilder builder = def.apply(Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT)), sink)
            .trigger(Trigger.availableNow(5_000)).checkpointLocation(checkpoints)
            .checkpointInterval(Duration.ofMillis(1)); // not used: the trigger's epochs are the barriers
        final long written;
        try (Pipeline p = builder.start())
        {
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            written = p.checkpointMetrics().checkpointsWritten();
        }
        assertSameMultiset(continuous.rows, sink.rows, "availableNow + checkpoints");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), sink.epochIds, "checkpoint epochs are the trigger's epochs");
        assertTrue(written >= 2 && written <= 8, "epoch 0, one per epoch and the end of stream's, written before " +
            "close: " + written);
    }

    @Test
    void shouldForwardEachEpochOnceThroughAJoin()
    {
        final Schema orders = Schema.builder().symbol("sym", 4).int64("orderId").timestamp("ts").build();
        final Schema fills = Schema.builder().symbol("sym", 4).int64("fillId").timestamp("ts").build();
        final java.util.Random random = new java.util.Random(7);
        final List<Object[]> left = new ArrayList<>();
        final List<Object[]> right = new ArrayList<>();
        final String[] syms = {"AA", "BB", "CC"};
        for (int i = 0; i < 3_000; i++)
        {
            left.add(new Object[]{syms[random.nextInt(3)], (long)i, 10_000L + i * 10L});
            right.add(new Object[]{syms[random.nextInt(3)], (long)i, 10_000L + i * 10L + random.nextInt(40)});
        }
        Map<List<Object>, Integer> expected = null;
        for (final Trigger trigger : List.of(Trigger.continuous(), Trigger.processingTime(Duration.ofMillis(2)),
            Trigger.availableNow(500), Trigger.once()))
        {
            final EpochSink sink = new EpochSink();
            final RecordStream joined = Pipeline.from(Sources.rows(orders, left)).withWatermark("ts", 0)
                .intervalJoin(Pipeline.from(Sources.rows(fills, right)).withWatermark("ts", 100),
                    new String[]{"sym"}, "ts", 0, 50);
            try (Pipeline p = joined.to(sink).trigger(trigger).start())
            {
                assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS), trigger + " did not complete");
            }
            // no record is late (each side is in order within its delay): every trigger joins the same pairs
            if (expected == null)
            {
                expected = counts(sink.rows);
                assertTrue(expected.size() > 500);
                continue;
            }
            assertEquals(expected, counts(sink.rows), "join under " + trigger);
            assertEpochsInOrder(sink, trigger);
            if (trigger.isAvailableNow())
            {
                // both sources end epochs 1..6 (500 records each); the fan-in forwards each id once
                assertEquals(trigger.recordsPerEpoch() == 500 ? 6 : 1, sink.epochIds.size(), trigger.toString());
            }
        }
    }

    @Test
    void shouldReportProgressPerEpoch()
    {
        final List<Long> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Pipeline p = windowed(WindowSpec.tumbling("ts", 100), OutputMode.UPDATE)
            .apply(Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT)), new EpochSink())
            .trigger(Trigger.availableNow(5_000)).progressInterval(600_000).build();
        p.addProgressListener(progress -> reported.add(progress.epochId()));
        try (p)
        {
            p.start();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
        }
        final List<Long> epochs = new ArrayList<>();
        for (final long epoch : reported)
        {
            if (epoch >= 0)
            {
                epochs.add(epoch);
            }
        }
        // one report per epoch, at its end; reports of epochs that end faster than a report is made coalesce
        assertFalse(epochs.isEmpty(), reported::toString);
        assertEquals(6L, epochs.get(epochs.size() - 1), reported::toString);
        for (int i = 1; i < epochs.size(); i++)
        {
            assertTrue(epochs.get(i) > epochs.get(i - 1), reported::toString);
        }
    }

    @Test
    void shouldRefuseBadTriggerArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> Trigger.processingTime(null));
        assertThrows(IllegalArgumentException.class, () -> Trigger.processingTime(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Trigger.processingTime(Duration.ofMillis(-5)));
        assertThrows(IllegalArgumentException.class, () -> Trigger.availableNow(0));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Trigger.availableNow(-1));
        assertTrue(ex.getMessage().contains("once()"), ex.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT)).to(Sinks.collecting()).trigger(null));
        assertTrue(Trigger.processingTime(ChronoUnitMax.DURATION).intervalNs() > 0, "a huge interval saturates");
    }

    /** A duration beyond Long.MAX_VALUE nanoseconds. */
    private static final class ChronoUnitMax
    {
        static final Duration DURATION = Duration.ofDays(365L * 1_000);
    }

    private static Map<List<Object>, List<Object>> lastPerKeyAndWindow(final List<List<Object>> rows)
    {
        final Map<List<Object>, List<Object>> last = new HashMap<>();
        for (final List<Object> row : rows)
        {
            last.put(row.subList(0, 3), row); // window start, window end, key
        }
        return last;
    }

    private static void assertAtMostOncePerEpoch(final EpochSink sink, final String what)
    {
        final Set<List<Object>> seen = new HashSet<>();
        int epoch = -1;
        for (int i = 0; i < sink.rows.size(); i++)
        {
            if (sink.rowEpochs.get(i) != epoch)
            {
                epoch = sink.rowEpochs.get(i);
                seen.clear();
            }
            assertTrue(seen.add(sink.rows.get(i).subList(0, 3)), what + ": " + sink.rows.get(i) +
                " twice in epoch " + epoch);
        }
    }

    private static void assertEpochsInOrder(final EpochSink sink, final Trigger trigger)
    {
        assertFalse(sink.epochIds.isEmpty(), trigger + " ended no epoch");
        if (trigger.isProcessingTime() && trigger.intervalNs() == 1)
        {
            // an interval far below the stage's 10 ms tick still ends epochs: one per poll with input, and the
            // input (more records than a ring holds) takes several polls
            assertTrue(sink.epochIds.size() > 1, trigger + ": epochs " + sink.epochIds);
        }
        for (int i = 0; i < sink.epochIds.size(); i++)
        {
            assertEquals(i + 1L, sink.epochIds.get(i), trigger + ": epochs " + sink.epochIds);
        }
    }

    private static void assertSameMultiset(final List<List<Object>> expected, final List<List<Object>> actual,
        final String what)
    {
        assertEquals(counts(expected), counts(actual), what);
    }

    private static Map<List<Object>, Integer> counts(final List<List<Object>> rows)
    {
        final Map<List<Object>, Integer> counts = new HashMap<>();
        for (final List<Object> row : rows)
        {
            counts.merge(row, 1, Integer::sum);
        }
        return counts;
    }

    private static List<Object> column(final List<List<Object>> rows, final int column)
    {
        final List<Object> values = new ArrayList<>();
        for (final List<Object> row : rows)
        {
            values.add(row.get(column));
        }
        return values;
    }

    private static Map<Object, List<List<Object>>> byKeyInOrder(final List<List<Object>> rows)
    {
        final Map<Object, List<List<Object>>> byKey = new HashMap<>();
        for (final List<Object> row : rows)
        {
            byKey.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row);
        }
        return byKey;
    }
}
