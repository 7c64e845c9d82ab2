package io.rivulet.engine;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineLifecycleTest extends ThreadLeakCheck
{
    private static final Schema IDS = Schema.builder().int64("id").int64("value").build();
    private static final LongField ID = IDS.longField("id");
    private static final LongField VALUE = IDS.longField("value");

    @ParameterizedTest
    @EnumSource(WaitMode.class)
    void shouldDeliverEveryPublishedRecordInOrderForEachWaitMode(final WaitMode waitMode)
    {
        final PublisherSource source = Sources.publisher(IDS);
        final AtomicLong expected = new AtomicLong();
        final AtomicReference<String> error = new AtomicReference<>();
        try (Pipeline p = Pipeline.from(source)
            .where(col("value").ge(0))
            .to(r ->
            {
                if (r.getLong(ID) != expected.getAndIncrement() && error.get() == null)
                {
                    error.set("got " + r.getLong(ID) + " expected " + (expected.get() - 1));
                }
            })
            .waitMode(waitMode).ringCapacity(256).start())
        {
            final int n = 300_000;
            for (int i = 0; i < n; i++)
            {
                final RecordFlyweight r = source.claim();
                r.setLong(ID, i).setLong(VALUE, i);
                source.commit();
            }
            source.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            assertNull(error.get());
            assertEquals(n, expected.get());
            assertEquals(n, p.metrics().sinkRecords());
        }
    }

    @Test
    void shouldThrowAtOnceWhenAwaitCompletionIsCalledFromASinkAfterClose() throws InterruptedException
    {
        final AtomicReference<Pipeline> self = new AtomicReference<>();
        final AtomicReference<Throwable> fromCallback = new AtomicReference<>();
        final CountDownLatch returned = new CountDownLatch(1);
        final PublisherSource source = Sources.publisher(IDS);
        final Pipeline p = Pipeline.from(source).to(r -> {
            self.get().close(); // from a pipeline thread: requests the stop and returns
            try
            {
                self.get().awaitCompletion(Long.MAX_VALUE, TimeUnit.NANOSECONDS); // documented: throws at once
            }
            catch (final RuntimeException ex)
            {
                fromCallback.set(ex);
            }
            returned.countDown();
        }).name("await-in-sink").progressInterval(100).build();
        self.set(p);
        p.start();
        source.claim().setLong(ID, 1);
        source.commit();
        // it used to wait for the final progress report, which needs this very thread to exit
        final boolean done = returned.await(30, TimeUnit.SECONDS);
        p.close();
        assertTrue(done, "the sink callback was stuck in awaitCompletion");
        assertInstanceOf(IllegalStateException.class, fromCallback.get());
    }

    @Test
    void shouldNotWaitForeverForTheFinalReportOfAFailedPipelineWhoseSourceIsStuck() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final Source stuck = Sources.feed(IDS, "stuck", ctx -> {
            ctx.claim().setLong(ID, 1);
            ctx.commit();
            while (release.getCount() > 0) // ignores the stop and swallows interrupts: user code gone wrong
            {
                try
                {
                    release.await();
                }
                catch (final InterruptedException ignored)
                {
                    // keep waiting
                }
            }
        });
        final Pipeline p = Pipeline.from(stuck).to(r -> {
            throw new IllegalStateException("sink fails");
        }).name("stuck-source").progressInterval(100).start();
        final java.util.concurrent.CompletableFuture<Throwable> waiter =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try
                {
                    p.awaitCompletion(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                    return null;
                }
                catch (final RuntimeException ex)
                {
                    return ex;
                }
            });
        try
        {
            // a bound far above the 1 s it waits for a stopped pipeline's final report; it used to wait forever
            assertInstanceOf(PipelineFailedException.class, waiter.get(30, TimeUnit.SECONDS));
        }
        finally
        {
            release.countDown();
            p.close();
        }
    }

    @Test
    void shouldNotSuppressAFailureInItselfWhenAClosingPartRethrowsIt()
    {
        // e.g. a checkpoint directory that cannot be written: the coordinator's close rethrows the failure it kept
        final IllegalStateException failure = new IllegalStateException("cannot write the checkpoint");
        assertEquals(0, PhysicalPlan.closeQuietly(failure, () -> { throw failure; }).getSuppressed().length);
        assertEquals(0, PhysicalPlan.closeQuietly(failure,
            () -> { throw new IllegalStateException("closing failed", failure); }).getSuppressed().length);
        final IllegalStateException other = new IllegalStateException("another");
        assertEquals(List.of(other), List.of(PhysicalPlan.closeQuietly(failure, () -> { throw other; })
            .getSuppressed()));
    }

    @Test
    void shouldBackPressurePublisherWithSlowSinkAndLoseNothing() throws Exception
    {
        final PublisherSource source = Sources.publisher(IDS);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong sum = new AtomicLong();
        final AtomicLong count = new AtomicLong();
        try (Pipeline p = Pipeline.from(source)
            .to(r ->
            {
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                sum.addAndGet(r.getLong(VALUE));
                count.incrementAndGet();
            })
            .ringCapacity(16).start())
        {
            final AtomicLong published = new AtomicLong();
            final int n = 10_000;
            final Thread publisher = new Thread(() ->
            {
                for (int i = 0; i < n; i++)
                {
                    source.claim().setLong(ID, i).setLong(VALUE, i);
                    source.commit();
                    published.incrementAndGet();
                }
                source.endOfStream();
            }, "test-publisher");
            publisher.start();

            Thread.sleep(300);
            // the sink holds one record; the ring holds 16 more; the publisher must be waiting, not dropping
            assertTrue(published.get() <= 17, "published " + published.get() + " into a stalled pipeline");
            assertTrue(publisher.isAlive());
            assertEquals(16, p.metrics().stages().get(0).inputBacklog());

            release.countDown();
            publisher.join(30_000);
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            assertEquals(n, count.get());
            assertEquals((long)n * (n - 1) / 2, sum.get());
        }
    }

    @Test
    void shouldStopUnboundedPipelineOnCloseWithoutLeakingThreads()
    {
        final Pipeline p = Pipeline.from(Sources.generator(IDS, 0, Long.MAX_VALUE, (i, r) -> r.setLong(ID, i)))
            .where(col("id").ge(0))
            .async()
            .to(Sinks.discard())
            .name("unbounded").start();
        assertFalse(p.awaitCompletion(200, TimeUnit.MILLISECONDS));
        assertTrue(p.metrics().sinkRecords() > 0);
        p.close();
        p.close();
        assertFalse(p.isCompleted());
        assertNull(p.failure());
        // ThreadLeakCheck asserts the stage and source threads are gone
    }

    @Test
    void shouldReleaseBlockedPublisherWhenPipelineFails() throws Exception
    {
        final PublisherSource source = Sources.publisher(IDS);
        final Pipeline p = Pipeline.from(source)
            .to(r ->
            {
                throw new IllegalArgumentException("sink rejects " + r.getLong(ID));
            })
            .ringCapacity(4).start();
        final AtomicReference<Throwable> publisherError = new AtomicReference<>();
        final Thread publisher = new Thread(() ->
        {
            try
            {
                for (int i = 0; i < 1_000_000; i++)
                {
                    source.claim().setLong(ID, i).setLong(VALUE, i);
                    source.commit();
                }
            }
            catch (final Throwable t)
            {
                publisherError.set(t);
            }
        }, "test-publisher");
        publisher.start();
        publisher.join(10_000);
        assertFalse(publisher.isAlive(), "publisher hangs on a failed pipeline");
        final PipelineFailedException ex = assertInstanceOf(PipelineFailedException.class, publisherError.get());
        assertInstanceOf(IllegalArgumentException.class, ex.getCause());
        assertEquals("sink rejects 0", ex.getCause().getMessage());
        assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(1, TimeUnit.SECONDS));
        assertEquals(1, p.metrics().errors());
        p.close();
    }

    @Test
    void shouldSurfaceSourceFailure()
    {
        final Pipeline p = Pipeline.from(Sources.generator(IDS, 0, 100, (i, r) ->
        {
            if (i == 50)
            {
                throw new IllegalStateException("generator broke");
            }
            r.setLong(ID, i);
        })).to(Sinks.discard()).start();
        final PipelineFailedException ex =
            assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
        assertEquals("generator broke", ex.getCause().getMessage());
        p.close();
    }

    @Test
    void shouldForwardWatermarksInBandAndInOrder()
    {
        final PublisherSource source = Sources.publisher(IDS);
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(source).where(col("id").ge(0)).async().select(col("id")).to(sink).start())
        {
            for (int i = 0; i < 10; i++)
            {
                source.claim().setLong(ID, i).setLong(VALUE, 0);
                source.commit();
                source.publishWatermark(i * 100L);
            }
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
        assertEquals(10, sink.rows().size());
        assertEquals(List.of(0L, 100L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L), sink.watermarks());
    }

    @Test
    void shouldRejectMisuse()
    {
        final PublisherSource source = Sources.publisher(IDS);
        assertThrows(IllegalStateException.class, source::claim);
        final RecordStream stream = Pipeline.from(source);
        final PipelineBuilder builder = stream.to(Sinks.discard());
        assertThrows(IllegalStateException.class, () -> stream.where(col("id").gt(1)));
        assertThrows(IllegalArgumentException.class, () -> builder.ringCapacity(1000).build());
        assertThrows(IllegalArgumentException.class, () -> builder.ringCapacity(1024).waitMode(null).build());
        try (Pipeline p = builder.waitMode(WaitMode.BLOCKING).build())
        {
            assertThrows(IllegalStateException.class, () -> Pipeline.from(source).to(Sinks.discard()).build());
            p.start();
            assertThrows(IllegalStateException.class, p::start);
            source.claim();
            assertThrows(IllegalStateException.class, source::claim);
            source.commit();
            assertThrows(IllegalStateException.class, source::commit);
        }
    }
}
