package io.rivulet.engine;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static io.rivulet.operators.Expr.col;
import static io.rivulet.operators.window.Aggregate.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lifecycle edges: close from a callback, single-use builders and streams, release of operators and sinks on
 * completion, failed builds and close, and calls in the wrong state.
 */
class PipelineCloseTest extends ThreadLeakCheck
{
    private static final Schema IDS = Schema.builder().int64("id").int64("value").timestamp("ts").build();
    private static final LongField ID = IDS.longField("id");
    private static final LongField VALUE = IDS.longField("value");
    private static final LongField TS = IDS.longField("ts");

    private static Source unbounded()
    {
        return Sources.generator(IDS, 0, Long.MAX_VALUE, (i, r) -> r.setLong(ID, i));
    }

    private static Source rows(final int n)
    {
        final Object[][] rows = new Object[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new Object[]{(long)i, (long)i, 1_000L + i};
        }
        return Sources.rows(IDS, rows);
    }

    /** A sink counting records and its close() calls. */
    private static class CountingSink implements Sink
    {
        final AtomicLong records = new AtomicLong();
        final AtomicInteger closes = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            records.incrementAndGet();
        }

        @Override
        public void close()
        {
            closes.incrementAndGet();
            closed.countDown();
        }
    }

    /** A pass-through operator counting open() and close(), optionally refusing to open. */
    private static final class TrackedOperator extends Operator
    {
        final Schema schema;
        final boolean failOpen;
        final AtomicInteger opens = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        TrackedOperator(final Schema schema, final boolean failOpen)
        {
            this.schema = schema;
            this.failOpen = failOpen;
        }

        @Override
        public Schema outputSchema()
        {
            return schema;
        }

        @Override
        public void open(final Output output)
        {
            opens.incrementAndGet();
            if (failOpen)
            {
                throw new IllegalStateException("cannot open");
            }
            super.open(output);
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            output().onRecord(record);
        }

        @Override
        public void close()
        {
            closes.incrementAndGet();
        }

        @Override
        public String describe()
        {
            return "tracked";
        }
    }

    /**
     * A window firing or an epoch's flush emits many rows inside one call; a sink that closes the pipeline in the
     * middle of them gets none after that (it used to get the rest of the firing or of the epoch).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("triggers")
    void shouldDeliverNoRowOfAFiringAfterTheSinkClosedThePipeline(final String name, final OutputMode mode,
        final Trigger trigger) throws Exception
    {
        final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
        final AtomicLong delivered = new AtomicLong();
        final long closeAt = 10;
        final CountingSink sink = new CountingSink()
        {
            @Override
            public void onRecord(final RecordFlyweight record)
            {
                if (delivered.incrementAndGet() == closeAt)
                {
                    pipeline.get().close();
                }
            }
        };
        // 5,000 keys per 1 s window: each firing (or epoch flush) emits thousands of rows in one call
        final Source source = Sources.generator(IDS, 0, 2_000_000, (i, r) ->
            r.setLong(ID, i % 5_000).setLong(VALUE, i).setLong(TS, 1_000_000 + i / 10));
        final Pipeline p = Pipeline.from(source).withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "id").outputMode(mode).agg(Aggregate.count())
            .to(sink).trigger(trigger).name("close-in-firing").build();
        pipeline.set(p);
        p.start();
        assertTrue(sink.closed.await(30, TimeUnit.SECONDS), "the last thread out did not close the sink");
        assertEquals(closeAt, delivered.get(), "rows delivered after close()");
        p.close();
    }

    static Stream<Arguments> triggers()
    {
        return Stream.of(
            Arguments.of("append, continuous", OutputMode.APPEND, Trigger.continuous()),
            Arguments.of("append, processingTime", OutputMode.APPEND, Trigger.processingTime(Duration.ofMillis(10))),
            Arguments.of("update, processingTime", OutputMode.UPDATE, Trigger.processingTime(Duration.ofMillis(10))),
            Arguments.of("update, availableNow", OutputMode.UPDATE, Trigger.availableNow(100_000)));
    }

    @Test
    void shouldStopWithoutLivelockWhenSinkCallsClose() throws Exception
    {
        final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
        final CountDownLatch closeReturned = new CountDownLatch(1);
        final AtomicLong delivered = new AtomicLong();
        final CountingSink sink = new CountingSink()
        {
            @Override
            public void onRecord(final RecordFlyweight record)
            {
                if (delivered.incrementAndGet() == 5)
                {
                    pipeline.get().close(); // on the stage thread: must request the stop and return
                    closeReturned.countDown();
                }
            }
        };
        final Pipeline p = Pipeline.from(unbounded()).where(col("id").ge(0)).to(sink).name("self-close").build();
        pipeline.set(p);
        p.start();

        assertTrue(closeReturned.await(10, TimeUnit.SECONDS), "close() from the sink did not return");
        assertTrue(sink.closed.await(10, TimeUnit.SECONDS), "the last thread out did not close the sink");
        assertEquals(5, delivered.get(), "records were delivered after close()");
        assertEquals(5, p.metrics().sinkRecords()); // not blocked by the close
        assertThrows(PipelineClosedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
        p.close(); // from outside: joins, nothing left to release
        assertEquals(1, sink.closes.get());
    }

    @Test
    void shouldStopWhenProcessFunctionCallsClose() throws Exception
    {
        final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
        final CountDownLatch closeReturned = new CountDownLatch(1);
        final Pipeline p = Pipeline.from(unbounded())
            .filter(r ->
            {
                if (r.getLong(ID) == 100)
                {
                    pipeline.get().close();
                    closeReturned.countDown();
                }
                return true;
            })
            .async()
            .to(Sinks.discard()).build();
        pipeline.set(p);
        p.start();
        assertTrue(closeReturned.await(10, TimeUnit.SECONDS), "close() from a callback did not return");
        assertThrows(PipelineClosedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
        p.close();
    }

    @Test
    void shouldRejectAwaitCompletionFromOwnThread() throws Exception
    {
        final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch called = new CountDownLatch(1);
        try (Pipeline p = Pipeline.from(rows(3)).to(r ->
        {
            if (called.getCount() > 0)
            {
                try
                {
                    pipeline.get().awaitCompletion(10, TimeUnit.SECONDS);
                }
                catch (final Throwable t)
                {
                    error.set(t);
                }
                called.countDown();
            }
        }).build())
        {
            pipeline.set(p);
            p.start();
            assertTrue(called.await(5, TimeUnit.SECONDS), "awaitCompletion on the stage thread waited for itself");
            assertInstanceOf(IllegalStateException.class, error.get());
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRejectSecondBuildFromOneBuilderWithoutRewiringTheFirst()
    {
        final CountingSink sink = new CountingSink();
        final PipelineBuilder builder = Pipeline.from(rows(100)).where(col("id").ge(0)).to(sink);
        try (Pipeline first = builder.build())
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, builder::build);
            assertTrue(ex.getMessage().contains("already built pipeline"), ex.getMessage());
            first.start();
            assertTrue(first.awaitCompletion(10, TimeUnit.SECONDS), "the first pipeline was rewired");
            assertEquals(100, sink.records.get());
        }
    }

    @Test
    void shouldRejectFanOutFromOneStream()
    {
        final RecordStream stream = Pipeline.from(rows(1));
        final RecordStream evens = stream.where(col("id").ge(0));
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> stream.where(col("id").lt(0)));
        assertTrue(ex.getMessage().contains("single use"), ex.getMessage());
        assertThrows(IllegalStateException.class, () -> stream.to(Sinks.discard()));
        assertThrows(IllegalStateException.class, stream::async);
        final GroupedStream grouped = Pipeline.from(rows(1)).withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 100));
        grouped.agg(count());
        assertThrows(IllegalStateException.class, () -> grouped.agg(count()));
        // the stream the call returned goes on
        try (Pipeline p = evens.to(Sinks.discard()).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldReleaseOperatorsAndSinkWhenStreamCompletesBeforeClose() throws Exception
    {
        final TrackedOperator op = new TrackedOperator(IDS, false);
        final CountingSink sink = new CountingSink();
        final Pipeline p = Pipeline.from(rows(10)).process(schema -> op).to(sink).start();
        assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        // released by the last stage thread out, before awaitCompletion returned
        assertEquals(1, op.closes.get());
        assertEquals(1, sink.closes.get());
        assertEquals(10, p.metrics().sinkRecords()); // metrics stay readable after the release
        p.close();
        p.close();
        assertEquals(1, op.closes.get());
        assertEquals(1, sink.closes.get());
    }

    @Test
    void shouldCloseWhatWasOpenedWhenBuildFails()
    {
        final TrackedOperator opened = new TrackedOperator(IDS, false);
        final TrackedOperator refuses = new TrackedOperator(IDS, true);
        final CountingSink sink = new CountingSink();
        final PipelineBuilder builder = Pipeline.from(rows(1)).process(s -> refuses).process(s -> opened).to(sink);
        assertThrows(IllegalStateException.class, builder::build);
        assertEquals(1, opened.opens.get());
        assertEquals(1, opened.closes.get(), "an opened operator leaked");
        assertEquals(1, sink.closes.get());
    }

    @Test
    void shouldOpenNothingWhenSourceIsAlreadyUsed()
    {
        final Source source = rows(1);
        try (Pipeline first = Pipeline.from(source).to(Sinks.discard()).build())
        {
            final TrackedOperator op = new TrackedOperator(IDS, false);
            final CountingSink sink = new CountingSink();
            final PipelineBuilder second = Pipeline.from(source).process(s -> op).to(sink);
            final IllegalStateException ex = assertThrows(IllegalStateException.class, second::build);
            assertTrue(ex.getMessage().contains("already used"), ex.getMessage());
            assertEquals(0, op.opens.get());
            assertEquals(1, sink.closes.get()); // to(sink) opened it
        }
    }

    @Test
    void shouldCloseLateDataSinkWhenTheSinkRejectsTheSchemaAndOnRelease() throws Exception
    {
        final CountingSink late = new CountingSink();
        final Sink wrongSchema = Sinks.callback(IDS, r -> { });
        final RecordStream grouped = Pipeline.from(rows(1)).withWatermark("ts", 0);
        final RecordStream counted = grouped.groupBy(WindowSpec.tumbling("ts", 100)).lateData(late).agg(count());
        assertThrows(SchemaException.class, () -> counted.to(wrongSchema));
        assertEquals(1, late.closes.get());

        final CountingSink late2 = new CountingSink();
        try (Pipeline p = Pipeline.from(rows(5)).withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 100)).lateData(late2).agg(count()).to(Sinks.discard()).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(1, late2.closes.get());
        }
        assertEquals(1, late2.closes.get());
    }

    @Test
    void shouldRejectAwaitCompletionBeforeStart()
    {
        try (Pipeline p = Pipeline.from(rows(1)).to(Sinks.discard()).build())
        {
            final IllegalStateException ex =
                assertThrows(IllegalStateException.class, () -> p.awaitCompletion(1, TimeUnit.MINUTES));
            assertTrue(ex.getMessage().contains("not started"), ex.getMessage());
        }
    }

    @Test
    void shouldTellTimeoutAndCloseApart() throws Exception
    {
        final Pipeline p = Pipeline.from(unbounded()).to(Sinks.discard()).start();
        assertFalse(p.awaitCompletion(50, TimeUnit.MILLISECONDS));
        p.close();
        final PipelineClosedException ex =
            assertThrows(PipelineClosedException.class, () -> p.awaitCompletion(1, TimeUnit.SECONDS));
        assertTrue(ex.getMessage().contains("closed before its stream completed"), ex.getMessage());
        assertNull(p.failure());
    }

    @Test
    void shouldReturnFalseAndKeepInterruptWhenAwaitingThreadIsInterrupted() throws Exception
    {
        try (Pipeline p = Pipeline.from(unbounded()).to(Sinks.discard()).start())
        {
            final AtomicReference<Boolean> result = new AtomicReference<>();
            final AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
            final CountDownLatch waiting = new CountDownLatch(1);
            final Thread waiter = new Thread(() ->
            {
                waiting.countDown();
                result.set(p.awaitCompletion(60, TimeUnit.SECONDS));
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }, "test-waiter");
            waiter.start();
            waiting.await();
            waiter.interrupt();
            waiter.join(10_000);
            assertFalse(waiter.isAlive());
            assertEquals(Boolean.FALSE, result.get());
            assertEquals(Boolean.TRUE, interruptedAfter.get());
        }
    }

    @Test
    void shouldCloseFromAnInterruptedThread()
    {
        final Pipeline p = Pipeline.from(unbounded()).to(Sinks.discard()).start();
        Thread.currentThread().interrupt();
        try
        {
            p.close(); // must still join the threads (ThreadLeakCheck) rather than loop on the interrupt
            assertTrue(Thread.currentThread().isInterrupted());
        }
        finally
        {
            Thread.interrupted();
        }
    }

    @Test
    void shouldRefuseStartAfterCloseAndReleaseWhenClosedBeforeStart()
    {
        final TrackedOperator op = new TrackedOperator(IDS, false);
        final CountingSink sink = new CountingSink();
        final Pipeline p = Pipeline.from(rows(1)).process(s -> op).to(sink).build();
        assertEquals(1, op.opens.get());
        p.close();
        assertEquals(1, op.closes.get());
        assertEquals(1, sink.closes.get());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, p::start);
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
        assertEquals(0, p.metrics().sinkRecords());
    }

    @Test
    void shouldReportSinkCloseFailureOnceAndStillCloseTheRest()
    {
        final TrackedOperator op = new TrackedOperator(IDS, false);
        final CountingSink late = new CountingSink();
        final Pipeline p = Pipeline.from(unbounded()).process(s -> op).withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 100)).lateData(late).agg(count())
            .to(new Sink()
            {
                @Override
                public void onRecord(final RecordFlyweight record)
                {
                }

                @Override
                public void close()
                {
                    throw new IllegalStateException("flush failed");
                }
            }).start();
        final PipelineFailedException ex = assertThrows(PipelineFailedException.class, p::close);
        assertEquals("flush failed", ex.getCause().getMessage());
        assertEquals(1, op.closes.get());
        assertEquals(1, late.closes.get());
        p.close(); // reported once
    }

    @Test
    void shouldRejectPublishingAfterCompletionInsteadOfBlocking()
    {
        final PublisherSource source = Sources.publisher(IDS);
        try (Pipeline p = Pipeline.from(source).to(Sinks.discard()).ringCapacity(4).start())
        {
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            for (int i = 0; i < 8; i++) // more than the ring holds: each must fail at once, none may block
            {
                final IllegalStateException ex = assertThrows(IllegalStateException.class, source::claim);
                assertTrue(ex.getMessage().contains("after endOfStream()"), ex.getMessage());
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void shouldGiveUpOnASourceThatIgnoresStopAndReleaseWhenItExits() throws InterruptedException
    {
        final java.util.concurrent.atomic.AtomicBoolean letGo = new java.util.concurrent.atomic.AtomicBoolean();
        final CountDownLatch received = new CountDownLatch(1);
        final AtomicInteger sinkCloses = new AtomicInteger();
        final Source deaf = Sources.feed(IDS, "deaf", ctx ->
        {
            ctx.claim().setLong(ID, 1);
            ctx.commit();
            while (!letGo.get()) // ignores isStopping() and interrupts alike
            {
                Thread.onSpinWait();
            }
        });
        final Pipeline p = Pipeline.from(deaf).to(new Sink()
        {
            @Override
            public void onRecord(final RecordFlyweight record)
            {
                received.countDown();
            }

            @Override
            public void close()
            {
                sinkCloses.incrementAndGet();
            }
        }).start();
        assertTrue(received.await(10, TimeUnit.SECONDS));
        p.runtime().closeTimeout(300);

        final IllegalStateException ex = assertThrows(IllegalStateException.class, p::close);
        assertTrue(ex.getMessage().startsWith("Pipeline 'pipeline': thread rivulet-pipeline-source-0 did not stop " +
            "within 300 ms of close()"), ex.getMessage());
        assertEquals(0, sinkCloses.get(), "nothing is released under a thread that may still run");
        assertThrows(PipelineClosedException.class, () -> p.awaitCompletion(1, TimeUnit.SECONDS));

        letGo.set(true);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sinkCloses.get() == 0 && System.nanoTime() < deadlineNs)
        {
            Thread.onSpinWait(); // the last thread out releases
        }
        assertEquals(1, sinkCloses.get());
        p.close(); // idempotent afterwards
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void shouldNotDeliverAnEndOfStreamNorCompleteAfterACloseFromTheSink() throws InterruptedException
    {
        final PublisherSource source = Sources.publisher(IDS);
        final CountDownLatch endPublished = new CountDownLatch(1);
        final AtomicInteger endsSeen = new AtomicInteger();
        final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
        final Pipeline p = Pipeline.from(source).to(new Sink()
        {
            @Override
            public void onRecord(final RecordFlyweight record)
            {
                try
                {
                    endPublished.await(); // the end of stream now waits in the ring behind this record
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                pipeline.get().close();
            }

            @Override
            public void onEndOfStream()
            {
                endsSeen.incrementAndGet();
            }
        }).build();
        pipeline.set(p);
        p.start();
        source.claim().setLong(ID, 1);
        source.commit();
        source.endOfStream();
        endPublished.countDown();
        assertThrows(PipelineClosedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
        assertFalse(p.isCompleted());
        assertEquals(0, endsSeen.get(), "nothing after the record that closed it, markers included");
        p.close();
    }

    /**
     * A callback blocked in an interruptible wait that turns close()'s interrupt into an exception: the pipeline
     * was closed, not failed, however the exception says it (with the interrupt as its cause, by restoring the flag
     * and throwing, as a CancellationException), and under ErrorPolicy.skip the record is not dead-lettered. It used
     * to report the exception as the pipeline's failure, with an error counted.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}, skip policy {1}")
    @org.junit.jupiter.params.provider.CsvSource({"chained, false", "flag, false", "cancelled, false",
        "flag, true"})
    @org.junit.jupiter.api.Timeout(30)
    void shouldReportACloseThatInterruptedABlockedCallbackAsClosedNotFailed(final String how, final boolean skip)
        throws InterruptedException
    {
        final PublisherSource source = Sources.publisher(IDS);
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch never = new CountDownLatch(1);
        final AtomicInteger deadLetters = new AtomicInteger();
        final PipelineBuilder builder = Pipeline.from(source).filter(record ->
        {
            blocked.countDown();
            try
            {
                never.await();
            }
            catch (final InterruptedException ex)
            {
                switch (how)
                {
                    case "chained" -> throw new IllegalStateException("interrupted", ex);
                    case "flag" ->
                    {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("stopped");
                    }
                    default -> throw new java.util.concurrent.CancellationException("cancelled");
                }
            }
            return true;
        }).to(record -> { });
        if (skip)
        {
            builder.onRecordError(ErrorPolicy.skip((stage, record, error) -> deadLetters.incrementAndGet()));
        }
        final Pipeline p = builder.start();
        source.claim().setLong(ID, 1);
        source.commit();
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        p.close(); // interrupts the stage thread after a second
        assertEquals(null, p.failure());
        assertThrows(PipelineClosedException.class, () -> p.awaitCompletion(1, TimeUnit.SECONDS));
        assertEquals(0, p.metrics().errors());
        assertEquals(0, deadLetters.get(), "a record the close interrupted is not bad data");
    }
}
