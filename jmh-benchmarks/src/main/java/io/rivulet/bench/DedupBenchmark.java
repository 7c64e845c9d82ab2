package io.rivulet.bench;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.join.JoinOperators;
import io.rivulet.ringbuffer.RecordFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * One event per operation through withWatermark(100 ms) -> dropDuplicates(key, horizon 1 s) -> a sink, on one
 * thread. The {@link WindowWorkload} events: 100k keys, each seen about every 500 ms of event time, so about
 * half the events are duplicates within the horizon and dropped, and the remembered keys expire as the watermark
 * advances. Events/µs and, with {@code -prof gc}, allocation per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class DedupBenchmark
{
    private RecordFlyweight event;
    private Operator head;
    private long index;

    /**
     * @param bh JMH blackhole the sink consumes the passed events' keys into.
     */
    @Setup
    public void setUp(final Blackhole bh)
    {
        event = new RecordFlyweight(WindowWorkload.EVENTS).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(WindowWorkload.EVENTS.recordLengthBytes(), 8)), 0);
        final Operator watermark = Operators.withWatermark(WindowWorkload.EVENTS, "ts", WindowWorkload.DISORDER_MS);
        final Operator dedup = JoinOperators.dropDuplicates(WindowWorkload.EVENTS, "ts", 1_000, "key");
        dedup.open(BenchOutputs.consuming(bh, WindowWorkload.EVENTS.longField("key")));
        watermark.open(dedup);
        head = watermark;
    }

    /** One event. */
    @Benchmark
    public void event()
    {
        WindowWorkload.fill(index++, event);
        head.onRecord(event);
    }
}
