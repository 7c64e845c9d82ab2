package io.rivulet.bench;

import io.rivulet.engine.JournalSink;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineMetrics;
import io.rivulet.engine.Sink;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.engine.Trigger;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.WaitMode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Continuous vs micro-batch on the same pipeline definitions, alternating in one run (the generator source and the
 * {@link WindowWorkload} events of {@code ./rivulet bench windows}):
 * <ol>
 *   <li>keyed UPDATE aggregation where every event changes its key's row (one 1-hour window, count + sum by key,
 *   100k keys): continuous emits a row per event, {@code processingTime(100 ms)} each changed key once per
 *   epoch; once into a counting sink, once into an output journal (where each row costs an append);</li>
 *   <li>the append-mode 1 s tumbling window workload;</li>
 * </ol>
 * Unpaced, both modes queue behind a full ring, so the latency printed here is queueing; {@code --paced RATE}
 * measures latency at a fixed publish rate instead ({@link MicroBatchLatency}, which says what a row's latency
 * is there).
 * <pre>
 *   ./rivulet bench microbatch [events (20000000)] [runs (2)]
 *   ./rivulet bench microbatch --paced RATE[,RATE...] [--seconds N] [--warmup N] [--intervals MS[,MS...]]
 * </pre>
 */
public final class MicroBatchBenchmark
{
    private MicroBatchBenchmark()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0])))
        {
            System.out.println(MicroBatchLatency.USAGE);
            return;
        }
        if (args.length > 0 && args[0].startsWith("-"))
        {
            MicroBatchLatency.main(args);
            return;
        }
        final long events;
        final int runs;
        try
        {
            events = args.length > 0 ? WindowThroughputBenchmark.positive("events", args[0]) : 20_000_000L;
            runs = args.length > 1 ? (int)Math.min(Integer.MAX_VALUE,
                WindowThroughputBenchmark.positive("runs", args[1])) : 2;
            if (args.length > 2)
            {
                throw new NumberFormatException("unexpected argument " + args[2]);
            }
        }
        catch (final NumberFormatException ex)
        {
            System.err.println("rivulet bench microbatch: need [events] [runs] as positive numbers or --paced RATE " +
                "(try --help): " + ex.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf("Continuous vs processingTime(100 ms), %,d events, %d keys, generator source%n", events,
            WindowWorkload.KEYS);
        // UPDATE twice: into a counting sink (a row costs almost nothing) and into an output journal (a row is a
        // Chronicle append, what an exactly-once pipeline pays): what micro-batch saves is the rows' cost
        final OutputMode[] modes = {OutputMode.UPDATE, OutputMode.UPDATE, OutputMode.APPEND};
        final boolean[] toJournal = {false, true, false};
        for (int m = 0; m < modes.length; m++)
        {
            final OutputMode mode = modes[m];
            double continuousSum = 0;
            double batchSum = 0;
            for (int run = 1; run <= runs; run++)
            {
                final Result continuous = run(events, mode, Trigger.continuous(), toJournal[m]);
                final Result batch = run(events, mode, Trigger.processingTime(Duration.ofMillis(100)), toJournal[m]);
                continuousSum += continuous.eventsPerSecond;
                batchSum += batch.eventsPerSecond;
                System.out.printf("%s run %d: continuous %s%n", label(mode, toJournal[m]), run, continuous);
                System.out.printf("%s run %d: micro-batch %s (%.2fx)%n", label(mode, toJournal[m]), run, batch,
                    batch.eventsPerSecond / continuous.eventsPerSecond);
            }
            System.out.printf("%s: micro-batch %.2fx continuous (mean over %d runs)%n", label(mode, toJournal[m]),
                batchSum / continuousSum, runs);
        }
    }

    private static String label(final OutputMode mode, final boolean toJournal)
    {
        return (mode == OutputMode.UPDATE ? "UPDATE, one 1 h window (every event changes its key's row)" :
            "APPEND, 1 s tumbling windows") + (toJournal ? ", into an output journal" : "");
    }

    private static final class Result
    {
        double eventsPerSecond;
        long rows;
        long epochs;
        long maxRowsPerEpoch;
        Histogram latencyNs;

        @Override
        public String toString()
        {
            // the output journal does not tell epochs apart: its rows are counted by their sequence numbers
            final String epochsText = epochs == 0 ? "" :
                String.format(" in %,d epochs (max %,d per epoch)", epochs, maxRowsPerEpoch);
            return String.format("%.2f M events/s, %,d rows%s, latency us p50 %.1f p99 %.1f p99.9 %.1f max %.1f",
                eventsPerSecond / 1e6, rows, epochsText, latencyNs.getValueAtPercentile(50) / 1e3,
                latencyNs.getValueAtPercentile(99) / 1e3, latencyNs.getValueAtPercentile(99.9) / 1e3,
                latencyNs.getMaxValue() / 1e3);
        }
    }

    private static Result run(final long events, final OutputMode mode, final Trigger trigger,
        final boolean toJournal)
    {
        if (toJournal)
        {
            final Path dir;
            try
            {
                dir = Files.createTempDirectory("rivulet-microbatch-out");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            try
            {
                final JournalSink journal = Sinks.journal(dir);
                final Result result = run(events, mode, trigger, journal);
                result.rows = journal.lastSequence();
                return result;
            }
            finally
            {
                BenchFiles.deleteTree(dir);
            }
        }
        final Result counted = new Result();
        final long[] rowsInEpoch = new long[1];
        final Sink sink = new Sink()
        {
            @Override
            public void onRecord(final RecordFlyweight record)
            {
                counted.rows++;
                rowsInEpoch[0]++;
            }

            @Override
            public void onEpoch(final long epochId)
            {
                counted.epochs++;
                counted.maxRowsPerEpoch = Math.max(counted.maxRowsPerEpoch, rowsInEpoch[0]);
                rowsInEpoch[0] = 0;
            }
        };
        final Result result = run(events, mode, trigger, sink);
        result.rows = counted.rows;
        result.epochs = counted.epochs;
        result.maxRowsPerEpoch = Math.max(counted.maxRowsPerEpoch, rowsInEpoch[0]);
        return result;
    }

    private static Result run(final long events, final OutputMode mode, final Trigger trigger, final Sink sink)
    {
        final Result result = new Result();
        final WindowSpec window = mode == OutputMode.UPDATE ? WindowSpec.tumbling("ts", 3_600_000) :
            WindowSpec.tumbling("ts", 1_000);
        final long startNs = System.nanoTime();
        try (Pipeline p = Pipeline.from(Sources.generator(WindowWorkload.EVENTS, 0, events, WindowWorkload::fill))
            .withWatermark("ts", WindowWorkload.DISORDER_MS)
            .groupBy(window, "key").outputMode(mode)
            .agg(Aggregate.count(), Aggregate.sum("value"))
            .to(sink)
            .name("microbatch").waitMode(WaitMode.YIELDING).ringCapacity(16384).progressInterval(0)
            .trigger(trigger).start())
        {
            if (!p.awaitCompletion(10, TimeUnit.MINUTES) || p.failure() != null)
            {
                throw new IllegalStateException("benchmark pipeline did not complete: " + p.failure(), p.failure());
            }
            result.eventsPerSecond = events / ((System.nanoTime() - startNs) / 1e9);
            final PipelineMetrics m = p.metrics();
            result.latencyNs = m.latencyNs();
        }
        return result;
    }
}
