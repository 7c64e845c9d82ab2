package io.rivulet.ringbuffer.internal;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

/**
 * Reads back what a {@link SnapshotWriter} wrote, in the same order, when a stateful operator restores from a
 * checkpoint. Every read checks the bounds of the operator's section, so a snapshot that does not fit the operator
 * (another pipeline's, or a corrupt one that slipped past the checksum) fails with {@link IllegalStateException}
 * instead of restoring garbage.
 */
public final class SnapshotReader
{
    private final DirectBuffer buffer;
    private final int start;
    private final int end;
    private int position;

    /**
     * @param buffer the section's memory.
     * @param offset where the section starts.
     * @param length its length in bytes.
     */
    public SnapshotReader(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.start = offset;
        this.end = offset + length;
        this.position = offset;
    }

    /** @return bytes not yet read. */
    public int remaining()
    {
        return end - position;
    }

    public long getLong()
    {
        check(8);
        final long v = buffer.getLong(position);
        position += 8;
        return v;
    }

    public int getInt()
    {
        check(4);
        final int v = buffer.getInt(position);
        position += 4;
        return v;
    }

    public double getDouble()
    {
        check(8);
        final double v = buffer.getDouble(position);
        position += 8;
        return v;
    }

    public boolean getBoolean()
    {
        check(1);
        final byte v = buffer.getByte(position);
        position += 1;
        if (v != 0 && v != 1)
        {
            throw corrupt("a boolean byte is " + v);
        }
        return v == 1;
    }

    /** Copies the next {@code lengthBytes} into {@code dst} at {@code dstOffset}. */
    public void getBytes(final org.agrona.MutableDirectBuffer dst, final int dstOffset, final int lengthBytes)
    {
        check(lengthBytes);
        buffer.getBytes(position, dst, dstOffset, lengthBytes);
        position += lengthBytes;
    }

    /** Copies the next {@code lengthBytes} into native memory at {@code address} in one bulk copy. */
    public void getMemory(final long address, final long lengthBytes)
    {
        if (lengthBytes < 0 || lengthBytes > remaining())
        {
            throw corrupt("it holds " + remaining() + " more bytes, " + lengthBytes + " expected");
        }
        UnsafeApi.copyMemory(buffer.byteArray(), buffer.addressOffset() + position, null, address,
            lengthBytes);
        position += (int)lengthBytes;
    }

    /** Reads an array written by {@link SnapshotWriter#putLongs}; {@code expectedMax} bounds its length. */
    public long[] getLongs(final int expectedMax)
    {
        final int count = getCount(expectedMax, 8);
        final long[] values = new long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = getLong();
        }
        return values;
    }

    /** Reads an array written by {@link SnapshotWriter#putInts}; {@code expectedMax} bounds its length. */
    public int[] getInts(final int expectedMax)
    {
        final int count = getCount(expectedMax, 4);
        final int[] values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = getInt();
        }
        return values;
    }

    private int getCount(final int expectedMax, final int width)
    {
        final int count = getInt();
        if (count < 0 || count > expectedMax || (long)count * width > remaining())
        {
            throw corrupt("an array length is " + count);
        }
        return count;
    }

    /**
     * Checks a value read back against what this operator expects (a key width, a format version).
     *
     * @param what     names the value in the message.
     * @param expected what the operator needs.
     * @param actual   what the snapshot holds.
     */
    public void expect(final String what, final long expected, final long actual)
    {
        if (expected != actual)
        {
            throw corrupt(what + " is " + actual + ", this operator needs " + expected);
        }
    }

    /** Fails unless the whole section was read: a snapshot longer than its operator's state is not its state. */
    public void expectEnd()
    {
        if (position != end)
        {
            throw corrupt((end - position) + " bytes were left unread");
        }
    }

    private void check(final int length)
    {
        if (length < 0 || length > end - position)
        {
            throw corrupt("it ends at byte " + (position - start) + " where " + length + " more were expected");
        }
    }

    private IllegalStateException corrupt(final String detail)
    {
        return new IllegalStateException("snapshot does not fit this operator: " + detail +
            " (a checkpoint of another pipeline, or a corrupt one)");
    }
}
