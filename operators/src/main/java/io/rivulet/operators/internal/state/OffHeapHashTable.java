package io.rivulet.operators.internal.state;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import static io.rivulet.operators.internal.state.StateEntryDescriptor.KEY_OFFSET;
import static io.rivulet.operators.internal.state.StateEntryDescriptor.TAG_OFFSET;

/**
 * Keyed operator state in off-heap memory: an open-addressing hash table (linear probing) from a fixed-width key
 * of K bytes to a fixed-width value slot of V bytes whose layout the caller defines (aggregates write longs and
 * doubles at offsets inside it). Layout of a slot: {@link StateEntryDescriptor}.
 * <p>
 * <b>Usage.</b> {@link #getOrInsert(long)} and {@link #find(long)} return the offset of the value slot in
 * {@link #valueBuffer()} ({@link #MISSING} if absent); read and write the value there. Multi-field keys are packed
 * by the caller into K bytes of any {@link DirectBuffer} and passed as buffer + offset; {@code long} methods are
 * the fast path for K = 8 and hash identically to an 8-byte key in native byte order.
 * <p>
 * <b>Offset validity.</b> A returned offset stays valid until the table grows (a {@code getOrInsert} that adds a
 * key may grow it) or an entry is removed ({@link #remove}, {@link #removeIf}, {@link #clear}), both of which may
 * move entries. The {@link #valueBuffer()} object itself never changes; it is re-wrapped on growth.
 * <p>
 * <b>Growth is incremental</b>; no single call rehashes or zeroes a whole table. When an insert reaches the
 * growth threshold ({@code loadFactor * capacity}), a table of twice the capacity is allocated raw and zeroed a
 * bounded chunk per {@code getOrInsert} (zeroing a fresh 384 MB buffer in one go was measured at 0.2-0.9 s on
 * this VM, mostly first-touch page faults); meanwhile inserts still go to the current table, whose load may rise
 * to halfway between the load factor and full. The first insert after the new table is ready swaps it in; the
 * old one is then drained a bounded number of slots per {@code getOrInsert}/{@code remove} (paced to finish long
 * before the new table fills), and a lookup that finds its key in the old table moves that entry across first.
 * Draining moves only old-table entries, so it never invalidates an offset already handed out. If a workload
 * outran either process, the insert at the hard limit would finish it synchronously: correctness never depends
 * on the pacing.
 * <p>
 * <b>Deletion</b> is backward-shift (no tombstones): probe lengths after many deletes are as if the deleted keys
 * had never been inserted.
 * <p>
 * <b>Memory.</b> Entries live in native memory ({@code Unsafe.allocateMemory} via Agrona's {@link UnsafeApi},
 * 64-byte aligned), so the Java heap does not grow with the key count (the object holds a fixed handful of
 * fields). Not {@code ByteBuffer.allocateDirect}/{@code BufferUtil.allocateDirectAligned}: those zero the whole
 * buffer inside the allocating call, and {@code BufferUtil.free} rejects the aligned slice. Consequences: the
 * memory is not counted against {@code -XX:MaxDirectMemorySize} and is <b>not</b> reclaimed by GC:
 * {@link #close()} must be called (operator close). Around a growth two tables are held (current + next, then
 * old + current): 3 x capacity x slot bytes at peak, as for any doubling. A table holds at most
 * {@link #maxCapacity()} slots (its bytes must fit an int index); shard larger state.
 * <p>
 * <b>Threading and allocation.</b> Not thread-safe: one owner thread (the operator's). No heap allocation per
 * operation (no boxing, no iterators); native memory is allocated only when the table grows. Iteration
 * ({@link #forEach}, {@link #removeIf}) takes a reusable callback object; the buffer it is handed is valid only
 * during the call. Do not cache {@code valueBuffer().addressOffset()}: it changes on growth.
 */
public final class OffHeapHashTable implements AutoCloseable
{
    /** Returned by lookups when the key is absent. */
    public static final int MISSING = -1;
    /** Longest allowed key. */
    public static final int MAX_KEY_LENGTH = 1024;
    /** Longest allowed value slot. */
    public static final int MAX_VALUE_LENGTH = 64 * 1024;

    private static final int ALIGNMENT = BitUtil.CACHE_LINE_LENGTH;
    private static final int MIN_CAPACITY = 8;
    /**
     * Migration units (a slot read or an entry move) done per {@code getOrInsert}/{@code remove} while draining.
     * Draining an old table of C slots takes at most C slot reads plus one move per entry, at most
     * H = (C + T) / 2 entries (T = loadFactor * C, H the hard limit). The new table (2C slots, threshold 2T)
     * reaches its own hard limit, where the drain would be forced, only after C + T - H = (C + T) / 2 more
     * inserts, so (C + H) / ((C + T) / 2) <= 3 units per call would do; 16 finishes it well before.
     */
    private static final int MIGRATION_STEP = 16;
    /** Slots up to this length are copied/zeroed with long stores rather than Unsafe.copyMemory/setMemory. */
    private static final int WORD_COPY_LIMIT = 64;
    /** Smallest chunk of the next table zeroed per call while preparing a growth. */
    private static final int MIN_ZERO_CHUNK_BYTES = 1024;
    private static final byte[] EMPTY = new byte[0];
    /** Version of the layout {@link #snapshotTo} writes; bump it when that layout changes. */
    private static final int SNAPSHOT_VERSION = 1;

    /**
     * Called for each entry by {@link #forEach}.
     */
    @FunctionalInterface
    public interface EntryConsumer
    {
        /**
         * @param buffer      holding the entry; valid only during the call. Values may be written in place.
         * @param keyOffset   offset of the key's first byte in {@code buffer}.
         * @param valueOffset offset of the value slot in {@code buffer}.
         */
        void accept(UnsafeBuffer buffer, int keyOffset, int valueOffset);
    }

