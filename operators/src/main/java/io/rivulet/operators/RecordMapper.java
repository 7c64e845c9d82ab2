package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Typed-API one-to-one transformation: writes the output record from the input record.
 */
@FunctionalInterface
public interface RecordMapper
{
    /**
     * @param in  input record, valid only during the call.
     * @param out output record to fill (reused scratch memory, every field must be written), valid only during
     *            the call.
     */
    void map(RecordFlyweight in, RecordFlyweight out);
}
