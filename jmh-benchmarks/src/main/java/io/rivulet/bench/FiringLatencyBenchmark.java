package io.rivulet.bench;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.Output;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowOperators;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Stage pauses caused by window firing: withWatermark -> keyed sliding window count + sum (append) -> a counting
 * sink, driven on one thread exactly as a stage thread runs a fused chain. Every record's processing time (the
 * watermark operator, the window operator and, for records whose watermark closes windows, the whole firing) goes
 * into an HdrHistogram; the run prints p50/p99/p99.9/max over all records, the same over firing records only, and
 * the longest single firing pause with the rows it emitted.
 * <p>
 * Default workload: 1M keys (uniform), 200k events per second of event time, 100 ms disorder, sliding 4 s windows
 * every 1 s (4 windows per record), 60 s of event time of which the first 20 s are an unmeasured warm-up. In
 * steady state the state holds about 2M (window, key) entries over 1M distinct keys, and each slide fires about
 * 550k rows.
 */
public final class FiringLatencyBenchmark
{
    private static final Schema EVENTS = Schema.builder().int64("key").int64("value").timestamp("ts").build();
    private static final LongField KEY = EVENTS.longField("key");
    private static final LongField VALUE = EVENTS.longField("value");
    private static final LongField TS = EVENTS.longField("ts");
    private static final long BASE_TS = 1_700_000_000_000L;
    private static final int BLOCK = 1024;
    private static final boolean DEBUG = Boolean.getBoolean("firing.debug");

    private FiringLatencyBenchmark()
    {
    }

