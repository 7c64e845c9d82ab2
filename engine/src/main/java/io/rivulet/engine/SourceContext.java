package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SlotDescriptor;
import io.rivulet.ringbuffer.internal.SlotRing;
import io.rivulet.ringbuffer.WaitMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * A source's handle on its pipeline's input ring: claim a record, fill it, then {@link #commit()} or
 * {@link #abort()} it; publish watermarks and end of stream in-band; learn when to stop. Every source works
 * through one (the built-in ones and {@link SourceFunction user feeds} alike).
 * <pre>{@code
 *   RecordFlyweight r = ctx.claim();   // null once the pipeline stops: return
 *   try { decode(message, r); ctx.commit(); }
 *   catch (RuntimeException ex) { ctx.abort(); throw ex; }   // the slot becomes padding the stage skips
 * }</pre>
 * Every claim must end in {@code commit} or {@code abort}: until it does, the stage (and, in a join, the other
 * input too) waits for that slot. Misuse (a second claim, a commit without a claim, anything after
 * {@link #endOfStream()}) throws {@link IllegalStateException} at once.
 * <p>
 * Threading: one thread at a time. Moving it to another thread between claims is allowed when the hand-over is
 * a happens-before edge (a thread start or join, a concurrent queue, a lock, a volatile write then read): the
 * context's state and the ring's single-producer sequencer are plain fields, read without locks.
 * Allocation-free; the returned flyweight is reused and valid until the commit or abort.
 */
public final class SourceContext
{
    /** Most records a step holds back before publishing them: a bound on what batching adds to latency. */
    static final int MAX_BATCH_PUBLISH = 32;

    private final String sourceName;
    private final SlotRing ring;
    private final UnsafeBuffer buffer;
    private final PipelineRuntime runtime;
    private final int sourceId;
    private final RecordFlyweight record;
    private final IdleStrategy idleStrategy;
    private long claimed = -1;
    private boolean ended;
    /** availableNow/once: records per epoch this source ends (Long.MAX_VALUE: one epoch); 0: no epochs here. */
    private long recordsPerEpoch;
    private long recordsInEpoch;
    private long lastSourceIndex = -1;
    /** With checkpoints: the position the source resumed from, where its stream ends if it commits nothing. */
    private long resumePosition = -1;
    private long nextEpochId = 1;
    /** With checkpoints and availableNow: the trigger's epochs are the barriers, ids from the coordinator. */
    private CheckpointCoordinator barrierCoordinator;
    /** An epoch's last record is committed, its marker not yet published: the previous checkpoint is in flight. */
    private boolean epochEndPending;
    /**
     * Inside a step of a built-in source ({@link #beginBatch}): commits are published together, up to
     * {@link #maxPending} at a time and at the step's end, so the consumer's core sees one cursor store per batch
     * instead of one per record (each is a cache-line transfer between cores). Committed but not yet published:
     * sequences {@code pendingFirst..pendingLast}; {@code pendingFirst} is -1 when none.
     */
    private boolean batching;
    private final int maxPending;
    private long pendingFirst = -1;
    private long pendingLast;

    SourceContext(final String sourceName, final Schema schema, final SlotRing ring, final PipelineRuntime runtime,
        final int sourceId)
    {
        this.sourceName = sourceName;
        this.ring = ring;
        this.buffer = ring.buffer();
        this.runtime = runtime;
        this.sourceId = sourceId;
        this.record = new RecordFlyweight(schema);
        this.idleStrategy = idleStrategy(ring.waitMode());
        // a ring two sources share cannot publish a range: it could hold the other source's unwritten slot
        this.maxPending = ring.isMultiProducer() ? 1 : Math.max(1, Math.min(MAX_BATCH_PUBLISH, ring.capacity() / 4));
    }

    /**
     * From here to {@link #endBatch()}, commits may be held back and published together (Disruptor's batch
     * publish). For the built-in sources' steps, which run no user code and never wait between records; never
     * for an application's or user's feed, or a generator's user code, whose next record may be far off. No-op
     * on a ring several sources share.
     */
    void beginBatch()
    {
        batching = maxPending > 1;
    }

    /** Publishes what the batch held back and ends batching. */
    void endBatch()
    {
        publishPending();
        batching = false;
    }

    private void publishPending()
    {
        if (pendingFirst >= 0)
        {
            ring.publish(pendingFirst, pendingLast);
            pendingFirst = -1;
        }
    }

    private static IdleStrategy idleStrategy(final WaitMode waitMode)
    {
        switch (waitMode)
        {
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case YIELDING:
                return new YieldingIdleStrategy();
            case BACKOFF:
                return new BackoffIdleStrategy();
            default:
                // parks 100 us, doubling to 1 ms while polls stay empty: a fixed 100 us sleep woke 10,000 times
                // a second and burnt ~8 % of a core with nothing to read, more than BACKOFF
                return new BackoffIdleStrategy(0, 0, TimeUnit.MICROSECONDS.toNanos(100),
                    TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * @return schema of the records this source publishes.
     */
    public Schema schema()
    {
        return record.schema();
    }

    /**
     * Claims the next slot, waiting while the ring is full (back-pressure, never drops) the way the pipeline's
     * {@link WaitMode} says. The slot is reused memory, not cleared: write every field.
     *
     * @return the record to fill, valid until {@link #commit()} or {@link #abort()}; null once the pipeline is
     * stopping (closed or failed): then return from the source.
     * @throws IllegalStateException if a claim is open or the stream has ended.
     */
    public RecordFlyweight claim()
    {
        checkCanClaim("claim()");
        if (pendingFirst >= 0)
        {
            final long sequence = ring.tryClaim();
            if (sequence != SlotRing.FULL)
            {
                return wrap(sequence);
            }
            publishPending(); // a full ring drains only what is published: never wait on held-back records
        }
        return wrap(ring.claim());
    }

    /**
     * Claims the next slot if one is free now, never waiting: for a feed that would rather drop, count or
     * poll something else than wait.
     *
     * @return the record to fill (see {@link #claim()}), or null if the ring is full or the pipeline is stopping
     * ({@link #isStopping()} tells which).
     * @throws IllegalStateException if a claim is open or the stream has ended.
     */
    public RecordFlyweight tryClaim()
    {
        checkCanClaim("tryClaim()");
        final RecordFlyweight claimedRecord = wrap(ring.tryClaim());
        if (claimedRecord == null)
        {
            publishPending(); // the caller may now wait for room
        }
        return claimedRecord;
    }

    private void checkCanClaim(final String method)
    {
        if (claimed >= 0)
        {
            throw new IllegalStateException(method + " called while a claim is open on source " + sourceName +
                ": commit() or abort() it first (and publish from one thread at a time)");
        }
        if (ended)
        {
            throw ended(method);
        }
    }

    private RecordFlyweight wrap(final long sequence)
    {
        if (sequence < 0)
        {
            return null; // FULL or HALTED
        }
        if (runtime.isStopping())
        {
            publishPending();
            ring.abort(sequence);
            return null;
        }
        claimed = sequence;
        return record.wrap(buffer, SlotDescriptor.recordOffset(ring.slotOffset(sequence)));
    }

    /**
     * Publishes the claimed record, stamping its ingest time with {@link System#nanoTime()} (latency is
     * measured from there).
     *
     * @throws IllegalStateException if no record is claimed.
     */
    public void commit()
    {
        commit(System.nanoTime());
    }

    /**
     * Publishes the claimed record with an ingest time the caller already holds, saving a clock read.
     *
     * @param ingestTimeNs when the record entered the engine: a {@link System#nanoTime()} reading of this JVM
     *                     taken before this call, never an epoch time or a future value (latency and
     *                     idleness are measured from it, and a stage uses it as its clock between clock reads).
     * @throws IllegalStateException if no record is claimed.
     */
    public void commit(final long ingestTimeNs)
    {
        commit(ingestTimeNs, RecordFlyweight.NO_SOURCE_INDEX);
    }

    /**
     * Publishes the claimed record with its ingest time and its position in the source (a journal index, a
     * Kafka offset), which operators and sinks see as {@link RecordFlyweight#sourceIndex()} and checkpoints
     * record as the source's position.
     *
     * @param ingestTimeNs as {@link #commit(long)}.
     * @param sourceIndex  the record's position in its source, increasing; {@link RecordFlyweight#NO_SOURCE_INDEX}
     *                     if the source has none.
     * @throws IllegalStateException if no record is claimed.
     */
    public void commit(final long ingestTimeNs, final long sourceIndex)
    {
        final long sequence = claimed;
        if (sequence < 0)
        {
            throw new IllegalStateException("commit() without claim() on source " + sourceName);
        }
        claimed = -1;
        final int offset = ring.slotOffset(sequence);
        buffer.putInt(offset + SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_DATA);
        buffer.putInt(offset + SlotDescriptor.SOURCE_ID_OFFSET, sourceId);
        buffer.putLong(offset + SlotDescriptor.INGEST_TIME_OFFSET, ingestTimeNs);
        buffer.putLong(offset + SlotDescriptor.SOURCE_INDEX_OFFSET, sourceIndex);
        if (batching)
        {
            if (pendingFirst < 0)
            {
                pendingFirst = sequence;
            }
            pendingLast = sequence;
            if (sequence - pendingFirst + 1 >= maxPending)
            {
                publishPending();
            }
        }
        else
        {
            ring.publish(sequence);
        }
        if (recordsPerEpoch != 0)
        {
            lastSourceIndex = sourceIndex;
            if (++recordsInEpoch >= recordsPerEpoch)
            {
                endEpoch();
            }
        }
    }

    /**
     * Called before the source runs when the trigger is {@link Trigger#availableNow(long)} or {@link Trigger#once()}:
     * this context ends an epoch after every {@code recordsPerEpoch} committed records and before its end of
     * stream. With a coordinator (exactly-once) each epoch is also a checkpoint barrier at the last record's index.
     */
    void epochsByCount(final long recordsPerEpoch, final CheckpointCoordinator coordinator)
    {
        this.recordsPerEpoch = recordsPerEpoch;
        this.barrierCoordinator = coordinator;
    }

    /** @return true if this source ends epochs itself (availableNow / once): it stops at what it holds at start. */
    boolean endsEpochsByCount()
    {
        return recordsPerEpoch != 0;
    }

    /**
     * Publishes the marker ending the current epoch. With checkpoints the marker is also a barrier, which waits for
     * the previous checkpoint to be written (once per epoch, not per record): skipping a barrier would make epochs
     * depend on disk speed, and a replay would group records differently. It does not wait here: the marker stays
     * pending and the source commits nothing more until
     * {@link #publishPendingEpochEnd()} publishes it. Waiting here would hang a source on its stage's thread
     * ({@code sourceOnStageThread}), where only this thread can take the barrier the checkpoint waits for.
     */
    private void endEpoch()
    {
        publishPending(); // records before their marker, and none held back while waiting for the coordinator
        recordsInEpoch = 0;
        if (barrierCoordinator == null)
        {
            ring.publishMarker(SlotDescriptor.TYPE_EPOCH, sourceId, nextEpochId++);
            return;
        }
        epochEndPending = true;
        publishPendingEpochEnd();
    }

    /**
     * availableNow with checkpoints: publishes the marker of an epoch whose last record is committed, if the
     * previous checkpoint is written; the source must not commit another record until this returns true.
     *
     * @return true if no epoch end is pending any more (published now, or the pipeline is stopping).
     */
    boolean publishPendingEpochEnd()
    {
        if (!epochEndPending)
        {
            return true;
        }
        final long epoch = barrierCoordinator.tryBegin(sourceId, lastSourceIndex);
        if (epoch < 0)
        {
            return isStopping(); // the previous checkpoint is still being written
        }
        epochEndPending = false;
        if (!ring.publishMarker(SlotDescriptor.TYPE_EPOCH, sourceId, epoch))
        {
            barrierCoordinator.abandon();
        }
        return true;
    }

    /**
     * @param limit records a poll would commit.
     * @return {@code limit}, or fewer under availableNow with checkpoints: a poll ends at its epoch's last
     *         record, whose marker may have to wait ({@link #publishPendingEpochEnd()}) before any further record.
     */
    int pollLimit(final int limit)
    {
        return barrierCoordinator == null ? limit : (int)Math.min(limit, recordsPerEpoch - recordsInEpoch);
    }

    /**
     * Gives the claimed slot back without a record, for when filling it failed: it is published as padding,
     * which the stage skips (not a record, not counted), so neither the stage nor another input waits for it.
     *
     * @throws IllegalStateException if no record is claimed.
     */
    public void abort()
    {
        final long sequence = claimed;
        if (sequence < 0)
        {
            throw new IllegalStateException("abort() without claim() on source " + sourceName);
        }
        claimed = -1;
        publishPending();
        ring.abort(sequence);
    }

    /**
     * @return true between a successful claim and its commit or abort.
     */
    public boolean isClaimed()
    {
        return claimed >= 0;
    }

    /**
     * Publishes a watermark in-band, after the records already committed.
     *
     * @param watermarkMs event time up to which no more records will come, epoch ms.
     * @return true if published, false if the pipeline is stopping.
     * @throws IllegalStateException if a claim is open or the stream has ended.
     */
    public boolean publishWatermark(final long watermarkMs)
    {
        checkCanPublishMarker("publishWatermark()");
        publishPending();
        return ring.publishMarker(SlotDescriptor.TYPE_WATERMARK, sourceId, watermarkMs);
    }

    /**
     * Publishes an epoch marker (a checkpoint barrier) in-band, after the records already committed.
     *
     * @return true if published, false if the pipeline is stopping.
     */
    boolean publishEpoch(final long epochId)
    {
        checkCanPublishMarker("publishEpoch()");
        publishPending();
        return ring.publishMarker(SlotDescriptor.TYPE_EPOCH, sourceId, epochId);
    }

    /**
     * Ends this source's stream: the pipeline drains what was published, then completes (once every source
     * ended). Nothing may be published after it.
     *
     * @return true if published, false if the pipeline is stopping.
     * @throws IllegalStateException if a claim is open or the stream has already ended.
     */
    public boolean endOfStream()
    {
        checkCanPublishMarker("endOfStream()");
        if (recordsInEpoch > 0)
        {
            endEpoch(); // the last, shorter epoch: its rows reach the sink with their epoch's end
        }
        // a source on its stage's thread ends its stream only with no checkpoint in flight (Source.endStreamAfterPoll),
        // so this waits only on a thread of the source's own
        while (!publishPendingEpochEnd())
        {
            idleStrategy.idle(0);
        }
        idleStrategy.reset();
        if (barrierCoordinator != null)
        {
            // availableNow/once: the state after end of stream is checkpointed too, as in continuous mode (a rerun
            // then resumes after the end, not before the windows it closed), where the stream ended logged first.
            // Waits for the last epoch's checkpoint; a source on its stage's thread comes here only with none in
            // flight (Source.endStreamAfterPoll)
            barrierCoordinator.beginFinal(sourceId, Math.max(lastSourceIndex, resumePosition));
        }
        ended = true;
        publishPending();
        return ring.publishMarker(SlotDescriptor.TYPE_END_OF_STREAM, sourceId, 0);
    }

    /**
     * availableNow/once with checkpoints, for a source on its stage's thread about to end its stream: ends the
     * last, shorter epoch now, so the end of stream can wait for its checkpoint without holding the one thread
     * that must take its barrier.
     *
     * @return true if an epoch marker was published or is pending (end the stream on a later step).
     */
    boolean endLastEpochFirst()
    {
        if (barrierCoordinator == null)
        {
            return false;
        }
        if (recordsInEpoch > 0)
        {
            endEpoch();
            return true;
        }
        return !publishPendingEpochEnd();
    }

    /** With checkpoints: the position the source resumes from (its stream ends there if it commits nothing). */
    void resumeAt(final long position)
    {
        this.resumePosition = position;
    }

    private void checkCanPublishMarker(final String method)
    {
        if (claimed >= 0)
        {
            throw new IllegalStateException(method + " on source " + sourceName + " with a record claimed: " +
                "commit() or abort() it first");
        }
        if (ended)
        {
            throw ended(method);
        }
    }

    private IllegalStateException ended(final String method)
    {
        return new IllegalStateException(method + " after endOfStream() on source " + sourceName +
            ": its stream has ended; publish everything before ending it");
    }

    /**
     * @return true once {@link #endOfStream()} was called.
     */
    public boolean isEnded()
    {
        return ended;
    }

    /**
     * @return true once the pipeline is stopping (closed, or failed): a source returns promptly.
     */
    public boolean isStopping()
    {
        return runtime.isStopping() || ring.isHalted();
    }

    /**
     * For a polling feed's duty cycle: does nothing after work, and idles per the pipeline's {@link WaitMode}
     * (spin, yield, back off up to a 1 ms park, or for {@code BLOCKING} park from 100 µs up to 1 ms) after
     * consecutive empty polls (Agrona {@link IdleStrategy}).
     *
     * @param workCount work done in the last poll, 0 if none.
     */
    public void idle(final int workCount)
    {
        idleStrategy.idle(workCount);
    }

    /** Closes an open claim, if any, after the source failed or returned with it. */
    boolean abortOpenClaim()
    {
        if (claimed < 0)
        {
            return false;
        }
        abort();
        return true;
    }

    @Override
    public String toString()
    {
        return "SourceContext(" + sourceName + ")";
    }
}