    /**
     * Decides per entry whether {@link #removeIf} removes it. Typically an object reused across sweeps with a
     * mutable field (e.g. an expiry threshold) so a sweep allocates nothing.
     */
    @FunctionalInterface
    public interface EntryPredicate
    {
        /**
         * @param buffer      holding the entry; valid only during the call.
         * @param keyOffset   offset of the key's first byte in {@code buffer}.
         * @param valueOffset offset of the value slot in {@code buffer}.
         * @return true to remove the entry.
         */
        boolean test(UnsafeBuffer buffer, int keyOffset, int valueOffset);
    }

    private final int keyLengthBytes;
    private final int valueLengthBytes;
    private final int slotLengthBytes;
    private final int valueOffsetInSlot;
    private final int paddedValueLengthBytes;
    private final float loadFactor;
    private final int maxCapacity;

    // Current table: all inserts go here. The UnsafeBuffer object is stable and re-wrapped on growth.
    // *Address fields hold the raw (unaligned) allocation to free; 0 when absent.
    private final UnsafeBuffer buffer = new UnsafeBuffer(EMPTY);
    private long address;
    private int capacity;
    private int mask;
    private int resizeThreshold;

    // Past the threshold the current table keeps taking inserts, up to hardLimit (halfway from the threshold to
    // full), while the next table is zeroed in chunks; only at hardLimit is anything finished synchronously.
    private int hardLimit;

    // Next table: allocated raw at the threshold, zeroed in chunks, swapped in by the first insert once ready.
    private final UnsafeBuffer nextBuffer = new UnsafeBuffer(EMPTY);
    private long nextAddress;
    private int nextZeroedBytes;
    private int zeroChunkBytes;

    // Previous table while a resize drains it; oldAddress 0 when no resize is in progress.
    private final UnsafeBuffer oldBuffer = new UnsafeBuffer(EMPTY);
    private long oldAddress;
    private int oldCapacity;
    private int oldMask;
    private int oldSize;
    private int migrationCursor;

    private int size;
    private boolean draining;
    private int drainCursor;
    private boolean wasInserted;
    private boolean closed;

    /** Test hook: fill each newly allocated next table with non-zero garbage, as recycled native memory can be. */
    boolean poisonNewMemory;

    /**
     * Allocates the table (zeroed native memory; free it with {@link #close()}).
     *
     * @param keyLengthBytes   key width K, 1..{@link #MAX_KEY_LENGTH}.
     * @param valueLengthBytes value slot width V, 0..{@link #MAX_VALUE_LENGTH}; 0 makes the table a set.
     * @param initialCapacity  number of entries the table holds before it first grows, > 0.
     * @param loadFactor       fraction of slots filled before growth, in (0, 1); 0.5-0.7 is typical.
     * @throws IllegalArgumentException naming the bad argument.
     */
    public OffHeapHashTable(
        final int keyLengthBytes, final int valueLengthBytes, final int initialCapacity, final float loadFactor)
    {
        if (keyLengthBytes <= 0 || keyLengthBytes > MAX_KEY_LENGTH)
        {
            throw new IllegalArgumentException(
                "keyLengthBytes must be in 1.." + MAX_KEY_LENGTH + ", was " + keyLengthBytes);
        }
        if (valueLengthBytes < 0 || valueLengthBytes > MAX_VALUE_LENGTH)
        {
            throw new IllegalArgumentException(
                "valueLengthBytes must be in 0.." + MAX_VALUE_LENGTH + ", was " + valueLengthBytes);
        }
        if (initialCapacity <= 0)
        {
            throw new IllegalArgumentException("initialCapacity must be > 0, was " + initialCapacity);
        }
        if (!(loadFactor > 0.0f && loadFactor < 1.0f))
        {
            throw new IllegalArgumentException("loadFactor must be in (0, 1) exclusive, was " + loadFactor);
        }

        this.keyLengthBytes = keyLengthBytes;
        this.valueLengthBytes = valueLengthBytes;
        this.loadFactor = loadFactor;
        this.slotLengthBytes = (int)StateEntryDescriptor.slotLength(keyLengthBytes, valueLengthBytes);
        this.valueOffsetInSlot = StateEntryDescriptor.valueOffset(keyLengthBytes);
        this.paddedValueLengthBytes = StateEntryDescriptor.align8(valueLengthBytes);
        this.maxCapacity = Integer.highestOneBit((Integer.MAX_VALUE - 2 * ALIGNMENT) / slotLengthBytes);

        final long slotsNeeded = (long)Math.ceil(initialCapacity / (double)loadFactor) + 1;
        if (slotsNeeded > maxCapacity)
        {
            throw new IllegalArgumentException(
                "initialCapacity " + initialCapacity + " at loadFactor " + loadFactor + " needs more than the " +
                maxCapacity + " slots a table of " + slotLengthBytes + "-byte slots can hold; shard the state");
        }
        final int capacity = Math.max(MIN_CAPACITY, BitUtil.findNextPositivePowerOfTwo((int)slotsNeeded));
        address = allocate(buffer, capacity * slotLengthBytes);
        buffer.setMemory(0, capacity * slotLengthBytes, (byte)0);
        useCapacity(capacity);
    }

    /**
     * @return key width K in bytes.
     */
    public int keyLength()
    {
        return keyLengthBytes;
    }

    /**
     * @return value slot width V in bytes.
     */
    public int valueLength()
    {
        return valueLengthBytes;
    }

    /**
     * @return number of entries.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return slots in the current table (a power of two); a growth starts when the size reaches
     * {@code loadFactor * capacity()}.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the largest capacity this table can grow to for its slot width.
     */
    public int maxCapacity()
    {
        return maxCapacity;
    }

    /**
     * @return true while a previous table is still being drained into the current one.
     */
    public boolean isResizing()
    {
        return 0 != oldAddress;
    }

    /**
     * @return off-heap bytes currently held by the table (both tables while resizing).
     */
    public long memoryBytes()
    {
        return (long)buffer.capacity() + nextBuffer.capacity() + oldBuffer.capacity();
    }

