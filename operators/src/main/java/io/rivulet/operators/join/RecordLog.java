package io.rivulet.operators.join;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An append-only log of fixed-size entries ({@link RecordLogDescriptor}) in a growable circular off-heap arena,
 * addressed by a monotonically increasing sequence: entry {@code s} lives at slot {@code s & mask}.
 * <pre>
 *        tail                         head
 *         v                            v
 *   ... dead | live live live ... live | free ...     (circular: slot = sequence &amp; (capacity - 1))
 * </pre>
 * Entries are retired from the tail only, in append order ({@link #retire()}); those behind the tail are dead
 * and their slots are reused by later appends. When full, the arena doubles and the live range is copied over
 * (the only allocation). Memory is native ({@code Unsafe.allocateMemory}, 64-byte aligned), not reclaimed by
 * GC: {@link #close()} must be called. Not thread-safe.
 */
final class RecordLog implements AutoCloseable
{
    private static final int ALIGNMENT = BitUtil.CACHE_LINE_LENGTH;
    private static final byte[] EMPTY = new byte[0];

    private final int recordLengthBytes;
    private final int entryLengthBytes;
    private final int expiryOffset;
    private final int prevOffset;
    private final UnsafeBuffer buffer = new UnsafeBuffer(EMPTY);
    private long address;
    private int capacity;
    private long mask;
    private long head;
    private long tail;

    /**
     * @param recordLengthBytes length of the records stored, a multiple of 8.
     * @param initialCapacity   entries held before the first growth; rounded up to a power of two.
     */
    RecordLog(final int recordLengthBytes, final int initialCapacity)
    {
        this.recordLengthBytes = recordLengthBytes;
        this.entryLengthBytes = RecordLogDescriptor.entryLength(recordLengthBytes);
        this.expiryOffset = RecordLogDescriptor.expiryOffset(recordLengthBytes);
        this.prevOffset = RecordLogDescriptor.prevSequenceOffset(recordLengthBytes);
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(2, initialCapacity));
        checkFits(capacity);
        address = allocate(buffer, capacity * entryLengthBytes);
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    /**
     * Appends a copy of a record.
     *
     * @param src          holding the record.
     * @param srcOffset    of the record's first byte.
     * @param expiryMs     watermark at which the entry is dead.
     * @param prevSequence sequence of the previous entry of the same key, or {@link RecordLogDescriptor#NO_ENTRY}.
     * @return the new entry's sequence.
     */
    long append(final DirectBuffer src, final int srcOffset, final long expiryMs, final long prevSequence)
    {
        if (head - tail == capacity)
        {
            grow();
        }
        final long sequence = head++;
        final int offset = offset(sequence);
        buffer.putBytes(offset, src, srcOffset, recordLengthBytes);
        buffer.putLong(offset + expiryOffset, expiryMs);
        buffer.putLong(offset + prevOffset, prevSequence);
        return sequence;
    }

    /**
     * @param sequence of a live entry.
     * @return offset of the entry (its record's first byte) in {@link #buffer()}.
     */
    int offset(final long sequence)
    {
        return (int)(sequence & mask) * entryLengthBytes;
    }

    /**
     * @param sequence of a live entry.
     * @return its expiry, epoch ms.
     */
    long expiry(final long sequence)
    {
        return buffer.getLong(offset(sequence) + expiryOffset);
    }

    /**
     * @return offset of the expiry inside an entry.
     */
    int expiryOffset()
    {
        return expiryOffset;
    }

    /**
     * @return offset of the previous-entry sequence inside an entry.
     */
    int prevSequenceOffset()
    {
        return prevOffset;
    }

    /**
     * @param sequence of a live entry.
     * @return sequence of the previous entry of the same key; a chain ends below {@link #tail()}.
     */
    long prevSequence(final long sequence)
    {
        return buffer.getLong(offset(sequence) + prevOffset);
    }

    /**
     * @return the buffer entries live in; the same object for the log's life, re-wrapped on growth.
     */
    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return sequence of the oldest live entry (== {@link #head()} when empty).
     */
    long tail()
    {
        return tail;
    }

    /**
     * @return sequence the next append gets.
     */
    long head()
    {
        return head;
    }

    /**
     * @return number of live entries.
     */
    int size()
    {
        return (int)(head - tail);
    }

    /**
     * Retires entries from the tail while the oldest one's expiry is at or below the watermark. An expired entry
     * behind a live one stays until that one expires (append order is not event-time order); readers check
     * expiry per entry.
     *
     * @param watermarkMs the watermark.
     * @return number of entries retired.
     */
    int retireExpired(final long watermarkMs)
    {
        final UnsafeBuffer buffer = this.buffer;
        final long head = this.head;
        long tail = this.tail;
        while (tail < head && buffer.getLong(offset(tail) + expiryOffset) <= watermarkMs)
        {
            tail++;
        }
        final int retired = (int)(tail - this.tail);
        this.tail = tail;
        return retired;
    }

    /**
     * @return off-heap bytes held.
     */
    long memoryBytes()
    {
        return buffer.capacity();
    }

    @Override
    public void close()
    {
        if (0 != address)
        {
            buffer.wrap(EMPTY);
            UnsafeApi.freeMemory(address);
            address = 0;
        }
    }

    private void grow()
    {
        final int newCapacity = capacity << 1;
        checkFits(newCapacity);
        final UnsafeBuffer newBuffer = new UnsafeBuffer(EMPTY);
        final long newAddress = allocate(newBuffer, newCapacity * entryLengthBytes);
        final long newMask = newCapacity - 1;
        for (long s = tail; s < head; s++)
        {
            newBuffer.putBytes((int)(s & newMask) * entryLengthBytes, buffer, offset(s), entryLengthBytes);
        }
        UnsafeApi.freeMemory(address);
        address = newAddress;
        buffer.wrap(newBuffer);
        capacity = newCapacity;
        mask = newMask;
    }

    private void checkFits(final int capacity)
    {
        if (capacity <= 0 || (long)capacity * entryLengthBytes > Integer.MAX_VALUE - ALIGNMENT)
        {
            throw new IllegalStateException("join buffer full: " + (head - tail) + " buffered records of " +
                entryLengthBytes + " bytes; the watermark is not advancing or the join bounds are too wide");
        }
    }

    private static long allocate(final UnsafeBuffer view, final int lengthBytes)
    {
        final long rawAddress = UnsafeApi.allocateMemory((long)lengthBytes + ALIGNMENT);
        view.wrap((rawAddress + ALIGNMENT - 1) & -ALIGNMENT, lengthBytes);
        return rawAddress;
    }
}
