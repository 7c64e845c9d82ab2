package io.rivulet.bench;

import io.rivulet.bench.LatencyRig.Result;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PublisherSource;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sink;
import io.rivulet.engine.Sources;
import io.rivulet.engine.Trigger;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.rivulet.bench.LatencyRig.HIGHEST_NS;

/**
 * The paced half of {@code ./rivulet bench microbatch --paced RATE[,RATE...]}: the app thread publishes at a fixed
 * rate ({@link LatencyRig#pace}) into the same two pipelines as the throughput half (keyed UPDATE aggregation in
 * one 1 h window, APPEND 1 s tumbling windows; 100k keys, watermark bound 100 ms), under {@code continuous()} and
 * {@code processingTime(d)}, the triggers taking turns in rounds, and the sink measures each row's latency into
 * HdrHistograms.
 * <p>
 * <b>What a row's latency is.</b> The engine's own figure ({@code PipelineMetrics.latencyNs()}) starts at the
 * ingest time an output row carries: a micro-batch UPDATE row carries the commit time of the record that last
 * changed it, an APPEND row the time the watermark closed its window (its firing in continuous mode). That counts
 * the wait for the epoch, but not queueing before the commit (coordinated omission) nor the wait for the
 * watermark. So the rows here carry their inputs' times as aggregates, and the sink measures from them:
 * <ul>
 *   <li>UPDATE, <i>row</i>: from the ingest (publish) of the record that last changed the row ({@code max} of a
 *   publish-time column; times rise with the record id), to the sink. How old the newest input a row shows is when
 *   it arrives. Also from that record's scheduled send time (coordinated omission: a late publisher cannot hide
 *   queueing).</li>
 *   <li>UPDATE, <i>record</i>: every input record, from its scheduled send until a row reflecting it reaches the
 *   sink. A micro-batch row absorbs the key's records of the epoch; the sink takes the change in {@code count}
 *   and {@code sum(sched)} since the key's previous row, and records them at their mean send time, once per
 *   record (exact when a key changes once per epoch: at 100k keys, 1 record per key per 100 ms epoch at 1M/s).
 *   Continuous: one record per row, so the same as the row figure.</li>
 *   <li>APPEND: from the scheduled send of the record that closed the window (event time follows the scheduled
 *   send time, in order, at {@link #NS_PER_EVENT_MS}; the first record with {@code ts >= end + 100 ms} moves the
 *   watermark past the window's end), to the sink. Windows closed by the end of the stream are not counted.</li>
 * </ul>
 * Every configuration starts a fresh pipeline; the first half second of each is not measured.
 */
final class MicroBatchLatency
{
    private static final Schema EVENTS = Schema.builder().int64("key").int64("value").timestamp("ts")
        .int64("sched").int64("pub").build();
    private static final LongField KEY = EVENTS.longField("key");
    private static final LongField VALUE = EVENTS.longField("value");
    private static final LongField TS = EVENTS.longField("ts");
    private static final LongField SCHED = EVENTS.longField("sched");
    private static final LongField PUB = EVENTS.longField("pub");
    /** Start of event time: on an hour boundary, so the 1 h window holds a whole run (runs are < 1 h). */
    private static final long BASE_MS = 1_699_999_200_000L;
    private static final long DISORDER_MS = WindowWorkload.DISORDER_MS;
    private static final int KEYS = WindowWorkload.KEYS;
    /**
     * Wall-clock nanoseconds per millisecond of event time. Not 1 ms: with 1 s windows and 100 ms (or 10 ms) epochs
     * on the same clock every window would close at the same point of the epoch, and a run would sample one phase
     * of the wait for the epoch's end; 37 us more per event-time ms moves the window ends 37 ms further along the
     * epoch grid each window.
     */
    private static final long NS_PER_EVENT_MS = 1_037_000;
    private static final int ROUNDS = 2;
    private static final double SETTLE_SECONDS = 0.5;

    private final long seconds;
    private final long warmupSeconds;
    private final List<Trigger> triggers = new ArrayList<>();

    private MicroBatchLatency(final long seconds, final long warmupSeconds, final long[] intervalsMs)
    {
        this.seconds = seconds;
        this.warmupSeconds = warmupSeconds;
        triggers.add(Trigger.continuous());
        for (final long ms : intervalsMs)
        {
            triggers.add(Trigger.processingTime(Duration.ofMillis(ms)));
        }
    }