    /**
     * The buffer that offsets returned by lookups index into. The same object for the table's life.
     *
     * @return the value buffer.
     */
    public UnsafeBuffer valueBuffer()
    {
        return buffer;
    }

    /**
     * @return true if the last {@code getOrInsert} created its entry (its value slot is then all zero), false if
     * the key was present.
     */
    public boolean wasInserted()
    {
        return wasInserted;
    }

    /**
     * Finds a {@code long} key (K must be 8), inserting it with a zeroed value slot if absent.
     * May grow the table, invalidating earlier offsets.
     *
     * @param key to find or insert.
     * @return offset of its value slot in {@link #valueBuffer()}.
     * @throws IllegalStateException if K is not 8, the table is closed, or it is full at {@link #maxCapacity()}.
     */
    public int getOrInsert(final long key)
    {
        checkLongKey();
        if (0 != oldAddress)
        {
            migrateStep();
        }
        else if (0 != nextAddress)
        {
            prepareStep();
        }

        final int tag = StateEntryDescriptor.tag(hash(key));
        int index = probeLong(buffer, mask, tag, key);
        if (index >= 0)
        {
            wasInserted = false;
            return valueOffset(index);
        }
        if (0 != oldAddress)
        {
            final int oldIndex = probeLong(oldBuffer, oldMask, tag, key);
            if (oldIndex >= 0)
            {
                wasInserted = false;
                return moveFromOld(oldIndex, -index - 1);
            }
        }
        if (size >= resizeThreshold && growIfReady())
        {
            index = probeLong(buffer, mask, tag, key);
        }

        final int slotOffset = (-index - 1) * slotLengthBytes;
        buffer.putLong(slotOffset + KEY_OFFSET, key);
        return completeInsert(slotOffset, tag);
    }

    /**
     * Finds a key of K bytes, inserting it with a zeroed value slot if absent.
     * May grow the table, invalidating earlier offsets.
     *
     * @param keyBuffer holding the packed key.
     * @param keyOffset offset of the key's first byte.
     * @return offset of its value slot in {@link #valueBuffer()}.
     * @throws IllegalStateException if the table is closed or it is full at {@link #maxCapacity()}.
     */
    public int getOrInsert(final DirectBuffer keyBuffer, final int keyOffset)
    {
        checkOpen();
        if (0 != oldAddress)
        {
            migrateStep();
        }
        else if (0 != nextAddress)
        {
            prepareStep();
        }

        final int tag = StateEntryDescriptor.tag(hash(keyBuffer, keyOffset));
        int index = probe(buffer, mask, tag, keyBuffer, keyOffset);
        if (index >= 0)
        {
            wasInserted = false;
            return valueOffset(index);
        }
        if (0 != oldAddress)
        {
            final int oldIndex = probe(oldBuffer, oldMask, tag, keyBuffer, keyOffset);
            if (oldIndex >= 0)
            {
                wasInserted = false;
                return moveFromOld(oldIndex, -index - 1);
            }
        }
        if (size >= resizeThreshold && growIfReady())
        {
            index = probe(buffer, mask, tag, keyBuffer, keyOffset);
        }

        final int slotOffset = (-index - 1) * slotLengthBytes;
        buffer.putBytes(slotOffset + KEY_OFFSET, keyBuffer, keyOffset, keyLengthBytes);
        return completeInsert(slotOffset, tag);
    }

    /**
     * @param valueOffset an offset a lookup returned, still valid (see the class comment).
     * @return the offset of that entry's key in {@link #valueBuffer()}.
     */
    public int keyOffsetOf(final int valueOffset)
    {
        return valueOffset - valueOffsetInSlot + KEY_OFFSET;
    }

    /**
     * The native address of the slot where the probe for this key starts, for a caller that loads the next few
     * keys' slots back to back before looking any of them up, so their cache misses overlap (Java has no
     * prefetch instruction, but independent loads issued together are served in parallel). Changes nothing.
     * The address is valid only until the table grows, an entry is removed or the table is closed.
     *
     * @param keyBuffer holding the packed key.
     * @param keyOffset offset of the key's first byte.
     * @return the address of the slot's tag, readable with {@code UnsafeApi.getInt}.
     * @throws IllegalStateException if the table is closed.
     */
    public long homeAddress(final DirectBuffer keyBuffer, final int keyOffset)
    {
        checkOpen();
        return addressOfHome(hash(keyBuffer, keyOffset));
    }

    /**
     * As {@link #homeAddress(DirectBuffer, int)} for a {@code long} key (K must be 8).
     *
     * @param key whose lookup will follow.
     * @return the address of the slot's tag.
     * @throws IllegalStateException if K is not 8 or the table is closed.
     */
    public long homeAddress(final long key)
    {
        checkLongKey();
        return addressOfHome(hash(key));
    }

    private long addressOfHome(final long hash)
    {
        final int index = StateEntryDescriptor.tag(hash) & mask;
        return buffer.addressOffset() + (long)index * slotLengthBytes + TAG_OFFSET;
    }

    /**
     * Finds a {@code long} key (K must be 8). Never grows the table or invalidates earlier offsets; during a
     * resize it may move this key's entry into the current table.
     *
     * @param key to find.
     * @return offset of its value slot in {@link #valueBuffer()}, or {@link #MISSING}.
     */
    public int find(final long key)
    {
        checkLongKey();
        final int tag = StateEntryDescriptor.tag(hash(key));
        final int index = probeLong(buffer, mask, tag, key);
        if (index >= 0)
        {
            return valueOffset(index);
        }
        if (0 != oldAddress)
        {
            final int oldIndex = probeLong(oldBuffer, oldMask, tag, key);
            if (oldIndex >= 0)
            {
                return moveFromOld(oldIndex, -index - 1);
            }
        }
        return MISSING;
    }

