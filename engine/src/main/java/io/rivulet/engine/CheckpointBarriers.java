package io.rivulet.engine;

/**
 * A replayable source's side of checkpointing, on its thread: after each poll, decides whether a barrier is due
 * (every N records and/or every T) and, if no checkpoint is in flight, publishes the barrier with the position of
 * the last record published before it. Barriers go only between polls, so a record and its position never split.
 * Costs one counter add per poll, and a clock read only once a record arrived since the last barrier.
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
    }

    /** The source read its last record: the end of stream it publishes next is checkpointed too. */
    void finish()
    {
        coordinator.beginFinal(sourceId, position);
    }

    /**
     * @param published       records published by the last poll.
     * @param lastIndex       journal index of the last record published so far (-1 if none).
     */
    void afterPoll(final int published, final long lastIndex)
    {
        publishedInLastPoll = false;
        if (published > 0)
        {
            recordsSinceBarrier += published;
            position = lastIndex;
        }
        if (recordsSinceBarrier == 0)
        {
            return; // nothing new to make durable
        }
        if ((everyRecords > 0 && recordsSinceBarrier >= everyRecords) ||
            (intervalNs > 0 && System.nanoTime() - nextDueNs >= 0))
        {
            final long epoch = coordinator.tryBegin(sourceId, position);
            if (epoch < 0)
            {
                return; // the previous checkpoint is still being written: try after the next poll
            }
            if (!ctx.publishEpoch(epoch))
            {
                coordinator.abandon();
                return;
            }
            recordsSinceBarrier = 0;
            nextDueNs = System.nanoTime() + intervalNs;
            publishedInLastPoll = true;
        }
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
