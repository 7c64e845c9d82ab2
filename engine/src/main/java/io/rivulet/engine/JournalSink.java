package io.rivulet.engine;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalWriter;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sink appending every result to an output {@link Journal} (create it with {@link Sinks#journal(Path)}): each
 * entry carries a stable output sequence number, 1, 2, 3, ..., continuing across restarts, and the ingest time of
 * the input that produced it. The journal is created with the stream's schema when the stream is connected
 * ({@code to(sink)}), or reopened (its schema must then equal the stream's: the message shows both).
 * <p>
 * Per record: one bulk copy of the record into the writer's scratch memory and one Chronicle append, no
 * allocation. The sink closes its journal when the pipeline releases it.
 * <p>
 * <b>Exactly-once.</b> With checkpoints ({@link PipelineBuilder#checkpointLocation}), a pipeline's output sequence
 * numbers are this journal's: after a recovery the pipeline replays its input and produces again outputs this
 * journal already holds, and every one numbered at or below {@link #lastSequence()} (the journal's last entry
 * when it opened) is dropped before it reaches the sink. A reader of the journal sees each result once, as soon
 * as it is produced: there is no commit delay. A Chronicle append lives in the page cache once it returns, so it
 * survives the process being killed; surviving a power loss needs the OS to have flushed it.
 * <p>
 * Threading: opened on the thread that connects it, written on the last stage's thread, closed by the pipeline's
 * release; {@link #lastSequence()} may be read from any thread. One pipeline per sink, one writing sink per
 * output journal (a second one is refused while the first is open).
 */
public final class JournalSink implements Sink, DurableSink
{
    /** The file in an output journal's directory whose OS lock its one writing sink holds. */
    static final String LOCK_FILE = "writer.lock";

    private final Path dir;
    private final AtomicLong lastSequence = new AtomicLong();
    private ExclusiveFileLock lock;
    private Journal journal;
    private JournalWriter writer;

    JournalSink(final Path dir)
    {
        if (dir == null)
        {
            throw new IllegalArgumentException("Sinks.journal(dir): dir is null; give a directory for the output " +
                "journal");
        }
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * Opens (or creates) the output journal with the stream's schema.
     *
     * @throws io.rivulet.ringbuffer.SchemaException if the journal exists with another schema or as an input
     *                                               journal (the message shows both).
     * @throws IllegalStateException                 if the sink is already connected to a stream.
     */
    @Override
    public void open(final Schema schema)
    {
        if (journal != null)
        {
            throw new IllegalStateException("Sinks.journal(" + dir + ") is already connected to a stream; create " +
                "one sink per stream (one writer per output journal)");
        }
        final Journal opened = Journal.at(dir).schema(schema).output().open();
        try
        {
            writer = opened.writer();
        }
        catch (final RuntimeException | Error e)
        {
            opened.close();
            throw e;
        }
        journal = opened;
        lastSequence.set(writer.lastSequence());
    }

    /**
     * Called when a pipeline is built with this sink: one writer per output journal. Two would each number their
     * outputs 1, 2, 3, ... into it, and a reader that deduplicates by sequence would drop one's rows as the
     * other's. Taken at build, not when the sink is connected, so a builder abandoned after {@code to(sink)}
     * holds nothing; released by {@link #close()}, which the pipeline calls when it releases its sinks.
     *
     * @throws IllegalStateException if another running pipeline writes the journal (this process or another).
     */
    void lockForWriting()
    {
        if (lock != null)
        {
            return;
        }
        final ExclusiveFileLock acquired;
        try
        {
            acquired = ExclusiveFileLock.tryAcquire(dir.resolve(LOCK_FILE));
        }
        catch (final java.io.UncheckedIOException ex)
        {
            throw new IllegalStateException("Sinks.journal(" + dir + "): cannot lock the output journal for " +
                "writing: " + ex.getCause(), ex);
        }
        if (acquired == null)
        {
            throw new IllegalStateException("Sinks.journal(" + dir + "): the output journal is being written by " +
                "another running pipeline (in this process or another); give each pipeline its own output " +
                "journal, or close the other first");
        }
        lock = acquired;
        lastSequence.set(writer.lastSequence()); // what a writer before it added while this sink waited to build
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final JournalWriter w = writer;
        w.claim().copyFrom(record);
        w.commit(record.ingestTimeNs());
        lastSequence.lazySet(w.lastSequence());
    }

    @Override
    public long durableSequence()
    {
        return lastSequence.get();
    }

    /**
     * @return the output sequence number of the last entry written (by this sink or, before it, an earlier
     * run); 0 before the first. Readable from any thread.
     */
    public long lastSequence()
    {
        return lastSequence.get();
    }

    /**
     * @return the output journal's directory.
     */
    public Path dir()
    {
        return dir;
    }

    /** Closes the output journal and lets another sink write it. */
    @Override
    public void close()
    {
        final Journal j = journal;
        journal = null;
        final ExclusiveFileLock l = lock;
        lock = null;
        try
        {
            if (j != null)
            {
                j.close();
            }
        }
        finally
        {
            if (l != null)
            {
                l.close();
            }
        }
    }

    @Override
    public String toString()
    {
        return "journal(" + dir + ")";
    }
}
