package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

/**
 * A source the embedding application publishes into from its own thread, allocation-free:
 * <pre>{@code
 *   RecordFlyweight r = source.claim();    // waits while the ring is full (back-pressure, never drops)
 *   try {
 *       r.setLong(ID, 42).setSymbol(SYM, sym).setDouble(PRICE, 101.5);
 *       source.commit();                   // stamps the ingest time, makes the record visible
 *   } catch (RuntimeException ex) {
 *       source.abort();                    // the slot becomes padding the stage skips; claim() works again
 *       throw ex;
 *   }
 * }</pre>
 * Every claim must end in {@link #commit()} or {@link #abort()}: until it does, the stage (and, in a join, the
 * other input too) waits for that slot. Every field must be written between claim and commit (the slot is
 * reused memory and is not cleared). After {@link #endOfStream()} nothing may be published: every method that
 * publishes then throws {@link IllegalStateException} at once.
 * <p>
 * Threading: use from one thread at a time, after the pipeline {@link Pipeline#start() started}. Handing the
 * publisher to another thread is allowed between claims (not between a claim and its commit), provided the
 * hand-over is a happens-before edge: a thread start or join, an executor submit, a concurrent queue, a lock.
 * The publisher's state and the ring's single-producer sequencer are plain fields (that is what keeps a claim
 * at a few nanoseconds), so two threads publishing at the same time corrupt the stream: give each producing
 * thread its own source instead.
 */
public final class PublisherSource extends Source
{
    private boolean startSeen;

    PublisherSource(final Schema schema)
    {
        super(schema, "publisher");
    }

    @Override
    boolean ownsThread()
    {
        return false;
    }

    /**
     * Claims the next slot, waiting while the ring is full the way the pipeline's
     * {@link io.rivulet.ringbuffer.WaitMode} says.
     *
     * @return the record to fill, valid until {@link #commit()} or {@link #abort()}.
     * @throws PipelineFailedException if the pipeline failed (its cause is the failure).
     * @throws PipelineClosedException if the pipeline was closed or has completed.
     * @throws IllegalStateException   if the pipeline is not started, a claim is open, or the stream has ended.
     */
    public RecordFlyweight claim()
    {
        final RecordFlyweight record = requireContext().claim();
        if (record == null)
        {
            throw runtime.stoppedException();
        }
        return record;
    }

    /**
     * Claims the next slot if one is free now, never waiting.
     *
     * @return the record to fill (see {@link #claim()}), or null if the ring is full.
     * @throws PipelineFailedException if the pipeline stopped.
     * @throws IllegalStateException   as {@link #claim()}.
     */
    public RecordFlyweight tryClaim()
    {
        final SourceContext ctx = requireContext();
        final RecordFlyweight record = ctx.tryClaim();
        if (record == null && ctx.isStopping())
        {
            throw runtime.stoppedException();
        }
        return record;
    }

    /**
     * Publishes the claimed record, stamping its ingest time with {@link System#nanoTime()}.
     *
     * @throws IllegalStateException if no record is claimed.
     */
    public void commit()
    {
        requireContext().commit(System.nanoTime());
    }

    /**
     * Publishes the claimed record with an ingest time the application already holds, saving a clock read.
     *
     * @param ingestTimeNs when the record entered the engine: a {@link System#nanoTime()} reading of this JVM
     *                     taken before this call, never an epoch time or a future value (latency and
     *                     idleness are measured from it, and a stage uses it as its clock between clock reads).
     * @throws IllegalStateException if no record is claimed.
     */
    public void commit(final long ingestTimeNs)
    {
        requireContext().commit(ingestTimeNs);
    }

    /**
     * Gives the claimed slot back without publishing a record: the slot travels as padding that the stage skips
     * (not a record, not counted, never seen by operators). Use when filling the record failed.
     *
     * @throws IllegalStateException if no record is claimed.
     */
    public void abort()
    {
        requireContext().abort();
    }

    /**
     * @return true between a successful claim and its commit or abort.
     */
    public boolean isClaimed()
    {
        return context != null && context.isClaimed();
    }

    /**
     * Publishes a watermark in-band, after the records already committed. It always serves as a heartbeat: an
     * input of a join that sends only watermarks is alive, not idle, and keeps holding event time back. Whether
     * its <em>value</em> is event time depends on how the stream defines event time:
     * <ul>
     * <li>{@link RecordStream#withSourceWatermarks()}: it is. Windows close, timers fire and late records are
     * judged by the published watermarks.</li>
     * <li>{@link RecordStream#withWatermark} (or {@link RecordStream#withProcessingTime}): it is not. Event time
     * comes from the column (or the clock) and the published value is dropped by that step; only the heartbeat
     * counts. {@link StageMetrics#eventTime()} still shows the published value as the input's watermark
     * ({@code input 0 (publisher) watermark W}), which is not the watermark the operators use.</li>
     * <li>neither: the value passes downstream unchanged, but operators that need a watermark (APPEND
     * aggregation, {@code dropDuplicates}, {@code intervalJoin}) are rejected until the stream declares
     * {@code withSourceWatermarks()}.</li>
     * </ul>
     * Allocates nothing; call from the publishing thread, between claims.
     *
     * @param watermarkMs event time below which no more records will come, epoch ms.
     * @throws PipelineFailedException if the pipeline stopped.
     * @throws IllegalStateException   if a claim is open or the stream has ended.
     */
    public void publishWatermark(final long watermarkMs)
    {
        if (!requireContext().publishWatermark(watermarkMs))
        {
            throw runtime.stoppedException();
        }
    }

    /**
     * Ends the stream: the pipeline drains what was published, then completes. Call once.
     *
     * @throws PipelineFailedException if the pipeline stopped.
     * @throws IllegalStateException   if a claim is open or the stream has already ended.
     */
    public void endOfStream()
    {
        if (!requireContext().endOfStream())
        {
            throw runtime.stoppedException();
        }
    }

    private SourceContext requireContext()
    {
        final SourceContext ctx = context;
        if (ctx == null)
        {
            throw new IllegalStateException("The pipeline of this publisher is not built; call start() first");
        }
        if (!startSeen)
        {
            // a built but unstarted pipeline has no stage consuming: a full ring would block the app forever
            if (!runtime.isStarted())
            {
                throw new IllegalStateException("The pipeline of this publisher is built but not started; call " +
                    "start() before publishing");
            }
            startSeen = true;
        }
        return ctx;
    }
}
