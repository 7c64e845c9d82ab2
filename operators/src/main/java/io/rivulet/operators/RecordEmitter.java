package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Lets a {@link RecordFlatMapper} emit any number of records without allocating: fill {@link #record()}, then
 * {@link #emit()}; repeat.
 */
public interface RecordEmitter
{
    /**
     * @return the scratch output record to fill; its content is undefined until written.
     */
    RecordFlyweight record();

    /** Sends the filled {@link #record()} downstream. */
    void emit();
}
