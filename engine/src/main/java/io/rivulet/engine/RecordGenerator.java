package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Fills the {@code index}-th generated record, for {@link Sources#generator}. Runs on the source thread; must
 * not allocate per record.
 */
@FunctionalInterface
public interface RecordGenerator
{
    /**
     * @param index  0-based record number.
     * @param record the ring slot to fill, zeroed; valid only during the call.
     */
    void generate(long index, RecordFlyweight record);
}
