package io.rivulet.watermark.internal;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.BitUtil;
import org.agrona.collections.Hashing;

import java.util.Arrays;

/**
 * Per-key timers, fired in timestamp order as time advances. Use one queue for event-time timers (advanced by
 * the watermark) and another for processing-time timers (advanced by a clock).
 * <p>
 * A timer is a {@code (timestampMs, key)} pair; registering a pair that is already queued is a no-op (dedupe),
 * as in Flink's timer service. Order: ascending timestamp, ties by ascending key (signed {@code long}
 * comparison), so firing is deterministic.
 * <pre>
 *   heap (min by timestamp, key)          index (open addressing, linear probing, on the pair)
 *   heapTs[] heapKey[] heapSlot[] ------&gt;  slotTs[] slotKey[] slotHeapPos[] --(back to heap position)
 *   O(log n) register / delete / fire;     O(1) expected dedupe and lookup for delete
 * </pre>
 * Each heap entry knows its index slot and each index slot its heap position, so a delete finds its entry in
 * O(1) and a sift keeps both sides in step without hashing.
 * <p>
 * Allocation: arrays grow by doubling (amortised); once grown to the peak timer count, no operation allocates.
 * Threading: not thread-safe; owned by one stage thread.
 */
public final class TimerQueue
{
    /** Initial capacity, in timers, of {@link #TimerQueue()}. */
    public static final int DEFAULT_INITIAL_CAPACITY = 64;
    /** Returned by {@link #peekTimestamp()} when the queue is empty. */
    public static final long NO_TIMER = Long.MAX_VALUE;

    private static final int EMPTY = -1;
    private static final long HASH_MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final int SNAPSHOT_VERSION = 1;
    private static final int MAX_CAPACITY = 1 << 29;

    private long[] heapTs;
    private long[] heapKey;
    private int[] heapSlot;
    private int size;

    // Index capacity is a power of two at least twice the heap capacity: load factor <= 0.5.
    private long[] slotTs;
    private long[] slotKey;
    private int[] slotHeapPos;
    private int slotMask;

    private boolean firing;

    /**
     * Creates a queue with room for {@link #DEFAULT_INITIAL_CAPACITY} timers before it grows.
     */
    public TimerQueue()
    {
        this(DEFAULT_INITIAL_CAPACITY);
    }

    /**
     * @param initialCapacity timers held before the first growth, &gt;= 1; size it to the expected peak to avoid
     *                        allocation after start.
     * @throws IllegalArgumentException if {@code initialCapacity < 1} or too large.
     */
    public TimerQueue(final int initialCapacity)
    {
        if (initialCapacity < 1 || initialCapacity > (1 << 29))
        {
            throw new IllegalArgumentException("initialCapacity must be in [1, 2^29], got " + initialCapacity);
        }
        heapTs = new long[initialCapacity];
        heapKey = new long[initialCapacity];
        heapSlot = new int[initialCapacity];
        allocateIndex(BitUtil.findNextPositivePowerOfTwo(initialCapacity * 2));
    }

    /**
     * Registers a timer, unless the same {@code (timestampMs, key)} is already queued. O(log n).
     *
     * @param timestampMs when it is due, epoch ms.
     * @param key         the key it is for.
     * @return true if added, false if it was already queued.
     */
    public boolean register(final long timestampMs, final long key)
    {
        int slot = hash(timestampMs, key);
        final int mask = slotMask;
        while (slotHeapPos[slot] != EMPTY)
        {
            if (slotTs[slot] == timestampMs && slotKey[slot] == key)
            {
                return false;
            }
            slot = (slot + 1) & mask;
        }

        if (size == heapTs.length)
        {
            grow();
            slot = findEmptySlot(timestampMs, key);
        }

        final int pos = size++;
        slotTs[slot] = timestampMs;
        slotKey[slot] = key;
        slotHeapPos[slot] = pos;
        heapTs[pos] = timestampMs;
        heapKey[pos] = key;
        heapSlot[pos] = slot;
        siftUp(pos);
        return true;
    }

