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
     * The record with its place in the pipeline's output, for a sink that must handle replay itself. When the
     * pipeline checkpoints ({@link PipelineBuilder#checkpointLocation}), every output has a stable sequence
     * number: 1, 2, 3, ... over the pipeline's whole life, across restarts. After a crash the pipeline restores
     * its last checkpoint and replays; outputs after that checkpoint are then delivered again, with the same
     * sequence numbers and the same contents. A sink that cannot deduplicate by sequence can be read-committed
     * instead: hold what it got until {@link #onEpochCommitted} covers its epoch. (The output journal,
     * {@link Sinks#journal}, drops the replayed ones itself.) The default calls {@link #onRecord(RecordFlyweight)}.
     *
     * @param record   valid only during the call.
     * @param epoch    the checkpoint epoch the record belongs to: it is durable once {@link #onEpochCommitted}
     *                 reports this epoch or a later one (without checkpoints: the
     *                 trigger's epoch under micro-batch, 0 in continuous mode).
     * @param sequence the record's output sequence number (from 1; counts this run only without checkpoints).
     */
    default void onRecord(final RecordFlyweight record, final long epoch, final long sequence)
    {
        onRecord(record);
    }

    /**
     * Every record of epochs up to and including {@code epoch} is covered by a durable checkpoint: after a crash
     * none of them is delivered again. Called on the sink's thread (the last stage's), a little after the
     * checkpoint's file is written (within a stage tick, 10 ms); for the checkpoint taken after end of stream, when
     * the pipeline is released ({@link Pipeline#awaitCompletion} and {@link Pipeline#close()} wait for it;
     * {@link Pipeline#isCompleted()} may be true a moment before). Only with checkpoints. Durable means on disk:
     * if that file is later damaged (and the checkpoint directory keeps older ones), recovery falls back to an
     * older checkpoint, with a warning naming the file, and records of the epochs after it are delivered again.
     *
     * @param epoch the newest durable epoch.
     */
    default void onEpochCommitted(final long epoch)
    {
    }

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
