package io.rivulet.engine;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorPolicyTest extends ThreadLeakCheck
{
    private static final Schema IDS = Schema.builder().int64("id").int64("value").build();
    private static final LongField ID = IDS.longField("id");
    private static final Schema DOUBLED = Schema.builder().int64("id").int64("twice").build();
    private static final LongField DOUBLED_ID = DOUBLED.longField("id");

    private static Source rows(final int n)
    {
        final Object[][] rows = new Object[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new Object[]{(long)i, (long)i};
        }
        return Sources.rows(IDS, rows);
    }

    /** Copies what it gets: the record is valid only during the call. */
    private static final class CollectingDeadLetters implements DeadLetterSink
    {
        final List<String> letters = new ArrayList<>();
        int closes;

        @Override
        public synchronized void onDeadLetter(final String stageName, final io.rivulet.ringbuffer.RecordFlyweight record,
            final Throwable error)
        {
            letters.add(stageName + " " + record.schema().fields().size() + " columns id=" + record.getLong(ID) +
                " " + error.getMessage());
        }

        @Override
        public synchronized void close()
        {
            closes++;
        }

        synchronized List<String> letters()
        {
            return List.copyOf(letters);
        }
    }

    @Test
    void shouldSkipFailingRecordsToDeadLetterSinkWithTheStageInputRecord()
    {
        final CollectingDeadLetters deadLetters = new CollectingDeadLetters();
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(rows(10))
            .select(col("id"), col("value").times(col("value")).as("twice"))    // schema changes before the failure
            .filter(r ->
            {
                if (r.getLong(DOUBLED_ID) % 4 == 3)
                {
                    throw new IllegalArgumentException("bad " + r.getLong(DOUBLED_ID));
                }
                return true;
            })
            .to(sink).name("skipping").onRecordError(ErrorPolicy.skip(deadLetters)).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(8, sink.rows().size());
            assertEquals(List.of(
                "rivulet-skipping-stage-0 2 columns id=3 bad 3",
                "rivulet-skipping-stage-0 2 columns id=7 bad 7"), deadLetters.letters());
            assertEquals(2, p.metrics().stages().get(0).recordsSkipped());
            assertEquals(0, p.metrics().errors());
            assertEquals(1, deadLetters.closes);
        }
    }

    @Test
    void shouldFailOnFirstRecordErrorByDefault()
    {
        try (Pipeline p = Pipeline.from(rows(10))
            .filter(r ->
            {
                throw new IllegalArgumentException("bad " + r.getLong(ID));
            })
            .to(Sinks.discard()).start())
        {
            final PipelineFailedException ex =
                assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals("bad 0", ex.getCause().getMessage());
            assertEquals(0, p.metrics().stages().get(0).recordsSkipped());
        }
    }

    @Test
    void shouldFailWhenTheSinkThrowsEvenUnderSkip()
    {
        final CollectingDeadLetters deadLetters = new CollectingDeadLetters();
        try (Pipeline p = Pipeline.from(rows(10)).where(col("id").ge(0))
            .to(r ->
            {
                throw new IllegalStateException("sink down");
            })
            .onRecordError(ErrorPolicy.skip(deadLetters)).start())
        {
            final PipelineFailedException ex =
                assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, ex.getCause());
            assertEquals("sink down", ex.getCause().getMessage());
            assertEquals(List.of(), deadLetters.letters());
        }
    }

    @Test
    void shouldFailWhenTheDeadLetterSinkThrows()
    {
        try (Pipeline p = Pipeline.from(rows(10))
            .filter(r ->
            {
                throw new IllegalArgumentException("bad record");
            })
            .async()
            .to(Sinks.discard())
            .onRecordError(ErrorPolicy.skip((stage, record, error) ->
            {
                throw new IllegalStateException("dead letters down");
            })).start())
        {
            final PipelineFailedException ex =
                assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals("dead letters down", ex.getCause().getMessage());
            assertEquals("bad record", ex.getCause().getSuppressed()[0].getMessage());
        }
    }

    @Test
    void shouldRejectSkipWithoutDeadLetterSink()
    {
        assertThrows(IllegalArgumentException.class, () -> ErrorPolicy.skip(null));
        final PipelineBuilder builder = Pipeline.from(rows(1)).to(Sinks.discard());
        assertThrows(IllegalArgumentException.class, () -> builder.onRecordError(null)); // at once, not at build()
        builder.build().close();
    }

    private static final Schema TS = Schema.builder().symbol("k", 4).int64("v").timestamp("ts").build();

    @Test
    void shouldFailRatherThanSkipARecordThatLeftAWindowHalfUpdated()
    {
        final CollectingDeadLetters deadLetters = new CollectingDeadLetters();
        final CollectingSink sink = Sinks.collecting();
        // the second record overflows sum(v) after count() already took it: skipping it would leave count=3
        try (Pipeline p = Pipeline.from(Sources.rows(TS, new Object[]{"A", Long.MAX_VALUE - 1, 1L},
                new Object[]{"A", 5L, 5L}, new Object[]{"A", -10L, 10L}))
            .withWatermark("ts", 0)
            .groupBy(io.rivulet.operators.window.WindowSpec.tumbling("ts", 1000), "k")
            .agg(io.rivulet.operators.window.Aggregate.count(), io.rivulet.operators.window.Aggregate.sum("v"))
            .to(sink).onRecordError(ErrorPolicy.skip(deadLetters)).start())
        {
            final PipelineFailedException ex =
                assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            final io.rivulet.operators.OperatorStateException state =
                assertInstanceOf(io.rivulet.operators.OperatorStateException.class, ex.getCause());
            assertTrue(state.getMessage().startsWith("window aggregation: sum_v failed on a record after its " +
                "window's state took part of it"), state.getMessage());
            assertInstanceOf(ArithmeticException.class, state.getCause());
            assertEquals(List.of(), deadLetters.letters());
            assertEquals(List.of(), sink.rows());
        }
    }

    @Test
    void shouldFailRatherThanBlameTheCurrentRecordWhenARowOfAClosedWindowFailsDownstream()
    {
        final CollectingDeadLetters deadLetters = new CollectingDeadLetters();
        final CollectingSink sink = Sinks.collecting();
        final RecordStream windows = Pipeline.from(Sources.rows(TS, new Object[]{"BAD", 1L, 100L},
                new Object[]{"A", 2L, 200L}, new Object[]{"A", 3L, 1500L}, new Object[]{"A", 4L, 2500L}))
            .withWatermark("ts", 0)
            .groupBy(io.rivulet.operators.window.WindowSpec.tumbling("ts", 1000), "k")
            .agg(io.rivulet.operators.window.Aggregate.count());
        final io.rivulet.ringbuffer.SymbolField key = windows.schema().symbolField("k");
        try (Pipeline p = windows
            .filter(r ->
            {
                if (r.symbolEquals(key, "BAD"))
                {
                    throw new IllegalArgumentException("bad window row");
                }
                return true;
            })
            .to(sink).onRecordError(ErrorPolicy.skip(deadLetters)).start())
        {
            final PipelineFailedException ex =
                assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            final io.rivulet.operators.OperatorStateException state =
                assertInstanceOf(io.rivulet.operators.OperatorStateException.class, ex.getCause());
            assertTrue(state.getMessage().contains("emitting the rows of closed windows failed"), state.getMessage());
            assertEquals("bad window row", state.getCause().getMessage());
            assertEquals(List.of(), deadLetters.letters(), "the record passing by did not cause it");
        }
    }

    @Test
    void shouldFailWithTheOriginalErrorWhenTheDeadLetterSinkRethrowsIt()
    {
        final IllegalArgumentException bad = new IllegalArgumentException("bad record");
        try (Pipeline p = Pipeline.from(rows(3))
            .filter(r ->
            {
                throw bad;
            })
            .to(Sinks.discard())
            .onRecordError(ErrorPolicy.skip((stage, record, error) ->
            {
                throw (RuntimeException)error; // a dead-letter sink that gives up
            }))
            .start())
        {
            final PipelineFailedException ex =
                assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(bad, ex.getCause()); // not "Self-suppression not permitted"
        }
    }
}
