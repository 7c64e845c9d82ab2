package io.rivulet.operators.join;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An append-only log of fixed-size entries ({@link RecordLogDescriptor}) in off-heap chunks, addressed by a
 * monotonically increasing sequence: entry {@code s} lives in chunk {@code s >>> chunkShift} (absolute chunk
 * number), at slot {@code s & (chunkEntries - 1)} of it.
 * <pre>
 *   chunks[] (circular over chunk numbers, length a power of two)
 *     [ chunk c ][ chunk c+1 ] ... [ chunk c+k ]      tail in chunk c, head in chunk c+k
 *        ^ dead | live ...              live | free
 * </pre>
 * Entries are retired from the tail only, in append order ({@link #retireExpired}, {@link #dropTail}); those behind the tail are dead.
 * A chunk whose entries are all dead is reused by a later chunk number. Growth never copies entries: when the
 * live chunks would need more slots than the chunk array has, the array of chunk references doubles (pointer
 * moves only) and new chunks are allocated one at a time as the head reaches them, so the slowest append is one
 * chunk allocation, whatever the log's size. Memory is native ({@code Unsafe.allocateMemory}, 64-byte aligned),
 * not reclaimed by GC: {@link #close()} must be called. Not thread-safe.
 */
final class RecordLog implements AutoCloseable
{
    private static final int ALIGNMENT = BitUtil.CACHE_LINE_LENGTH;
    /** A chunk is at most about this large. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private final int recordLengthBytes;
    private final int entryLengthBytes;
    private final int expiryOffset;
    private final int prevOffset;
    private final int chunkShift;
    private final long entryMask;
    private UnsafeBuffer[] chunks;
    private long[] chunkAddresses;
    private int chunkMask;
    private long head;
    private long tail;

    /**
     * @param recordLengthBytes length of the records stored, a multiple of 8.
     * @param initialCapacity   entries held before the chunk array first grows.
     */
    RecordLog(final int recordLengthBytes, final int initialCapacity)
    {
        this.recordLengthBytes = recordLengthBytes;
        this.entryLengthBytes = RecordLogDescriptor.entryLength(recordLengthBytes);
        this.expiryOffset = RecordLogDescriptor.expiryOffset(recordLengthBytes);
        this.prevOffset = RecordLogDescriptor.prevSequenceOffset(recordLengthBytes);
        final int chunkEntries = Integer.highestOneBit(Math.max(2, CHUNK_BYTES / entryLengthBytes));
        this.chunkShift = Integer.numberOfTrailingZeros(chunkEntries);
        this.entryMask = chunkEntries - 1;
        final int chunkCount = BitUtil.findNextPositivePowerOfTwo(Math.max(2, initialCapacity / chunkEntries + 1));
        chunks = new UnsafeBuffer[chunkCount];
        chunkAddresses = new long[chunkCount];
        chunkMask = chunkCount - 1;
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
        final long sequence = head;
        if ((sequence & entryMask) == 0)
        {
            startChunk(sequence >>> chunkShift);
        }
        final UnsafeBuffer buffer = buffer(sequence);
        final int offset = offset(sequence);
        buffer.putBytes(offset, src, srcOffset, recordLengthBytes);
        buffer.putLong(offset + expiryOffset, expiryMs);
        buffer.putLong(offset + prevOffset, prevSequence);
        head = sequence + 1;
        return sequence;
    }

    /**
     * @param sequence of a live entry.
     * @return the buffer (chunk) holding it; valid until the entry is retired.
     */
    UnsafeBuffer buffer(final long sequence)
    {
        return chunks[(int)(sequence >>> chunkShift) & chunkMask];
    }

    /**
     * @param sequence of a live entry.
     * @return offset of the entry (its record's first byte) in {@link #buffer(long)}.
     */
    int offset(final long sequence)
    {
        return (int)(sequence & entryMask) * entryLengthBytes;
    }

    /**
     * @param sequence of a live entry.
     * @return its expiry, epoch ms.
     */
    long expiry(final long sequence)
    {
        return buffer(sequence).getLong(offset(sequence) + expiryOffset);
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
        return buffer(sequence).getLong(offset(sequence) + prevOffset);
    }

    /**
     * @param sequence     of a live entry.
     * @param prevSequence its new previous-entry sequence.
     */
    void prevSequence(final long sequence, final long prevSequence)
    {
        buffer(sequence).putLong(offset(sequence) + prevOffset, prevSequence);
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
     * behind a live one stays until that one expires or is moved (append order is not event-time order); readers
     * check expiry per entry.
     *
     * @param watermarkMs the watermark.
     * @return number of entries retired.
     */
    int retireExpired(final long watermarkMs)
    {
        final long head = this.head;
        long tail = this.tail;
        while (tail < head && expiry(tail) <= watermarkMs)
        {
            tail++;
        }
        final int retired = (int)(tail - this.tail);
        this.tail = tail;
        return retired;
    }

    /**
     * Retires the tail entry whatever its expiry (it has been copied elsewhere). The log must not be empty.
     */
    void dropTail()
    {
        if (tail == head)
        {
            throw new IllegalStateException("dropTail on an empty log");
        }
        tail++;
    }

    /**
     * @return off-heap bytes held.
     */
    long memoryBytes()
    {
        long bytes = 0;
        for (final UnsafeBuffer chunk : chunks)
        {
            bytes += chunk == null ? 0 : chunk.capacity();
        }
        return bytes;
    }

    /**
     * Writes the log at a checkpoint: its geometry, head and tail, then the live entries {@code [tail, head)}
     * byte for byte, one bulk copy per chunk. Dead entries are left out: nothing reads them (a chain ends below
     * the tail). A log given this by {@link #restoreFrom} holds every live entry at the same sequence, in the
     * same chunk slot of a chunk array of the same length, so appends, growth and retiring go on exactly as
     * here. Allocation-free (the writer may grow).
     *
     * @param out the owning operator's section of the checkpoint; append to it.
     */
    void snapshotTo(final SnapshotWriter out)
    {
        out.putInt(entryLengthBytes).putInt(chunkShift).putInt(chunks.length).putLong(head).putLong(tail);
        long sequence = tail;
        while (sequence < head)
        {
            final long chunkEnd = ((sequence >>> chunkShift) + 1) << chunkShift;
            final long end = Math.min(head, chunkEnd);
            out.putBytes(buffer(sequence), offset(sequence), (int)(end - sequence) * entryLengthBytes);
            sequence = end;
        }
    }

    /**
     * Replaces the log's contents with what {@link #snapshotTo} wrote; the log must be empty (just constructed).
     * Allocates the chunks the live entries occupy.
     *
     * @param in positioned at the log's state.
     * @throws IllegalStateException if the snapshot is of a log with another entry layout, or inconsistent.
     */
    void restoreFrom(final SnapshotReader in)
    {
        if (head != 0 || tail != 0)
        {
            throw new IllegalStateException("restoreFrom needs an empty record log; it holds " + size() +
                " entries, appended from sequence " + tail);
        }
        in.expect("record log entry length", entryLengthBytes, in.getInt());
        in.expect("record log chunk shift", chunkShift, in.getInt());
        final int chunkCount = in.getInt();
        final long restoredHead = in.getLong();
        final long restoredTail = in.getLong();
        if (chunkCount < chunks.length || Integer.bitCount(chunkCount) != 1 ||
            (long)chunkCount * (entryMask + 1) > Integer.MAX_VALUE || restoredTail < 0 || restoredHead < restoredTail ||
            (restoredHead > restoredTail &&
                ((restoredHead - 1) >>> chunkShift) - (restoredTail >>> chunkShift) >= chunkCount))
        {
            throw new IllegalStateException("snapshot does not fit this operator: a record log of " + chunkCount +
                " chunks holds sequences " + restoredTail + " to " + restoredHead +
                " (a checkpoint of another pipeline, or a corrupt one)");
        }
        if (chunkCount != chunks.length)
        {
            chunks = new UnsafeBuffer[chunkCount];
            chunkAddresses = new long[chunkCount];
            chunkMask = chunkCount - 1;
        }
        final int chunkLengthBytes = (int)(entryMask + 1) * entryLengthBytes;
        long sequence = restoredTail;
        while (sequence < restoredHead)
        {
            final int slot = (int)(sequence >>> chunkShift) & chunkMask;
            if (null == chunks[slot])
            {
                final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
                chunkAddresses[slot] = allocate(view, chunkLengthBytes);
                chunks[slot] = view;
            }
            final long chunkEnd = ((sequence >>> chunkShift) + 1) << chunkShift;
            final long end = Math.min(restoredHead, chunkEnd);
            in.getBytes(chunks[slot], offset(sequence), (int)(end - sequence) * entryLengthBytes);
            sequence = end;
        }
        head = restoredHead;
        tail = restoredTail;
    }

    @Override
    public void close()
    {
        for (int i = 0; i < chunks.length; i++)
        {
            if (0 != chunkAddresses[i])
            {
                chunks[i].wrap(new byte[0]);
                UnsafeApi.freeMemory(chunkAddresses[i]);
                chunkAddresses[i] = 0;
                chunks[i] = null;
            }
        }
    }

    /**
     * Makes sure chunk number {@code chunk} (the head's) has a slot of its own: grows the chunk array if the
     * oldest live chunk still holds that slot, and allocates the chunk if the slot is empty.
     */
    private void startChunk(final long chunk)
    {
        final long tailChunk = tail >>> chunkShift;
        if (tail < head && chunk - tailChunk > chunkMask)
        {
            growChunkArray(tailChunk, chunk);
        }
        final int slot = (int)chunk & chunkMask;
        if (null == chunks[slot])
        {
            final int lengthBytes = (int)(entryMask + 1) * entryLengthBytes;
            final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
            chunkAddresses[slot] = allocate(view, lengthBytes);
            chunks[slot] = view;
        }
    }

    /** Doubles the chunk array, moving references only: live chunks keep their memory and contents. */
    private void growChunkArray(final long tailChunk, final long newChunk)
    {
        final int newLength = chunks.length << 1;
        if (newLength <= 0 || (long)newLength * (entryMask + 1) > Integer.MAX_VALUE)
        {
            throw new IllegalStateException("join buffer full: " + (head - tail) + " buffered records of " +
                entryLengthBytes + " bytes; the watermark is not advancing or the join bounds are too wide");
        }
        final int newMask = newLength - 1;
        final UnsafeBuffer[] newChunks = new UnsafeBuffer[newLength];
        final long[] newAddresses = new long[newLength];
        // live chunk numbers tailChunk .. newChunk - 1 each take their slot in the new array
        for (long c = tailChunk; c < newChunk; c++)
        {
            final int from = (int)c & chunkMask;
            final int to = (int)c & newMask;
            newChunks[to] = chunks[from];
            newAddresses[to] = chunkAddresses[from];
        }
        chunks = newChunks;
        chunkAddresses = newAddresses;
        chunkMask = newMask;
    }

    private static long allocate(final UnsafeBuffer view, final int lengthBytes)
    {
        final long rawAddress = UnsafeApi.allocateMemory((long)lengthBytes + ALIGNMENT);
        view.wrap((rawAddress + ALIGNMENT - 1) & -ALIGNMENT, lengthBytes);
        return rawAddress;
    }
}
