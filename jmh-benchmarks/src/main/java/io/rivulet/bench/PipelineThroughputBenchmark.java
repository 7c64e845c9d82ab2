package io.rivulet.bench;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PublisherSource;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.RecordFlyweight;
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
 * End to end through the engine, unpaced: the benchmark thread publishes (claim, fill, commit) into the ring;
 * the stage thread runs the fused 3-operator chain into a discarding sink (with latency recording on). The
 * score is the publish rate the pipeline sustains (a full ring back-pressures the publisher), and
 * {@code -prof gc} counts the allocation of every thread, stage thread included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED") // forks do not read the jar manifest
public class PipelineThroughputBenchmark
{
    /** Stage wait mode. */
    @Param({"YIELDING"})
    public String waitMode;

    private Pipeline pipeline;
    private PublisherSource source;
    private long id;

    /** Starts the pipeline. */
    @Setup(Level.Trial)
    public void setUp()
    {
        source = Sources.publisher(TradeRecords.TRADES);
        final RecordStream selected = Pipeline.from(source)
            .where(TradeRecords.WHERE)
            .select(TradeRecords.SELECT);
        pipeline = selected.filter(TradeRecords.positiveNotional(selected.schema()))
            .to(Sinks.discard())
            .name("jmh")
            .waitMode(WaitMode.valueOf(waitMode))
            .start();
    }

    /** Stops the pipeline. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipeline.close();
    }

    /**
     * Publishes one record.
     */
    @Benchmark
    public void publish()
    {
        final RecordFlyweight r = source.claim();
        TradeRecords.fill(r, id++, 0);
        source.commit();
    }
}
