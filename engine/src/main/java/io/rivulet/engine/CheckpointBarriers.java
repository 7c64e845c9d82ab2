package io.rivulet.engine;

import io.rivulet.journal.EpochCutLog;

/**
 * A replayable source's side of checkpointing, on its thread: after each poll, decides whether a barrier is due
 * (every N records and/or every T) and, if no checkpoint is in flight, publishes the barrier with the position of
 * the last record published before it. Barriers go only between polls, so a record and its position never split.
 * Costs one counter add per poll, and a clock read only once a record arrived since the last barrier.
 * <p>
 * Under {@link Trigger#processingTime} the barriers are the trigger's epochs (every T), and where each one ends is
 * logged durably before its marker is published ({@link CheckpointCoordinator#recordCut}). After a recovery the
 * epochs the log holds beyond the restored checkpoint end again at exactly their records (polling one entry at a
 * time until then), and later epochs end by time again. Those may end elsewhere than before the crash, which is
 * safe: whatever the run before emitted after its last logged end does not depend on where epochs end (rows that
 * leave at an epoch's end need its marker, which needs the log entry; rows emitted as records arrive, by a
 * deduplication or a process function, come from pipelines whose sink gets no epoch-end rows).
 */
final class CheckpointBarriers
{
    /** The last poll published a barrier (see {@link #publishedInLastPoll()}). */
    private boolean publishedInLastPoll;
    private final CheckpointCoordinator coordinator;
    private final SourceContext ctx;
    private final int sourceId;
    private final long intervalNs;
    private final long everyRecords;
    private long position;
    private long recordsSinceBarrier;
    private long nextDueNs;
    /** After a recovery: positions where the logged epochs end, the next at {@link #nextLoggedCut}. */
    private final long[] loggedCuts;
    private int nextLoggedCut;
    /** The epoch the next logged cut must begin ({@code loggedCuts[nextLoggedCut]}'s). */
    private long nextLoggedEpoch;
    /** Where the stream ended in the run before the crash, after the logged epochs; else Long.MIN_VALUE. */
    private final long streamEnd;
    /** A logged cut's record was published, its marker not yet (a checkpoint was in flight): polls wait. */
    private boolean loggedCutPending;
    /** A logged cut's marker was published before the current poll ({@link #readyToPoll}). */
    private boolean publishedBeforePoll;

    /**
     * @param startPosition the position the source starts from (restored or initial), used until it publishes.
     */
    CheckpointBarriers(final CheckpointCoordinator coordinator, final SourceContext ctx, final int sourceId,
        final long startPosition)
    {
        this.coordinator = coordinator;
        this.ctx = ctx;
        this.sourceId = sourceId;
        this.intervalNs = coordinator.intervalNs();
        this.everyRecords = coordinator.everyRecords();
        this.position = startPosition;
        this.nextDueNs = System.nanoTime() + intervalNs;
        final EpochCutLog.Cuts cuts = coordinator.loggedCuts();
        this.loggedCuts = cuts.positions();
        this.streamEnd = cuts.streamEnd();
        this.nextLoggedEpoch = coordinator.restoredEpochOrZero() + 1;
    }

    /**
     * @param limit entries the source would read in its next poll.
     * @return {@code limit}, or 1 while logged epoch ends remain to be re-cut: each must end at its exact record.
     */
    int pollLimit(final int limit)
    {
        return nextLoggedCut < loggedCuts.length ? 1 : limit;
    }

    /**
     * Before a poll: publishes a logged epoch end whose record went out while a checkpoint was in flight.
     *
     * @return false while it still waits (no record may go ahead of the marker): skip this poll.
     */
    boolean readyToPoll()
    {
        if (!loggedCutPending)
        {
            return true;
        }
        publishedBeforePoll = publishLoggedCut();
        return publishedBeforePoll;
    }

    /**
     * The source read its last record: the end of stream it publishes next is checkpointed too. Where the stream
     * ended is logged first: what the end of stream emits (the windows still open; under processingTime the
     * changes after the last epoch) depends on it as an epoch's rows do on its end, so a replay must end there too.
     */
    void finish()
    {
        coordinator.beginFinal(sourceId, position);
    }

    /**
     * @return where the stream ended before the crash, if it did after the logged epochs ({@link Long#MIN_VALUE}
     *         if not): a finite source reads no further in the replay.
     */
    long loggedStreamEnd()
    {
        return streamEnd;
    }

