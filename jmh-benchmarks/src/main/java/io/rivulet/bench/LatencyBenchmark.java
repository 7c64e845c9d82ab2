package io.rivulet.bench;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import io.rivulet.bench.LatencyRig.Result;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PublisherSource;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import io.rivulet.ringbuffer.internal.WaitStrategies;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static io.rivulet.bench.LatencyRig.join;
import static io.rivulet.bench.LatencyRig.pace;
import static io.rivulet.bench.LatencyRig.ratio;

/**
 * Paced end-to-end latency: the application thread publishes at a fixed rate into (a) a bare Disruptor one-hop
 * baseline and (b) the engine running the fused 3-operator chain on its stage thread, and (c) the engine with
 * one extra async boundary, all in the same run with the same wait strategy. Latency is recorded at the sink
 * from the actual publish time and from the scheduled send time (so a stalled publisher cannot hide queueing:
 * coordinated omission), into HdrHistograms, after a warm-up. The three configurations take turns in
 * {@value #ROUNDS} rounds, so slow drifts in the host's noise hit them alike.
 * <p>
 * On this VM the host preempts vCPUs (see PLATFORM.md): p99 and above mostly measure the host, so read the
 * engine's tail next to the baseline's.
 */
public final class LatencyBenchmark
{
    /** Measurement rounds; in each, every configuration runs for seconds / ROUNDS. */
    private static final int ROUNDS = 4;

    private final long ratePerSecond;
    private final long measureSeconds;
    private final long warmupSeconds;
    private final WaitMode waitMode;

    private LatencyBenchmark(final long ratePerSecond, final long measureSeconds, final long warmupSeconds,
        final WaitMode waitMode)
    {
        this.ratePerSecond = ratePerSecond;
        this.measureSeconds = measureSeconds;
        this.warmupSeconds = warmupSeconds;
        this.waitMode = waitMode;
    }

    /**
     * @param args {@code [--rate N] [--seconds N] [--warmup N] [--wait-mode BUSY_SPIN|YIELDING|BACKOFF|BLOCKING]
     *             [--hgrm FILE] [--plot FILE.html]}
     */
    public static void main(final String[] args)
    {
        final LatencyRig.Options o = LatencyRig.Options.parse("latency", args, 5_000_000, true);
        if (o != null)
        {
            new LatencyBenchmark(o.rate, o.seconds, o.warmup, o.mode).run(o.hgrm, o.plot);
        }
    }

