package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Typed-API one-to-many transformation.
 */
@FunctionalInterface
public interface RecordFlatMapper
{
    /**
     * @param in  input record, valid only during the call.
     * @param out emits zero or more output records.
     */
    void flatMap(RecordFlyweight in, RecordEmitter out);
}
