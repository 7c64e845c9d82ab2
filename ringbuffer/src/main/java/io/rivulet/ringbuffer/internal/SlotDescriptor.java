package io.rivulet.ringbuffer.internal;

/**
 * Binary layout of one ring slot: a fixed header followed by one record's bytes.
 * <pre>
 *   0               4               8                               16                              24
 *   +---------------+---------------+-------------------------------+-------------------------------+---------
 *   |  slot type    |  source id    |  ingest time (nanoTime)       |  marker value | source index  | record
 *   +---------------+---------------+-------------------------------+-------------------------------+---------
 * </pre>
 * Data and control travel in the same ring, so their relative order is exact: the slot type says which.
 * The 8 bytes at 16 are the marker value for a marker (the watermark in epoch ms for {@link #TYPE_WATERMARK},
 * the epoch id for {@link #TYPE_EPOCH}) and the source index for data: the record's position in its source (the
 * journal index for a journal source, {@code RecordFlyweight.NO_SOURCE_INDEX} for a source without positions),
 * carried so checkpoints can record source positions. Sharing the word keeps the header at 24 bytes. Every
 * field is 8-byte aligned, and so is the record. A {@link #TYPE_PADDING} slot is a claim its producer aborted:
 * only the type is meaningful, and every consumer skips it (Agrona's padding record).
 */
public final class SlotDescriptor
{
    /** A data record; the payload holds its bytes. */
    public static final int TYPE_DATA = 1;
    /** Event time has advanced to the marker value (epoch ms). */
    public static final int TYPE_WATERMARK = 2;
    /** Epoch (micro-batch, checkpoint barrier) with the id in the marker value has ended. */
    public static final int TYPE_EPOCH = 3;
    /** The source has no more records. */
    public static final int TYPE_END_OF_STREAM = 4;
    /**
     * An aborted claim ({@link SlotRing#abort(long)}): the rest of the slot is stale bytes; consumers skip it
     * (not a record, not counted). Negative, as Agrona's padding type, so it never collides with a new type.
     */
    public static final int TYPE_PADDING = -1;

    /** Offset of the int32 slot type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the int32 source id (for fan-in). */
    public static final int SOURCE_ID_OFFSET = 4;
    /**
     * Offset of the int32 slot state in a conflating ring ({@link SlotConflator}): the source id's word, since such
     * a ring has one producer, whose source id is 0. The states are {@code PENDING} (1), {@code WRITING} (2) and
     * {@code TAKEN} (0): a slot the consumer has taken reads as source id 0, as a plain ring's slot would.
     */
    public static final int STATE_OFFSET = SOURCE_ID_OFFSET;
    /** Offset of the int64 ingest time in {@link System#nanoTime()} units. */
    public static final int INGEST_TIME_OFFSET = 8;
    /** Offset of the int64 marker value (marker slots). */
    public static final int MARKER_VALUE_OFFSET = 16;
    /** Offset of the int64 source index (data slots): the marker value's word, unused by data. */
    public static final int SOURCE_INDEX_OFFSET = MARKER_VALUE_OFFSET;
    /** Header length; the record starts here (8-byte aligned). */
    public static final int HEADER_LENGTH = 24;

    private SlotDescriptor()
    {
    }

    /**
     * @param recordLengthBytes payload length.
     * @return slot length for that payload, 8-byte aligned.
     */
    public static int slotLength(final int recordLengthBytes)
    {
        return (HEADER_LENGTH + recordLengthBytes + 7) & ~7;
    }

    /**
     * @param slotOffset offset of the slot.
     * @return offset of the record inside it.
     */
    public static int recordOffset(final int slotOffset)
    {
        return slotOffset + HEADER_LENGTH;
    }

    /**
     * @param type a {@code TYPE_*} constant.
     * @return its name, for diagnostics.
     */
    public static String typeName(final int type)
    {
        switch (type)
        {
            case TYPE_DATA:
                return "DATA";
            case TYPE_WATERMARK:
                return "WATERMARK";
            case TYPE_EPOCH:
                return "EPOCH";
            case TYPE_END_OF_STREAM:
                return "END_OF_STREAM";
            case TYPE_PADDING:
                return "PADDING";
            default:
                return "UNKNOWN(" + type + ")";
        }
    }
}
