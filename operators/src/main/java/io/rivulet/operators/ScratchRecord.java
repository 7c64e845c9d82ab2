package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One preallocated output record that an operator fills and emits, over and over: no allocation per record.
 */
final class ScratchRecord
{
    private final RecordFlyweight record;
    private final int lengthBytes;

    ScratchRecord(final Schema schema)
    {
        lengthBytes = schema.recordLengthBytes();
        record = new RecordFlyweight(schema)
            .wrap(new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(8, lengthBytes), 8)), 0);
    }

    /**
     * @param ingestTimeNs carried over from the input record.
     * @param sourceIndex  carried over from the input record.
     * @return the scratch record, zeroed.
     */
    RecordFlyweight reset(final long ingestTimeNs, final long sourceIndex)
    {
        record.buffer().setMemory(0, lengthBytes, (byte)0);
        return record.ingestTimeNs(ingestTimeNs).sourceIndex(sourceIndex);
    }

    RecordFlyweight record()
    {
        return record;
    }
}
