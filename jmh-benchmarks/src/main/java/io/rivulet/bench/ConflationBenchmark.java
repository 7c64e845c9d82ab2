package io.rivulet.bench;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineBuilder;
import io.rivulet.engine.PublisherSource;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sink;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.WaitMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A conflating stage boundary ({@code conflateBy("sym")}) against the plain ring ({@code async()}), same topology:
 * <pre>
 *   benchmark thread: claim/fill/commit ==ring==> stage 0 (no operators) ==boundary==> stage 1 -> sink
 * </pre>
 * The score is the publish rate the pipeline sustains. With a sink that keeps up, both boundaries pass every
 * record and the score is the cost of the boundary; with a slow sink ({@code sinkWorkNs} of spinning per record)
 * the plain ring throttles the publisher to the sink's pace, while the conflating one replaces pending quotes of
 * the {@code keys} symbols and lets the publisher run. {@code -prof gc} counts every thread's allocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED") // forks do not read the jar manifest
public class ConflationBenchmark
{
    private static final SymbolField SYM = TradeRecords.TRADES.symbolField("sym");

    /** {@code ring}: {@code async()}; {@code conflate}: {@code conflateBy("sym")}. */
    @Param({"ring", "conflate"})
    public String boundary;

    /** Spinning per record in the sink, ns: 0 keeps up, 1000 is a slow consumer. */
    @Param({"0", "1000"})
    public long sinkWorkNs;

    /** Distinct symbols. */
    @Param({"64"})
    public int keys;

    private Pipeline pipeline;
    private PublisherSource source;
    private String[] symbols;
    private long id;

    /** Starts the pipeline. */
    @Setup(Level.Trial)
    public void setUp()
    {
        symbols = new String[keys];
        for (int k = 0; k < keys; k++)
        {
            symbols[k] = "SYM" + k;
        }
        source = Sources.publisher(TradeRecords.TRADES);
        final RecordStream from = Pipeline.from(source);
        final RecordStream split = "conflate".equals(boundary) ? from.conflateBy("sym") : from.async();
        final PipelineBuilder builder = split.to(new SpinningSink(sinkWorkNs));
        pipeline = builder.name("jmh-conflation").waitMode(WaitMode.YIELDING).start();
    }

    /** Stops the pipeline. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipeline.close();
    }

    /**
     * Publishes one quote.
     */
    @Benchmark
    public void publish()
    {
        final long n = id++;
        final RecordFlyweight r = source.claim();
        TradeRecords.fill(r, n, 0);
        r.setSymbol(SYM, symbols[(int)(n % keys)]);
        source.commit();
    }

    /** A sink that spins for a fixed time per record: a consumer slower than the publisher. */
    static final class SpinningSink implements Sink
    {
        private final long workNs;

        SpinningSink(final long workNs)
        {
            this.workNs = workNs;
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            if (workNs > 0)
            {
                final long until = System.nanoTime() + workNs;
                while (System.nanoTime() - until < 0)
                {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
