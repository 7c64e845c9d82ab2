package io.rivulet.ringbuffer.internal;

import com.lmax.disruptor.Sequence;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer side of a conflating {@link SlotRing} (the LMAX coalescing ring buffer, for binary records): a
 * record whose key already has a <i>pending</i> slot (published, not yet taken by the consumer) overwrites that
 * slot's bytes in place instead of claiming a new one, so the ring holds at most one pending slot per key and a
 * slow consumer never makes the producer wait while the ring has {@code 2 x keys + 4} slots (below).
 * <pre>
 *   producer (one thread)                       ring (published, in sequence order)      consumer (one thread)
 *   offer(K, v) -- key index: K -> seq q --+    ... [q: K v1->v2 PENDING] [m: WM] ...     take(s): CAS PENDING
 *     q pending, after the last barrier?   |        ^ overwritten in place                -> TAKEN, then read in
 *       CAS PENDING -> WRITING, copy,  <---+                                              place, release s
 *       release PENDING                         state in each slot's header: PENDING | WRITING | TAKEN
 *     else claim a new slot (first-pending FIFO position = the sequence), index K -> it
 * </pre>
 * <b>Why it cannot tear or lose a value.</b> A slot's state word ({@link SlotDescriptor#STATE_OFFSET}, in the
 * header the consumer reads anyway, so taking a slot costs no cache line of its own) decides who owns its bytes:
 * the producer overwrites only after winning {@code PENDING -> WRITING}; the consumer reads only after winning
 * {@code PENDING -> TAKEN} (it spins while the producer is mid-copy, a record's {@code memcpy}). A producer that
 * loses (the slot is {@code TAKEN}) appends a new slot instead, so a value is never written into a slot the
 * consumer has already read. The key index (key bytes -> sequence of the key's newest slot) is private to the
 * producer: an open-addressing table in off-heap memory whose entries hold a copy of the key, so looking a key up
 * touches no ring slot (no cache line the consumer owns); at most one entry per live slot (an entry is removed
 * when its slot's position is reused), so it never grows past the ring. A slot the consumer has released (its
 * sequence, cached by the producer) is not even read: the new value is appended at once.
 * <p>
 * <b>Order and guarantees.</b> The consumer takes slots in sequence order; a key's slot keeps the position its
 * first pending value got, so every key is delivered (no key starves, a hot key cannot take more than one
 * pending slot) and a key's values arrive in the order they were offered (an older value never after a newer
 * one). The last value of each key is always delivered. What may be skipped: a value overwritten while pending.
 * <b>Markers</b>: epochs and end of stream ({@link #publishBarrier}) are barriers: nothing offered after one
 * overwrites a slot before it, so epoch membership and "nothing after end of stream" are exact. Watermarks are
 * not barriers: a newer value may replace its key's pending value from before a watermark (moving it earlier,
 * which cannot make an on-time record late), and consecutive watermarks with nothing appended between them
 * coalesce into the newest; every marker is delivered after every record pending before it.
 * <p>
 * <b>When the ring is full</b> (more pending keys, plus a watermark slot between appends, than slots) the producer
 * waits, as on a plain ring: nothing is dropped ({@link #fullWaits()} counts it). Size the ring at
 * {@code >= 2 x keys + 4} slots for a producer that never waits (without epochs; each epoch barrier can pin one
 * more slot per key until the consumer passes it).
 * <p>
 * Threading: {@link #offer}, {@link #publishWatermark} and {@link #publishBarrier} from the ring's one producer
 * thread; {@link #take} from its consumer (called by {@link SlotRing.Consumer#poll}); counters from any thread.
 * The ring must be written only through this conflator. Allocation-free after creation; no locks.
 */
public final class SlotConflator
{
    /** The consumer owns the slot; 0, so a taken slot reads as source id 0 ({@link SlotDescriptor#STATE_OFFSET}). */
    static final int TAKEN = 0;
    /** Published, not taken: the producer may overwrite it. */
    static final int PENDING = 1;
    /** The producer is overwriting it; the consumer waits. */
    static final int WRITING = 2;

    /*
     * Index entry, entryLength bytes, EMPTY entries have sequence -1:
     *   0                8          12         16
     *   +----------------+----------+----------+--------------------------------------+
     *   | slot sequence  | key hash | (unused) | key bytes (the key columns, packed)  |
     *   +----------------+----------+----------+--------------------------------------+
     */
    private static final int SEQUENCE_OFFSET = 0;
    private static final int HASH_OFFSET = 8;
    private static final int KEY_OFFSET = 16;
    private static final long EMPTY = -1;
    private static final int TAKE_SPINS = 1_000;

    private final SlotRing ring;
    private final UnsafeBuffer slots;
    private final UnsafeBuffer index;
    private final int entryLength;
    private final int[] slotHashes;
    private final boolean[] slotHoldsData;
    private final int ringMask;
    private final int tableMask;
    private final int recordLengthBytes;
    private final int[] keyOffsets;
    private final int[] keyLengths;
    private final AtomicLong conflated = new AtomicLong();
    private final AtomicLong fullWaits = new AtomicLong();
    private Sequence consumerSequence;
    private long consumedCache = -1;
    private long lastSequence = -1;
    private long barrierSequence = -1;
    private long watermarkSequence = -1;

    SlotConflator(final SlotRing ring, final int[] keyOffsets, final int[] keyLengths)
    {
        if (keyOffsets == null || keyLengths == null || keyOffsets.length == 0 ||
            keyOffsets.length != keyLengths.length)
        {
            throw new IllegalArgumentException("A conflating ring needs one offset and one length per key column");
        }
        int keyLength = 0;
        for (int i = 0; i < keyOffsets.length; i++)
        {
            if (keyOffsets[i] < 0 || keyLengths[i] <= 0 || keyOffsets[i] + keyLengths[i] > ring.recordLengthBytes())
            {
                throw new IllegalArgumentException("Key column " + i + " (offset " + keyOffsets[i] + ", length " +
                    keyLengths[i] + ") does not fit a record of " + ring.recordLengthBytes() + " bytes");
            }
            keyLength += keyLengths[i];
        }
        this.ring = ring;
        this.slots = ring.buffer();
        this.ringMask = ring.capacity() - 1;
        this.recordLengthBytes = ring.recordLengthBytes();
        this.keyOffsets = keyOffsets.clone();
        this.keyLengths = keyLengths.clone();
        this.entryLength = KEY_OFFSET + ((keyLength + 7) & ~7);
        // at most one entry per slot: twice the slots keeps linear probing short
        final int tableCapacity = ring.capacity() * 2;
        final long tableBytes = (long)tableCapacity * entryLength;
        if (tableBytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("A conflating ring of " + ring.capacity() + " slots with " +
                keyLength + "-byte keys needs a " + tableBytes + "-byte index, over 2 GiB: use fewer slots");
        }
        this.tableMask = tableCapacity - 1;
        this.index = new UnsafeBuffer(BufferUtil.allocateDirectAligned((int)tableBytes, 64));
        for (int pos = 0; pos < tableCapacity; pos++)
        {
            index.putLong(pos * entryLength + SEQUENCE_OFFSET, EMPTY);
        }
        this.slotHashes = new int[ring.capacity()];
        this.slotHoldsData = new boolean[ring.capacity()];
    }

    /**
     * Offers a data record: overwrites its key's pending slot in place, or appends a new slot (waiting, per the
     * ring's wait mode, only if the ring is full).
     *
     * @param src         buffer holding the record.
     * @param srcOffset   offset of the record's first byte.
     * @param ingestNs    the record's ingest time ({@link System#nanoTime()}).
     * @param sourceIndex the record's position in its source.
     * @return false if the ring is halted (the record was not taken), else true.
     */
    public boolean offer(final DirectBuffer src, final int srcOffset, final long ingestNs, final long sourceIndex)
    {
        final int hash = hash(src, srcOffset);
        int entry = find(hash, src, srcOffset);
        if (entry >= 0)
        {
            final long pending = index.getLong(entry + SEQUENCE_OFFSET);
            if (pending > barrierSequence && !released(pending) &&
                overwrite(pending, src, srcOffset, ingestNs, sourceIndex))
            {
                conflated.lazySet(conflated.get() + 1);
                return true;
            }
        }
        final long sequence = claim();
        if (sequence == SlotRing.HALTED)
        {
            return false;
        }
        if (evict(sequence - ring.capacity()))
        {
            entry = find(hash, src, srcOffset); // removal may have shifted entries
        }
        final int slotOffset = ring.slotOffset(sequence);
        slots.putInt(slotOffset + SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_DATA);
        slots.putInt(slotOffset + SlotDescriptor.STATE_OFFSET, PENDING); // plain store: publish() is the release
        slots.putLong(slotOffset + SlotDescriptor.INGEST_TIME_OFFSET, ingestNs);
        slots.putLong(slotOffset + SlotDescriptor.SOURCE_INDEX_OFFSET, sourceIndex);
        slots.putBytes(SlotDescriptor.recordOffset(slotOffset), src, srcOffset, recordLengthBytes);
        final int slot = (int)sequence & ringMask;
        slotHashes[slot] = hash;
        slotHoldsData[slot] = true;
        ring.publish(sequence);
        if (entry >= 0)
        {
            // the key's entry now names its newest slot: the old one (taken, or behind a barrier) stays where it is
            index.putLong(entry + SEQUENCE_OFFSET, sequence);
        }
        else
        {
            insert(-entry - 1, sequence, hash, src, srcOffset);
        }
        return true;
    }

    /**
     * Publishes a watermark: coalesces into the last slot if that is a watermark not yet taken (nothing was
     * appended since), else appends a marker slot.
     *
     * @param watermarkMs the watermark.
     * @return false if the ring is halted.
     */
    public boolean publishWatermark(final long watermarkMs)
    {
        if (watermarkSequence == lastSequence && watermarkSequence >= 0 && !released(watermarkSequence))
        {
            final int slotOffset = ring.slotOffset(watermarkSequence);
            if (acquire(slotOffset + SlotDescriptor.STATE_OFFSET))
            {
                slots.putLong(slotOffset + SlotDescriptor.INGEST_TIME_OFFSET, System.nanoTime());
                slots.putLong(slotOffset + SlotDescriptor.MARKER_VALUE_OFFSET, watermarkMs);
                slots.putIntRelease(slotOffset + SlotDescriptor.STATE_OFFSET, PENDING);
                return true;
            }
        }
        final long sequence = appendMarker(SlotDescriptor.TYPE_WATERMARK, watermarkMs);
        if (sequence == SlotRing.HALTED)
        {
            return false;
        }
        watermarkSequence = sequence;
        return true;
    }

    /**
     * Publishes a marker that no record crosses: an epoch or end of stream. Nothing offered after it replaces a
     * value pending before it.
     *
     * @param type        {@link SlotDescriptor#TYPE_EPOCH} or {@link SlotDescriptor#TYPE_END_OF_STREAM}.
     * @param markerValue the epoch id (0 for end of stream).
     * @return false if the ring is halted.
     */
    public boolean publishBarrier(final int type, final long markerValue)
    {
        final long sequence = appendMarker(type, markerValue);
        if (sequence == SlotRing.HALTED)
        {
            return false;
        }
        barrierSequence = sequence;
        return true;
    }

    /**
     * @return records that replaced a pending value of their key (each one skipped value). Any thread.
     */
    public long conflated()
    {
        return conflated.get();
    }

    /**
     * @return appends that found the ring full and waited for the consumer. Any thread.
     */
    public long fullWaits()
    {
        return fullWaits.get();
    }

    /**
     * Consumer side: takes ownership of a published slot before it is read, waiting out a producer that is
     * overwriting it (a record copy).
     *
     * @param sequence a published sequence, in order.
     * @return false if the ring was halted while waiting.
     */
    boolean take(final long sequence)
    {
        final int state = ring.slotOffset(sequence) + SlotDescriptor.STATE_OFFSET;
        int spins = 0;
        while (!slots.compareAndSetInt(state, PENDING, TAKEN))
        {
            if (ring.isHalted())
            {
                return false;
            }
            if (++spins < TAKE_SPINS)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield(); // the producer was descheduled mid-copy
            }
        }
        return true;
    }

    /**
     * True if the consumer has released {@code sequence} (so it was taken): decided from a cached copy of the
     * consumer's sequence, refreshed only when the cache cannot tell, so the common case reads no shared memory.
     */
    private boolean released(final long sequence)
    {
        if (sequence <= consumedCache)
        {
            return true;
        }
        Sequence consumer = consumerSequence;
        if (consumer == null)
        {
            consumer = consumerSequence = ring.consumerSequence();
            if (consumer == null)
            {
                return false;
            }
        }
        consumedCache = consumer.get();
        return sequence <= consumedCache;
    }

    private long appendMarker(final int type, final long markerValue)
    {
        final long sequence = claim();
        if (sequence == SlotRing.HALTED)
        {
            return SlotRing.HALTED;
        }
        evict(sequence - ring.capacity());
        slotHoldsData[(int)sequence & ringMask] = false;
        final int slotOffset = ring.slotOffset(sequence);
        slots.putInt(slotOffset + SlotDescriptor.TYPE_OFFSET, type);
        slots.putInt(slotOffset + SlotDescriptor.STATE_OFFSET, PENDING);
        slots.putLong(slotOffset + SlotDescriptor.INGEST_TIME_OFFSET, System.nanoTime());
        slots.putLong(slotOffset + SlotDescriptor.MARKER_VALUE_OFFSET, markerValue);
        ring.publish(sequence);
        return sequence;
    }

    private long claim()
    {
        long sequence = ring.tryClaim();
        if (sequence == SlotRing.FULL)
        {
            fullWaits.lazySet(fullWaits.get() + 1);
            sequence = ring.claim();
        }
        if (sequence != SlotRing.HALTED)
        {
            lastSequence = sequence;
        }
        return sequence;
    }

    private boolean overwrite(final long sequence, final DirectBuffer src, final int srcOffset, final long ingestNs,
        final long sourceIndex)
    {
        final int slotOffset = ring.slotOffset(sequence);
        if (!acquire(slotOffset + SlotDescriptor.STATE_OFFSET))
        {
            return false; // the consumer took it: the new value needs a slot of its own
        }
        slots.putLong(slotOffset + SlotDescriptor.INGEST_TIME_OFFSET, ingestNs);
        slots.putLong(slotOffset + SlotDescriptor.SOURCE_INDEX_OFFSET, sourceIndex);
        slots.putBytes(SlotDescriptor.recordOffset(slotOffset), src, srcOffset, recordLengthBytes);
        slots.putIntRelease(slotOffset + SlotDescriptor.STATE_OFFSET, PENDING);
        return true;
    }

    /** PENDING -> WRITING; a plain read first, so a slot the consumer took costs no exclusive cache line. */
    private boolean acquire(final int stateOffset)
    {
        return slots.getIntVolatile(stateOffset) == PENDING && slots.compareAndSetInt(stateOffset, PENDING, WRITING);
    }

    /**
     * Removes the index entry of the data record that held {@code oldSequence}'s slot, if the entry still names
     * it (backward-shift deletion keeps linear probing free of tombstones).
     *
     * @return true if an entry was removed.
     */
    private boolean evict(final long oldSequence)
    {
        if (oldSequence < 0 || !slotHoldsData[(int)oldSequence & ringMask])
        {
            return false;
        }
        final UnsafeBuffer index = this.index;
        final int tableMask = this.tableMask;
        final int entryLength = this.entryLength;
        int pos = slotHashes[(int)oldSequence & ringMask] & tableMask;
        while (true)
        {
            final long sequence = index.getLong(pos * entryLength + SEQUENCE_OFFSET);
            if (sequence == EMPTY)
            {
                return false; // the key's entry moved on to a newer slot
            }
            if (sequence == oldSequence)
            {
                break;
            }
            pos = (pos + 1) & tableMask;
        }
        int hole = pos;
        int next = pos;
        while (true)
        {
            next = (next + 1) & tableMask;
            final int nextOffset = next * entryLength;
            if (index.getLong(nextOffset + SEQUENCE_OFFSET) == EMPTY)
            {
                index.putLong(hole * entryLength + SEQUENCE_OFFSET, EMPTY);
                return true;
            }
            final int home = index.getInt(nextOffset + HASH_OFFSET) & tableMask;
            // an entry may fill the hole only if its home is not cyclically within (hole, next]
            final boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays)
            {
                index.putBytes(hole * entryLength, index, nextOffset, entryLength);
                hole = next;
            }
        }
    }

    /**
     * @return the entry's byte offset in the index if the key is there, else {@code -(offset of the empty entry
     * where it belongs) - 1}.
     */
    private int find(final int hash, final DirectBuffer src, final int srcOffset)
    {
        final UnsafeBuffer index = this.index;
        final int tableMask = this.tableMask;
        final int entryLength = this.entryLength;
        int pos = hash & tableMask;
        while (true)
        {
            final int entry = pos * entryLength;
            if (index.getLong(entry + SEQUENCE_OFFSET) == EMPTY)
            {
                return -entry - 1;
            }
            if (index.getInt(entry + HASH_OFFSET) == hash && keyEquals(src, srcOffset, entry + KEY_OFFSET))
            {
                return entry;
            }
            pos = (pos + 1) & tableMask;
        }
    }

    private void insert(final int entry, final long sequence, final int hash, final DirectBuffer src,
        final int srcOffset)
    {
        index.putLong(entry + SEQUENCE_OFFSET, sequence);
        index.putInt(entry + HASH_OFFSET, hash);
        int packed = entry + KEY_OFFSET;
        for (int c = 0; c < keyOffsets.length; c++)
        {
            index.putBytes(packed, src, srcOffset + keyOffsets[c], keyLengths[c]);
            packed += keyLengths[c];
        }
    }

    private boolean keyEquals(final DirectBuffer src, final int srcOffset, final int packedKey)
    {
        final UnsafeBuffer index = this.index;
        int b = packedKey;
        for (int c = 0; c < keyOffsets.length; c++)
        {
            int a = srcOffset + keyOffsets[c];
            int left = keyLengths[c];
            for (; left >= 8; left -= 8, a += 8, b += 8)
            {
                if (src.getLong(a) != index.getLong(b))
                {
                    return false;
                }
            }
            for (; left > 0; left--, a++, b++)
            {
                if (src.getByte(a) != index.getByte(b))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private int hash(final DirectBuffer src, final int srcOffset)
    {
        long h = 0x2545F4914F6CDD1DL;
        for (int c = 0; c < keyOffsets.length; c++)
        {
            int a = srcOffset + keyOffsets[c];
            int left = keyLengths[c];
            for (; left >= 8; left -= 8, a += 8)
            {
                h = (h ^ src.getLong(a)) * 0x9E3779B97F4A7C15L;
            }
            for (; left > 0; left--, a++)
            {
                h = (h ^ src.getByte(a)) * 0x9E3779B97F4A7C15L;
            }
        }
        // the table masks the low bits, which a multiply leaves weak: fold the high bits in (murmur3 finalizer)
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int)h;
    }
}
