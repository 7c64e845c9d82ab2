package io.rivulet.operators.process;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Arbitrary stateful processing per key (Flink's {@code KeyedProcessFunction}, Spark's
 * {@code flatMapGroupsWithState}): each record of a key sees that key's fixed-width state and may emit records
 * and set event-time timers. Called on the stage thread; must not allocate per record.
 */
@FunctionalInterface
public interface KeyedProcessFunction
{
    /**
     * @param record the input record, valid only during the call.
     * @param ctx    the record's key: its state, timers and output; valid only during the call.
     */
    void processRecord(RecordFlyweight record, KeyedContext ctx);

    /**
     * An event-time timer of a key fired: the watermark passed {@code timestampMs}.
     *
     * @param timestampMs the timer's time, epoch ms.
     * @param ctx         the timer's key, valid only during the call.
     */
    default void onTimer(final long timestampMs, final KeyedContext ctx)
    {
    }

    /**
     * A processing-time timer of a key fired: the wall clock passed {@code timestampMs}.
     *
     * @param timestampMs the timer's time, epoch ms.
     * @param ctx         the timer's key, valid only during the call.
     */
    default void onProcessingTimer(final long timestampMs, final KeyedContext ctx)
    {
    }
}
