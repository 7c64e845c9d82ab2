package io.rivulet.ringbuffer.internal;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Receives the slots a {@link SlotRing.Consumer} polls, in sequence order, on the consumer's thread. Every
 * slot is handed over, {@link SlotDescriptor#TYPE_PADDING padding} (aborted claims) included: a handler must
 * skip padding, which carries no record.
 */
@FunctionalInterface
public interface SlotHandler
{
    /**
     * @param buffer     the ring's memory; valid to read at {@code slotOffset} only during the call.
     * @param slotOffset offset of the slot; decode with {@link SlotDescriptor}.
     * @param endOfBatch true for the last slot available in this poll (Disruptor end-of-batch).
     */
    void onSlot(UnsafeBuffer buffer, int slotOffset, boolean endOfBatch);

    /**
     * A slot that {@link #onSlot} will receive shortly: the consumer hands a group of up to
     * {@link SlotRing#PREFETCH_GROUP} slots here first, then each to {@code onSlot}, so a handler whose slots
     * lead to state lookups can load them into cache together (their misses overlap). Must not consume the slot
     * or throw. Called only if {@link #prefetches()}.
     *
     * @param buffer     the ring's memory; valid to read at {@code slotOffset} only during the call.
     * @param slotOffset offset of the slot; decode with {@link SlotDescriptor}. May be padding.
     */
    default void prefetch(final UnsafeBuffer buffer, final int slotOffset)
    {
    }

    /**
     * @return true if {@link #prefetch} does anything; asked on every poll (it may change once, at start).
     */
    default boolean prefetches()
    {
        return false;
    }
}
