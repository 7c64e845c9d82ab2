package io.rivulet.journal;

/**
 * Binary layout of one journal entry: the payload of one Chronicle Queue document (Chronicle adds its own
 * 4-byte length/flags header in front, not shown). A small fixed header, then one record's bytes exactly as
 * the {@link io.rivulet.ringbuffer.Schema} lays them out (little-endian, widest field first).
 * <pre>
 *   input journal entry ({@link JournalKind#INPUT})
 *   0                               8
 *   +-------------------------------+---------------------------------------------
 *   |  ingest time (int64, ns)      |  record (schema.recordLengthBytes())
 *   +-------------------------------+---------------------------------------------
 *
 *   output journal entry ({@link JournalKind#OUTPUT})
 *   0                               8                               16
 *   +-------------------------------+-------------------------------+-------------
 *   |  ingest time (int64, ns)      |  output sequence (int64)      |  record
 *   +-------------------------------+-------------------------------+-------------
 * </pre>
 * The ingest time is the writer's {@link System#nanoTime()} unless the writer was given one (an output
 * journal carries the ingest time of the input that produced the record): it measures latency within one
 * process, it is not a wall-clock time. The output sequence starts at 1 and grows by 1 per entry, across
 * restarts. Every entry of a journal has the same length, {@link #entryLength}; a reader rejects any other.
 * The layout version is the schema file's format version ({@link SchemaCodec#FORMAT_VERSION}).
 */
public final class JournalDescriptor
{
    /** Offset of the int64 ingest time, in {@link System#nanoTime()} units. */
    public static final int INGEST_TIME_OFFSET = 0;
    /** Offset of the int64 output sequence number (output journals only). */
    public static final int SEQUENCE_OFFSET = 8;
    /** Header length of an input journal entry. */
    public static final int INPUT_HEADER_LENGTH = 8;
    /** Header length of an output journal entry. */
    public static final int OUTPUT_HEADER_LENGTH = 16;

    private JournalDescriptor()
    {
    }

    /**
     * @param kind of journal.
     * @return header length in bytes; the record starts at this offset.
     */
    public static int headerLength(final JournalKind kind)
    {
        return kind == JournalKind.OUTPUT ? OUTPUT_HEADER_LENGTH : INPUT_HEADER_LENGTH;
    }

    /**
     * @param kind              of journal.
     * @param recordLengthBytes the schema's record length.
     * @return length in bytes of every entry of such a journal.
     */
    public static int entryLength(final JournalKind kind, final int recordLengthBytes)
    {
        return headerLength(kind) + recordLengthBytes;
    }
}
