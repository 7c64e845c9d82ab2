package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

/**
 * Where a pipeline's results go. Called on the last stage's thread, in stream order. A lambda
 * {@code record -> ...} is a sink: only {@link #onRecord} is abstract.
 * <p>
 * The record is valid only during the call: copy out what must outlive it. A sink on the hot path must not
 * allocate per record.
 */
@FunctionalInterface
public interface Sink
{
    /**
     * Called once before the first record, when the pipeline is built.
     *
     * @param schema schema of the records this sink will receive.
     * @throws io.rivulet.ringbuffer.SchemaException if the sink cannot take records of that schema.
     */
    default void open(final Schema schema)
    {
    }

    /**
     * @param record valid only during the call.
     */
    void onRecord(RecordFlyweight record);

    /**
     * @param watermarkMs event time below which no more records are expected, epoch ms.
     */
    default void onWatermark(final long watermarkMs)
    {
    }

    /**
     * @param epochId the epoch that ended.
     */
    default void onEpoch(final long epochId)
    {
    }

    /** The stream ended: no record will follow. */
    default void onEndOfStream()
    {
    }

    /** The pipeline closed; release resources. */
    default void close()
    {
    }
}
