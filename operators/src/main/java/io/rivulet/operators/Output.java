package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Where an operator sends what it produces: the next operator of a fused chain, a ring to the next stage, or a
 * sink. Records and markers arrive in stream order on one thread. A record passed in is valid only during the
 * call.
 */
public interface Output
{
    /**
     * @param record valid only during the call.
     */
    void onRecord(RecordFlyweight record);

    /**
     * @param watermarkMs event time, epoch ms, below which no more records are expected.
     */
    void onWatermark(long watermarkMs);

    /**
     * @param epochId the epoch (micro-batch, checkpoint barrier) that just ended.
     */
    void onEpoch(long epochId);

    /** No more records will follow. */
    void onEndOfStream();

    /**
     * The stage's periodic tick (also while no data arrives): drives processing time. Ticks do not cross
     * rings; each stage ticks its own chain. The default ignores it.
     *
     * @param nowMs wall-clock time, epoch ms.
     */
    default void onProcessingTime(final long nowMs)
    {
    }

    /**
     * Micro-batch: whether this output, or one after it, holds rows that only the next epoch marker lets out and
     * that no input caused since the last one, e.g. windows a processing-time watermark closed on a tick. Asked on
     * the stage thread after a tick: a stage then ends an epoch on the clock though no record came, or those rows
     * would wait for the next input. The default: false.
     *
     * @return true if rows wait for an epoch marker.
     */
    default boolean holdsRowsForEpoch()
    {
        return false;
    }

    /**
     * A hint that {@code record} will reach {@link #onRecord} soon, after the records before it: an output whose
     * state lookups miss the cache may load what the record will need now. A stage hints the next few records
     * of its input ring before processing them, so their misses overlap instead of each record waiting for its
     * own. Must not change state, emit or keep the record (valid only during the call); called only if
     * {@link #prefetches()}. The default does nothing.
     *
     * @param record the record as it will arrive; valid only during the call.
     */
    default void prefetch(final RecordFlyweight record)
    {
    }

    /**
     * @return true if {@link #prefetch} does anything (the stage hints only then). Ask after the chain is
     *         opened: an operator that passes records on unchanged answers as its output does.
     */
    default boolean prefetches()
    {
        return false;
    }
}
