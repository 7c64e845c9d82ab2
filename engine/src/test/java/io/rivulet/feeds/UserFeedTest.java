package io.rivulet.feeds;

import io.rivulet.engine.CollectingSink;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineFailedException;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Source;
import io.rivulet.engine.SourceContext;
import io.rivulet.engine.SourceFunction;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A user-defined feed written against the public API only (this package is not the engine's): a poll-style
 * duty cycle over a queue standing in for an Aeron subscription or a FIX session.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UserFeedTest
{
    private static final Schema TICKS = Schema.builder()
        .symbol("sym", 4).float64("px").int32("qty").timestamp("ts").build();
    private static final SymbolField SYM = TICKS.symbolField("sym");
    private static final DoubleField PX = TICKS.doubleField("px");
    private static final IntField QTY = TICKS.intField("qty");
    private static final LongField TS = TICKS.longField("ts");
    private static final String END = "END";

    /** Decodes "SYM,px,qty,ts" text messages; a message that does not decode is aborted and counted. */
    static final class TextFeed implements SourceFunction
    {
        private final Queue<String> wire;
        volatile long rejected;
        volatile long published;

        TextFeed(final Queue<String> wire)
        {
            this.wire = wire;
        }

        @Override
        public void run(final SourceContext ctx)
        {
            long maxTs = Long.MIN_VALUE;
            long lastWatermark = Long.MIN_VALUE;
            while (!ctx.isStopping())
            {
                int work = 0;
                String message;
                while (work < 10 && (message = wire.poll()) != null)
                {
                    work++;
                    if (END.equals(message))
                    {
                        if (maxTs != lastWatermark)
                        {
                            ctx.publishWatermark(maxTs);
                        }
                        ctx.endOfStream();
                        return;
                    }
                    final RecordFlyweight r = ctx.claim();
                    if (r == null)
                    {
                        return; // the pipeline is stopping
                    }
                    try
                    {
                        final String[] parts = message.split(",");
                        final long ts = Long.parseLong(parts[3]);
                        r.setSymbol(SYM, parts[0]).setDouble(PX, Double.parseDouble(parts[1]))
                            .setInt(QTY, Integer.parseInt(parts[2])).setLong(TS, ts);
                        ctx.commit();
                        published++;
                        maxTs = Math.max(maxTs, ts);
                    }
                    catch (final RuntimeException ex) // NumberFormatException, a symbol too long, a short message
                    {
                        ctx.abort();
                        rejected++;
                    }
                }
                if (maxTs != lastWatermark)
                {
                    ctx.publishWatermark(maxTs);
                    lastWatermark = maxTs;
                }
                ctx.idle(work);
            }
        }
    }

    @Test
    void shouldRunAUserFeedThatAbortsUndecodableMessagesAndPublishesWatermarks() throws Exception
    {
        final Queue<String> wire = new ConcurrentLinkedQueue<>();
        final TextFeed feed = new TextFeed(wire);
        final CollectingSink sink = Sinks.collecting();
        final List<List<Object>> expected = new ArrayList<>();
        long expectedRejected = 0;
        try (Pipeline p = Pipeline.from(Sources.feed(TICKS, "text-feed", feed))
            .where(col("qty").gt(0))
            .to(sink).ringCapacity(64).waitMode(WaitMode.BACKOFF).start())
        {
            assertTrue(p.explain().contains("text-feed"), p.explain());
            final Thread exchange = new Thread(() ->
            {
                for (int i = 0; i < 5_000; i++)
                {
                    switch (i % 7)
                    {
                        case 3:
                            wire.add("TOOLONG,1.0,1," + i); // symbol longer than the column
                            break;
                        case 5:
                            wire.add("AB,x,1," + i);         // not a number
                            break;
                        default:
                            wire.add("S" + i % 10 + "," + i + ".5," + (i % 2) + "," + i);
                    }
                }
                wire.add(END);
            }, "exchange");
            for (int i = 0; i < 5_000; i++)
            {
                if (i % 7 == 3 || i % 7 == 5)
                {
                    expectedRejected++;
                }
                else if (i % 2 == 1)
                {
                    expected.add(List.of("S" + i % 10, i + 0.5, 1, (long)i));
                }
            }
            exchange.start();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            exchange.join();
        }
        assertEquals(expected, sink.rows());
        assertEquals(expectedRejected, feed.rejected);
        assertEquals(5_000 - feed.rejected, feed.published);
        final List<Long> watermarks = sink.watermarks();
        assertFalse(watermarks.isEmpty());
        for (int i = 1; i < watermarks.size(); i++)
        {
            assertTrue(watermarks.get(i) > watermarks.get(i - 1), "watermarks must rise: " + watermarks);
        }
        assertEquals(4_999L, watermarks.get(watermarks.size() - 1));
    }

    @Test
    void shouldStopAFeedThatNeverEndsWhenThePipelineCloses() throws Exception
    {
        final CountDownLatch running = new CountDownLatch(1);
        final Source idleFeed = Sources.feed(TICKS, "quiet-feed", ctx ->
        {
            running.countDown();
            while (!ctx.isStopping())
            {
                ctx.idle(0);
            }
            assertEquals(null, ctx.claim(), "claims answer null once stopping");
        });
        final Pipeline p = Pipeline.from(idleFeed).to(Sinks.discard()).waitMode(WaitMode.BLOCKING).start();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertFalse(p.awaitCompletion(50, TimeUnit.MILLISECONDS));
        p.close();
        assertFalse(p.isCompleted());
        assertEquals(null, p.failure());
    }

    @Test
    void shouldEndTheStreamWhenAFeedReturnsAndFailWithItsCheckedException()
    {
        final CollectingSink sink = Sinks.collecting();
        final Source finite = Sources.feed(TICKS, "finite-feed", ctx ->
        {
            ctx.claim().setSymbol(SYM, "A").setDouble(PX, 1).setInt(QTY, 1).setLong(TS, 1);
            ctx.commit(); // returns without endOfStream(): returning ends the stream
        });
        try (Pipeline p = Pipeline.from(finite).to(sink).waitMode(WaitMode.BLOCKING).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
        assertEquals(1, sink.rows().size());
        assertTrue(sink.ended());

        final IOException lost = new IOException("connection to the gateway lost");
        final Source broken = Sources.feed(TICKS, "broken-feed", ctx ->
        {
            throw lost;
        });
        try (Pipeline p = Pipeline.from(broken).to(Sinks.discard()).waitMode(WaitMode.BLOCKING).start())
        {
            final PipelineFailedException ex = assertThrows(PipelineFailedException.class,
                () -> p.awaitCompletion(10, TimeUnit.SECONDS));
            assertSame(lost, ex.getCause());
        }
    }

    @Test
    void shouldRejectAFeedWithoutNameOrFunction()
    {
        assertEquals("A feed needs a name (shown in the plan, metrics and errors), got null",
            assertThrows(RuntimeException.class, () -> Sources.feed(TICKS, null, ctx -> { })).getMessage());
        assertEquals("Feed 'x' has no function; pass a SourceFunction (ctx -> ...)",
            assertThrows(RuntimeException.class, () -> Sources.feed(TICKS, "x", null)).getMessage());
    }

    @AfterEach
    void assertNoLeakedThreads() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true)
        {
            final List<String> alive = new ArrayList<>();
            for (final Thread t : Thread.getAllStackTraces().keySet())
            {
                if (t.isAlive() && t.getName().startsWith("rivulet-"))
                {
                    alive.add(t.getName());
                }
            }
            if (alive.isEmpty())
            {
                return;
            }
            if (System.nanoTime() > deadlineNs)
            {
                fail("Leaked threads: " + alive);
            }
            Thread.sleep(20);
        }
    }
}