    /**
     * Finds a key of K bytes. Never grows the table or invalidates earlier offsets; during a resize it may move
     * this key's entry into the current table.
     *
     * @param keyBuffer holding the packed key.
     * @param keyOffset offset of the key's first byte.
     * @return offset of its value slot in {@link #valueBuffer()}, or {@link #MISSING}.
     */
    public int find(final DirectBuffer keyBuffer, final int keyOffset)
    {
        checkOpen();
        final int tag = StateEntryDescriptor.tag(hash(keyBuffer, keyOffset));
        final int index = probe(buffer, mask, tag, keyBuffer, keyOffset);
        if (index >= 0)
        {
            return valueOffset(index);
        }
        if (0 != oldAddress)
        {
            final int oldIndex = probe(oldBuffer, oldMask, tag, keyBuffer, keyOffset);
            if (oldIndex >= 0)
            {
                return moveFromOld(oldIndex, -index - 1);
            }
        }
        return MISSING;
    }

    /**
     * Removes a {@code long} key (K must be 8). Invalidates earlier offsets (entries may shift).
     *
     * @param key to remove.
     * @return true if it was present.
     */
    public boolean remove(final long key)
    {
        checkLongKey();
        if (0 != oldAddress)
        {
            migrateStep();
        }

        final int tag = StateEntryDescriptor.tag(hash(key));
        final int index = probeLong(buffer, mask, tag, key);
        if (index >= 0)
        {
            deleteAt(buffer, mask, index);
            size--;
            return true;
        }
        if (0 != oldAddress)
        {
            final int oldIndex = probeLong(oldBuffer, oldMask, tag, key);
            if (oldIndex >= 0)
            {
                removeFromOld(oldIndex);
                return true;
            }
        }
        return false;
    }

    /**
     * Removes a key of K bytes. Invalidates earlier offsets (entries may shift).
     *
     * @param keyBuffer holding the packed key.
     * @param keyOffset offset of the key's first byte.
     * @return true if it was present.
     */
    public boolean remove(final DirectBuffer keyBuffer, final int keyOffset)
    {
        checkOpen();
        if (0 != oldAddress)
        {
            migrateStep();
        }

        final int tag = StateEntryDescriptor.tag(hash(keyBuffer, keyOffset));
        final int index = probe(buffer, mask, tag, keyBuffer, keyOffset);
        if (index >= 0)
        {
            deleteAt(buffer, mask, index);
            size--;
            return true;
        }
        if (0 != oldAddress)
        {
            final int oldIndex = probe(oldBuffer, oldMask, tag, keyBuffer, keyOffset);
            if (oldIndex >= 0)
            {
                removeFromOld(oldIndex);
                return true;
            }
        }
        return false;
    }

    /**
     * Calls {@code consumer} once for each entry, in no particular order. The consumer may write values in place
     * but must not call methods of this table that insert or remove. O(capacity); during a resize it visits the
     * old table's remaining entries too, without finishing the resize (no call is ever made to pay for a whole
     * migration). No allocation.
     *
     * @param consumer called per entry.
     */
    public void forEach(final EntryConsumer consumer)
    {
        checkOpen();
        if (0 != oldAddress)
        {
            forEach(oldBuffer, oldCapacity, consumer);
        }
        forEach(buffer, capacity, consumer);
    }

    private void forEach(final UnsafeBuffer buffer, final int capacity, final EntryConsumer consumer)
    {
        final int slotLengthBytes = this.slotLengthBytes;
        final int valueOffsetInSlot = this.valueOffsetInSlot;
        final int end = capacity * slotLengthBytes;
        for (int slotOffset = 0; slotOffset < end; slotOffset += slotLengthBytes)
        {
            if (0 != buffer.getInt(slotOffset + TAG_OFFSET))
            {
                consumer.accept(buffer, slotOffset + KEY_OFFSET, slotOffset + valueOffsetInSlot);
            }
        }
    }

    /**
     * Removes every entry {@code predicate} accepts, visiting each entry exactly once, e.g. an expiry sweep
     * removing entries whose stored timestamp is below a threshold. The predicate must not call this table.
     * O(capacity); during a resize it sweeps the old table's remaining entries as well, without finishing the
     * resize. Invalidates earlier offsets. No allocation.
     *
     * @param predicate true to remove an entry.
     * @return number of entries removed.
     */
    public int removeIf(final EntryPredicate predicate)
    {
        checkOpen();
        int removedOld = 0;
        if (0 != oldAddress)
        {
            // a backward shift in the old table only fills holes at or after the drain cursor (every slot behind
            // it is empty, so no cluster wraps into it): the drain's invariant holds
            removedOld = removeIf(oldBuffer, oldMask, oldCapacity, predicate);
            oldSize -= removedOld;
            size -= removedOld;
            if (0 == oldSize)
            {
                freeOld();
            }
        }
        final int removed = removeIf(buffer, mask, capacity, predicate);
        size -= removed;
        return removedOld + removed;
    }

    /**
     * One bounded step of a sweep that removes the entries {@code predicate} accepts, for expiry sweeps that must
     * not pause for a whole table: visits the current table's slots from {@code cursor} until {@code maxSlots}
     * slots have been looked at (a removal re-examines its slot, which the backward shift refilled). Start a
     * sweep at cursor 0 and call again with the returned cursor until it reaches {@link #capacity()}. Best effort,
     * for idempotent predicates: an entry inserted behind the cursor, or still in the old table of a resize, waits
     * for the next sweep, and one shifted back across the table's end may be visited twice. Invalidates earlier
     * offsets. No allocation.
     *
     * @param predicate true to remove an entry.
     * @param cursor    slot to start at, from 0.
     * @param maxSlots  slots to look at in this step, > 0.
     * @return the next cursor; {@code >= capacity()} when the sweep is complete.
     */
    public int removeIfStep(final EntryPredicate predicate, final int cursor, final int maxSlots)
    {
        checkOpen();
        final UnsafeBuffer buffer = this.buffer;
        final int slotLengthBytes = this.slotLengthBytes;
        final int valueOffsetInSlot = this.valueOffsetInSlot;
        final int end = (int)Math.min(capacity, (long)cursor + maxSlots);
        int index = cursor;
        int looked = 0;
        while (index < end && looked < maxSlots)
        {
            final int slotOffset = index * slotLengthBytes;
            looked++;
            if (0 != buffer.getInt(slotOffset + TAG_OFFSET) &&
                predicate.test(buffer, slotOffset + KEY_OFFSET, slotOffset + valueOffsetInSlot))
            {
                deleteAt(buffer, mask, index);
                size--;
            }
            else
            {
                index++;
            }
        }
        return index;
    }

