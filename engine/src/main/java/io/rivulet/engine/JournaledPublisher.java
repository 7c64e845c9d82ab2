package io.rivulet.engine;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalReader;
import io.rivulet.journal.JournalWriter;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

import java.nio.file.Path;

/**
 * A publisher whose records go to a {@link Journal} first: the application's claim/commit appends to the journal,
 * and the pipeline tails the journal, so the journal is the one source of truth for what entered (create it with
 * {@link Sources#journaled(Path, Schema)}). Same contract as {@link PublisherSource}:
 * <pre>{@code
 *   try (JournaledPublisher in = Sources.journaled(dir, trades)) {
 *       Pipeline p = Pipeline.from(in).where(...).to(Sinks.journal(outDir)).start();
 *       RecordFlyweight r = in.claim();           // never waits: the journal takes it
 *       try { r.setLong(ID, 42); long index = in.commit(); }
 *       catch (RuntimeException ex) { in.abort(); throw ex; }
 *       in.endOfStream();                          // the pipeline drains the journal, then completes
 *   }
 * }</pre>
 * <b>Threading.</b> Two threads, one hand-over through the journal:
 * <pre>
 *   app thread --claim/fill/commit--> journal (JournalWriter, Chronicle append)
 *                                        |
 *   source thread (rivulet-&lt;pipeline&gt;-source-&lt;i&gt;) --poll--> ring slot --> stage thread
 * </pre>
 * The app's thread writes the journal ({@link JournalWriter}, allocation-free: fill an off-heap scratch record,
 * one bulk copy on commit); the pipeline's source thread tails it and copies each entry into the ring. So the app
 * never waits on the pipeline: when the ring is full the journal absorbs the backlog (the source thread waits,
 * not the app). With {@link PipelineBuilder#sourceOnStageThread} the stage thread tails the journal itself (one
 * hand-over fewer). Use from one thread at a time (hand it over between claims with a happens-before edge, as
 * {@link PublisherSource}).
 * <p>
 * <b>What the pipeline reads.</b> Every entry appended after this publisher was created (and before
 * {@link #endOfStream()}), including those committed before the pipeline started. Older entries of a reused
 * journal are not replayed: rewinding to a checkpointed position is recovery's job (checkpoints, next).
 * <p>
 * <b>Ingest time.</b> A record keeps the ingest time its journal entry holds: {@link System#nanoTime()} at the
 * app's {@link #commit()} (or the time given to {@link #commit(long)}), so the pipeline's latency metrics measure
 * app commit to sink, journal hop included.
 * <p>
 * Each record carries its journal index as {@link RecordFlyweight#sourceIndex()}. Close the publisher (or end the
 * stream) when done: it closes the app side of the journal; the source thread opens and closes its own.
 */
public final class JournaledPublisher extends Source implements AutoCloseable
{
    private static final long NOT_ENDED = Long.MIN_VALUE;

    private final Path dir;
    private final Journal journal;
    /** Index of the journal's last entry when this publisher was created: the source tails from after it. */
    private final long startAfterIndex;
    private JournalWriter writer;
    private boolean claimed;
    private boolean ended;
    /** Journal index of the last entry of the stream once it ended, -1 if none was written; NOT_ENDED before. */
    private volatile long endIndex = NOT_ENDED;
    /** Source thread: where a replay ends the stream because the run before ended it there; NOT_ENDED if not. */
    private long replayEnd = NOT_ENDED;
    /** Source thread: the journal index the restored checkpoint resumes after, -1 if none. */
    private long resumedAfter = -1;
    /** The pipeline's side, open while the source runs (on the thread that runs it: its own, or its stage's). */
    private Journal tailed;
    private JournalReader reader;
    private JournalTail tail;

    private JournaledPublisher(final Journal journal)
    {
        super(journal.schema(), "journaled(" + journal.dir() + ")");
        this.dir = journal.dir();
        this.journal = journal;
        this.startAfterIndex = journal.lastIndex();
    }