    /**
     * @param args {@code [--keys N] [--rate events-per-event-second] [--size ms] [--slide ms] [--seconds s]
     *             [--warmup s]}
     */
    public static void main(final String[] args)
    {
        long keys = 1_000_000;
        long rate = 200_000;
        long sizeMs = 4_000;
        long slideMs = 1_000;
        long seconds = 60;
        long warmupSeconds = 20;
        final long disorderMs = 100;
        try
        {
            for (int i = 0; i < args.length; i += 2)
            {
                if ("--help".equals(args[i]) || i + 1 == args.length)
                {
                    throw new IllegalArgumentException("--help".equals(args[i]) ? "options" : args[i] + " needs a value");
                }
                final long v = Long.parseLong(args[i + 1]);
                switch (args[i])
                {
                    case "--keys" -> keys = v;
                    case "--rate" -> rate = v;
                    case "--size" -> sizeMs = v;
                    case "--slide" -> slideMs = v;
                    case "--seconds" -> seconds = v;
                    case "--warmup" -> warmupSeconds = v;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (keys < 1 || rate < 1 || seconds <= warmupSeconds || warmupSeconds < 0)
            {
                throw new IllegalArgumentException("keys, rate must be > 0 and seconds > warmup >= 0");
            }
        }
        catch (final RuntimeException ex)
        {
            System.err.println("usage: ./rivulet bench firing [--keys 1000000] [--rate 200000] [--size 4000] " +
                "[--slide 1000] [--seconds 60] [--warmup 20]: " + ex.getMessage());
            System.exit(2);
            return;
        }

        final long[] rows = new long[1];
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", disorderMs);
        final Operator window = WindowOperators.aggregate(EVENTS, WindowSpec.sliding("ts", sizeMs, slideMs),
            new String[]{"key"}, new Aggregate[]{Aggregate.count(), Aggregate.sum("value")}, OutputMode.APPEND, 0,
            null);
        final LongField count = window.outputSchema().longField("count");
        final long[] counted = new long[1];
        window.open(new Output()
        {
            public void onRecord(final RecordFlyweight record)
            {
                rows[0]++;
                counted[0] += record.getLong(count);
            }

            public void onWatermark(final long watermarkMs)
            {
            }

            public void onEpoch(final long epochId)
            {
            }

            public void onEndOfStream()
            {
            }
        });
        watermark.open(window);
        final RecordFlyweight event = new RecordFlyweight(EVENTS).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(EVENTS.recordLengthBytes(), 8)), 0);

        final Histogram all = new Histogram(3_600_000_000_000L, 3);
        final Histogram firing = new Histogram(3_600_000_000_000L, 3);
        final long events = seconds * rate;
        final long warmupEvents = warmupSeconds * rate;
        long longestFiringNs = 0;
        long longestFiringRows = 0;
        long longestOtherNs = 0;
        long firings = 0;
        long mostRowsInOneCall = 0;
        // CPU time per block of records tells the engine's own work from time the host took the vCPU away
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long blockStartNs = System.nanoTime();
        long blockStartCpuNs = threads.getCurrentThreadCpuTime();
        long maxBlockWallNs = 0;
        long maxBlockWallCpuNs = 0;
        long maxBlockCpuNs = 0;
        final long startNs = System.nanoTime();
        for (long i = 0; i < events; i++)
        {
            final long h = WindowWorkload.mix(i);
            event.setLong(KEY, (h >>> 1) % keys);
            event.setLong(VALUE, i % 1000);
            event.setLong(TS, BASE_TS + i * 1000 / rate - ((h >>> 40) % disorderMs));
            final long rowsBefore = rows[0];
            final long t0 = System.nanoTime();
            watermark.onRecord(event);
            final long ns = System.nanoTime() - t0;
            if ((i & (BLOCK - 1)) == BLOCK - 1)
            {
                final long nowNs = System.nanoTime();
                final long cpuNs = threads.getCurrentThreadCpuTime();
                if (i >= warmupEvents)
                {
                    if (nowNs - blockStartNs > maxBlockWallNs)
                    {
                        maxBlockWallNs = nowNs - blockStartNs;
                        maxBlockWallCpuNs = cpuNs - blockStartCpuNs;
                    }
                    maxBlockCpuNs = Math.max(maxBlockCpuNs, cpuNs - blockStartCpuNs);
                    if (DEBUG && cpuNs - blockStartCpuNs > 5_000_000)
                    {
                        System.out.printf("block ending %d (event ms %d into its second): %.2f ms CPU%n", i,
                            (i * 1000 / rate) % 1000, (cpuNs - blockStartCpuNs) / 1e6);
                    }
                }
                blockStartNs = nowNs;
                blockStartCpuNs = cpuNs;
            }
            if (i < warmupEvents)
            {
                continue;
            }
            all.recordValue(ns);
            final long fired = rows[0] - rowsBefore;
            if (fired > 0)
            {
                firings++;
                mostRowsInOneCall = Math.max(mostRowsInOneCall, fired);
                firing.recordValue(ns);
                if (ns > longestFiringNs)
                {
                    longestFiringNs = ns;
                    longestFiringRows = fired;
                }
            }
            else if (ns > longestOtherNs)
            {
                longestOtherNs = ns;
            }
        }
        final double wallSeconds = (System.nanoTime() - startNs) / 1e9;
        watermark.onEndOfStream();
        if (sizeMs % slideMs == 0 && window.lateRecordsDropped() == 0 && counted[0] != events * (sizeMs / slideMs))
        {
            throw new IllegalStateException("rows count " + counted[0] + " events, expected " +
                events * (sizeMs / slideMs));
        }
        window.close();

        System.out.printf("Firing latency: %,d keys, %,d events/s of event time, sliding %d ms / %d ms, %d ms " +
            "disorder, %,d events (%d s measured after %d s warm-up), %.2f M events/s overall%n",
            keys, rate, sizeMs, slideMs, disorderMs, events, seconds - warmupSeconds, warmupSeconds,
            events / wallSeconds / 1e6);
        print("all records", all);
        print("firing records", firing);
        System.out.printf("firings measured: %d; longest firing pause %.2f ms (%,d rows emitted, %.1f ns/row); " +
            "longest non-firing record %.3f ms%n", firings, longestFiringNs / 1e6, longestFiringRows,
            longestFiringRows == 0 ? 0.0 : (double)longestFiringNs / longestFiringRows, longestOtherNs / 1e6);
        System.out.printf("most rows emitted by one record's call: %,d%n", mostRowsInOneCall);
        System.out.printf("blocks of %d records: slowest took %.2f ms wall of which %.2f ms on CPU; most CPU in " +
            "one block %.2f ms%n", BLOCK, maxBlockWallNs / 1e6, maxBlockWallCpuNs / 1e6, maxBlockCpuNs / 1e6);

        // What the host alone does to this thread: the same thread spinning on nanoTime for 10 s. A stall seen
        // here is preemption of the VM's vCPU, not the engine.
        final Histogram gaps = new Histogram(3_600_000_000_000L, 3);
        final long probeEndNs = System.nanoTime() + 10_000_000_000L;
        long prevNs = System.nanoTime();
        long over1ms = 0;
        for (long nowNs = prevNs; nowNs < probeEndNs; nowNs = System.nanoTime())
        {
            final long gapNs = nowNs - prevNs;
            gaps.recordValue(gapNs);
            if (gapNs > 1_000_000)
            {
                over1ms++;
            }
            prevNs = nowNs;
        }
        System.out.printf("host jitter probe (10 s spinning on nanoTime, same thread): p99.9 %.3f µs, " +
            "max %.3f ms, %d gaps over 1 ms%n", gaps.getValueAtPercentile(99.9) / 1e3, gaps.getMaxValue() / 1e6,
            over1ms);
    }

    private static void print(final String what, final Histogram h)
    {
        System.out.printf("%-15s n=%,d  p50 %.3f µs  p99 %.3f µs  p99.9 %.3f µs  max %.3f ms%n", what,
            h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e6);
    }
}