    private int removeIf(final UnsafeBuffer buffer, final int mask, final int capacity, final EntryPredicate predicate)
    {
        final int slotLengthBytes = this.slotLengthBytes;
        final int valueOffsetInSlot = this.valueOffsetInSlot;

        // Start just after an empty slot (one exists: size <= loadFactor * capacity < capacity). No cluster spans
        // it, so a backward shift only ever moves a not-yet-visited entry into the slot under the cursor, which
        // is then re-examined: every entry is seen exactly once.
        int start = 0;
        while (0 != buffer.getInt(start * slotLengthBytes + TAG_OFFSET))
        {
            start++;
        }

        int removed = 0;
        int index = (start + 1) & mask;
        for (int visited = 1; visited < capacity; )
        {
            final int slotOffset = index * slotLengthBytes;
            if (0 != buffer.getInt(slotOffset + TAG_OFFSET) &&
                predicate.test(buffer, slotOffset + KEY_OFFSET, slotOffset + valueOffsetInSlot))
            {
                deleteAt(buffer, mask, index);
                removed++;
            }
            else
            {
                index = (index + 1) & mask;
                visited++;
            }
        }
        return removed;
    }

    /**
     * Empties the table a bounded step at a time, handing each entry to {@code consumer} (may be null) before it
     * goes: a teardown whose cost can be spread over many calls (e.g. emitting a closed window's rows without
     * pausing the stage for the whole window). Visits the slots once, in order (an old table's first during a
     * resize); each slot visited costs one unit and each entry {@code unitsPerEntry} more. Once started, call
     * only {@code drainStep} until {@link #isDraining()} is false: the table is then empty, keeps its capacity
     * and is usable again. No allocation.
     *
     * @param consumer      receives each entry before it is removed; the buffer is valid only during the call.
     * @param budgetUnits   work allowed in this call; the step stops once it is used up.
     * @param unitsPerEntry extra units an entry costs (e.g. the cost of emitting a row, in slot visits).
     * @return units used.
     */
    public int drainStep(final EntryConsumer consumer, final int budgetUnits, final int unitsPerEntry)
    {
        checkOpen();
        if (!draining)
        {
            draining = true;
            drainCursor = 0;
            freeNext(); // a half-prepared growth is not needed by an emptied table
        }
        final int slotLengthBytes = this.slotLengthBytes;
        final int oldSlots = 0 != oldAddress ? oldCapacity : 0;
        final int totalSlots = oldSlots + capacity;
        int cursor = drainCursor;
        int used = 0;
        while (true)
        {
            if (cursor == totalSlots)
            {
                freeOld();
                size = 0;
                draining = false;
                drainCursor = 0;
                useCapacity(capacity);
                return used;
            }
            if (used >= budgetUnits)
            {
                drainCursor = cursor;
                return used;
            }
            final UnsafeBuffer slots = cursor < oldSlots ? oldBuffer : buffer;
            final int slotOffset = (cursor < oldSlots ? cursor : cursor - oldSlots) * slotLengthBytes;
            if (0 != slots.getInt(slotOffset + TAG_OFFSET))
            {
                if (null != consumer)
                {
                    consumer.accept(slots, slotOffset + KEY_OFFSET, slotOffset + valueOffsetInSlot);
                }
                slots.putInt(slotOffset + TAG_OFFSET, 0);
                used += unitsPerEntry;
            }
            used++;
            cursor++;
        }
    }

    /**
     * @return true between the first {@link #drainStep} of a teardown and the one that finishes it.
     */
    public boolean isDraining()
    {
        return draining;
    }

    /**
     * Removes all entries, keeping the current capacity. O(capacity) (zeroes the table); frees any old or
     * half-prepared next table.
     */
    public void clear()
    {
        checkOpen();
        freeOld();
        freeNext();
        buffer.setMemory(0, capacity * slotLengthBytes, (byte)0);
        size = 0;
        draining = false;
        drainCursor = 0;
        useCapacity(capacity);
    }

    /**
     * Frees the off-heap memory now. Idempotent; any later call other than {@code close}, {@link #size()} and the
     * getters throws {@link IllegalStateException}.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            freeOld();
            freeNext();
            buffer.wrap(EMPTY);
            UnsafeApi.freeMemory(address);
            address = 0;
            capacity = 0;
            mask = 0;
            resizeThreshold = 0;
            hardLimit = 0;
            size = 0;
        }
    }

    /**
     * Writes the table's complete state for a checkpoint: every field that decides its future behaviour (capacity,
     * thresholds, a growth being prepared, a resize being drained and its cursor, a drain in progress) and the
     * slot memory of the current and old tables, copied byte for byte in bulk, so a table given these bytes by
     * {@link #restoreFrom} probes, grows, migrates and iterates ({@link #forEach}, {@link #drainStep}) exactly as
     * this one would. A next table being prepared is recorded by how much of it was zeroed, not copied: until it
     * is swapped in it holds nothing but zeroes. Stage thread; allocates only if {@code out} must grow.
     *
     * @param out appended to.
     * @throws IllegalStateException if the table is closed.
     */
    public void snapshotTo(final SnapshotWriter out)
    {
        checkOpen();
        out.putInt(SNAPSHOT_VERSION)
            .putInt(keyLengthBytes)
            .putInt(valueLengthBytes)
            .putInt(Float.floatToIntBits(loadFactor))
            .putInt(capacity)
            .putInt(resizeThreshold)
            .putInt(hardLimit)
            .putInt(size)
            .putBoolean(wasInserted)
            .putBoolean(draining)
            .putInt(drainCursor);

        out.putBoolean(0 != nextAddress);
        if (0 != nextAddress)
        {
            out.putInt(nextBuffer.capacity()).putInt(nextZeroedBytes).putInt(zeroChunkBytes);
        }

        out.putBoolean(0 != oldAddress);
        if (0 != oldAddress)
        {
            out.putInt(oldCapacity).putInt(oldSize).putInt(migrationCursor);
            out.putMemory(oldBuffer.addressOffset(), (long)oldCapacity * slotLengthBytes);
        }
        out.putMemory(buffer.addressOffset(), (long)capacity * slotLengthBytes);
    }

