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
}
