package io.rivulet.journal;

import io.rivulet.ringbuffer.RecordFlyweight;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Appends records to a {@link Journal}: {@link #claim()} a record, fill it, {@link #commit()} (or
 * {@link #abort()}). Allocation-free in steady state.
 * <p>
 * The claimed record is a reusable off-heap scratch record; {@code commit} copies header + record into the
 * journal in one bulk write (one Chronicle document). This measured as fast as filling the journal's mapped
 * memory in place (see the README's journal benchmark), and holds Chronicle's write lock only for the copy,
 * not while the caller fills the record. A claimed record starts with every field zero.
 * <p>
 * For an {@link JournalKind#OUTPUT output} journal every entry gets the next output sequence number
 * (1, 2, 3, ...); on open the writer reads the last entry, so the sequence continues across restarts
 * ({@link #lastSequence()}).
 * <p>
 * Threading: one thread at a time; it may be handed to another thread between claims through a happens-before
 * edge (thread start/join, an executor, a concurrent queue), and the writer moves Chronicle's single-threaded
 * appender along. One writer per journal and, for an output journal, one writing process, or sequence numbers
 * repeat.
 */
public final class JournalWriter implements AutoCloseable
{
    private final Journal journal;
    private final ExcerptAppender appender;
    private final RecordFlyweight record;
    private final UnsafeBuffer scratch;
    private final long scratchAddress;
    private final int entryLength;
    private final int recordLength;
    private final int headerLength;
    private final boolean sequenced;
    private long lastSequence;
    private long lastIndex = -1;
    private int lastCycle;
    private boolean claimed;
    private boolean closed;
    private Thread owner;

    JournalWriter(final Journal journal, final SingleChronicleQueue queue, final JournalMetadata metadata)
    {
        this.journal = journal;
        this.sequenced = metadata.kind() == JournalKind.OUTPUT;
        this.headerLength = JournalDescriptor.headerLength(metadata.kind());
        this.recordLength = metadata.schema().recordLengthBytes();
        this.entryLength = metadata.entryLength();
        // off-heap so commit() copies it with one memcpy; freed by the GC with the writer
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(alignedLength(entryLength), 64));
        this.scratchAddress = scratch.addressOffset();
        this.record = new RecordFlyweight(metadata.schema());
        record.wrap(scratch, headerLength);
        this.lastSequence = sequenced ? readLastSequence(queue, entryLength) : 0;
        this.lastCycle = queue.cycle();
        journal.applyRetention(lastCycle, true); // before the appender exists, so a failure leaks nothing
        this.appender = queue.createAppender();
    }

    /**
     * Starts a record. Fields start at zero.
     *
     * @return the record to fill; valid until {@link #commit()} or {@link #abort()}.
     * @throws IllegalStateException if a record is already claimed or the writer is closed.
     */
    public RecordFlyweight claim()
    {
        if (claimed || closed)
        {
            throw notClaimable();
        }
        claimed = true;
        scratch.setMemory(headerLength, recordLength, (byte)0);
        return record;
    }

    /**
     * Appends the claimed record, stamped with {@link System#nanoTime()} as its ingest time.
     *
     * @return the entry's journal index.
     * @throws IllegalStateException if no record is claimed.
     */
    public long commit()
    {
        return commit(System.nanoTime());
    }

    /**
     * Appends the claimed record with the given ingest time (an output journal passes on its input's).
     *
     * @param ingestTimeNs {@link System#nanoTime()} at which the record entered the system.
     * @return the entry's journal index.
     * @throws IllegalStateException if no record is claimed. If the write itself fails (an I/O error from the
     *                               queue), nothing is written and the record stays claimed: commit again or abort.
     */
    public long commit(final long ingestTimeNs)
    {
        if (!claimed)
        {
            throw notClaimed("commit");
        }
        scratch.putLong(JournalDescriptor.INGEST_TIME_OFFSET, ingestTimeNs);
        if (sequenced)
        {
            scratch.putLong(JournalDescriptor.SEQUENCE_OFFSET, lastSequence + 1);
        }
        final Thread current = Thread.currentThread();
        if (current != owner)
        {
            // Chronicle's appender binds to the first thread that writes; a hand-over between claims (our contract:
            // one thread at a time, through a happens-before edge) must move that binding, or it throws
            if (owner != null)
            {
                appender.singleThreadedCheckReset();
            }
            owner = current;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            try
            {
                dc.wire().bytes().unsafeWrite(scratchAddress, entryLength);
            }
            catch (final RuntimeException | Error e)
            {
                dc.rollbackOnClose(); // never a torn entry: the record stays claimed, commit again or abort
                throw e;
            }
        }
        claimed = false;
        if (sequenced)
        {
            lastSequence++;
        }
        final long index = appender.lastIndexAppended();
        lastIndex = index;
        final int cycle = appender.cycle();
        if (cycle != lastCycle)
        {
            lastCycle = cycle;
            journal.applyRetention(cycle, false);
        }
        return index;
    }

    /**
     * Drops the claimed record: nothing is written, no sequence number is used.
     *
     * @throws IllegalStateException if no record is claimed.
     */
    public void abort()
    {
        if (!claimed)
        {
            throw notClaimed("abort");
        }
        claimed = false;
    }

    /**
     * @return the output sequence number of the last entry in an output journal (written by this writer or, before
     * it, by an earlier process), 0 if the journal is empty; always 0 for an input journal.
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * @return the journal index of this writer's last committed entry, or -1 if it committed none.
     */
    public long lastIndex()
    {
        return lastIndex;
    }

    /**
     * @return the journal written to.
     */
    public Journal journal()
    {
        return journal;
    }

    /**
     * Closes this writer (a claimed record is dropped). The journal stays open; {@link Journal#writer()} then
     * fails. Idempotent.
     */
    @Override
    public void close()
    {
        closeFromJournal();
    }

    void closeFromJournal()
    {
        if (!closed)
        {
            closed = true;
            claimed = false;
            appender.close();
        }
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    private IllegalStateException notClaimable()
    {
        return closed ?
            new IllegalStateException("JournalWriter of " + journal.dir() + " is closed; open the journal again " +
                "to write") :
            new IllegalStateException("JournalWriter of " + journal.dir() + ": claim() called again before " +
                "commit() or abort() of the claimed record");
    }

    private IllegalStateException notClaimed(final String action)
    {
        return new IllegalStateException(closed ?
            "JournalWriter of " + journal.dir() + " is closed; open the journal again to write" :
            "JournalWriter of " + journal.dir() + ": " + action + "() without a claimed record; call claim() first");
    }

    private static int alignedLength(final int length)
    {
        return (length + 63) & ~63;
    }

    private static long readLastSequence(final SingleChronicleQueue queue, final int entryLength)
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.direction(TailerDirection.BACKWARD).toEnd();
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return 0;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                if (bytes.readRemaining() != entryLength)
                {
                    throw new IllegalStateException("Output journal " + queue.fileAbsolutePath() + ": last entry " +
                        "(index " + Long.toHexString(dc.index()) + ") is " + bytes.readRemaining() + " bytes, " +
                        "expected " + entryLength + "; the journal is corrupt or not written by Rivulet");
                }
                return bytes.readLong(bytes.readPosition() + JournalDescriptor.SEQUENCE_OFFSET);
            }
        }
    }
}