    /**
     * Removes a queued timer. O(log n).
     *
     * @param timestampMs its time, epoch ms.
     * @param key         its key.
     * @return true if it was queued and is now removed.
     */
    public boolean delete(final long timestampMs, final long key)
    {
        final int slot = findSlot(timestampMs, key);
        if (slot == EMPTY)
        {
            return false;
        }
        removeHeapAt(slotHeapPos[slot]);
        removeSlot(slot);
        return true;
    }

    /**
     * @param timestampMs its time, epoch ms.
     * @param key         its key.
     * @return true if the timer is queued.
     */
    public boolean contains(final long timestampMs, final long key)
    {
        return findSlot(timestampMs, key) != EMPTY;
    }

    /**
     * Fires, in (timestamp, key) order, every timer with {@code timestampMs <= timeMs}, removing each before its
     * callback. Timers the handler registers with a timestamp {@code <= timeMs} fire in this same call (one
     * registered earlier than the timer being fired fires next, so order is ascending only among timers queued
     * at the time); timers it deletes do not fire.
     *
     * @param timeMs  the watermark (event-time queue) or current time (processing-time queue), epoch ms.
     * @param handler receives each due timer.
     * @return number of timers fired.
     * @throws IllegalStateException if called from inside a handler of this queue.
     */
    public int advanceTo(final long timeMs, final TimerHandler handler)
    {
        return advanceTo(timeMs, handler, Integer.MAX_VALUE);
    }

    /**
     * As {@link #advanceTo(long, TimerHandler)}, but fires at most {@code maxTimers} timers, so a caller can
     * spread a large firing over several calls and bound each pause (call again while
     * {@code peekTimestamp() <= timeMs}).
     *
     * @param timeMs    the watermark (event-time queue) or current time (processing-time queue), epoch ms.
     * @param handler   receives each due timer.
     * @param maxTimers most timers to fire in this call, &gt;= 0.
     * @return number of timers fired.
     * @throws IllegalStateException if called from inside a handler of this queue.
     */
    public int advanceTo(final long timeMs, final TimerHandler handler, final int maxTimers)
    {
        if (firing)
        {
            throw new IllegalStateException("advanceTo called re-entrantly from a TimerHandler");
        }
        firing = true;
        int fired = 0;
        try
        {
            while (size > 0 && heapTs[0] <= timeMs && fired < maxTimers)
            {
                final long timestampMs = heapTs[0];
                final long key = heapKey[0];
                final int slot = heapSlot[0];
                removeHeapAt(0);
                removeSlot(slot);
                fired++;
                handler.onTimer(timestampMs, key);
            }
        }
        finally
        {
            firing = false;
        }
        return fired;
    }

    /**
     * @return timestamp of the next timer due, epoch ms, or {@link #NO_TIMER} if empty.
     */
    public long peekTimestamp()
    {
        return size > 0 ? heapTs[0] : NO_TIMER;
    }

    /**
     * @return key of the next timer due; undefined (0) if empty.
     */
    public long peekKey()
    {
        return size > 0 ? heapKey[0] : 0;
    }

    /**
     * @return number of queued timers.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return true if no timer is queued.
     */
    public boolean isEmpty()
    {
        return size == 0;
    }

    /**
     * Removes every timer; keeps the grown capacity. O(capacity).
     */
    public void clear()
    {
        Arrays.fill(slotHeapPos, EMPTY);
        size = 0;
    }

    /**
     * Writes the queue for a checkpoint: its capacity and the heap in array order (timestamps, keys), so a queue
     * given these bytes by {@link #restoreFrom} has the same heap layout and fires the same timers in the same
     * order. The dedupe index is not written: it is rebuilt from the heap. Stage thread; allocates only if
     * {@code out} must grow.
     *
     * @param out appended to.
     * @throws IllegalStateException if called from inside a handler of this queue (mid-firing).
     */
    public void snapshotTo(final SnapshotWriter out)
    {
        if (firing)
        {
            throw new IllegalStateException("snapshotTo called from inside a TimerHandler: the queue is mid-firing");
        }
        out.putInt(SNAPSHOT_VERSION).putInt(heapTs.length);
        out.putLongs(heapTs, size);
        out.putLongs(heapKey, size);
    }