    /**
     * Replaces this table's state with one {@link #snapshotTo} wrote, freeing or reallocating native memory as
     * needed. The table must have the same key width, value width and load factor (the same definition).
     * Not for the hot path: allocates native memory for the restored tables.
     *
     * @param in positioned at the table's snapshot; left after it.
     * @throws IllegalStateException if the table is closed or the snapshot does not fit it (another key or value
     *                               width, another load factor, or inconsistent sizes).
     */
    public void restoreFrom(final SnapshotReader in)
    {
        checkOpen();
        in.expect("hash table snapshot version", SNAPSHOT_VERSION, in.getInt());
        in.expect("hash table key width (bytes)", keyLengthBytes, in.getInt());
        in.expect("hash table value width (bytes)", valueLengthBytes, in.getInt());
        in.expect("hash table load factor (float bits)", Float.floatToIntBits(loadFactor), in.getInt());
        final int capacity = in.getInt();
        expectCapacity(in, "hash table capacity", capacity);
        final int resizeThreshold = in.getInt();
        final int hardLimit = in.getInt();
        final int size = in.getInt();
        final boolean wasInserted = in.getBoolean();
        final boolean draining = in.getBoolean();
        final int drainCursor = in.getInt();
        expectRange(in, "hash table size", size, 0, capacity - 1);
        expectRange(in, "hash table resize threshold", resizeThreshold, 1, capacity - 1);
        expectRange(in, "hash table hard limit", hardLimit, resizeThreshold, capacity - 1);

        final boolean hasNext = in.getBoolean();
        int nextLengthBytes = 0;
        int nextZeroedBytes = 0;
        int zeroChunkBytes = 0;
        if (hasNext)
        {
            nextLengthBytes = in.getInt();
            in.expect("hash table next-table length (bytes)", (long)(capacity << 1) * slotLengthBytes, nextLengthBytes);
            nextZeroedBytes = in.getInt();
            zeroChunkBytes = in.getInt();
            expectRange(in, "hash table next-table zeroed bytes", nextZeroedBytes, 0, nextLengthBytes);
            expectRange(in, "hash table zero chunk (bytes)", zeroChunkBytes, 1, Integer.MAX_VALUE);
        }

        final boolean hasOld = in.getBoolean();
        int oldCapacity = 0;
        int oldSize = 0;
        int migrationCursor = 0;
        if (hasOld)
        {
            oldCapacity = in.getInt();
            in.expect("hash table old-table capacity", capacity >>> 1, oldCapacity);
            oldSize = in.getInt();
            migrationCursor = in.getInt();
            expectRange(in, "hash table old-table size", oldSize, 1, size);
            expectRange(in, "hash table migration cursor", migrationCursor, 0, oldCapacity - 1);
        }
        final int oldSlots = hasOld ? oldCapacity : 0;
        expectRange(in, "hash table drain cursor", drainCursor, 0, draining ? oldSlots + capacity - 1 : 0);
        final long oldLengthBytes = (long)oldCapacity * slotLengthBytes;
        final long lengthBytes = (long)capacity * slotLengthBytes;
        if (in.remaining() < oldLengthBytes + lengthBytes)
        {
            in.expect("hash table slot bytes", oldLengthBytes + lengthBytes, in.remaining());
        }

        freeOld();
        freeNext();
        if (capacity != this.capacity)
        {
            buffer.wrap(EMPTY);
            UnsafeApi.freeMemory(address);
            address = 0;
            address = allocate(buffer, (int)lengthBytes);
        }
        if (hasOld)
        {
            oldAddress = allocate(oldBuffer, (int)oldLengthBytes);
            in.getMemory(oldBuffer.addressOffset(), oldLengthBytes);
            this.oldCapacity = oldCapacity;
            this.oldMask = oldCapacity - 1;
            this.oldSize = oldSize;
            this.migrationCursor = migrationCursor;
        }
        in.getMemory(buffer.addressOffset(), lengthBytes);
        if (hasNext)
        {
            nextAddress = allocate(nextBuffer, nextLengthBytes);
            // only the zeroed prefix carries meaning; the rest is zeroed by later prepare steps, as before
            nextBuffer.setMemory(0, nextZeroedBytes, (byte)0);
            this.nextZeroedBytes = nextZeroedBytes;
            this.zeroChunkBytes = zeroChunkBytes;
        }

        this.capacity = capacity;
        this.mask = capacity - 1;
        this.resizeThreshold = resizeThreshold;
        this.hardLimit = hardLimit;
        this.size = size;
        this.wasInserted = wasInserted;
        this.draining = draining;
        this.drainCursor = drainCursor;
    }