    private void run(final Path hgrm, final Path plot)
    {
        System.out.printf("Rivulet latency benchmark: %d rec/s paced by the app thread, %d s warm-up per " +
            "configuration, then %d s measured per configuration in %d interleaved rounds, wait mode %s, %d cores%n%n",
            ratePerSecond, warmupSeconds, measureSeconds, ROUNDS, waitMode, Runtime.getRuntime().availableProcessors());
        // The host's noise drifts over time, so the configurations take turns in short rounds rather than
        // running one after the other: each sees the same weather.
        final Result baseline = new Result();
        final Result fused = new Result();
        final Result async = new Result();
        // Warm-up pass first, unmeasured, every configuration in turn: on 2 cores the JIT's compiler threads
        // compete with the measured threads until the hot code has settled, so no measured round may overlap it.
        final long warmupRecords = warmupSeconds * ratePerSecond;
        if (warmupRecords > 0)
        {
            final Result discarded = new Result();
            runDisruptorBaseline(discarded, warmupRecords, warmupRecords);
            runEngine(discarded, false, warmupRecords, warmupRecords);
            runEngine(discarded, true, warmupRecords, warmupRecords);
        }
        final long roundRecords = Math.max(1, measureSeconds * ratePerSecond / ROUNDS);
        final long settleRecords = ratePerSecond / 2; // each round starts new threads: let them settle 0.5 s
        final StringBuilder perRound = new StringBuilder();
        final double[][] roundP99 = new double[3][ROUNDS];
        for (int round = 0; round < ROUNDS; round++)
        {
            final Result b = new Result();
            final Result f = new Result();
            final Result a = new Result();
            runDisruptorBaseline(b, settleRecords, settleRecords + roundRecords);
            runEngine(f, false, settleRecords, settleRecords + roundRecords);
            runEngine(a, true, settleRecords, settleRecords + roundRecords);
            baseline.add(b);
            fused.add(f);
            async.add(a);
            roundP99[0][round] = b.actual.getValueAtPercentile(99) / 1000.0;
            roundP99[1][round] = f.actual.getValueAtPercentile(99) / 1000.0;
            roundP99[2][round] = a.actual.getValueAtPercentile(99) / 1000.0;
            perRound.append(String.format("  round %d p99 us: baseline %.2f, fused %.2f, async %.2f%n", round + 1,
                b.actual.getValueAtPercentile(99) / 1000.0, f.actual.getValueAtPercentile(99) / 1000.0,
                a.actual.getValueAtPercentile(99) / 1000.0));
        }

        System.out.println("latency in us        |        from actual publish time         |" +
            "      from scheduled send time (CO-corrected)");
        System.out.println("config               |    p50    p90    p99  p99.9      max |    p50    p90    p99  p99.9      max");
        baseline.print("disruptor 1 hop");
        fused.print("engine fused 3-op");
        async.print("engine +1 async hop");
        System.out.print(perRound);
        // a preemption burst in one round can decide the pooled p99 of one configuration: the median round is
        // what the configurations themselves cost
        System.out.printf("  median round p99 us: baseline %.2f, fused %.2f, async %.2f%n",
            median(roundP99[0]), median(roundP99[1]), median(roundP99[2]));
        System.out.printf("%nengine fused / baseline: p50 %+.2f us, p90 %+.2f us, p99 x%.2f, p99.9 x%.2f%n",
            (fused.actual.getValueAtPercentile(50) - baseline.actual.getValueAtPercentile(50)) / 1000.0,
            (fused.actual.getValueAtPercentile(90) - baseline.actual.getValueAtPercentile(90)) / 1000.0,
            ratio(fused.actual, baseline.actual, 99), ratio(fused.actual, baseline.actual, 99.9));
        final Map<String, Histogram> histograms = new LinkedHashMap<>();
        histograms.put("disruptor 1 hop", baseline.actual);
        histograms.put("engine fused 3-op", fused.actual);
        histograms.put("engine +1 async hop", async.actual);
        histograms.put("disruptor 1 hop (from scheduled)", baseline.scheduled);
        histograms.put("engine fused 3-op (from scheduled)", fused.scheduled);
        histograms.put("engine +1 async hop (from scheduled)", async.scheduled);
        try
        {
            if (hgrm != null)
            {
                for (final Path file : LatencyReport.writeHgrm(hgrm, histograms))
                {
                    System.out.println("wrote " + file);
                }
            }
            if (plot != null)
            {
                LatencyReport.writePlot(plot, String.format(Locale.ROOT, "Rivulet latency: %d rec/s, %s, %d s " +
                    "measured per configuration", ratePerSecond, waitMode, measureSeconds), histograms);
                System.out.println("wrote " + plot);
            }
        }
        catch (final IOException e)
        {
            System.err.println("rivulet bench latency: cannot write the report: " + e);
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private void runDisruptorBaseline(final Result result, final long warmup, final long total)
    {
        final RingBuffer<Event> ring = RingBuffer.createSingleProducer(Event::new, 4096, WaitStrategies.forMode(waitMode));
        final EventHandler<Event> handler = (event, sequence, endOfBatch) ->
        {
            final long nowNs = System.nanoTime();
            if (event.id >= warmup)
            {
                result.record(nowNs, event.publishNs, event.scheduledNs);
            }
        };
        final BatchEventProcessor<Event> processor =
            new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);
        ring.addGatingSequences(processor.getSequence());
        final Thread consumer = new Thread(processor, "baseline-consumer");
        consumer.start();
        pace(total, ratePerSecond, (id, scheduledNs) ->
        {
            final long sequence = ring.next();
            final Event e = ring.get(sequence);
            e.id = id;
            e.scheduledNs = scheduledNs;
            e.publishNs = System.nanoTime();
            ring.publish(sequence);
        });
        while (processor.getSequence().get() < ring.getCursor())
        {
            Thread.onSpinWait();
        }
        processor.halt();
        join(consumer);
    }

    private void runEngine(final Result result, final boolean extraAsyncHop, final long warmup, final long total)
    {
        final PublisherSource source = Sources.publisher(TradeRecords.TRADES);
        RecordStream stream = Pipeline.from(source).where(TradeRecords.WHERE);
        if (extraAsyncHop)
        {
            stream = stream.async();
        }
        stream = stream.select(TradeRecords.SELECT);
        final Schema selected = stream.schema();
        final LongField id = selected.longField("id");
        final LongField sched = selected.longField("sched");
        try (Pipeline pipeline = stream.filter(TradeRecords.positiveNotional(selected))
            .to((RecordFlyweight r) ->
            {
                final long nowNs = System.nanoTime();
                if (r.getLong(id) >= warmup)
                {
                    result.record(nowNs, r.ingestTimeNs(), r.getLong(sched));
                }
            })
            .name(extraAsyncHop ? "latency-async" : "latency")
            .waitMode(waitMode)
            .recordLatency(false)
            .start())
        {
            pace(total, ratePerSecond, (i, scheduledNs) ->
            {
                TradeRecords.fill(source.claim(), i, scheduledNs);
                source.commit();
            });
            source.endOfStream();
            if (!pipeline.awaitCompletion(60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("engine run did not complete");
            }
        }
    }

    private static final class Event
    {
        long id;
        long scheduledNs;
        long publishNs;
    }

}
