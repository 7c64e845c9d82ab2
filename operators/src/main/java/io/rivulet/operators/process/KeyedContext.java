package io.rivulet.operators.process;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * The current key's view for a {@link KeyedProcessFunction}: typed state, timers and output. Reused for every
 * call (no allocation): valid only during the call.
 */
public interface KeyedContext
{
    /**
     * @return the current key's columns (a record of the key schema: the key columns only).
     */
    RecordFlyweight key();

    /**
     * @return the current key's state, a record of the state schema held off-heap; all zero for a new key.
     * Writes go straight to the state.
     */
    RecordFlyweight state();

    /**
     * @return true if the key had no state before this call.
     */
    boolean isNewKey();

    /**
     * Forgets the key: its state is removed (timers already set for it are ignored when they fire).
     */
    void clearState();

    /**
     * @param timestampMs event time at which {@link KeyedProcessFunction#onTimer} fires for this key; setting
     *                    the same time twice fires once.
     */
    void registerEventTimeTimer(long timestampMs);

    /**
     * @param timestampMs a timer set earlier for this key.
     */
    void deleteEventTimeTimer(long timestampMs);

    /**
     * @param timestampMs wall-clock time at which {@link KeyedProcessFunction#onProcessingTimer} fires for this
     *                    key (checked on every stage tick, so it fires up to one tick late).
     * @throws IllegalStateException in an exactly-once pipeline: the wall clock is not part of the replayed
     *                               input, so such a timer would fire at other points after a recovery; use an
     *                               event-time timer there.
     */
    void registerProcessingTimeTimer(long timestampMs);

    /**
     * @param timestampMs a processing-time timer set earlier for this key.
     */
    void deleteProcessingTimeTimer(long timestampMs);

    /**
     * @return the operator's current watermark (Long.MIN_VALUE before the first).
     */
    long currentWatermark();

    /**
     * @return the scratch output record (output schema), zeroed; fill it, then {@link #emit()}.
     */
    RecordFlyweight outputRecord();

    /** Sends {@link #outputRecord()} downstream; the scratch record is then zeroed for the next output. */
    void emit();
}
