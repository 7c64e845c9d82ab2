package io.rivulet.engine;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The publisher's contract: every claim ends in commit or abort, aborted slots are skipped by the stage, nothing
 * is published after end of stream, and the publisher may move between threads with a hand-over.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PublisherSourceTest extends ThreadLeakCheck
{
    private static final Schema TRADES = Schema.builder().int64("id").symbol("sym", 4).build();
    private static final LongField ID = TRADES.longField("id");
    private static final SymbolField SYM = TRADES.symbolField("sym");

    @Test
    void shouldAbortAClaimWhoseFillFailedAndDeliverOnlyCommittedRecordsAcrossRingWraps()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final CollectingSink sink = Sinks.collecting();
        final List<Object> expected = new ArrayList<>();
        try (Pipeline p = Pipeline.from(source).to(sink).ringCapacity(8).waitMode(WaitMode.BLOCKING).start())
        {
            for (long i = 0; i < 100; i++)
            {
                final boolean bad = i % 3 == 1;
                final RecordFlyweight r = source.claim();
                try
                {
                    r.setLong(ID, i).setSymbol(SYM, bad ? "TOOLONG" : "S" + i % 10); // fails after setLong
                    source.commit();
                    expected.add(List.of(i, "S" + i % 10));
                }
                catch (final IllegalArgumentException ex)
                {
                    assertTrue(bad, ex.getMessage());
                    assertTrue(source.isClaimed());
                    source.abort();
                }
                assertFalse(source.isClaimed());
            }
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            // the aborted slots held half-written ids and, after the ring wrapped, older records' bytes
            assertEquals(expected, sink.rows());
            assertEquals(expected.size(), p.metrics().stages().get(0).recordsIn(), "padding counted as records in");
            assertEquals(expected.size(), p.metrics().sinkRecords());
        }
    }

    @Test
    void shouldRejectCommitOrAbortWithoutAClaimAndASecondClaim()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        try (Pipeline p = Pipeline.from(source).to(Sinks.discard()).waitMode(WaitMode.BLOCKING).start())
        {
            assertEquals("commit() without claim() on source publisher",
                assertThrows(IllegalStateException.class, source::commit).getMessage());
            assertEquals("abort() without claim() on source publisher",
                assertThrows(IllegalStateException.class, source::abort).getMessage());
            source.claim();
            assertEquals("claim() called while a claim is open on source publisher: commit() or abort() it first " +
                "(and publish from one thread at a time)",
                assertThrows(IllegalStateException.class, source::claim).getMessage());
            assertEquals("tryClaim() called while a claim is open on source publisher: commit() or abort() it first " +
                "(and publish from one thread at a time)",
                assertThrows(IllegalStateException.class, source::tryClaim).getMessage());
            assertThrows(IllegalStateException.class, () -> source.publishWatermark(1));
            assertThrows(IllegalStateException.class, source::endOfStream);
            source.abort();
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
    }

    /** Before: claim() after endOfStream() succeeded until the ring was full, then waited forever. */
    @Test
    void shouldFailAtOnceWhenPublishingAfterEndOfStream()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        try (Pipeline p = Pipeline.from(source).to(Sinks.discard()).ringCapacity(2).waitMode(WaitMode.BLOCKING)
            .start())
        {
            source.claim().setLong(ID, 1).setSymbol(SYM, "A");
            source.commit();
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));

            for (int round = 0; round < 3; round++) // more than the ring holds: nothing may wait
            {
                assertAfterEndOfStream("claim()", source::claim);
                assertAfterEndOfStream("tryClaim()", source::tryClaim);
                assertAfterEndOfStream("publishWatermark()", () -> source.publishWatermark(5));
                assertAfterEndOfStream("endOfStream()", source::endOfStream);
            }
        }
    }

    private static void assertAfterEndOfStream(final String method, final Executable call)
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, call);
        assertEquals(method + " after endOfStream() on source publisher: its stream has ended; publish " +
            "everything before ending it", ex.getMessage());
    }

    @Test
    void shouldTryClaimWithoutWaitingOnAFullRing() throws Exception
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch inSink = new java.util.concurrent.CountDownLatch(1);
        final AtomicLong received = new AtomicLong();
        try (Pipeline p = Pipeline.from(source).to(r ->
            {
                inSink.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                received.incrementAndGet();
            }).ringCapacity(4).waitMode(WaitMode.BLOCKING).start())
        {
            source.claim().setLong(ID, 0).setSymbol(SYM, "A");
            source.commit();
            assertTrue(inSink.await(10, TimeUnit.SECONDS)); // the stage holds record 0's slot: 3 free remain
            int published = 1;
            RecordFlyweight r;
            while (published < 10 && (r = source.tryClaim()) != null)
            {
                r.setLong(ID, published++).setSymbol(SYM, "A");
                source.commit();
            }
            assertEquals(4, published, "tryClaim must fill the ring, then answer null");
            assertFalse(source.isClaimed());
            release.countDown();
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(4, received.get());
        }
    }

    @Test
    void shouldStampTheIngestTimeTheCallerGives()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final List<Long> ingestTimes = new ArrayList<>();
        try (Pipeline p = Pipeline.from(source).to(r -> ingestTimes.add(r.ingestTimeNs()))
            .waitMode(WaitMode.BLOCKING).start())
        {
            final long nowNs = System.nanoTime();
            source.claim().setLong(ID, 1).setSymbol(SYM, "A");
            source.commit(nowNs - 1_000);
            source.claim().setLong(ID, 2).setSymbol(SYM, "A");
            source.commit();
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(nowNs - 1_000, ingestTimes.get(0));
            assertTrue(ingestTimes.get(1) >= nowNs, "commit() stamps now");
        }
    }

    /**
     * Surefire runs with -ea, where Disruptor's single-producer sequencer asserted that one thread claims
     * forever: handing the publisher to a worker thread failed with "Accessed by two threads".
     */
    @Test
    void shouldHandThePublisherToAnotherThreadUnderAssertions() throws Exception
    {
        assertTrue(com.lmax.disruptor.SingleProducerSequencer.class.desiredAssertionStatus(),
            "this test is meant to run with -ea, as Surefire does");
        final PublisherSource source = Sources.publisher(TRADES);
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(source).to(sink).ringCapacity(16).waitMode(WaitMode.BLOCKING).start())
        {
            publish(source, 0, 100);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread worker = new Thread(() ->
            {
                try
                {
                    publish(source, 100, 200);
                }
                catch (final Throwable t)
                {
                    failure.set(t);
                }
            }, "publisher-handover");
            worker.start(); // the start and the join are the hand-over's happens-before edges
            worker.join(10_000);
            assertFalse(worker.isAlive());
            assertNull(failure.get());
            publish(source, 200, 300);
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(300, sink.rows().size());
            for (int i = 0; i < 300; i++)
            {
                assertEquals((long)i, sink.rows().get(i).get(0));
            }
        }
    }

    private static void publish(final PublisherSource source, final long from, final long to)
    {
        for (long i = from; i < to; i++)
        {
            source.claim().setLong(ID, i).setSymbol(SYM, "H");
            source.commit();
        }
    }

    @Test
    void shouldSkipManyRandomAbortsWithoutLossDuplicateOrReorder()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final AtomicLong next = new AtomicLong();
        final AtomicReference<String> error = new AtomicReference<>();
        final int records = 500_000;
        try (Pipeline p = Pipeline.from(source).to(r ->
            {
                final long id = r.getLong(ID);
                if (id != next.getAndIncrement() && error.get() == null)
                {
                    error.set("expected " + (next.get() - 1) + " got " + id);
                }
            }).ringCapacity(256).waitMode(WaitMode.YIELDING).start())
        {
            final SplittableRandom random = new SplittableRandom(11);
            long aborts = 0;
            for (long i = 0; i < records; i++)
            {
                final RecordFlyweight r = source.claim().setLong(ID, i);
                if (random.nextInt(5) == 0)
                {
                    source.abort(); // a consumer reading this as data would see id i twice
                    aborts++;
                    i--;
                    continue;
                }
                r.setSymbol(SYM, "Z");
                source.commit();
            }
            source.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            assertNull(error.get());
            assertTrue(aborts > records / 10, "aborts: " + aborts);
            assertEquals(records, next.get());
            assertEquals(records, p.metrics().stages().get(0).recordsIn());
        }
    }

    /** In a join both sources share one multi-producer ring: an aborted claim must not hold the other back. */
    @Test
    void shouldJoinAFeedThatAbortsClaimsWithAnotherSource()
    {
        final Schema orders = Schema.builder().symbol("sym", 4).int64("orderId").timestamp("ts").build();
        final Schema fills = Schema.builder().symbol("sym", 4).int64("fillId").timestamp("ts").build();
        final int n = 2_000;
        final List<Object[]> fillRows = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            fillRows.add(new Object[]{"AA", (long)i, 10_000L + i * 10L});
        }
        final SymbolField sym = orders.symbolField("sym");
        final LongField orderId = orders.longField("orderId");
        final LongField ts = orders.longField("ts");
        final Source orderFeed = Sources.feed(orders, "orders-feed", ctx ->
        {
            for (long i = 0; i < n; i++)
            {
                final RecordFlyweight r = ctx.claim();
                if (r == null)
                {
                    return;
                }
                r.setLong(orderId, i).setLong(ts, 10_000L + i * 10L);
                if (i % 4 == 0)
                {
                    ctx.abort(); // e.g. a message that failed to decode; publish it properly on the retry
                    ctx.claim().setLong(orderId, i).setLong(ts, 10_000L + i * 10L).setSymbol(sym, "AA");
                    ctx.commit();
                    continue;
                }
                r.setSymbol(sym, "AA");
                ctx.commit();
            }
        });
        final CollectingSink sink = Sinks.collecting();
        final RecordStream left = Pipeline.from(orderFeed).withWatermark("ts", 0);
        final RecordStream right = Pipeline.from(Sources.rows(fills, fillRows)).withWatermark("ts", 0);
        try (Pipeline p = left.intervalJoin(right, new String[]{"sym"}, "ts", 0, 0).to(sink).ringCapacity(64)
            .waitMode(WaitMode.BLOCKING).start())
        {
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
        }
        final Set<Long> joined = new HashSet<>();
        for (final List<Object> row : sink.rows())
        {
            assertEquals(row.get(1), row.get(4), "order i joins fill i (same ts)");
            joined.add((Long)row.get(1));
        }
        assertEquals(n, joined.size());
        assertEquals(n, sink.rows().size());
    }

    @Test
    void shouldFailThePipelineWithTheCauseWhenASourceThrowsMidClaim()
    {
        final IllegalArgumentException boom = new IllegalArgumentException("bad message 7");
        final Source feed = Sources.feed(TRADES, "throwing-feed", ctx ->
        {
            for (long i = 0; i < 10; i++)
            {
                ctx.claim().setLong(ID, i).setSymbol(SYM, "A");
                ctx.commit();
            }
            ctx.claim().setLong(ID, 10);
            throw boom;
        });
        try (Pipeline p = Pipeline.from(feed).to(Sinks.discard()).waitMode(WaitMode.BLOCKING).start())
        {
            final PipelineFailedException ex = assertThrows(PipelineFailedException.class,
                () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            assertSame(boom, ex.getCause());
        }
    }

    @Test
    void shouldFailThePipelineWhenAGeneratorThrowsHalfWay()
    {
        final IllegalStateException boom = new IllegalStateException("generator broke at 500");
        final Source generator = Sources.generator(TRADES, 0, 1_000, (i, r) ->
        {
            r.setLong(ID, i);
            if (i == 500)
            {
                throw boom;
            }
        });
        final AtomicLong received = new AtomicLong();
        try (Pipeline p = Pipeline.from(generator).to(r -> received.incrementAndGet())
            .waitMode(WaitMode.BLOCKING).start())
        {
            final PipelineFailedException ex = assertThrows(PipelineFailedException.class,
                () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            assertSame(boom, ex.getCause());
            assertTrue(received.get() <= 500, "the half-generated record must not be delivered");
        }
    }

    @Test
    void shouldFailThePipelineWhenAFeedReturnsWithAnOpenClaim()
    {
        final Source feed = Sources.feed(TRADES, "careless-feed", ctx -> ctx.claim().setLong(ID, 1));
        try (Pipeline p = Pipeline.from(feed).to(Sinks.discard()).waitMode(WaitMode.BLOCKING).start())
        {
            final PipelineFailedException ex = assertThrows(PipelineFailedException.class,
                () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, ex.getCause());
            assertEquals("Source careless-feed returned with a claimed record neither committed nor aborted; " +
                "end every claim with commit() or abort()", ex.getCause().getMessage());
        }
    }

    @Test
    void shouldRefuseToPublishIntoABuiltButUnstartedPipelineInsteadOfBlocking()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        try (Pipeline p = Pipeline.from(source).to(Sinks.discard()).ringCapacity(4).build())
        {
            for (int i = 0; i < 8; i++) // more than the ring holds: nobody consumes before start()
            {
                final IllegalStateException ex = assertThrows(IllegalStateException.class, source::claim);
                assertEquals("The pipeline of this publisher is built but not started; call start() before " +
                    "publishing", ex.getMessage());
            }
            assertThrows(IllegalStateException.class, source::tryClaim);
            assertThrows(IllegalStateException.class, () -> source.publishWatermark(1));
            p.start();
            source.claim().setLong(TRADES.longField("id"), 1);
            source.commit();
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldThrowPipelineClosedFromClaimOnceThePipelineIsClosed()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final Pipeline p = Pipeline.from(source).to(Sinks.discard()).waitMode(WaitMode.BLOCKING).start();
        p.close();
        assertThrows(PipelineClosedException.class, source::claim);
        assertThrows(PipelineClosedException.class, source::tryClaim);
        assertThrows(PipelineClosedException.class, () -> source.publishWatermark(1));
        assertThrows(PipelineClosedException.class, source::endOfStream);
    }

    /** Claim, fill, commit (both forms), abort and tryClaim on the app thread: no allocation per record. */
    @Test
    void shouldPublishAndAbortWithoutAllocatingOnThePublisherThread()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final PublisherSource source = Sources.publisher(TRADES);
        try (Pipeline p = Pipeline.from(source).to(Sinks.discard()).ringCapacity(1024).waitMode(WaitMode.YIELDING)
            .start())
        {
            publishMix(source, 0, 200_000); // warm-up: JIT and lazily created objects
            final long tid = Thread.currentThread().getId();
            final long beforeBytes = threads.getThreadAllocatedBytes(tid);
            publishMix(source, 200_000, 1_200_000);
            final long allocatedBytes = threads.getThreadAllocatedBytes(tid) - beforeBytes;
            source.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            assertTrue(allocatedBytes < 10_000, "publisher thread allocated " + allocatedBytes +
                " bytes for 1M records");
        }
    }

    private static void publishMix(final PublisherSource source, final long from, final long to)
    {
        for (long i = from; i < to; i++)
        {
            RecordFlyweight r = (i & 1) == 0 ? source.tryClaim() : null;
            if (r == null)
            {
                r = source.claim();
            }
            r.setLong(ID, i);
            if (i % 8 == 0)
            {
                source.abort();
                continue;
            }
            if ((i & 2) == 0)
            {
                source.commit();
            }
            else
            {
                source.commit(System.nanoTime());
            }
        }
    }
}
