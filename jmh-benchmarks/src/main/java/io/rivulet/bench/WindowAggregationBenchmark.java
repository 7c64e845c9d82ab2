package io.rivulet.bench;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.Output;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowOperators;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * One event per operation through withWatermark(100 ms) -> keyed window count + sum (append mode) -> a sink
 * consuming every emitted row, on one thread: events/µs and, with {@code -prof gc}, allocation per event. The
 * keyed aggregate over each window type ({@code -p window=}): {@code tumbling} 1 s, {@code sliding} 4 s every
 * 1 s (each event updates 4 windows), {@code session} with a 300 ms gap (a key sees an event about every 500 ms
 * of event time, so most sessions hold one or two). The event is generated in the operation (as a source would),
 * see {@link WindowWorkload}. Event time keeps advancing across iterations, so windows keep closing and rows keep
 * flowing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class WindowAggregationBenchmark
{
    /** The window type: tumbling, sliding or session. */
    @Param({"tumbling", "sliding", "session"})
    public String window;

    private RecordFlyweight event;
    private Operator head;
    private long index;
    private Blackhole blackhole;

    /**
     * @param bh JMH blackhole the sink consumes rows into.
     */
    @Setup
    public void setUp(final Blackhole bh)
    {
        blackhole = bh;
        event = new RecordFlyweight(WindowWorkload.EVENTS).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(WindowWorkload.EVENTS.recordLengthBytes(), 8)), 0);
        final Operator watermark = Operators.withWatermark(WindowWorkload.EVENTS, "ts", WindowWorkload.DISORDER_MS);
        final WindowSpec spec = switch (this.window)
        {
            case "tumbling" -> WindowSpec.tumbling("ts", 1000);
            case "sliding" -> WindowSpec.sliding("ts", 4000, 1000);
            case "session" -> WindowSpec.session("ts", 300);
            default -> throw new IllegalArgumentException("window: tumbling, sliding or session, got " + this.window);
        };
        final Operator window = WindowOperators.aggregate(WindowWorkload.EVENTS, spec,
            new String[]{"key"}, new Aggregate[]{Aggregate.count(), Aggregate.sum("value")}, OutputMode.APPEND, 0,
            null);
        final LongField count = window.outputSchema().longField("count");
        window.open(new Output()
        {
            public void onRecord(final RecordFlyweight record)
            {
                blackhole.consume(record.getLong(count));
            }

            public void onWatermark(final long watermarkMs)
            {
            }

            public void onEpoch(final long epochId)
            {
            }

            public void onEndOfStream()
            {
            }
        });
        watermark.open(window);
        head = watermark;
    }

    /**
     * One event.
     */
    @Benchmark
    public void event()
    {
        WindowWorkload.fill(index++, event);
        head.onRecord(event);
    }
}
