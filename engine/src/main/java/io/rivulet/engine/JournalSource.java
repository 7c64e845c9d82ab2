package io.rivulet.engine;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalReader;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A source reading a {@link Journal} (create it with {@link Sources#journal(Path)}): from the start (default),
 * from an index or from the end; either up to the entry that was last when the pipeline started
 * ({@link #finite()}, the default: replay and tests; then the stream ends) or on and on ({@link #tailing()}:
 * waits for new entries, idling per the pipeline's {@link io.rivulet.ringbuffer.WaitMode}, until the pipeline is
 * closed).
 * <pre>{@code
 *   Pipeline.from(Sources.journal(dir).fromIndex(checkpointedIndex).tailing()).where(...).to(...).start();
 * }</pre>
 * Each record carries its journal index as {@link io.rivulet.ringbuffer.RecordFlyweight#sourceIndex()}.
 * <p>
 * <b>Ingest time.</b> A record's ingest time is {@link System#nanoTime()} when the source polls it from the journal
 * to copy it into the pipeline's ring (one clock read per poll of up to 256 entries), not the time stored in the
 * journal entry: the journal may have been written by another
 * process or an earlier run, whose {@code nanoTime} means nothing here. So the pipeline's latency metrics
 * measure ring to sink; the journal hop is not in them. ({@link Sources#journaled} keeps the journal's time,
 * since its entries are written by this JVM.)
 * <p>
 * Threading: the pipeline runs the source on a thread of its own ({@code rivulet-<pipeline>-source-<i>}), or with
 * {@link PipelineBuilder#sourceOnStageThread} on its stage's thread; that thread opens the journal, polls it and
 * closes it when the source ends or the pipeline stops. Any number of sources,
 * in this process or others, may read one journal while one writer appends. Configure it before building the
 * pipeline. Per record: one bulk copy from the journal's memory into the ring slot, no allocation.
 */
public final class JournalSource extends Source
{
    private static final int FROM_START = 0;
    private static final int FROM_INDEX = 1;
    private static final int FROM_END = 2;

    private final Path dir;
    private int from = FROM_START;
    private long fromIndex;
    private boolean tailing;
    /** Open while the source runs (on the thread that runs it: its own, or its stage's). */
    private Journal journal;
    private JournalReader reader;
    private JournalTail tail;
    /** {@link #tailing} unless a trigger's epochs by count (availableNow, once) stop at the last entry at start. */
    private boolean tailingNow;

    private JournalSource(final Schema schema, final Path dir)
    {
        super(schema, "journal(" + dir + ")");
        this.dir = dir;
    }

    /** See {@link Sources#journal(Path, Schema)}. */
    static JournalSource open(final Path dir, final Schema expected)
    {
        if (dir == null)
        {
            throw new IllegalArgumentException("Sources.journal(dir): dir is null; give the journal's directory");
        }
        final Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute.resolve(Journal.SCHEMA_FILE_NAME)))
        {
            throw new IllegalArgumentException("Sources.journal: " + absolute + (Files.isDirectory(absolute) ?
                " is not a journal (it has no '" + Journal.SCHEMA_FILE_NAME + "' file)" : " does not exist") +
                "; give the directory of an existing journal (Journal.at(dir).schema(s).open() creates one, " +
                "Sources.journaled(dir, schema) creates one the app publishes into)");
        }
        // opened and closed here so a wrong path or schema fails at definition; the source thread reopens it
        final Journal.Builder builder = Journal.at(absolute);
        if (expected != null)
        {
            builder.schema(expected); // a mismatch throws SchemaException showing both schemas
        }
        try (Journal journal = builder.open())
        {
            return new JournalSource(journal.schema(), absolute);
        }
    }

    /**
     * Reads from the oldest retained entry (the default).
     *
     * @return this.
     */
    public JournalSource fromStart()
    {
        checkNotBound();
        from = FROM_START;
        return this;
    }

    /**
     * Reads from the entry with this index, inclusive (an index a record carried as
     * {@link io.rivulet.ringbuffer.RecordFlyweight#sourceIndex()}, or {@link io.rivulet.journal.JournalWriter#commit()}
     * returned). If the journal does not hold it when the pipeline starts, the pipeline fails with a message
     * naming the index.
     *
     * @param index a journal index, &gt;= 0.
     * @return this.
     */
    public JournalSource fromIndex(final long index)
    {
        checkNotBound();
        if (index < 0)
        {
            throw new IllegalArgumentException("Sources.journal(" + dir + ").fromIndex(" + index + "): a journal " +
                "index is >= 0; use fromStart() or fromEnd()");
        }
        from = FROM_INDEX;
        fromIndex = index;
        return this;
    }

    /**
     * Reads only entries appended after the pipeline starts (with {@link #finite()}, that is none: the stream ends
     * at once).
     *
     * @return this.
     */
    public JournalSource fromEnd()
    {
        checkNotBound();
        from = FROM_END;
        return this;
    }

    /**
     * Stops after the entry that was the journal's last when the pipeline started, then ends the stream (the
     * default). For replays and tests: the pipeline completes.
     *
     * @return this.
     */
    public JournalSource finite()
    {
        checkNotBound();
        tailing = false;
        return this;
    }

    /**
     * Keeps reading entries as they are appended, until the pipeline is closed (continuous); between polls that
     * find nothing new the source thread idles per the pipeline's {@link io.rivulet.ringbuffer.WaitMode}.
     *
     * @return this.
     */
    public JournalSource tailing()
    {
        checkNotBound();
        tailing = true;
        return this;
    }

    /**
     * @return the journal's directory.
     */
    public Path dir()
    {
        return dir;
    }

    /**
     * @return true if the source keeps tailing, false if it stops at the end.
     */
    public boolean isTailing()
    {
        return tailing;
    }

    private void checkNotBound()
    {
        if (isBound())
        {
            throw new IllegalStateException("Sources.journal(" + dir + "): configure the source before building " +
                "the pipeline with it");
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
        switch (from)
        {
            case FROM_INDEX:
                // checked now: the position goes into the pipeline's first checkpoint, which later runs restore
                try (Journal journal = Journal.at(dir).schema(schema()).open(); JournalReader reader = journal.reader())
                {
                    if (!reader.moveToIndex(fromIndex))
                    {
                        throw new IllegalArgumentException("Sources.journal(" + dir + ").fromIndex(" + fromIndex +
                            " = 0x" + Long.toHexString(fromIndex) + "): the journal holds no such index (its last is " +
                            journal.lastIndex() + "); give an index a record carried (sourceIndex()) or " +
                            "JournalWriter.commit() returned");
                    }
                }
                return SourcePosition.atIndex(fromIndex);
            case FROM_END:
                try (Journal journal = Journal.at(dir).schema(schema()).open())
                {
                    final long last = journal.lastIndex();
                    return last < 0 ? SourcePosition.FROM_START : last;
                }
            default:
                return SourcePosition.FROM_START;
        }
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
     * One poll of up to {@code limit} entries; the first call opens the journal and positions the reader (on the
     * thread that runs the source). A checkpoint barrier may follow the poll, and end of stream once a finite
     * source has read the last entry there was when it started.
     *
     * @return entries read, 0 if none was new.
     */
    @Override
    int produceSome(final SourceContext ctx, final int limit)
    {
        if (reader == null)
        {
            if (!open(ctx))
            {
                endStreamAfterPoll(ctx); // an empty journal: nothing to replay (unless logged epochs say otherwise)
                return 0;
            }
        }
        final int read = tail.poll(reader, limit, barriers);
        if (read == JournalTail.WAITING)
        {
            return 0;
        }
        if ((tail.done || (read == 0 && !tailingNow)) && !ctx.isStopping())
        {
            endStreamAfterPoll(ctx); // every entry up to the last at start has been read
        }
        return read;
    }

    /** @return false if a finite source has nothing to read (an empty journal). */
    private boolean open(final SourceContext ctx)
    {
        journal = Journal.at(dir).schema(schema()).open();
        reader = journal.reader();
        final long lastIndexAtStart = journal.lastIndex();
        barriers = newCheckpointBarriers(ctx);
        // a replay whose run before ended the stream (the epoch log says where) ends it at the same entry: what
        // end of stream emitted depends on it, and the records after it came after the end
        final long loggedEnd = checkpoints == null ? Long.MIN_VALUE : checkpoints.loggedCuts().streamEnd();
        // availableNow/once: what the journal holds at start
        tailingNow = tailing && !ctx.endsEpochsByCount() && loggedEnd == Long.MIN_VALUE;
        if (checkpoints != null)
        {
            final String missing = SourcePosition.seek(reader, resumePosition);
            if (missing != null)
            {
                throw new IllegalStateException("Sources.journal(" + dir + "): the checkpoint resumes after " +
                    missing + ", which the journal no longer holds (its last is " + lastIndexAtStart + "; " +
                    "retention may have deleted the cycle, or the journal was replaced). Keep input cycles " +
                    "at least as long as checkpoints, or start fresh.");
            }
        }
        else
        {
            switch (from)
            {
                case FROM_INDEX:
                    if (!reader.moveToIndex(fromIndex))
                    {
                        throw new IllegalArgumentException("Sources.journal(" + dir + ").fromIndex(" + fromIndex +
                            " = 0x" + Long.toHexString(fromIndex) + "): the journal holds no such index (its last " +
                            "is " + lastIndexAtStart + " = 0x" + Long.toHexString(lastIndexAtStart) + "; older " +
                            "cycles may have been deleted by retention); give an index a record carried " +
                            "(sourceIndex()) or JournalWriter.commit() returned");
                    }
                    break;
                case FROM_END:
                    reader.toEnd();
                    break;
                default:
                    reader.toStart();
                    break;
            }
        }
        if (loggedEnd != Long.MIN_VALUE && lastIndexAtStart < loggedEnd)
        {
            throw new IllegalStateException("Sources.journal(" + dir + "): the run before the restart ended its " +
                "stream after journal index " + loggedEnd + ", but the journal now ends at " + lastIndexAtStart +
                "; was it rewritten or truncated? Restore it, or start over (startFresh())");
        }
        final long lastToEmit = tailingNow ? Long.MAX_VALUE :
            loggedEnd == Long.MIN_VALUE ? lastIndexAtStart : loggedEnd;
        tail = new JournalTail(ctx, false, lastToEmit);
        return tailingNow || lastIndexAtStart >= 0;
    }

    @Override
    void closeSteps()
    {
        final JournalReader r = reader;
        final Journal j = journal;
        reader = null;
        journal = null;
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