    /**
     * @param published       records published by the last poll.
     * @param lastIndex       journal index of the last record published so far (-1 if none).
     */
    void afterPoll(final int published, final long lastIndex)
    {
        publishedInLastPoll = publishedBeforePoll;
        publishedBeforePoll = false;
        if (published > 0)
        {
            recordsSinceBarrier += published;
            position = lastIndex;
        }
        if (recordsSinceBarrier == 0)
        {
            return; // nothing new to make durable
        }
        if (nextLoggedCut < loggedCuts.length)
        {
            final long cut = loggedCuts[nextLoggedCut];
            if (published > 0 && position >= cut)
            {
                if (position != cut)
                {
                    throw new IllegalStateException("cannot replay epoch " + nextLoggedEpoch + " as it ran before " +
                        "the restart: it ended after the record at journal index " + cut + ", which the journal " +
                        "no longer holds (the next is " + position + "); was the input journal rewritten?");
                }
                loggedCutPending = true;
                publishedInLastPoll = publishLoggedCut();
            }
            return; // until the logged epochs are re-cut, no other
        }
        if (streamEnd != Long.MIN_VALUE)
        {
            return; // the run before went from the last logged epoch to the end of stream without another
        }
        if ((everyRecords > 0 && recordsSinceBarrier >= everyRecords) ||
            (intervalNs > 0 && System.nanoTime() - nextDueNs >= 0))
        {
            if (cutNow())
            {
                publishedInLastPoll = true;
            }
        }
    }

    /**
     * Begins a checkpoint at the current position and publishes its barrier (under processingTime after logging
     * where the epoch ends).
     *
     * @return true if published; false if the previous checkpoint is still being written (try again later) or
     *         the pipeline is stopping.
     */
    private boolean cutNow()
    {
        final long epoch = coordinator.tryBegin(sourceId, position);
        if (epoch < 0)
        {
            return false;
        }
        if (coordinator.logsEpochCuts())
        {
            coordinator.recordCut(epoch, position, EpochCutLog.EPOCH_END);
        }
        if (!ctx.publishEpoch(epoch))
        {
            coordinator.abandon();
            return false;
        }
        recordsSinceBarrier = 0;
        nextDueNs = System.nanoTime() + intervalNs;
        return true;
    }

    /**
     * Before the source ends its stream: every logged epoch must have ended again first, each with its marker.
     *
     * @return false while a logged epoch's marker waits for the checkpoint in flight (end the stream later).
     * @throws IllegalStateException if the journal ended before a logged epoch's last record.
     */
    boolean mayEndStream()
    {
        if (loggedCutPending)
        {
            return false;
        }
        if (nextLoggedCut < loggedCuts.length)
        {
            throw new IllegalStateException("cannot replay epoch " + nextLoggedEpoch + " as it ran before the " +
                "restart: it ended after the record at journal index " + loggedCuts[nextLoggedCut] + ", but the " +
                "journal ends before it (" + (position >= 0 ? "its last record read: " + position :
                "no record read") + "); was the input journal rewritten?");
        }
        if (coordinator.logsEpochCuts() && recordsSinceBarrier > 0 && streamEnd == Long.MIN_VALUE)
        {
            // processingTime: the records since the last epoch end one more (as without checkpoints, and as under
            // availableNow), so the sink gets onEpoch after their rows; the stream ends on a later step, after it
            if (cutNow())
            {
                publishedInLastPoll = true;
            }
            return false;
        }
        return true;
    }

    /** @return true once the pending logged cut's marker is published (false: a checkpoint is in flight). */
    private boolean publishLoggedCut()
    {
        final long epoch = coordinator.tryBegin(sourceId, position);
        if (epoch < 0)
        {
            return false;
        }
        if (epoch != nextLoggedEpoch)
        {
            coordinator.abandon();
            throw new IllegalStateException("replaying the logged epochs: expected to begin epoch " +
                nextLoggedEpoch + ", the checkpoints are at " + epoch);
        }
        loggedCutPending = false;
        nextLoggedCut++;
        nextLoggedEpoch++;
        if (!ctx.publishEpoch(epoch))
        {
            coordinator.abandon();
            return true; // stopping: nothing more is polled
        }
        recordsSinceBarrier = 0;
        nextDueNs = System.nanoTime() + intervalNs;
        return true;
    }

    /**
     * @return true if the last {@link #afterPoll} published a barrier: its checkpoint is in flight until the stage
     *         takes the barrier, which {@link #finish()} would wait for.
     */
    boolean publishedInLastPoll()
    {
        return publishedInLastPoll;
    }
}
