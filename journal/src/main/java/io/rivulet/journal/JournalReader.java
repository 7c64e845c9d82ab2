package io.rivulet.journal;

import io.rivulet.ringbuffer.RecordFlyweight;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a {@link Journal}'s entries in order, in place (no copy), from the start, from an index or from the end.
 * {@link #poll} hands up to a batch of entries to a {@link JournalHandler} and returns how many it read; 0 means
 * the reader is at the end for now. A caller that stops at 0 replays a finite journal; one that keeps polling
 * tails it while a writer (this process or another) appends. Allocation-free per entry.
 * <p>
 * Threading: one thread at a time. Close it (or the journal) when done.
 */
public final class JournalReader implements AutoCloseable
{
    private final Journal journal;
    private final ExcerptTailer tailer;
    private final RecordFlyweight record;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final int entryLength;
    private final int headerLength;
    private final boolean sequenced;
    private boolean closed;

    JournalReader(final Journal journal, final ExcerptTailer tailer, final JournalMetadata metadata)
    {
        this.journal = journal;
        this.tailer = tailer;
        this.entryLength = metadata.entryLength();
        this.headerLength = JournalDescriptor.headerLength(metadata.kind());
        this.sequenced = metadata.kind() == JournalKind.OUTPUT;
        this.record = new RecordFlyweight(metadata.schema());
    }

    /**
     * Moves to the oldest retained entry.
     *
     * @return this.
     */
    public JournalReader toStart()
    {
        ensureOpen();
        tailer.toStart();
        return this;
    }

    /**
     * Moves past the last entry: the next poll returns only entries appended from now on.
     *
     * @return this.
     */
    public JournalReader toEnd()
    {
        ensureOpen();
        tailer.toEnd();
        return this;
    }

    /**
     * Moves so the next poll starts at the entry with this index (as passed to a {@link JournalHandler}). To
     * resume after a recorded index {@code i}, move to {@code i} and skip one entry, or use
     * {@link #moveAfterIndex}.
     *
     * @param index a journal index.
     * @return true if the journal holds that index (or it is the next one to be written); false leaves the
     * position unchanged.
     */
    public boolean moveToIndex(final long index)
    {
        ensureOpen();
        return tailer.moveToIndex(index);
    }

    /**
     * Moves so the next poll starts after the entry with this index (resuming from a recorded position).
     *
     * @param index a journal index that exists.
     * @return true if the journal holds that index; false leaves the position unchanged.
     */
    public boolean moveAfterIndex(final long index)
    {
        ensureOpen();
        final long before = tailer.index();
        if (!tailer.moveToIndex(index))
        {
            return false;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                tailer.moveToIndex(before);
                return false;
            }
        }
        return true;
    }

    /**
     * @return the index the next poll reads from (or would, once written).
     */
    public long index()
    {
        return tailer.index();
    }

    /**
     * Hands up to {@code limit} entries to {@code handler}, in order, on this thread. If the handler throws, the
     * entry it was given is not consumed: the next poll starts with it again.
     *
     * @param handler receives each entry; the record is valid only during the call.
     * @param limit   most entries to read in this call, at least 1.
     * @return number of entries read; 0 if none is available now.
     * @throws IllegalStateException if an entry has the wrong length (a corrupt or foreign journal).
     */
    public int poll(final JournalHandler handler, final int limit)
    {
        if (closed)
        {
            throw closedException();
        }
        int count = 0;
        while (count < limit)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    break;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                final long position = bytes.readPosition();
                if (bytes.readRemaining() != entryLength)
                {
                    dc.rollbackOnClose();
                    throw wrongLength(dc.index(), bytes.readRemaining());
                }
                view.wrap(bytes.addressForRead(position, entryLength), entryLength);
                final long ingestTimeNs = view.getLong(JournalDescriptor.INGEST_TIME_OFFSET);
                final long sequence = sequenced ? view.getLong(JournalDescriptor.SEQUENCE_OFFSET) : 0;
                record.wrap(view, headerLength).ingestTimeNs(ingestTimeNs);
                try
                {
                    handler.onRecord(dc.index(), ingestTimeNs, sequence, record);
                }
                catch (final RuntimeException | Error e)
                {
                    dc.rollbackOnClose();
                    throw e;
                }
                count++;
            }
        }
        return count;
    }

    /**
     * @return the journal read from.
     */
    public Journal journal()
    {
        return journal;
    }

    /**
     * Closes this reader. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closeFromJournal();
            journal.removeReader(this);
        }
    }

    void closeFromJournal()
    {
        if (!closed)
        {
            closed = true;
            tailer.close();
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw closedException();
        }
    }

    private IllegalStateException closedException()
    {
        return new IllegalStateException("JournalReader of " + journal.dir() + " is closed; create another with " +
            "journal.reader()");
    }

    private IllegalStateException wrongLength(final long index, final long length)
    {
        return new IllegalStateException("Journal " + journal.dir() + ": entry at index " + Long.toHexString(index) +
            " is " + length + " bytes, expected " + entryLength + " (" + journal.kind() + " entry of " +
            journal.schema() + "); the journal is corrupt or was written by something other than Rivulet");
    }
}
