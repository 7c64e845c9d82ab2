package io.rivulet.bench;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineMetrics;
import io.rivulet.engine.Sources;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;

import java.util.concurrent.TimeUnit;

/**
 * The keyed tumbling window workload end to end through the engine: a generator thread produces N events
 * ({@link WindowWorkload}, unpaced) into the ring; the stage thread runs withWatermark(100 ms) -> tumbling 1 s
 * count + sum by key (append) -> a sink that checks and counts every row. Prints events/s and rows.
 */
public final class WindowThroughputBenchmark
{
    private WindowThroughputBenchmark()
    {
    }

    /**
     * @param args {@code [events (20000000)] [runs (3)]}
     */
    public static void main(final String[] args)
    {
        final long events;
        final int runs;
        try
        {
            events = args.length > 0 ? Long.parseLong(args[0]) : 20_000_000L;
            runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
            if (events < 1 || runs < 1)
            {
                throw new NumberFormatException("must be positive");
            }
        }
        catch (final NumberFormatException ex)
        {
            System.err.println("usage: ./rivulet bench windows [events (20000000)] [runs (3)]: " + ex.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf("Keyed tumbling 1 s window, count + sum, %d keys, %d ms disorder, %,d events per run%n",
            WindowWorkload.KEYS, WindowWorkload.DISORDER_MS, events);
        for (int run = 1; run <= runs; run++)
        {
            runOnce(run, events);
        }
    }

    private static void runOnce(final int run, final long events)
    {
        final long[] rows = new long[1];
        final long[] counted = new long[1];
        final io.rivulet.engine.RecordStream windows = Pipeline.from(
                Sources.generator(WindowWorkload.EVENTS, 0, events, WindowWorkload::fill))
            .withWatermark("ts", WindowWorkload.DISORDER_MS)
            .groupBy(WindowSpec.tumbling("ts", 1000), "key")
            .agg(Aggregate.count(), Aggregate.sum("value"));
        final Schema out = windows.schema();
        final LongField count = out.longField("count");
        final long startNs = System.nanoTime();
        try (Pipeline p = windows.to(r ->
            {
                rows[0]++;
                counted[0] += r.getLong(count);
            })
            .name("windows").waitMode(WaitMode.YIELDING).recordLatency(false).ringCapacity(16384).start())
        {
            if (!p.awaitCompletion(10, TimeUnit.MINUTES))
            {
                throw new IllegalStateException("window benchmark did not complete");
            }
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            final PipelineMetrics m = p.metrics();
            if (counted[0] + m.stages().get(0).lateRecordsDropped() != events)
            {
                throw new IllegalStateException("rows account for " + counted[0] + " events + " +
                    m.stages().get(0).lateRecordsDropped() + " late, expected " + events);
            }
            System.out.printf("run %d: %.2f M events/s (%.2f s), %,d window rows emitted, %,d late dropped%n",
                run, events / seconds / 1e6, seconds, rows[0], m.stages().get(0).lateRecordsDropped());
        }
    }
}