    static final String USAGE = "usage: ./rivulet bench microbatch [events (20000000)] [runs (2)]\n" +
        "       ./rivulet bench microbatch --paced RATE[,RATE...] [--seconds N (6)] [--warmup N (2)] " +
        "[--intervals MS[,MS...] (10,100)] [--plot FILE.html]\n" +
        "  the first form: unpaced throughput, continuous vs processingTime(100 ms)\n" +
        "  --paced: the app publishes RATE events/s (e.g. 100000,1000000); ingest-to-sink latency of the rows of\n" +
        "  the UPDATE and APPEND pipelines under continuous and processingTime(MS) for each MS, same run\n" +
        "  --plot writes a self-contained HTML page with the percentile curves";

    /** Parses the paced options (args[0] is {@code --paced}) and runs; a bad option: one line, exit 2. */
    private static final java.util.Set<String> OPTIONS =
        java.util.Set.of("--paced", "--seconds", "--warmup", "--intervals", "--plot");

    static void main(final String[] args)
    {
        long[] rates = null;
        long seconds = 6;
        long warmup = 2;
        long[] intervals = {10, 100};
        Path plot = null;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                final String arg = args[i];
                if (!OPTIONS.contains(arg))
                {
                    throw new IllegalArgumentException("unknown option " + arg + " (try --help)");
                }
                if (i + 1 >= args.length)
                {
                    throw new IllegalArgumentException(arg + " needs a value (try --help)");
                }
                final String value = args[++i];
                switch (arg)
                {
                    case "--paced":
                        rates = longs(arg, value, 1, 5_000_000);
                        break;
                    case "--seconds":
                        seconds = longs(arg, value, 1, 600)[0];
                        break;
                    case "--warmup":
                        warmup = longs(arg, value, 0, 600)[0];
                        break;
                    case "--intervals":
                        intervals = longs(arg, value, 1, 60_000);
                        break;
                    case "--plot":
                        plot = LatencyRig.Options.writableFile(arg, value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + arg + " (try --help)");
                }
            }
            if (rates == null)
            {
                throw new IllegalArgumentException("--paced RATE is required with these options (try --help)");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("rivulet bench microbatch: " + ex.getMessage());
            System.exit(2);
            return;
        }
        new MicroBatchLatency(seconds, warmup, intervals).run(rates, plot);
    }

    private static long[] longs(final String option, final String value, final long min, final long max)
    {
        final String[] parts = value.split(",");
        final long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            try
            {
                values[i] = Long.parseLong(parts[i].trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(option + ": not a number: '" + parts[i] + "'");
            }
            if (values[i] < min || values[i] > max)
            {
                throw new IllegalArgumentException(option + ": " + values[i] + " is out of range " + min + ".." + max);
            }
        }
        return values;
    }

    private void run(final long[] rates, final Path plot)
    {
        System.out.printf(Locale.ROOT, "Paced latency, continuous vs micro-batch: app thread publishing at a fixed " +
            "rate, %d keys, watermark bound %d ms, wait mode YIELDING, %d cores; per configuration %d s warm-up, then " +
            "%d s measured in %d rounds (triggers take turns)%n", KEYS, DISORDER_MS,
            Runtime.getRuntime().availableProcessors(), warmupSeconds, seconds, ROUNDS);
        try
        {
            // the app and the stage hand records across cores: say which placement the host gave the vCPUs
            System.out.printf(Locale.ROOT, "cross-core ping-pong one way %.0f ns%n",
                WindowThroughputBenchmark.pingPongOneWayNs());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return;
        }
        final Map<String, Histogram> curves = new LinkedHashMap<>();
        for (final long rate : rates)
        {
            for (final OutputMode mode : new OutputMode[]{OutputMode.UPDATE, OutputMode.APPEND})
            {
                runWorkload(rate, mode, curves);
            }
        }
        if (plot != null)
        {
            try
            {
                LatencyReport.writePlot(plot, "Rivulet micro-batch vs continuous: ingest to sink, paced", curves);
                System.out.println("wrote " + plot);
            }
            catch (final IOException ex)
            {
                System.err.println("rivulet bench microbatch: cannot write the report: " + ex);
            }
        }
    }

    private void runWorkload(final long rate, final OutputMode mode, final Map<String, Histogram> curves)
    {
        final Config[] configs = new Config[triggers.size()];
        for (int t = 0; t < configs.length; t++)
        {
            configs[t] = new Config(triggers.get(t));
        }
        if (warmupSeconds > 0)
        {
            for (final Config c : configs)
            {
                runOnce(rate, mode, c.trigger, warmupSeconds * rate, new Config(c.trigger));
            }
        }
        final long perRound = Math.max(1, seconds * rate / ROUNDS);
        for (int round = 0; round < ROUNDS; round++)
        {
            for (final Config c : configs)
            {
                runOnce(rate, mode, c.trigger, perRound, c);
            }
        }
        final boolean update = mode == OutputMode.UPDATE;
        System.out.printf(Locale.ROOT, "%n%s, paced %,d events/s%n", update ?
            "UPDATE, one 1 h window (every event changes its key's row)" : "APPEND, 1 s tumbling windows", rate);
        System.out.println("latency us                  |    p50    p90    p99  p99.9      max |     rows  epochs " +
            "| engine metric p50 p99");
        for (final Config c : configs)
        {
            final String name = c.trigger.isContinuous() ? "continuous" :
                "processingTime(" + c.trigger.intervalNs() / 1_000_000 + " ms)";
            if (update)
            {
                line(name + " row", c.result.actual, c, true);
                line("  same, from scheduled", c.result.scheduled, c, false);
                line("  input record", c.records, c, false);
                curves.put(String.format(Locale.ROOT, "UPDATE %,d/s %s row", rate, name), c.result.actual);
                curves.put(String.format(Locale.ROOT, "UPDATE %,d/s %s record", rate, name), c.records);
            }
            else
            {
                line(name + " window", c.result.scheduled, c, true);
                curves.put(String.format(Locale.ROOT, "APPEND %,d/s %s window", rate, name), c.result.scheduled);
            }
        }
    }

    private static void line(final String name, final Histogram h, final Config c, final boolean counts)
    {
        System.out.printf(Locale.ROOT, "%-28s | %6.1f %6.1f %6.1f %6.1f %8.1f |%s%n", name,
            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, !counts ? "" :
                String.format(Locale.ROOT, " %,8d %,7d | %.1f %.1f", c.rows, c.epochs,
                    c.engine.getValueAtPercentile(50) / 1e3, c.engine.getValueAtPercentile(99) / 1e3));
    }

    /** One trigger's accumulated measurements over the rounds. */
    static final class Config
    {
        final Trigger trigger;
        final Result result = new Result();
        final Histogram records = new Histogram(HIGHEST_NS, 3);
        final Histogram engine = new Histogram(HIGHEST_NS, 3);
        long rows;
        long epochs;

        Config(final Trigger trigger)
        {
            this.trigger = trigger;
        }
    }

    /**
     * One pipeline run of {@code measured} records after a half second of settling, its rows measured into
     * {@code into} (on the stage thread; read after the pipeline completed).
     */
    static void runOnce(final long rate, final OutputMode mode, final Trigger trigger, final long measured,
        final Config into)
    {
        final long periodNs = 1_000_000_000L / rate;
        final long settle = (long)(rate * SETTLE_SECONDS);
        final long total = settle + measured;
        final PublisherSource source = Sources.publisher(EVENTS);
        final RecordStream rows = Pipeline.from(source)
            .withWatermark("ts", DISORDER_MS)
            .groupBy(mode == OutputMode.UPDATE ? WindowSpec.tumbling("ts", 3_600_000) :
                WindowSpec.tumbling("ts", 1_000), "key").outputMode(mode)
            .agg(Aggregate.count(), Aggregate.sum("value"), Aggregate.max("sched"), Aggregate.max("pub"),
                Aggregate.sum("sched"));
        final long[] origin = new long[1]; // nanoTime of scheduled offset 0, set before the first send
        final LatencySink sink = new LatencySink(rows.schema(), mode, into, origin, periodNs, settle * periodNs,
            (total - 1) * periodNs);
        try (Pipeline p = rows.to(sink).name("microbatch-paced").waitMode(WaitMode.YIELDING).ringCapacity(16384)
            .progressInterval(0).trigger(trigger).start())
        {
            final long[] originNs = {Long.MIN_VALUE};
            LatencyRig.pace(total, rate, (id, scheduledNs) ->
            {
                if (originNs[0] == Long.MIN_VALUE)
                {
                    originNs[0] = scheduledNs - id * periodNs;
                    origin[0] = originNs[0]; // published to the stage thread by the ring's commit below
                }
                final long schedRel = scheduledNs - originNs[0];
                final RecordFlyweight r = source.claim();
                final long h = WindowWorkload.mix(id);
                r.setLong(KEY, (h >>> 1) % KEYS).setLong(VALUE, id % 1000)
                    .setLong(TS, BASE_MS + schedRel / NS_PER_EVENT_MS).setLong(SCHED, schedRel);
                final long nowNs = System.nanoTime();
                r.setLong(PUB, nowNs - originNs[0]);
                source.commit(nowNs);
            });
            source.endOfStream();
            if (!p.awaitCompletion(5, TimeUnit.MINUTES) || p.failure() != null)
            {
                throw new IllegalStateException("paced pipeline did not complete: " + p.failure(), p.failure());
            }
            into.engine.add(p.metrics().latencyNs());
        }
        into.rows += sink.rows;
        into.epochs += sink.epochs;
    }

    /** Measures each row on the stage thread; allocation-free per row. */
    private static final class LatencySink implements Sink
    {
        private final boolean update;
        private final Config into;
        private final long[] origin;
        private final long periodNs;
        private final long measureFromRelNs;
        private final long lastSendRelNs;
        private final LongField windowEnd;
        private final LongField key;
        private final LongField count;
        private final LongField maxSched;
        private final LongField maxPub;
        private final LongField sumSched;
        private final long[] lastCount = new long[KEYS];
        private final long[] lastSum = new long[KEYS];
        long rows;
        long epochs;

        LatencySink(final Schema schema, final OutputMode mode, final Config into, final long[] origin,
            final long periodNs, final long measureFromRelNs, final long lastSendRelNs)
        {
            this.update = mode == OutputMode.UPDATE;
            this.into = into;
            this.origin = origin;
            this.periodNs = periodNs;
            this.measureFromRelNs = measureFromRelNs;
            this.lastSendRelNs = lastSendRelNs;
            this.windowEnd = schema.longField(Aggregate.WINDOW_END);
            this.key = schema.longField("key");
            this.count = schema.longField("count");
            this.maxSched = schema.longField("max_sched");
            this.maxPub = schema.longField("max_pub");
            this.sumSched = schema.longField("sum_sched");
        }

        @Override
        public void onRecord(final RecordFlyweight row)
        {
            final long nowNs = System.nanoTime();
            rows++;
            final long originNs = origin[0];
            if (update)
            {
                final long k = row.getLong(key);
                final int slot = (int)k;
                final long n = row.getLong(count);
                final long sum = row.getLong(sumSched);
                final long records = n - lastCount[slot];
                final long sumOfNew = sum - lastSum[slot];
                lastCount[slot] = n;
                lastSum[slot] = sum;
                final long sched = row.getLong(maxSched);
                if (sched >= measureFromRelNs)
                {
                    into.result.record(nowNs, originNs + row.getLong(maxPub), originNs + sched);
                    if (records > 0)
                    {
                        final long meanSendNs = originNs + sumOfNew / records;
                        into.records.recordValueWithCount(clamp(nowNs - meanSendNs), records);
                    }
                }
            }
            else
            {
                // watermark = max ts - bound - 1 closes [start, end) at max ts >= end + bound: the first record
                // sent at or after that event time (ts = BASE_MS + sched / NS_PER_EVENT_MS) closed it
                final long closeRelNs = (row.getLong(windowEnd) + DISORDER_MS - BASE_MS) * NS_PER_EVENT_MS;
                final long dueRelNs = (closeRelNs + periodNs - 1) / periodNs * periodNs;
                if (dueRelNs >= measureFromRelNs && dueRelNs <= lastSendRelNs)
                {
                    final long dueNs = originNs + dueRelNs;
                    into.result.record(nowNs, dueNs, dueNs);
                }
            }
        }

        @Override
        public void onEpoch(final long epochId)
        {
            epochs++;
        }

        private static long clamp(final long ns)
        {
            return Math.min(HIGHEST_NS, Math.max(0, ns));
        }
    }
}