    /** See {@link Sources#journaled(Path, Schema)}. */
    static JournaledPublisher open(final Path dir, final Schema schema)
    {
        if (schema == null)
        {
            throw new IllegalArgumentException("Sources.journaled(dir, schema): schema is null; give the record " +
                "Schema (the journal is created with it, or must already hold it)");
        }
        final Journal journal = Journal.at(dir).schema(schema).open(); // a mismatch shows both schemas
        try
        {
            return new JournaledPublisher(journal);
        }
        catch (final RuntimeException | Error e)
        {
            journal.close();
            throw e;
        }
    }

    @Override
    boolean ownsThread()
    {
        return true;
    }

    @Override
    boolean isReplayable()
    {
        return true;
    }

    @Override
    long initialPosition()
    {
        return startAfterIndex >= 0 ? startAfterIndex : SourcePosition.FROM_START;
    }

    /**
     * Claims a record in the journal writer's scratch memory; never waits. Fields start at zero.
     *
     * @return the record to fill, valid until {@link #commit()} or {@link #abort()}.
     * @throws PipelineFailedException if the pipeline failed; {@link PipelineClosedException} if it was closed or
     *                                 completed (nothing more would be read).
     * @throws IllegalStateException   if a claim is open, or the stream has ended.
     */
    public RecordFlyweight claim()
    {
        if (ended)
        {
            throw new IllegalStateException("claim() after endOfStream() on " + this + ": its stream has ended; " +
                "publish everything before ending it");
        }
        if (runtime != null && runtime.isStopping())
        {
            throw runtime.stoppedException();
        }
        JournalWriter w = writer;
        if (w == null)
        {
            w = writer = journal.writer(); // on the publishing thread, on first use
        }
        final RecordFlyweight record = w.claim();
        claimed = true;
        return record;
    }

    /**
     * Appends the claimed record to the journal, stamped with {@link System#nanoTime()} as its ingest time; the
     * pipeline's source thread picks it up from there.
     *
     * @return the entry's journal index (the record's {@link RecordFlyweight#sourceIndex()} in the pipeline).
     * @throws IllegalStateException if no record is claimed.
     */
    public long commit()
    {
        return commit(System.nanoTime());
    }

    /**
     * As {@link #commit()}, with an ingest time the app already holds.
     *
     * @param ingestTimeNs a {@link System#nanoTime()} reading of this JVM taken before this call.
     * @return the entry's journal index.
     * @throws IllegalStateException if no record is claimed.
     */
    public long commit(final long ingestTimeNs)
    {
        final long index = requireClaim("commit()").commit(ingestTimeNs); // a failed write keeps the claim
        claimed = false;
        return index;
    }

    /**
     * Drops the claimed record: nothing reaches the journal or the pipeline.
     *
     * @throws IllegalStateException if no record is claimed.
     */
    public void abort()
    {
        requireClaim("abort()").abort();
        claimed = false;
    }

    /**
     * @return true between a successful claim and its commit or abort.
     */
    public boolean isClaimed()
    {
        return claimed;
    }

    /**
     * Ends the stream: the pipeline reads the journal up to the last entry committed here, then ends its stream
     * (and completes once every source ended). Closes the app side of the journal. Nothing may be published
     * after it.
     *
     * @throws IllegalStateException if a claim is open or the stream has already ended.
     */
    public void endOfStream()
    {
        if (ended)
        {
            throw new IllegalStateException("endOfStream() called twice on " + this);
        }
        if (claimed)
        {
            throw new IllegalStateException("endOfStream() on " + this + " with a record claimed: commit() or " +
                "abort() it first");
        }
        ended = true;
        final long last = writer == null ? -1 : writer.lastIndex();
        journal.close();
        endIndex = last; // volatile: the source thread reads it before polling, so it sees every entry up to it
    }

    /**
     * Ends the stream if it has not ended (an open claim is dropped) and closes the app side of the journal.
     * Idempotent.
     */
    @Override
    public void close()
    {
        if (!ended)
        {
            if (claimed)
            {
                abort();
            }
            endOfStream();
        }
    }

