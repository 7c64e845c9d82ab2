package io.rivulet.tools;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineMetrics;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.engine.StageMetrics;
import io.rivulet.ringbuffer.BooleanField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.WaitMode;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.Expr.col;

/**
 * The main job on embedded defaults: a generated trade stream at a fixed rate through a fused
 * where -> select -> filter chain, a few rows printed, a progress line per second, then latency percentiles and
 * throughput.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the demo pipeline: generated trades -> where -> select -> filter -> console.")
final class DemoCommand implements Callable<Integer>
{
    private static final String[] SYMBOLS = {"AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "TSLA", "META", "IBM"};

    @Option(names = "--rate", description = "Trades per second (default: ${DEFAULT-VALUE}).", defaultValue = "100000")
    long ratePerSecond;

    @Option(names = "--seconds", description = "How long to run (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    long seconds;

    @Option(names = "--rows", description = "Result rows to print (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    long rows;

    @Option(names = "--wait-mode", description = "Stage wait mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
        defaultValue = "BACKOFF")
    WaitMode waitMode;

    @Option(names = "--progress-ms", description = "Print a progress report every this many ms, 0 for none " +
        "(default: ${DEFAULT-VALUE}).", defaultValue = "1000")
    long progressMs;

    @Override
    public Integer call()
    {
        if (ratePerSecond <= 0 || ratePerSecond > 10_000_000)
        {
            throw new IllegalArgumentException("--rate must be 1 to 10000000, got " + ratePerSecond);
        }
        if (seconds <= 0 || seconds > 3600)
        {
            throw new IllegalArgumentException("--seconds must be 1 to 3600, got " + seconds);
        }
        if (progressMs < 0)
        {
            throw new IllegalArgumentException("--progress-ms must be >= 0 (0 = no progress reports), got " +
                progressMs);
        }
        if (rows < 0)
        {
            throw new IllegalArgumentException("--rows must be >= 0, got " + rows);
        }

        final Schema trades = Schema.builder()
            .int64("id").symbol("sym", 8).float64("px").int32("qty").timestamp("ts").bool("buy").build();
        final LongField id = trades.longField("id");
        final SymbolField sym = trades.symbolField("sym");
        final DoubleField px = trades.doubleField("px");
        final IntField qty = trades.intField("qty");
        final LongField ts = trades.longField("ts");
        final BooleanField buy = trades.booleanField("buy");
        final long count = ratePerSecond * seconds;

        final Pipeline pipeline = Pipeline.from(Sources.generator(trades, ratePerSecond, count, (i, r) ->
        {
            // deterministic pseudo-random trade i (no Random object, no allocation)
            final long h = mix(i);
            r.setLong(id, i);
            r.setSymbol(sym, SYMBOLS[(int)(h & 7)]);
            r.setDouble(px, 100.0 + ((h >>> 8) & 0xFFFF) / 100.0);
            r.setInt(qty, (int)((h >>> 24) % 1000) + 1);
            r.setLong(ts, System.currentTimeMillis());
            r.setBoolean(buy, ((h >>> 40) & 1) == 0);
        }))
            .where(col("qty").gt(100))
            .select(col("id"), col("sym"), col("qty"), col("px").times(col("qty")).as("notional"), col("buy"))
            .where(col("notional").gt(50_000.0).and(col("buy")))
            .to(Sinks.console(System.out, rows))
            .name("demo")
            .waitMode(waitMode)
            .progressInterval(progressMs)
            .build();
        if (progressMs > 0)
        {
            pipeline.addProgressListener(System.out::println); // one line per report, on the progress thread
        }

        System.out.println("Rivulet demo: " + count + " generated trades at " + ratePerSecond + "/s for " + seconds +
            " s, wait mode " + waitMode);
        System.out.println(pipeline.explain());
        System.out.println();
        final long startNs = System.nanoTime();
        try (Pipeline p = pipeline.start())
        {
            // the first second includes JIT compilation: report latency without it, as a benchmark would
            final boolean warmupExcluded = seconds > 1 && !p.awaitCompletion(1, TimeUnit.SECONDS);
            final Histogram warmupLatencyNs = p.metrics().latencyNs();
            if (!p.awaitCompletion(seconds + 60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("demo did not complete in time");
            }
            final double elapsedS = (System.nanoTime() - startNs) / 1e9;
            final PipelineMetrics m = p.metrics();
            final Histogram latencyNs = m.latencyNs();
            if (warmupExcluded)
            {
                latencyNs.subtract(warmupLatencyNs);
            }
            System.out.println();
            for (final StageMetrics s : m.stages())
            {
                System.out.println(s.name() + ": in=" + s.recordsIn() + " out=" + s.recordsOut());
            }
            System.out.printf("throughput: %.0f trades/s in, %d results out, %.2f s%n",
                m.stages().get(0).recordsIn() / elapsedS, m.sinkRecords(), elapsedS);
            System.out.printf("end-to-end latency, ingest -> sink%s, us: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f " +
                "max=%.2f (n=%d)%n", warmupExcluded ? " (after 1 s warm-up)" : "",
                latencyNs.getValueAtPercentile(50) / 1e3, latencyNs.getValueAtPercentile(90) / 1e3,
                latencyNs.getValueAtPercentile(99) / 1e3, latencyNs.getValueAtPercentile(99.9) / 1e3,
                latencyNs.getMaxValue() / 1e3, latencyNs.getTotalCount());
        }
        return 0;
    }

    private static long mix(final long i)
    {
        long z = i * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
