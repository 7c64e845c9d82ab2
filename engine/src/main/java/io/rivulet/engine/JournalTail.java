package io.rivulet.engine;

import io.rivulet.journal.JournalHandler;
import io.rivulet.journal.JournalReader;
import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * The hot loop shared by {@link JournalSource} and {@link JournaledPublisher}: polls a {@link JournalReader} and
 * copies each entry's record into a claimed ring slot in one bulk copy, committed with its journal index as the
 * source index. Allocation-free per record. Lives on the source's thread.
 */
final class JournalTail implements JournalHandler
{
    /** Entries per poll: bounds how long the loop goes without checking for a stop. */
    static final int POLL_LIMIT = 256;
    /** {@link #poll} read nothing, and not because the journal has nothing new: try again after an idle. */
    static final int WAITING = -1;

    private final SourceContext ctx;
    private final boolean journalIngestTime;
    private final long lastIndexToEmit;
    /** Journal index of the last record committed to the ring; -1 before the first. */
    long lastEmittedIndex = -1;
    /** {@link System#nanoTime()} before the current poll: the ingest time of its records unless the journal's. */
    long pollTimeNs;
    /** Records committed to the ring so far. */
    long published;
    /** True once the entry at {@link #lastIndexToEmit} (or a later one) was reached, or the pipeline stopped. */
    boolean done;

    /**
     * @param journalIngestTime true: a record keeps the ingest time the journal entry holds (written by this
     *                          JVM); false: it is stamped with {@link #pollTimeNs}, the clock read before the poll
     *                          that copies it into the ring (one read per poll, not per record).
     * @param lastIndexToEmit   the last journal index to emit (finite replay), {@link Long#MAX_VALUE} to tail.
     */
    JournalTail(final SourceContext ctx, final boolean journalIngestTime, final long lastIndexToEmit)
    {
        this.ctx = ctx;
        this.journalIngestTime = journalIngestTime;
        this.lastIndexToEmit = lastIndexToEmit;
    }

    /**
     * Polls up to {@code limit} entries into the ring, then lets the checkpoint barriers (if any) see what the poll
     * published: a barrier goes between polls, never between a record and its position.
     *
     * @return entries read, 0 if none was new, {@link #WAITING} if the poll was skipped: a replayed epoch's end
     *         waits for the checkpoint in flight before any further record (see {@link CheckpointBarriers}).
     */
    int poll(final JournalReader reader, final int limit, final CheckpointBarriers barriers)
    {
        final long publishedBefore = published;
        if (!ctx.publishPendingEpochEnd() || (barriers != null && !barriers.readyToPoll()))
        {
            return WAITING;
        }
        if (!journalIngestTime)
        {
            pollTimeNs = System.nanoTime(); // one clock read per poll stamps every record of it
        }
        final int capped = ctx.pollLimit(limit);
        final int read = reader.poll(this, barriers == null ? capped : barriers.pollLimit(capped));
        if (barriers != null)
        {
            barriers.afterPoll((int)(published - publishedBefore), lastEmittedIndex);
        }
        return read;
    }

    @Override
    public void onRecord(final long index, final long ingestTimeNs, final long sequence, final RecordFlyweight record)
    {
        if (done)
        {
            return; // the rest of this batch after the end or a stop: consumed, not emitted
        }
        if (index > lastIndexToEmit)
        {
            done = true; // appended after a finite source started: not part of this replay
            return;
        }
        final RecordFlyweight slot = ctx.claim();
        if (slot == null)
        {
            done = true; // the pipeline is stopping
            return;
        }
        slot.copyFrom(record); // one putBytes of the record length
        ctx.commit(journalIngestTime ? ingestTimeNs : pollTimeNs, index);
        lastEmittedIndex = index;
        published++;
        if (index == lastIndexToEmit)
        {
            done = true;
        }
    }
}
