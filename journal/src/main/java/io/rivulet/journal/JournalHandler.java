package io.rivulet.journal;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Receives the entries a {@link JournalReader} polls, on the polling thread.
 */
@FunctionalInterface
public interface JournalHandler
{
    /**
     * @param index        the entry's journal index: a position {@link JournalReader#moveToIndex} returns to
     *                     (Chronicle's cycle + sequence; increasing, not contiguous across cycles).
     * @param ingestTimeNs the entry's ingest time ({@link System#nanoTime()} of the writing process).
     * @param sequence     the output sequence number (1, 2, 3, ...) of an output journal; 0 in an input journal.
     * @param record       the record, read in place from the journal's memory: <b>valid only during the
     *                     call</b>, read-only; its {@link RecordFlyweight#ingestTimeNs()} is {@code ingestTimeNs}.
     */
    void onRecord(long index, long ingestTimeNs, long sequence, RecordFlyweight record);
}
