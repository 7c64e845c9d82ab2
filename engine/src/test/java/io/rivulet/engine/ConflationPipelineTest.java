package io.rivulet.engine;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link RecordStream#conflateBy}: a fast publisher, a sink held on a latch, and what the sink then receives.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConflationPipelineTest extends ThreadLeakCheck
{
    private static final Schema QUOTES = Schema.builder()
        .symbol("sym", 8).int64("seq").float64("px").timestamp("ts").build();
    private static final SymbolField SYM = QUOTES.symbolField("sym");
    private static final LongField SEQ = QUOTES.longField("seq");
    private static final LongField TS = QUOTES.longField("ts");
    private static final int KEYS = 64;

    private final List<Pipeline> pipelines = new ArrayList<>();

    @AfterEach
    void closePipelines()
    {
        pipelines.forEach(Pipeline::close);
    }

    private Pipeline track(final Pipeline p)
    {
        pipelines.add(p);
        return p;
    }

    /**
     * What the sink saw, checked as it arrives (on the stage thread): per key strictly increasing, nothing after
     * end of stream, watermarks advancing; the first record blocks until the test releases it.
     */
    private static final class HeldSink implements Sink
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final long[] last = new long[KEYS];
        final long[] delivered = new long[KEYS];
        final AtomicReference<String> violation = new AtomicReference<>();
        volatile long[] lastAtEndOfStream;
        volatile long lastWatermarkMs = Long.MIN_VALUE;
        volatile long records;
        private SymbolField sym;
        private LongField seq;

        HeldSink()
        {
            Arrays.fill(last, -1);
        }

        @Override
        public void open(final Schema schema)
        {
            sym = schema.symbolField("sym");
            seq = schema.longField("seq");
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            if (entered.getCount() > 0)
            {
                entered.countDown();
                try
                {
                    if (!release.await(60, TimeUnit.SECONDS))
                    {
                        violation.compareAndSet(null, "never released");
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            final int key = Integer.parseInt(record.getSymbol(sym).substring(1));
            final long value = record.getLong(seq);
            if (lastAtEndOfStream != null)
            {
                violation.compareAndSet(null, "record " + key + ":" + value + " after end of stream");
            }
            if (value <= last[key])
            {
                violation.compareAndSet(null, "key " + key + ": " + value + " after " + last[key]);
            }
            last[key] = value;
            delivered[key]++;
            records++;
        }

        @Override
        public void onWatermark(final long watermarkMs)
        {
            if (watermarkMs <= lastWatermarkMs)
            {
                violation.compareAndSet(null, "watermark " + watermarkMs + " after " + lastWatermarkMs);
            }
            lastWatermarkMs = watermarkMs;
        }

        @Override
        public void onEndOfStream()
        {
            lastAtEndOfStream = last.clone();
        }
    }

    private static void awaitUntil(final BooleanSupplier condition, final long timeoutMs, final String what)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("Timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void shouldDeliverEveryKeysLastValueInOrderWhileThePublisherRunsToTheEndPastAHeldSink() throws Exception
    {
        final long records = 1_000_000;
        final PublisherSource source = Sources.publisher(QUOTES);
        final HeldSink sink = new HeldSink();
        final Pipeline pipeline = track(Pipeline.from(source)
            .withWatermark("ts", 0)
            .conflateBy("sym")
            .to(sink)
            .name("conflate")
            .waitMode(WaitMode.BACKOFF)
            .start());
        assertTrue(pipeline.explain().contains("conflating by sym"), pipeline.explain());

        final long[] lastPublished = new long[KEYS];
        final AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
        final Thread publisher = new Thread(() ->
        {
            try
            {
                final SplittableRandom random = new SplittableRandom(11);
                final String[] symbols = new String[KEYS];
                for (int k = 0; k < KEYS; k++)
                {
                    symbols[k] = "S" + k;
                }
                for (long i = 0; i < records; i++)
                {
                    final int key = i < KEYS ? (int)i : random.nextInt(KEYS); // every key at least once
                    lastPublished[key] = i;
                    source.claim().setSymbol(SYM, symbols[key]).setLong(SEQ, i).setLong(TS, i);
                    source.commit();
                }
                source.endOfStream();
            }
            catch (final Throwable t)
            {
                publisherFailure.set(t);
            }
        }, "test-publisher");
        publisher.start();

        assertTrue(sink.entered.await(30, TimeUnit.SECONDS), "the sink got its first record");
        // the sink is held: the publisher and the stage before the boundary must still get to the end
        publisher.join(60_000);
        assertFalse(publisher.isAlive(), "the publisher blocked behind the held sink");
        assertNull(publisherFailure.get());
        awaitUntil(() -> pipeline.metrics().stages().get(0).recordsOut() == records, 60_000,
            "the stage before the conflating boundary to pass every record on");
        assertEquals(0, sink.records, "the sink is still held in its first record");

        sink.release.countDown();
        assertTrue(pipeline.awaitCompletion(60, TimeUnit.SECONDS));
        assertNull(sink.violation.get());
        assertEquals(Arrays.toString(lastPublished), Arrays.toString(sink.lastAtEndOfStream),
            "end of stream arrives after every key's last value");
        for (int k = 0; k < KEYS; k++)
        {
            assertTrue(sink.delivered[k] > 0, "key " + k + " delivered");
        }
        assertEquals(records - 2, sink.lastWatermarkMs, "the last watermark (max ts - 0 - 1) arrives");
        final StageMetrics boundary = pipeline.metrics().stages().get(1);
        assertEquals(sink.records, boundary.recordsIn());
        assertTrue(sink.records < records / 10, "the held sink got the newest values, not the backlog: " +
            sink.records + " of " + records);
    }

    @Test
    void shouldPassEveryRecordWhenTheSinkKeepsUpAndConflateAfterOtherSteps() throws Exception
    {
        final List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            rows.add(new Object[]{"S" + (i % 7), (long)i, 1.0 + i, (long)i});
        }
        final CollectingSink sink = Sinks.collecting();
        final Pipeline pipeline = track(Pipeline.from(Sources.rows(QUOTES, rows))
            .where(col("px").gt(0))
            .select(col("seq"), col("sym"), col("px").times(2).as("px2"))
            .conflateBy("sym", "seq")        // unique keys: nothing can be replaced
            .to(sink)
            .start());
        assertTrue(pipeline.awaitCompletion(30, TimeUnit.SECONDS));
        final List<List<Object>> out = sink.rows();
        assertEquals(10_000, out.size());
        for (int i = 0; i < 10_000; i++)
        {
            assertEquals((long)i, out.get(i).get(0), "ring order is first-pending order");
        }
    }

    @Test
    void shouldRejectMissingDuplicateAndFloatingPointKeyColumnsWithTheFix()
    {
        final SchemaException missing = assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.publisher(QUOTES)).conflateBy("symbol"));
        assertEquals("conflateBy: key column 'symbol' is not in the stream; it has " + QUOTES.fields() +
            " (conflate after the step that produces it, or name another column)", missing.getMessage());

        final SchemaException floating = assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.publisher(QUOTES)).conflateBy("px"));
        assertTrue(floating.getMessage().startsWith("conflateBy: key column 'px' is FLOAT64"), floating.getMessage());
        assertTrue(floating.getMessage().contains("key by a SYMBOL"), floating.getMessage());

        assertEquals("conflateBy: key column 'sym' is listed twice", assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.publisher(QUOTES)).conflateBy("sym", "sym")).getMessage());
        assertTrue(assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.publisher(QUOTES)).conflateBy()).getMessage()
            .startsWith("conflateBy needs at least one key column, e.g. conflateBy(\"sym\")"));

        final RecordStream left = Pipeline.from(Sources.publisher(QUOTES)).withWatermark("ts", 0).conflateBy("sym");
        final RecordStream right = Pipeline.from(Sources.publisher(QUOTES)).withWatermark("ts", 0);
        assertTrue(assertThrows(SchemaException.class,
            () -> left.intervalJoin(right, new String[]{"sym"}, "ts", 0, 10)).getMessage()
            .contains("no async(), conflateBy() or join before it"));

        final RecordStream stream = Pipeline.from(Sources.publisher(QUOTES));
        assertThrows(SchemaException.class, () -> stream.conflateBy("nope"));
        stream.conflateBy("sym"); // a rejected call does not use the stream up
    }
}
