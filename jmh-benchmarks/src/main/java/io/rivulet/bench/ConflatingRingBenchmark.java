package io.rivulet.bench;

import io.rivulet.ringbuffer.WaitMode;
import io.rivulet.ringbuffer.internal.SlotConflator;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The stage boundary alone, two threads: the benchmark thread writes 48-byte quotes (an 8-byte symbol key) into a
 * plain {@link SlotRing} (claim, copy, publish: what {@code async()} does) or through a conflating ring's
 * {@link SlotConflator#offer} (what {@code conflateBy("sym")} does); one consumer thread polls and reads every
 * record, spinning {@code consumerWorkNs} per record. The score is the producer's rate: with a consumer that keeps
 * up it is the cost of the boundary; with a slow one the plain ring runs at the consumer's pace and the conflating
 * ring replaces pending quotes of the {@code keys} symbols instead of waiting. {@code -prof gc}: both threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED") // forks do not read the jar manifest
public class ConflatingRingBenchmark
{
    private static final int RECORD_LENGTH = 48;
    private static final int KEY_OFFSET = 8;

    /** {@code plain}: claim/copy/publish; {@code conflating}: {@link SlotConflator#offer}. */
    @Param({"plain", "conflating"})
    public String ring;

    /** Spinning per record in the consumer, ns: 0 keeps up, 1000 is a slow consumer. */
    @Param({"0", "1000"})
    public long consumerWorkNs;

    /** Distinct keys. */
    @Param({"64"})
    public int keys;

    private SlotRing slots;
    private SlotConflator conflator;
    private UnsafeBuffer buffer;
    private UnsafeBuffer record;
    private Thread consumerThread;
    private volatile boolean running;
    private long n;

    /** Creates the ring and starts its consumer. */
    @Setup(Level.Trial)
    public void setUp()
    {
        slots = "conflating".equals(ring) ?
            SlotRing.createConflating(4096, RECORD_LENGTH, WaitMode.YIELDING, 1_000_000, new int[]{KEY_OFFSET},
                new int[]{8}) :
            SlotRing.create(4096, RECORD_LENGTH, WaitMode.YIELDING, false, 1_000_000);
        conflator = slots.conflator();
        buffer = slots.buffer();
        record = new UnsafeBuffer(ByteBuffer.allocateDirect(RECORD_LENGTH));
        final SlotRing.Consumer consumer = slots.consumer();
        final long workNs = consumerWorkNs;
        final SlotHandler handler = new SlotHandler()
        {
            long sum;

            @Override
            public void onSlot(final UnsafeBuffer b, final int slotOffset, final boolean endOfBatch)
            {
                final int r = SlotDescriptor.recordOffset(slotOffset);
                sum += b.getLong(r) + b.getLong(r + KEY_OFFSET);
                if (workNs > 0)
                {
                    final long until = System.nanoTime() + workNs;
                    while (System.nanoTime() - until < 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
        };
        running = true;
        consumerThread = new Thread(() ->
        {
            while (running && consumer.poll(handler) >= 0)
            {
                // poll returns -1 once halted
            }
        }, "bench-consumer");
        consumerThread.start();
    }

    /** Halts the ring and joins the consumer. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        running = false;
        slots.halt();
        consumerThread.join();
    }

    /** Writes one quote across the boundary. */
    @Benchmark
    public void offer()
    {
        final long i = n++;
        final UnsafeBuffer record = this.record;
        record.putLong(0, i);
        record.putLong(KEY_OFFSET, i % keys);
        record.putLong(16, i * 3);
        if (conflator != null)
        {
            conflator.offer(record, 0, i, i);
            return;
        }
        final long sequence = slots.claim();
        if (sequence < 0)
        {
            return; // halted
        }
        final int offset = slots.slotOffset(sequence);
        buffer.putInt(offset + SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_DATA);
        buffer.putInt(offset + SlotDescriptor.SOURCE_ID_OFFSET, 0);
        buffer.putLong(offset + SlotDescriptor.INGEST_TIME_OFFSET, i);
        buffer.putLong(offset + SlotDescriptor.SOURCE_INDEX_OFFSET, i);
        buffer.putBytes(SlotDescriptor.recordOffset(offset), record, 0, RECORD_LENGTH);
        slots.publish(sequence);
    }
}
