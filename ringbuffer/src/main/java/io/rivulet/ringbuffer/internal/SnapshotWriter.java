package io.rivulet.ringbuffer.internal;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.UnsafeApi;

/**
 * Where an operator writes its state at a checkpoint barrier: an append-only, growable off-heap buffer of
 * little-endian primitives and bulk byte ranges. It lives in the lowest module because state lives in every
 * module above it (the watermark module's timer queue, the operators' tables).
 * <p>
 * The stage thread fills it (a bulk copy of native memory is a {@code memcpy}); a background thread then writes
 * {@link #buffer()}{@code [0, }{@link #length()}{@code )} to disk, so the stage pays for the copy, not for the
 * I/O. Reused across checkpoints: {@link #reset()} keeps the memory, so a steady state allocates only when the
 * state outgrows every earlier snapshot. Not thread-safe; one writer per stateful operator.
 */
public final class SnapshotWriter
{
    private final ExpandableDirectByteBuffer buffer;
    private int length;

    /**
     * @param initialCapacity bytes reserved up front; grows as needed.
     */
    public SnapshotWriter(final int initialCapacity)
    {
        this.buffer = new ExpandableDirectByteBuffer(Math.max(64, initialCapacity));
    }

    /** Empties the writer for the next snapshot, keeping its memory. */
    public SnapshotWriter reset()
    {
        length = 0;
        return this;
    }

    /** @return bytes written since the last {@link #reset()}. */
    public int length()
    {
        return length;
    }

    /** @return the memory holding the snapshot, valid in {@code [0, length())} until the next write. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    public SnapshotWriter putLong(final long value)
    {
        ensure(8);
        buffer.putLong(length, value);
        length += 8;
        return this;
    }

    public SnapshotWriter putInt(final int value)
    {
        ensure(4);
        buffer.putInt(length, value);
        length += 4;
        return this;
    }

    public SnapshotWriter putDouble(final double value)
    {
        ensure(8);
        buffer.putDouble(length, value);
        length += 8;
        return this;
    }

    public SnapshotWriter putBoolean(final boolean value)
    {
        ensure(1);
        buffer.putByte(length, value ? (byte)1 : (byte)0);
        length += 1;
        return this;
    }

    /** Copies {@code lengthBytes} of a buffer in one bulk copy. */
    public SnapshotWriter putBytes(final DirectBuffer src, final int srcOffset, final int lengthBytes)
    {
        ensure(lengthBytes);
        buffer.putBytes(length, src, srcOffset, lengthBytes);
        length += lengthBytes;
        return this;
    }

    /**
     * Copies {@code lengthBytes} of native memory at {@code address} in one bulk copy ({@code Unsafe.copyMemory}),
     * for state that lives at a raw address (an off-heap table).
     */
    public SnapshotWriter putMemory(final long address, final long lengthBytes)
    {
        if (lengthBytes < 0 || lengthBytes > Integer.MAX_VALUE - length)
        {
            throw new IllegalArgumentException("snapshot of " + lengthBytes + " bytes does not fit one snapshot " +
                "buffer (2 GiB); state is too large to checkpoint in one piece");
        }
        ensure((int)lengthBytes);
        UnsafeApi.copyMemory(null, address, null, buffer.addressOffset() + length, lengthBytes);
        length += (int)lengthBytes;
        return this;
    }

    public SnapshotWriter putLongs(final long[] values, final int count)
    {
        putInt(count);
        ensure(count * 8);
        for (int i = 0; i < count; i++)
        {
            buffer.putLong(length + i * 8, values[i]);
        }
        length += count * 8;
        return this;
    }

    public SnapshotWriter putInts(final int[] values, final int count)
    {
        putInt(count);
        ensure(count * 4);
        for (int i = 0; i < count; i++)
        {
            buffer.putInt(length + i * 4, values[i]);
        }
        length += count * 4;
        return this;
    }

    private void ensure(final int more)
    {
        if (more < 0 || length + more < 0)
        {
            throw new IllegalArgumentException("snapshot larger than 2 GiB; state is too large to checkpoint in " +
                "one piece");
        }
        buffer.checkLimit(length + more); // grows the expandable buffer
    }

    /** @return a view for tests and for restoring in the same process. */
    public SnapshotReader toReader()
    {
        return new SnapshotReader(buffer, 0, length);
    }

}
