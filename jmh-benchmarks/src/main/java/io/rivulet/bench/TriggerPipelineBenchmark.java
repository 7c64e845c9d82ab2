package io.rivulet.bench;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PublisherSource;
import io.rivulet.engine.Sink;
import io.rivulet.engine.Sources;
import io.rivulet.engine.Trigger;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The keyed UPDATE aggregation of {@code ./rivulet bench microbatch} (one 1 h window, count + sum by key, 100k
 * keys, {@link WindowWorkload}'s events) in steady state under each trigger: the benchmark thread publishes (claim,
 * fill, commit) into a pipeline started once per trial, unpaced; a full ring back-pressures it. Run it with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes per record of every live thread, the stage thread
 * included, and must be ~0 in every mode.
 * <p>
 * A publisher source ends only when the application ends it, under {@code availableNow(n)} and {@code once()} too:
 * there they cut epochs by record count (every 100k records; never, for {@code once}, whose one epoch is the
 * whole trial: records are absorbed into state and no row leaves), so the steady state holds for all four
 * triggers. A bounded run per invocation would pay for starting the pipeline, and on JDK 17 {@code -prof gc}
 * does not see what threads that have exited allocated.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED") // forks do not read the jar manifest
public class TriggerPipelineBenchmark
{
    /** Name of the benchmark's pipeline: its stage thread is {@code rivulet-trigger-bench-stage-0}. */
    static final String PIPELINE_NAME = "trigger-bench";

    /** The trigger: {@code continuous}, {@code processingTime100ms}, {@code availableNow100k} or {@code once}. */
    @Param({"continuous", "processingTime100ms", "availableNow100k", "once"})
    public String trigger;

    private Pipeline pipeline;
    private PublisherSource source;
    private long id;
    /** Rows and epoch ends the sink saw (stage thread writes, others may read). */
    volatile long rows;
    volatile long epochs;

    static Trigger trigger(final String name)
    {
        switch (name)
        {
            case "continuous":
                return Trigger.continuous();
            case "processingTime100ms":
                return Trigger.processingTime(Duration.ofMillis(100));
            case "availableNow100k":
                return Trigger.availableNow(100_000);
            case "once":
                return Trigger.once();
            default:
                throw new IllegalArgumentException("unknown trigger " + name + ": use continuous, " +
                    "processingTime100ms, availableNow100k or once");
        }
    }

    /** Starts the pipeline. */
    @Setup(Level.Trial)
    public void setUp()
    {
        source = Sources.publisher(WindowWorkload.EVENTS);
        final Sink sink = new Sink()
        {
            @Override
            public void onRecord(final RecordFlyweight record)
            {
                rows = rows + 1; // single writer: the stage thread
            }

            @Override
            public void onEpoch(final long epochId)
            {
                epochs = epochId;
            }
        };
        pipeline = Pipeline.from(source)
            .withWatermark("ts", WindowWorkload.DISORDER_MS)
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count(), Aggregate.sum("value"))
            .to(sink)
            .name(PIPELINE_NAME).waitMode(WaitMode.YIELDING).ringCapacity(16384).progressInterval(0)
            .trigger(trigger(trigger))
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
        final long i = id++;
        WindowWorkload.fill(i, source.claim());
        source.commit();
    }

    /** @return records the stage has taken in (for tests: a snapshot, allocates). */
    long recordsIn()
    {
        return pipeline.metrics().stages().get(0).recordsIn();
    }
}
