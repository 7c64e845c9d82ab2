package io.rivulet.journal;

/**
 * Binary layout of one checkpoint file ({@code checkpoint-<epoch, 19 digits>.ckpt}), all integers little-endian.
 * <pre>
 *   0        8        12        16              24       32            40
 *   +--------+--------+---------+---------------+--------+-------------+------------------------------------
 *   | magic  |version | header  | total length  | epoch  | created at  | fingerprint (int32 len + UTF-8)
 *   |8 ASCII | int32  | length  | int64 (bytes, | int64  | int64, ms   | description (int32 len + UTF-8)
 *   |        |        | int32   | whole file)   |        | since 1970  | source count (int32), positions (int64 each)
 *   +--------+--------+---------+---------------+--------+-------------+ sink count (int32), sequences (int64 each)
 *                                                                      | section count (int32), then per section:
 *                                                                      |   name (int32 len + UTF-8),
 *                                                                      |   body offset (int64, from file start),
 *                                                                      |   body length (int64)
 *                                                                      | zero padding to a multiple of 8
 *   header length -----------------------------------------------------+------------------------------------
 *   | section bodies, in table order, each starting at a multiple of 8 (zero padding between them)
 *   total length - 4 --------------------------------------------------------------------------------------
 *   | CRC32C (int32) of bytes [0, total length - 4)
 *   +------------------------------------------------------------------------------------------------------
 * </pre>
 * A file is valid when its magic and version match, its size equals the total length, the CRC matches and the
 * section table lies within [header length, total length - 4). The CRC sits at the end so a writer can stream
 * section bodies straight from their buffers and append it, without a second pass or a seek.
 */
public final class CheckpointDescriptor
{
    /** "RVLTCKPT" in ASCII, read as a little-endian int64. */
    public static final long MAGIC = 0x54504B43544C5652L;
    /** The format version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Offset of the int32 format version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the int32 header length (where the first section body starts). */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** Offset of the int64 total file length. */
    public static final int TOTAL_LENGTH_OFFSET = 16;
    /** Offset of the int64 epoch. */
    public static final int EPOCH_OFFSET = 24;
    /** Offset of the int64 creation time, ms since the Unix epoch. */
    public static final int CREATED_AT_OFFSET = 32;
    /** Offset of the variable part (fingerprint onwards). */
    public static final int VARIABLE_OFFSET = 40;
    /** Length of the CRC32C trailer. */
    public static final int TRAILER_LENGTH = 4;
    /** Body and header alignment. */
    public static final int ALIGNMENT = 8;
    /**
     * Upper bound of the header length: positions and section names take bytes each, so a larger value can only
     * come from corruption, and a reader must not allocate it.
     */
    public static final int MAX_HEADER_LENGTH = 64 << 20;
    /** The smallest well-formed file: fixed header, empty strings and tables, trailer. */
    public static final int MIN_LENGTH = VARIABLE_OFFSET + 4 + 4 + 4 + 4 + 4 + TRAILER_LENGTH;

    /** File name prefix. */
    public static final String FILE_PREFIX = "checkpoint-";
    /** File name suffix of a complete checkpoint. */
    public static final String FILE_SUFFIX = ".ckpt";
    /** Suffix appended to the final name while a checkpoint is being written. */
    public static final String TEMP_SUFFIX = ".tmp";

    private CheckpointDescriptor()
    {
    }

    /**
     * @param epoch of the checkpoint, >= 0.
     * @return its file name, e.g. {@code checkpoint-0000000000000000042.ckpt}.
     */
    public static String fileName(final long epoch)
    {
        return FILE_PREFIX + String.format("%019d", epoch) + FILE_SUFFIX;
    }

    /**
     * @param fileName a file name.
     * @return the epoch if the name is a checkpoint file name ({@link #fileName}), else -1.
     */
    public static long epochOf(final String fileName)
    {
        final int digits = 19;
        if (fileName.length() != FILE_PREFIX.length() + digits + FILE_SUFFIX.length() ||
            !fileName.startsWith(FILE_PREFIX) || !fileName.endsWith(FILE_SUFFIX))
        {
            return -1;
        }
        long epoch = 0;
        for (int i = FILE_PREFIX.length(), end = i + digits; i < end; i++)
        {
            final char c = fileName.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            epoch = epoch * 10 + (c - '0');
            if (epoch < 0)
            {
                return -1;
            }
        }
        return epoch;
    }

    static long align(final long value)
    {
        return (value + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
