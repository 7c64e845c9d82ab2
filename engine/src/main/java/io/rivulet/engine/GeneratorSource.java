package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SlotDescriptor;
import io.rivulet.ringbuffer.SlotRing;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.LockSupport;

/**
 * Generates records on its own thread at a fixed pace (or as fast as the ring takes them).
 */
final class GeneratorSource extends Source
{
    /** Below this much time to the next send, spin rather than park (a park costs ~50 µs here). */
    private static final long SPIN_THRESHOLD_NS = 100_000;

    private final long recordsPerSecond;
    private final long count;
    private final RecordGenerator generator;
    private final RecordFlyweight record;

    GeneratorSource(final Schema schema, final long recordsPerSecond, final long count,
        final RecordGenerator generator)
    {
        super(schema, "generator(" + (recordsPerSecond > 0 ? recordsPerSecond + "/s" : "unpaced") + ", " +
            (count == Long.MAX_VALUE ? "unbounded" : count + " records") + ")");
        this.recordsPerSecond = recordsPerSecond;
        this.count = count;
        this.generator = generator;
        this.record = new RecordFlyweight(schema);
    }

    @Override
    boolean ownsThread()
    {
        return true;
    }

    @Override
    void run()
    {
        final SlotRing ring = this.ring;
        final UnsafeBuffer buffer = ring.buffer();
        final int recordLength = record.schema().recordLengthBytes();
        final long periodNs = recordsPerSecond > 0 ? 1_000_000_000L / recordsPerSecond : 0;
        long nextSendNs = System.nanoTime();
        for (long i = 0; i < count; i++)
        {
            if (periodNs > 0)
            {
                awaitSendTime(nextSendNs);
                nextSendNs += periodNs;
            }
            final long sequence = ring.claim();
            if (sequence == SlotRing.HALTED || runtime.isStopping())
            {
                return;
            }
            final int recordOffset = SlotDescriptor.recordOffset(ring.slotOffset(sequence));
            buffer.setMemory(recordOffset, recordLength, (byte)0);
            generator.generate(i, record.wrap(buffer, recordOffset));
            publishData(sequence);
        }
        publishEndOfStream();
    }

    private void awaitSendTime(final long sendTimeNs)
    {
        long remainingNs;
        while ((remainingNs = sendTimeNs - System.nanoTime()) > 0)
        {
            if (remainingNs > SPIN_THRESHOLD_NS)
            {
                LockSupport.parkNanos(remainingNs - SPIN_THRESHOLD_NS);
            }
            else
            {
                Thread.onSpinWait();
            }
            if (runtime.isStopping())
            {
                return;
            }
        }
    }
}