    /**
     * Replaces the queue's timers with those {@link #snapshotTo} wrote, in the same heap layout. Allocates (the
     * arrays at the snapshot's capacity); not for the hot path.
     *
     * @param in positioned at the queue's snapshot; left after it.
     * @throws IllegalStateException if the snapshot does not fit (bad capacity, lengths, a duplicate timer, or a
     *                               heap out of order).
     */
    public void restoreFrom(final SnapshotReader in)
    {
        if (firing)
        {
            throw new IllegalStateException("restoreFrom called from inside a TimerHandler");
        }
        in.expect("timer queue snapshot version", SNAPSHOT_VERSION, in.getInt());
        final int capacity = in.getInt();
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            in.expect("timer queue capacity (in 1.." + MAX_CAPACITY + ")", Math.max(1, Math.min(capacity,
                MAX_CAPACITY)), capacity);
        }
        final long[] ts = in.getLongs(capacity);
        final long[] keys = in.getLongs(capacity);
        in.expect("timer queue key count (one per timestamp)", ts.length, keys.length);
        final int count = ts.length;
        for (int pos = 1; pos < count; pos++)
        {
            final int parent = (pos - 1) >>> 1;
            if (less(ts[pos], keys[pos], ts[parent], keys[parent]))
            {
                in.expect("timer queue heap order violations", 0, 1);
            }
        }

