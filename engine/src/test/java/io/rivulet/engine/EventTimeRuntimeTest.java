package io.rivulet.engine;

import io.rivulet.operators.Expr;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventTimeRuntimeTest extends ThreadLeakCheck
{
    private static final Schema EVENTS = Schema.builder().int64("id").timestamp("ts").build();
    private static final LongField ID = EVENTS.longField("id");
    private static final LongField TS = EVENTS.longField("ts");

    @Test
    void shouldRejectASecondEventTimeDefinitionNamingBoth()
    {
        // before: accepted silently, and which watermark applied was anyone's guess
        final IllegalStateException twice = assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.rows(EVENTS, List.<Object[]>of())).withWatermark("ts", 500)
                .where(Expr.col("id").gt(0)).withWatermark("ts", 100));
        assertEquals("withWatermark(\"ts\", 100): event time is already defined upstream by " +
            "withWatermark(\"ts\", 500); a stream has one event-time definition (withWatermark, withProcessingTime " +
            "or withSourceWatermarks): remove one of the two calls", twice.getMessage());

        final IllegalStateException processing = assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.rows(EVENTS, List.<Object[]>of())).withWatermark("ts", 0)
                .withProcessingTime("ts"));
        assertTrue(processing.getMessage().startsWith("withProcessingTime(\"ts\"): event time is already defined " +
            "upstream by withWatermark(\"ts\", 0);"), processing.getMessage());

        final IllegalStateException published = assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.publisher(EVENTS)).withSourceWatermarks().withWatermark("ts", 0));
        assertTrue(published.getMessage().startsWith("withWatermark(\"ts\", 0): event time is already defined " +
            "upstream by withSourceWatermarks();"), published.getMessage());

        final IllegalStateException afterWindow = assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.rows(EVENTS, List.<Object[]>of())).withWatermark("ts", 0)
                .groupBy(WindowSpec.tumbling("ts", 1_000)).agg(Aggregate.count()).withWatermark("window_end", 0));
        assertTrue(afterWindow.getMessage().startsWith("withWatermark(\"window_end\", 0): event time is already " +
            "defined upstream by withWatermark(\"ts\", 0);"), afterWindow.getMessage());
    }

    /** Forwards both inputs unchanged: the simplest fan-in. */
    private static final class UnionOperator extends TwoInputOperator
    {
        private final Schema schema;

        UnionOperator(final Schema schema)
        {
            this.schema = schema;
        }

        @Override
        public Schema outputSchema()
        {
            return schema;
        }

        @Override
        public void onRecord(final int input, final RecordFlyweight record)
        {
            output().onRecord(record);
        }

        @Override
        public String describe()
        {
            return "union";
        }
    }

    private static Object[] event(final long id, final long ts)
    {
        return new Object[]{id, ts};
    }

    private static boolean waitFor(final java.util.function.BooleanSupplier condition, final long timeoutMs)
        throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline)
        {
            if (condition.getAsBoolean())
            {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    private Pipeline unionOfRowsAndSilentPublisher(final CollectingSink sink, final long idleTimeoutMs)
    {
        final RecordStream left = Pipeline.from(Sources.rows(EVENTS,
            event(1, 1_000), event(2, 1_500), event(3, 2_500), event(4, 3_500))).withWatermark("ts", 0);
        final RecordStream right = Pipeline.from(Sources.publisher(EVENTS)).withWatermark("ts", 0);
        return left.join(right, (l, r) -> new UnionOperator(l))
            .groupBy(WindowSpec.tumbling("ts", 1_000))
            .agg(Aggregate.count())
            .to(sink).name("union").idleTimeout(idleTimeoutMs).start();
    }

    @Test
    void shouldHoldEventTimeAtSilentInputAndSayWhich() throws InterruptedException
    {
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = unionOfRowsAndSilentPublisher(sink, 0))
        {
            final String expected = "no watermark emitted yet; input 0 (rows(4)) watermark 3499 ENDED; " +
                "input 1 (publisher) no watermark <- holds event time back";
            // the diagnosis is published on the stage's ticks: await it rather than sleep
            assertTrue(waitFor(() -> expected.equals(p.metrics().stages().get(0).eventTime()), 5_000),
                () -> p.metrics().stages().get(0).eventTime());
            final StageMetrics stage = p.metrics().stages().get(0);
            assertEquals(4, stage.recordsIn());
            assertTrue(sink.rows().isEmpty(), "no window may close while the silent input holds event time");
            assertFalse(stage.eventTime().contains("IDLE"), stage.eventTime());
        }
    }

    @Test
    void shouldHoldEventTimeWhenTheOnlyLiveInputGoesIdle() throws InterruptedException
    {
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = unionOfRowsAndSilentPublisher(sink, 50))
        {
            // the rows input ended at watermark 3499 and the publisher went idle: the publisher is alive and may
            // still send ts 1000, so event time holds (an ended input does not push it past an idle one)
            assertTrue(waitFor(() -> p.metrics().stages().get(0).eventTime().contains(
                "input 1 (publisher) no watermark IDLE"), 5_000), () -> p.metrics().stages().get(0).eventTime());
            assertTrue(p.metrics().stages().get(0).eventTime().startsWith("no watermark emitted yet"),
                p.metrics().stages().get(0).eventTime());
            assertTrue(p.metrics().stages().get(0).eventTime().endsWith(
                "; every live input idle: event time holds until one sends"), p.metrics().stages().get(0).eventTime());
            assertTrue(sink.rows().isEmpty(), () -> "rows: " + sink.rows());
        }
    }

    @Test
    void shouldCloseProcessingTimeWindowsOnTheClockWithoutFurtherRecords() throws InterruptedException
    {
        final PublisherSource source = Sources.publisher(EVENTS);
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(source)
            .withProcessingTime("ts")
            .groupBy(WindowSpec.tumbling("ts", 50))
            .agg(Aggregate.count())
            .to(sink).start())
        {
            for (int i = 0; i < 10; i++)
            {
                source.claim().setLong(ID, i).setLong(TS, 0);
                source.commit();
            }
            // no more records: only the stage's ticks can move processing time past the window's end
            assertTrue(waitFor(() -> sink.rows().stream().mapToLong(r -> (Long)r.get(2)).sum() == 10, 5_000),
                () -> "rows: " + sink.rows());
            for (final List<Object> row : sink.rows())
            {
                final long start = (Long)row.get(0);
                assertTrue(Math.abs(start - System.currentTimeMillis()) < 60_000, "processing-time window " + row);
            }
        }
    }

    /**
     * Left: a finite input ending at {@code leftEndTs}; right: a publisher sending 1000 (or 5000), pausing until
     * the stage marked it idle, then sending {@code resumeTs}, in order for it.
     */
    private void assertInOrderRecordAfterIdlenessIsNotLate(final long leftEndTs, final long firstTs,
        final long resumeTs) throws InterruptedException
    {
        final PublisherSource right = Sources.publisher(EVENTS);
        final CollectingSink sink = Sinks.collecting();
        final RecordStream left = Pipeline.from(Sources.rows(EVENTS, event(1, leftEndTs))).withWatermark("ts", 0);
        try (Pipeline p = left.join(Pipeline.from(right).withWatermark("ts", 0), (l, r) -> new UnionOperator(l))
            .groupBy(WindowSpec.tumbling("ts", 1_000))
            .agg(Aggregate.count())
            .to(sink).idleTimeout(50).start())
        {
            assertTrue(waitFor(() -> p.metrics().stages().get(0).eventTime().contains("ENDED"), 5_000));
            right.claim().setLong(ID, 2).setLong(TS, firstTs);
            right.commit();
            final String idle = "input 1 (publisher) watermark " + (firstTs - 1) + " IDLE";
            assertTrue(waitFor(() -> p.metrics().stages().get(0).eventTime().contains(idle), 5_000),
                () -> p.metrics().stages().get(0).eventTime());
            right.claim().setLong(ID, 3).setLong(TS, resumeTs);
            right.commit();
            right.endOfStream();
            assertTrue(p.awaitCompletion(5, TimeUnit.SECONDS));
            assertEquals(0, p.metrics().stages().get(0).lateRecordsDropped());
        }
        final java.util.Set<List<Long>> expected = new java.util.HashSet<>();
        for (final long ts : new long[]{leftEndTs, firstTs, resumeTs})
        {
            final long start = ts / 1_000 * 1_000;
            final long count = java.util.stream.LongStream.of(leftEndTs, firstTs, resumeTs)
                .filter(t -> t / 1_000 * 1_000 == start).count();
            expected.add(List.of(start, start + 1_000, count));
        }
        assertEquals(expected, java.util.Set.copyOf(sink.rows()));
    }

    @Test
    void shouldNotDropInOrderRecordAfterIdlenessWhenTheEndedInputIsAhead() throws InterruptedException
    {
        assertInOrderRecordAfterIdlenessIsNotLate(10_000, 1_000, 1_500);
    }

    @Test
    void shouldNotDropInOrderRecordAfterIdlenessWhenTheEndedInputIsBehind() throws InterruptedException
    {
        assertInOrderRecordAfterIdlenessIsNotLate(1_000, 5_000, 6_000);
    }

    @Test
    void shouldKeepAnInputThatSendsOnlyHeartbeatsFromGoingIdle() throws InterruptedException
    {
        final PublisherSource left = Sources.publisher(EVENTS);
        final PublisherSource right = Sources.publisher(EVENTS);
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(left).withWatermark("ts", 0)
            .join(Pipeline.from(right).withWatermark("ts", 0), (l, r) -> new UnionOperator(l))
            .groupBy(WindowSpec.tumbling("ts", 1_000))
            .agg(Aggregate.count())
            .to(sink).idleTimeout(200).start()) // 40 heartbeat periods: robust to a stalled test thread
        {
            left.claim().setLong(ID, 1).setLong(TS, 1_000);
            left.commit();
            right.claim().setLong(ID, 2).setLong(TS, 5_000);
            right.commit();
            // left sends only heartbeats from now on, right nothing: right goes idle, left must not
            final long deadlineMs = System.currentTimeMillis() + 5_000;
            while (!p.metrics().stages().get(0).eventTime().contains("input 1 (publisher) watermark 4999 IDLE") &&
                System.currentTimeMillis() < deadlineMs)
            {
                left.publishWatermark(999);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing
            }
            final String eventTime = p.metrics().stages().get(0).eventTime();
            assertTrue(eventTime.contains("input 1 (publisher) watermark 4999 IDLE"), eventTime);
            assertFalse(eventTime.contains("input 0 (publisher) watermark 999 IDLE"), eventTime);
            assertTrue(sink.rows().isEmpty(), () -> "the heartbeating input holds event time: " + sink.rows());

            left.claim().setLong(ID, 3).setLong(TS, 1_500); // in order for the left input
            left.commit();
            left.endOfStream();
            right.endOfStream();
            assertTrue(p.awaitCompletion(5, TimeUnit.SECONDS));
            assertEquals(0, p.metrics().stages().get(0).lateRecordsDropped());
        }
        assertEquals(java.util.Set.of(List.of(1_000L, 2_000L, 2L), List.of(5_000L, 6_000L, 1L)),
            java.util.Set.copyOf(sink.rows()));
    }

    @Test
    void shouldKeepClosingProcessingTimeWindowsWhenJoinInputsSendNothing() throws InterruptedException
    {
        final PublisherSource left = Sources.publisher(EVENTS);
        final PublisherSource right = Sources.publisher(EVENTS);
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(left).withProcessingTime("ts")
            .join(Pipeline.from(right).withProcessingTime("ts"), (l, r) -> new UnionOperator(l))
            .groupBy(WindowSpec.tumbling("ts", 50))
            .agg(Aggregate.count())
            .to(sink).idleTimeout(20).start())
        {
            for (int i = 0; i < 10; i++)
            {
                left.claim().setLong(ID, i).setLong(TS, 0);
                left.commit();
            }
            // no more records on either input: the inputs' processing-time watermarks advance on ticks, which is
            // progress, not idleness, so event time follows the clock and the windows close
            assertTrue(waitFor(() -> sink.rows().stream().mapToLong(r -> (Long)r.get(2)).sum() == 10, 5_000),
                () -> "rows: " + sink.rows() + "; " + p.metrics().stages().get(0).eventTime());
            final long laterMs = System.currentTimeMillis() + 100; // 5 idle timeouts from now
            assertTrue(waitFor(() -> p.metrics().stages().get(0).watermarkMs() >= laterMs, 5_000),
                () -> "event time must keep following the clock: " + p.metrics().stages().get(0).eventTime());
            assertFalse(p.metrics().stages().get(0).eventTime().contains("IDLE"),
                p.metrics().stages().get(0).eventTime());
        }
    }

    @Test
    void shouldNeverLetPublishedWatermarksGoBackwardsThroughStatefulOperators()
    {
        final PublisherSource source = Sources.publisher(EVENTS);
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(source)
            .withSourceWatermarks() // the publisher's watermarks drive event time
            .groupBy(WindowSpec.tumbling("ts", 1_000))
            .agg(Aggregate.count())
            .async()
            .to(sink).start())
        {
            source.claim().setLong(ID, 1).setLong(TS, 1_500);
            source.commit();
            source.publishWatermark(2_000);
            source.publishWatermark(2_000); // a heartbeat repeats
            source.publishWatermark(500);   // a regression
            source.publishWatermark(3_000);
            source.endOfStream();
            assertTrue(p.awaitCompletion(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of(2_000L, 3_000L), sink.watermarks(), "through the window and the next stage");
        assertEquals(List.of(List.of(1_000L, 2_000L, 1L)), sink.rows());
    }

    @Test
    void shouldKeepTickingOperatorsAfterTheJoinOnceLeftInputEnded() throws InterruptedException
    {
        final PublisherSource right = Sources.publisher(EVENTS);
        final CollectingSink sink = Sinks.collecting();
        final RecordStream left = Pipeline.from(Sources.rows(EVENTS, event(1, 0)));
        try (Pipeline p = left.join(Pipeline.from(right), (l, r) -> new UnionOperator(l))
            .withProcessingTime("ts")
            .groupBy(WindowSpec.tumbling("ts", 50))
            .agg(Aggregate.count())
            .to(sink).idleTimeout(0).start())
        {
            assertTrue(waitFor(() -> p.metrics().stages().get(0).eventTime().contains("ENDED"), 5_000));
            for (int i = 0; i < 10; i++)
            {
                right.claim().setLong(ID, i).setLong(TS, 0);
                right.commit();
            }
            // only ticks can close the processing-time windows of these records: none follow them
            assertTrue(waitFor(() -> sink.rows().stream().mapToLong(r -> (Long)r.get(2)).sum() == 11, 5_000),
                () -> "rows: " + sink.rows());
        }
    }
}
