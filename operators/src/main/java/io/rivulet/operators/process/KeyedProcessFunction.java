package io.rivulet.operators.process;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Arbitrary stateful processing per key (Flink's {@code KeyedProcessFunction}, Spark's
 * {@code flatMapGroupsWithState}): each record of a key sees that key's fixed-width state and may emit records
 * and set event-time timers. Called on the stage thread; must not allocate per record.
 * <p>
 * <b>Where state lives.</b> Keep everything a key needs between calls in {@link KeyedContext#state()} (fixed-width,
 * off-heap, declared by the state schema; {@link BoundedLongList} and {@link BoundedLongMap} fit lists and maps
 * in it) and in timers. That is what a checkpoint captures and a recovery restores. State kept in the function's
 * own fields (a counter, a {@code HashMap}, the last record seen) is <b>not</b> checkpointed: after a recovery
 * from a checkpoint it starts from what the constructor set, so an exactly-once pipeline would emit other
 * results than before the crash. Fields are for configuration and reusable scratch objects only.
 * <p>
 * <b>Exactly-once.</b> Output must depend only on the records, the state, the key and event-time timers. In an
 * exactly-once pipeline {@link KeyedContext#registerProcessingTimeTimer} throws; do not read the wall clock or
 * randomness either.
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