    /**
     * @return the journal's directory.
     */
    public Path dir()
    {
        return dir;
    }

    private JournalWriter requireClaim(final String method)
    {
        if (!claimed)
        {
            throw new IllegalStateException(method + " without claim() on " + this + "; call claim() first");
        }
        return writer;
    }

    @Override
    boolean canRunOnStageThread()
    {
        return true;
    }

    /** Runs the steps on the source's own thread, idling per the wait mode between polls that find nothing. */
    @Override
    void produce(final SourceContext ctx) throws Exception
    {
        runSteps(ctx, JournalTail.POLL_LIMIT);
    }

    /**
     * One poll of up to {@code limit} entries; the first call opens the journal for reading and positions the
     * reader (on the thread that runs the source). A checkpoint barrier may follow the poll, and end of stream
     * once the app ended the stream and every entry up to its last was read.
     *
     * @return entries read, 0 if none was new.
     */
    @Override
    int produceSome(final SourceContext ctx, final int limit)
    {
        if (reader == null)
        {
            open(ctx);
        }
        // read before the poll: an entry committed before the end is seen
        final long end = replayEnd != NOT_ENDED ? replayEnd : endIndex;
        final int read = tail.poll(reader, limit, barriers);
        if (read == JournalTail.WAITING)
        {
            return 0;
        }
        if ((read == 0 || tail.done) && end != NOT_ENDED && Math.max(tail.lastEmittedIndex, resumedAfter) >= end &&
            !ctx.isStopping())
        {
            endStreamAfterPoll(ctx);
        }
        return read;
    }

    private void open(final SourceContext ctx)
    {
        tailed = Journal.at(dir).schema(schema()).open();
        reader = tailed.reader();
        barriers = newCheckpointBarriers(ctx);
        if (checkpoints != null)
        {
            final String missing = SourcePosition.seek(reader, resumePosition);
            if (missing != null)
            {
                throw new IllegalStateException(this + ": the checkpoint resumes after " + missing + ", which " +
                    "the journal no longer holds (retention may have deleted the cycle, or the journal was " +
                    "replaced). Keep journal cycles at least as long as checkpoints, or start fresh.");
            }
        }
        else if (startAfterIndex >= 0 && !reader.moveAfterIndex(startAfterIndex))
        {
            throw new IllegalStateException(this + ": the journal no longer holds index " + startAfterIndex +
                ", its last entry when the publisher was created; was it deleted or rewritten meanwhile?");
        }
        // a replay whose run before ended the stream (the epoch log says where) ends it at the same entry: what
        // end of stream emitted depends on it, and what the app appended after it comes after the end
        // (from the coordinator: under availableNow/once there are no barriers, the context ends the epochs)
        final long loggedEnd = checkpoints == null ? Long.MIN_VALUE : checkpoints.loggedCuts().streamEnd();
        if (loggedEnd != Long.MIN_VALUE && tailed.lastIndex() < loggedEnd)
        {
            throw new IllegalStateException(this + ": the run before the restart ended its stream after journal " +
                "index " + loggedEnd + ", but the journal now ends at " + tailed.lastIndex() + "; was it rewritten " +
                "or truncated? Restore it, or start over (startFresh())");
        }
        replayEnd = loggedEnd == Long.MIN_VALUE ? NOT_ENDED : loggedEnd;
        // a checkpoint resumes after an index: the stream may have reached its end there already
        resumedAfter = checkpoints != null && resumePosition >= 0 ? resumePosition : -1;
        tail = new JournalTail(ctx, true, loggedEnd == Long.MIN_VALUE ? Long.MAX_VALUE : loggedEnd);
    }

    @Override
    void closeSteps()
    {
        final JournalReader r = reader;
        final Journal j = tailed;
        reader = null;
        tailed = null;
        tail = null;
        barriers = null;
        try
        {
            if (r != null)
            {
                r.close();
            }
        }
        finally
        {
            if (j != null)
            {
                j.close();
            }
        }
    }
}
