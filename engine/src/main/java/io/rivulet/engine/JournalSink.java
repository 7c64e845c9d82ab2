package io.rivulet.engine;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalWriter;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    private FileChannel lockChannel;
    private FileLock lock;
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
        lock(opened);
        journal = opened;
        lastSequence.set(writer.lastSequence());
    }

    /**
     * One writer per output journal: two would each number their outputs 1, 2, 3, ... into it, and a reader that
     * deduplicates by sequence would drop one's rows as the other's. An OS file lock ({@value #LOCK_FILE} in the
     * journal's directory), so a process killed with -9 leaves no stale lock behind.
     */
    private void lock(final Journal opened)
    {
        final Path lockFile = dir.resolve(LOCK_FILE);
        String problem = null;
        try
        {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null; // held by another sink of this JVM
        }
        catch (final IOException ex)
        {
            problem = "cannot lock " + lockFile + ": " + ex;
        }
        if (lock == null)
        {
            releaseLock();
            opened.close();
            throw new IllegalStateException(problem != null ? "Sinks.journal(" + dir + "): " + problem :
                "Sinks.journal(" + dir + "): the output journal is being written by another running pipeline (in " +
                "this process or another); give each pipeline its own output journal, or close the other first");
        }
    }

    private void releaseLock()
    {
        try
        {
            if (lockChannel != null)
            {
                lockChannel.close(); // releases the lock
            }
        }
        catch (final IOException ignored)
        {
            // nothing more to release
        }
        lock = null;
        lockChannel = null;
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
        if (j != null)
        {
            j.close();
        }
        releaseLock();
    }

    @Override
    public String toString()
    {
        return "journal(" + dir + ")";
    }
}
