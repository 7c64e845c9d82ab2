package io.rivulet.bench;

import io.rivulet.ringbuffer.WaitMode;
import io.rivulet.ringbuffer.internal.SlotDescriptor;
import io.rivulet.ringbuffer.internal.SlotHandler;
import io.rivulet.ringbuffer.internal.SlotRing;
import org.agrona.concurrent.UnsafeBuffer;
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
 * Latency of one ring hop, sampled per operation (JMH {@code SampleTime}: percentiles, not just a mean): the JMH
 * thread claims a slot of a {@link SlotRing} (64-byte records), writes it, publishes it, and waits until the
 * consumer thread has read it and released the slot (the consumer's sequence, which a producer reads to claim
 * anyway). So one operation is a hop there plus the consumer's sequence becoming visible back: a round trip over
 * the two cores, about twice the one-way figure. Unloaded: one record in flight. Compare with PLATFORM.md's
 * busy-spin ping-pong; {@code -p waitMode=BUSY_SPIN} for the lowest latency (needs both cores free).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class RingHopBenchmark
{
    /** How the consumer waits for the next slot. */
    @Param({"YIELDING"})
    public String waitMode;

    private SlotRing ring;
    private SlotRing.Consumer consumer;
    private Thread consumerThread;
    private long lastRead;

    /** Starts the consumer thread. */
    @Setup(Level.Trial)
    public void setUp()
    {
        ring = SlotRing.create(1024, 64, WaitMode.valueOf(waitMode), false);
        consumer = ring.consumer();
        final SlotHandler handler = (UnsafeBuffer buffer, int slotOffset, boolean endOfBatch) ->
            lastRead = buffer.getLong(SlotDescriptor.recordOffset(slotOffset));
        consumerThread = new Thread(() ->
        {
            while (consumer.poll(handler) >= 0)
            {
                // poll waits per the wait mode; -1 once halted
            }
        }, "rivulet-bench-ring-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    /**
     * Stops the consumer thread.
     *
     * @throws InterruptedException if interrupted while joining it.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        ring.halt();
        consumerThread.join(10_000);
    }

    /** @return the sequence that made the hop. */
    @Benchmark
    public long hop()
    {
        final SlotRing r = ring;
        final long sequence = r.claim();
        final int offset = r.slotOffset(sequence);
        final UnsafeBuffer buffer = r.buffer();
        buffer.putInt(offset + SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_DATA);
        buffer.putLong(offset + SlotDescriptor.INGEST_TIME_OFFSET, System.nanoTime()); // as a source stamps it
        buffer.putLong(SlotDescriptor.recordOffset(offset), sequence);
        r.publish(sequence);
        while (consumer.sequence() < sequence)
        {
            Thread.onSpinWait();
        }
        return sequence;
    }
}
