package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Typed-API filter condition over a record flyweight.
 */
@FunctionalInterface
public interface RecordPredicate
{
    /**
     * @param record valid only during the call.
     * @return true to keep the record.
     */
    boolean test(RecordFlyweight record);
}