        heapTs = Arrays.copyOf(ts, capacity);
        heapKey = Arrays.copyOf(keys, capacity);
        heapSlot = new int[capacity];
        allocateIndex(BitUtil.findNextPositivePowerOfTwo(capacity * 2));
        size = 0;
        for (int pos = 0; pos < count; pos++)
        {
            if (findSlot(ts[pos], keys[pos]) != EMPTY)
            {
                clear();
                in.expect("timer queue duplicate timers", 0, 1);
            }
            final int slot = findEmptySlot(ts[pos], keys[pos]);
            slotTs[slot] = ts[pos];
            slotKey[slot] = keys[pos];
            slotHeapPos[slot] = pos;
            heapSlot[pos] = slot;
            size++;
        }
    }

    private static boolean less(final long ts1, final long key1, final long ts2, final long key2)
    {
        return ts1 < ts2 || (ts1 == ts2 && key1 < key2);
    }

    private void siftUp(final int startPos)
    {
        final long[] heapTs = this.heapTs;
        final long[] heapKey = this.heapKey;
        final int[] heapSlot = this.heapSlot;
        final long ts = heapTs[startPos];
        final long key = heapKey[startPos];
        final int slot = heapSlot[startPos];

        int pos = startPos;
        while (pos > 0)
        {
            final int parent = (pos - 1) >>> 1;
            if (!less(ts, key, heapTs[parent], heapKey[parent]))
            {
                break;
            }
            moveHeap(parent, pos);
            pos = parent;
        }
        if (pos != startPos)
        {
            placeHeap(pos, ts, key, slot);
        }
    }

    /**
     * @return true if the entry moved down.
     */
    private boolean siftDown(final int startPos)
    {
        final long[] heapTs = this.heapTs;
        final long[] heapKey = this.heapKey;
        final int size = this.size;
        final long ts = heapTs[startPos];
        final long key = heapKey[startPos];
        final int slot = heapSlot[startPos];

        int pos = startPos;
        while (true)
        {
            int child = (pos << 1) + 1;
            if (child >= size)
            {
                break;
            }
            final int right = child + 1;
            if (right < size && less(heapTs[right], heapKey[right], heapTs[child], heapKey[child]))
            {
                child = right;
            }
            if (!less(heapTs[child], heapKey[child], ts, key))
            {
                break;
            }
            moveHeap(child, pos);
            pos = child;
        }
        if (pos != startPos)
        {
            placeHeap(pos, ts, key, slot);
            return true;
        }
        return false;
    }

    private void moveHeap(final int from, final int to)
    {
        final int slot = heapSlot[from];
        heapTs[to] = heapTs[from];
        heapKey[to] = heapKey[from];
        heapSlot[to] = slot;
        slotHeapPos[slot] = to;
    }

    private void placeHeap(final int pos, final long ts, final long key, final int slot)
    {
        heapTs[pos] = ts;
        heapKey[pos] = key;
        heapSlot[pos] = slot;
        slotHeapPos[slot] = pos;
    }

    private void removeHeapAt(final int pos)
    {
        final int last = --size;
        if (pos != last)
        {
            moveHeap(last, pos);
            if (!siftDown(pos))
            {
                siftUp(pos);
            }
        }
    }

    private int hash(final long timestampMs, final long key)
    {
        return Hashing.hash(timestampMs * HASH_MULTIPLIER + key, slotMask);
    }

    private int findSlot(final long timestampMs, final long key)
    {
        final int mask = slotMask;
        int slot = hash(timestampMs, key);
        while (slotHeapPos[slot] != EMPTY)
        {
            if (slotTs[slot] == timestampMs && slotKey[slot] == key)
            {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return EMPTY;
    }

    private int findEmptySlot(final long timestampMs, final long key)
    {
        final int mask = slotMask;
        int slot = hash(timestampMs, key);
        while (slotHeapPos[slot] != EMPTY)
        {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /**
     * Backward-shift deletion (no tombstones): pulls later entries of the probe chain into the hole when their
     * home slot allows it, telling the heap where each moved entry went.
     */
    private void removeSlot(final int deleteSlot)
    {
        final int mask = slotMask;
        int hole = deleteSlot;
        int slot = deleteSlot;
        while (true)
        {
            slot = (slot + 1) & mask;
            final int heapPos = slotHeapPos[slot];
            if (heapPos == EMPTY)
            {
                break;
            }
            final int home = hash(slotTs[slot], slotKey[slot]);
            // The entry may move into the hole if the hole lies cyclically within [home, slot).
            if ((slot < home && (home <= hole || hole <= slot)) || (home <= hole && hole <= slot))
            {
                slotTs[hole] = slotTs[slot];
                slotKey[hole] = slotKey[slot];
                slotHeapPos[hole] = heapPos;
                heapSlot[heapPos] = hole;
                hole = slot;
            }
        }
        slotHeapPos[hole] = EMPTY;
    }

    private void grow()
    {
        final int newCapacity = heapTs.length << 1;
        if (newCapacity <= 0 || newCapacity > (1 << 29))
        {
            throw new IllegalStateException("TimerQueue full: cannot grow beyond " + heapTs.length + " timers");
        }
        heapTs = Arrays.copyOf(heapTs, newCapacity);
        heapKey = Arrays.copyOf(heapKey, newCapacity);
        heapSlot = Arrays.copyOf(heapSlot, newCapacity);

        allocateIndex(BitUtil.findNextPositivePowerOfTwo(newCapacity * 2));
        for (int pos = 0; pos < size; pos++)
        {
            final int slot = findEmptySlot(heapTs[pos], heapKey[pos]);
            slotTs[slot] = heapTs[pos];
            slotKey[slot] = heapKey[pos];
            slotHeapPos[slot] = pos;
            heapSlot[pos] = slot;
        }
    }

    private void allocateIndex(final int slotCapacity)
    {
        slotTs = new long[slotCapacity];
        slotKey = new long[slotCapacity];
        slotHeapPos = new int[slotCapacity];
        Arrays.fill(slotHeapPos, EMPTY);
        slotMask = slotCapacity - 1;
    }

    public String toString()
    {
        return "TimerQueue{size=" + size + ", capacity=" + heapTs.length + ", next=" +
            (size > 0 ? heapTs[0] + "/" + heapKey[0] : "none") + '}';
    }
}
