package io.rivulet.engine;

import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.internal.SlotConflator;
import io.rivulet.ringbuffer.internal.SlotDescriptor;
import io.rivulet.ringbuffer.internal.SlotRing;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The end of a stage's chain at an async boundary: copies each record (and marker) into the next stage's
 * ring, keeping its ingest time. Waits while that ring is full; allocation-free. At a conflating boundary
 * ({@link RecordStream#conflateBy}) the ring's {@link SlotConflator} takes the records and markers instead: a
 * record replaces its key's pending value, and the stage waits only if the ring has no room for a new key.
 */
final class RingOutput implements StageTail
{
    private final SlotRing ring;
    private final SlotConflator conflator;
    private final UnsafeBuffer buffer;
    private final int recordLength;
    private final AtomicLong recordsOut = new AtomicLong();
    private final AtomicLong lastWatermarkMs = new AtomicLong(Long.MIN_VALUE);

    RingOutput(final SlotRing ring)
    {
        this.ring = ring;
        this.conflator = ring.conflator();
        this.buffer = ring.buffer();
        this.recordLength = ring.recordLengthBytes();
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        if (conflator != null)
        {
            if (conflator.offer(record.buffer(), record.offset(), record.ingestTimeNs(), record.sourceIndex()))
            {
                recordsOut.lazySet(recordsOut.get() + 1);
            }
            return;
        }
        final long sequence = ring.claim();
        if (sequence == SlotRing.HALTED)
        {
            return; // the pipeline is stopping: its failure or close() is what the caller sees
        }
        final int offset = ring.slotOffset(sequence);
        buffer.putInt(offset + SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_DATA);
        buffer.putInt(offset + SlotDescriptor.SOURCE_ID_OFFSET, 0);
        buffer.putLong(offset + SlotDescriptor.INGEST_TIME_OFFSET, record.ingestTimeNs());
        buffer.putLong(offset + SlotDescriptor.SOURCE_INDEX_OFFSET, record.sourceIndex());
        buffer.putBytes(SlotDescriptor.recordOffset(offset), record.buffer(), record.offset(), recordLength);
        ring.publish(sequence);
        recordsOut.lazySet(recordsOut.get() + 1);
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        lastWatermarkMs.lazySet(watermarkMs);
        if (conflator != null)
        {
            conflator.publishWatermark(watermarkMs);
            return;
        }
        ring.publishMarker(SlotDescriptor.TYPE_WATERMARK, 0, watermarkMs);
    }

    @Override
    public void onEpoch(final long epochId)
    {
        if (conflator != null)
        {
            conflator.publishBarrier(SlotDescriptor.TYPE_EPOCH, epochId);
            return;
        }
        ring.publishMarker(SlotDescriptor.TYPE_EPOCH, 0, epochId);
    }

    @Override
    public void onEndOfStream()
    {
        if (conflator != null)
        {
            conflator.publishBarrier(SlotDescriptor.TYPE_END_OF_STREAM, 0);
            return;
        }
        ring.publishMarker(SlotDescriptor.TYPE_END_OF_STREAM, 0, 0);
    }

    @Override
    public long recordsOut()
    {
        return recordsOut.get();
    }

    @Override
    public long lastWatermarkMs()
    {
        return lastWatermarkMs.get();
    }
}
