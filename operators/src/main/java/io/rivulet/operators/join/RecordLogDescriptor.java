package io.rivulet.operators.join;

/**
 * Binary layout of one entry of a {@link RecordLog}: a copy of the record, the event time from which the entry
 * is dead (its expiry), then the sequence of the previous entry with the same key (a per-key chain, newest to
 * oldest).
 * <pre>
 *   0                                   R              R + 8            R + 16
 *   +-----------------------------------+--------------+----------------+
 *   |  record bytes (R = record length) |  expiry (ms) |  prev sequence |
 *   +-----------------------------------+--------------+----------------+
 * </pre>
 * R is a multiple of 8 (see {@code Schema}), so both longs are naturally aligned. An entry is dead once the
 * watermark reaches its expiry. A chain ends at {@link #NO_ENTRY} or at any sequence below the log's tail (that
 * entry is retired and its slot may have been reused).
 */
final class RecordLogDescriptor
{
    /** Previous-sequence value of the first entry of a key. Below every tail. */
    static final long NO_ENTRY = -1;

    private RecordLogDescriptor()
    {
    }

    /**
     * @param recordLengthBytes record length, a multiple of 8.
     * @return offset of the expiry in the entry.
     */
    static int expiryOffset(final int recordLengthBytes)
    {
        return recordLengthBytes;
    }

    /**
     * @param recordLengthBytes record length, a multiple of 8.
     * @return offset of the previous-entry sequence in the entry.
     */
    static int prevSequenceOffset(final int recordLengthBytes)
    {
        return recordLengthBytes + 8;
    }

    /**
     * @param recordLengthBytes record length, a multiple of 8.
     * @return entry length in bytes.
     */
    static int entryLength(final int recordLengthBytes)
    {
        return recordLengthBytes + 16;
    }
}
