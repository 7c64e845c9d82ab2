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
     * Called once before the first record, when the stream is connected to this sink ({@code to(sink)}).
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

    /**
     * The pipeline is done with this sink: release resources. Called exactly once, after the last record: by the
     * last pipeline thread to exit (after end of stream, a failure or a stop), or by {@link Pipeline#close()} for
     * a pipeline that never started or whose build failed. If it throws, {@link Pipeline#close()} reports it.
     */
    default void close()
    {
    }
}