    private void expectCapacity(final SnapshotReader in, final String what, final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > maxCapacity || Integer.bitCount(capacity) != 1)
        {
            in.expect(what + " (a power of two in " + MIN_CAPACITY + ".." + maxCapacity + ")",
                BitUtil.findNextPositivePowerOfTwo(Math.max(MIN_CAPACITY, Math.min(capacity, maxCapacity))), capacity);
        }
    }

    private static void expectRange(
        final SnapshotReader in, final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            in.expect(what + " (in " + min + ".." + max + ")", value < min ? min : max, value);
        }
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * The hash used for {@code long} keys: Stafford's variant 13 of the MurmurHash3 64-bit finalizer.
     *
     * @param key to hash.
     * @return 64-bit hash.
     */
    static long hash(final long key)
    {
        long z = key;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Hashes K bytes 8 at a time; for K = 8 equals {@link #hash(long)} of the native-order long.
     */
    private long hash(final DirectBuffer keyBuffer, final int keyOffset)
    {
        final int length = keyLengthBytes;
        long h = 0;
        int i = 0;
        for (; i <= length - 8; i += 8)
        {
            h = hash(h ^ keyBuffer.getLong(keyOffset + i));
        }
        if (i < length)
        {
            long tail = 0;
            for (; i < length; i++)
            {
                tail = (tail << 8) | (keyBuffer.getByte(keyOffset + i) & 0xFF);
            }
            h = hash(h ^ tail);
        }
        return h;
    }

    /**
     * @return the slot index holding {@code key}, or {@code -(index of the empty slot ending the probe) - 1}.
     */
    private int probeLong(final UnsafeBuffer buffer, final int mask, final int tag, final long key)
    {
        final int slotLengthBytes = this.slotLengthBytes;
        int index = tag & mask;
        while (true)
        {
            final int slotOffset = index * slotLengthBytes;
            final int slotTag = buffer.getInt(slotOffset + TAG_OFFSET);
            if (0 == slotTag)
            {
                return -index - 1;
            }
            if (slotTag == tag && buffer.getLong(slotOffset + KEY_OFFSET) == key)
            {
                return index;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * @return the slot index holding the key, or {@code -(index of the empty slot ending the probe) - 1}.
     */
    private int probe(
        final UnsafeBuffer buffer, final int mask, final int tag, final DirectBuffer keyBuffer, final int keyOffset)
    {
        final int slotLengthBytes = this.slotLengthBytes;
        int index = tag & mask;
        while (true)
        {
            final int slotOffset = index * slotLengthBytes;
            final int slotTag = buffer.getInt(slotOffset + TAG_OFFSET);
            if (0 == slotTag)
            {
                return -index - 1;
            }
            if (slotTag == tag && keyEquals(buffer, slotOffset + KEY_OFFSET, keyBuffer, keyOffset))
            {
                return index;
            }
            index = (index + 1) & mask;
        }
    }

    private boolean keyEquals(
        final UnsafeBuffer buffer, final int slotKeyOffset, final DirectBuffer keyBuffer, final int keyOffset)
    {
        final int length = keyLengthBytes;
        int i = 0;
        for (; i <= length - 8; i += 8)
        {
            if (buffer.getLong(slotKeyOffset + i) != keyBuffer.getLong(keyOffset + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (buffer.getByte(slotKeyOffset + i) != keyBuffer.getByte(keyOffset + i))
            {
                return false;
            }
        }
        return true;
    }

    private int valueOffset(final int index)
    {
        return index * slotLengthBytes + valueOffsetInSlot;
    }

    private int completeInsert(final int slotOffset, final int tag)
    {
        final int valueOffset = slotOffset + valueOffsetInSlot;
        zero(buffer, valueOffset, paddedValueLengthBytes);
        buffer.putInt(slotOffset + TAG_OFFSET, tag);
        size++;
        wasInserted = true;
        return valueOffset;
    }

    /**
     * Backward-shift delete: walk the cluster after the hole and pull back each entry whose home slot is not
     * between the hole and its current slot, so no probe sequence ever crosses an empty slot it should not.
     */
    private void deleteAt(final UnsafeBuffer buffer, final int mask, final int index)
    {
        final int slotLengthBytes = this.slotLengthBytes;
        int hole = index;
        int next = index;
        while (true)
        {
            next = (next + 1) & mask;
            final int nextOffset = next * slotLengthBytes;
            final int tag = buffer.getInt(nextOffset + TAG_OFFSET);
            if (0 == tag)
            {
                break;
            }
            final int home = tag & mask;
            if (((next - home) & mask) >= ((next - hole) & mask))
            {
                copySlot(buffer, nextOffset, buffer, hole * slotLengthBytes);
                hole = next;
            }
        }
        buffer.putInt(hole * slotLengthBytes + TAG_OFFSET, 0);
    }

    /**
     * Moves an entry from the old table into the current one at {@code emptyIndex} (known to end its probe).
     *
     * @return value offset of the moved entry in the current table.
     */
    private int moveFromOld(final int oldIndex, final int emptyIndex)
    {
        final int slotOffset = emptyIndex * slotLengthBytes;
        copySlot(oldBuffer, oldIndex * slotLengthBytes, buffer, slotOffset);
        deleteAt(oldBuffer, oldMask, oldIndex);
        if (--oldSize == 0)
        {
            freeOld();
        }
        return slotOffset + valueOffsetInSlot;
    }

    private void removeFromOld(final int oldIndex)
    {
        deleteAt(oldBuffer, oldMask, oldIndex);
        size--;
        if (--oldSize == 0)
        {
            freeOld();
        }
    }

    /**
     * Drains up to {@link #MIGRATION_STEP} units (a slot read or an entry move) of the old table, in slot order.
     * Each move is a proper backward-shift delete in the old table, so the old table stays a valid hash table
     * at every point and slots behind the cursor stay empty (a shift only fills the hole it started from).
     */
    private void migrateStep()
    {
        final UnsafeBuffer oldBuffer = this.oldBuffer;
        final int slotLengthBytes = this.slotLengthBytes;
        int cursor = migrationCursor;
        for (int budget = MIGRATION_STEP; budget > 0; budget--)
        {
            final int tag = oldBuffer.getInt(cursor * slotLengthBytes + TAG_OFFSET);
            if (0 != tag)
            {
                migrationCursor = cursor;
                moveFromOld(cursor, emptyIndexFor(tag));
                if (0 == oldAddress)
                {
                    return;
                }
            }
            else if (++cursor == oldCapacity)
            {
                throw new IllegalStateException("resize drained " + oldCapacity + " slots but " + oldSize +
                    " entries remain in the old table: bug");
            }
        }
        migrationCursor = cursor;
    }

    private int emptyIndexFor(final int tag)
    {
        final UnsafeBuffer buffer = this.buffer;
        final int mask = this.mask;
        final int slotLengthBytes = this.slotLengthBytes;
        int index = tag & mask;
        while (0 != buffer.getInt(index * slotLengthBytes + TAG_OFFSET))
        {
            index = (index + 1) & mask;
        }
        return index;
    }

    private void finishMigration()
    {
        while (0 != oldAddress)
        {
            migrateStep();
        }
    }

    /**
     * Called when an absent key is about to be inserted at or above the growth threshold.
     *
     * @return true if the table grew (the caller must re-probe), false to insert into the current table, which
     * then runs above its load factor (never above {@link #hardLimit}) while the next table is made ready.
     */
    private boolean growIfReady()
    {
        if (0 != oldAddress)
        {
            if (size < hardLimit)
            {
                return false;
            }
            finishMigration(); // fallback: the drain is paced to finish long before this
        }
        if (0 == nextAddress)
        {
            if (capacity >= maxCapacity)
            {
                if (size < hardLimit)
                {
                    return false;
                }
                throw new IllegalStateException("table is full: " + size + " entries at the maximum capacity of " +
                    maxCapacity + " slots of " + slotLengthBytes + " bytes; shard the state");
            }
            allocateNext();
        }
        final int nextLengthBytes = nextBuffer.capacity();
        if (nextZeroedBytes < nextLengthBytes)
        {
            if (size < hardLimit)
            {
                return false;
            }
            nextBuffer.setMemory(nextZeroedBytes, nextLengthBytes - nextZeroedBytes, (byte)0); // fallback
        }

        oldAddress = address;
        oldBuffer.wrap(buffer);
        oldCapacity = capacity;
        oldMask = mask;
        oldSize = size;
        migrationCursor = 0;

        address = nextAddress;
        buffer.wrap(nextBuffer);
        nextAddress = 0;
        nextBuffer.wrap(EMPTY);
        nextZeroedBytes = 0;
        useCapacity(capacity << 1);
        return true;
    }

    /**
     * Zeroes one chunk of the allocated next table.
     */
    private void prepareStep()
    {
        final int remainingBytes = nextBuffer.capacity() - nextZeroedBytes;
        if (remainingBytes > 0)
        {
            final int lengthBytes = Math.min(zeroChunkBytes, remainingBytes);
            nextBuffer.setMemory(nextZeroedBytes, lengthBytes, (byte)0);
            nextZeroedBytes += lengthBytes;
        }
    }

    private void allocateNext()
    {
        final int lengthBytes = (capacity << 1) * slotLengthBytes;
        nextAddress = allocate(nextBuffer, lengthBytes);
        nextZeroedBytes = 0;
        if (poisonNewMemory)
        {
            nextBuffer.setMemory(0, lengthBytes, (byte)0xA5);
        }
        // Spread the zeroing over half the inserts left before the hard limit, so it is done with margin.
        final int callsLeft = Math.max(1, (hardLimit - size) / 2);
        zeroChunkBytes = Math.max(MIN_ZERO_CHUNK_BYTES, lengthBytes / callsLeft + 1);
    }

    private void useCapacity(final int capacity)
    {
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.resizeThreshold = Math.min(capacity - 1, Math.max(1, (int)(capacity * (double)loadFactor)));
        this.hardLimit = resizeThreshold + (capacity - 1 - resizeThreshold) / 2;
    }

    /**
     * Allocates raw native memory and wraps {@code view} over a 64-byte aligned region of {@code lengthBytes}.
     *
     * @return the raw address, for {@link UnsafeApi#freeMemory(long)}.
     */
    private static long allocate(final UnsafeBuffer view, final int lengthBytes)
    {
        final long rawAddress = UnsafeApi.allocateMemory((long)lengthBytes + ALIGNMENT);
        HugePages.advise(rawAddress, (long)lengthBytes + ALIGNMENT); // before anything touches it
        view.wrap((rawAddress + ALIGNMENT - 1) & -ALIGNMENT, lengthBytes);
        return rawAddress;
    }

    private void freeOld()
    {
        if (0 != oldAddress)
        {
            oldBuffer.wrap(EMPTY);
            UnsafeApi.freeMemory(oldAddress);
            oldAddress = 0;
            oldCapacity = 0;
            oldMask = 0;
            oldSize = 0;
            migrationCursor = 0;
        }
    }

    private void freeNext()
    {
        if (0 != nextAddress)
        {
            nextBuffer.wrap(EMPTY);
            UnsafeApi.freeMemory(nextAddress);
            nextAddress = 0;
            nextZeroedBytes = 0;
        }
    }

    private void copySlot(
        final UnsafeBuffer srcBuffer, final int srcOffset, final UnsafeBuffer dstBuffer, final int dstOffset)
    {
        final int length = slotLengthBytes;
        if (length <= WORD_COPY_LIMIT)
        {
            for (int i = 0; i < length; i += 8)
            {
                dstBuffer.putLong(dstOffset + i, srcBuffer.getLong(srcOffset + i));
            }
        }
        else
        {
            dstBuffer.putBytes(dstOffset, srcBuffer, srcOffset, length);
        }
    }

    private static void zero(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (length <= WORD_COPY_LIMIT)
        {
            for (int i = 0; i < length; i += 8)
            {
                buffer.putLong(offset + i, 0L);
            }
        }
        else
        {
            buffer.setMemory(offset, length, (byte)0);
        }
    }

    private void checkLongKey()
    {
        if (8 != keyLengthBytes)
        {
            throw new IllegalStateException(
                "long-key methods need keyLengthBytes 8, this table has " + keyLengthBytes +
                "; pass the key as DirectBuffer + offset");
        }
        checkOpen();
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("table is closed");
        }
    }
}
