package io.rivulet.bench.nexmark;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PublisherSource;
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
 * One Nexmark event per operation through a single-source query on a running pipeline: the benchmark thread
 * generates the event into a claimed ring slot and commits it (as the generator source does); the stage thread runs
 * the query into a discarding sink. {@code -prof gc} counts every thread's allocation, the stage thread's included:
 * the allocation gate for the queries' hot path. The joins (q3, q8) read two sources and run in
 * {@code ./rivulet bench nexmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class NexmarkQueryBenchmark
{
    /** The query. */
    @Param({"q0", "q1", "q2", "q5", "q7"})
    public String query;

    private final NexmarkGenerator generator = new NexmarkGenerator(1);
    private Pipeline pipeline;
    private PublisherSource source;
    private int recordLength;
    private long n;

    /** Starts the query's pipeline. */
    @Setup(Level.Trial)
    public void setUp()
    {
        source = Sources.publisher(NexmarkEvents.EVENT);
        recordLength = NexmarkEvents.EVENT.recordLengthBytes();
        pipeline = NexmarkQuery.named(query).define(source)
            .to(Sinks.discard())
            .name("jmh-nexmark-" + query)
            .waitMode(WaitMode.YIELDING)
            .recordLatency(false)
            .start();
    }

    /** Stops the pipeline. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipeline.close();
    }

    /** Generates and publishes the next event. */
    @Benchmark
    public void event()
    {
        final RecordFlyweight r = source.claim();
        r.buffer().setMemory(r.offset(), recordLength, (byte)0);
        generator.event(n++, r);
        source.commit();
    }
}
