package io.rivulet.operators.window;

import io.rivulet.operators.Output;
import io.rivulet.operators.internal.state.OffHeapHashTable;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import io.rivulet.ringbuffer.internal.SlotRing;
import org.agrona.UnsafeApi;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keyed tumbling or sliding window aggregation, incremental: each record updates the accumulators of its
 * (window, key) entries in place. Each open window has its own state table, so closing a window visits only
 * that window's entries, in bounded steps, emptying the table as it goes, then pools it for a later window:
 * firing costs the rows it emits, not the size of all state, and sliding windows do not sweep everything on
 * every slide.
 * <pre>
 *   window id = floorDiv(start, slide)       windows: id -&gt; table, timers: (end, id)
 *   table key: [group key bytes]             table value: [accumulators]
 * </pre>
 * Window bounds saturate at the ends of the {@code long} range: a window whose start would be below
 * {@code Long.MIN_VALUE} starts there, one whose end would pass {@code Long.MAX_VALUE} ends there (closed by end
 * of stream); its id still tells it apart. Allocation-free in steady state: tables come from a pool and grow
 * only while the largest window grows; the id map holds the open windows.
 * <p>
 * Complete mode emits the windows in the order they opened (it never closes one, so that list only grows):
 * an order decided by the input alone, which a checkpoint restores, unlike a hash map's iteration order.
 * A checkpoint writes each open window's table, the window being closed with its drain cursor, and the pooled
 * tables in pool order (a reused table keeps its capacity, and capacity decides the order its rows fire in).
 * The id cache is not written: it only speeds up lookups and starts empty.
 */
final class WindowAggregateOperator extends EventTimeAggregateOperator
{
    private static final int INITIAL_TABLE_CAPACITY = 256;
    private static final int CACHE_SIZE = 64; // power of two, > the windows one record falls into (usually)

    private final Long2ObjectHashMap<OffHeapHashTable> openWindows = new Long2ObjectHashMap<>();
    /** Complete mode only: window ids in the order they opened, the order {@link #emitAll} emits them in. */
    private final LongArrayList openedOrder = new LongArrayList();
    // direct-mapped cache id -> table in front of the map: a record's windows have consecutive ids
    private final long[] cachedIds = new long[CACHE_SIZE];
    private final OffHeapHashTable[] cachedTables = new OffHeapHashTable[CACHE_SIZE];
    private OffHeapHashTable[] pool = new OffHeapHashTable[8];
    private int pooled;
    private final RowEmitter rowEmitter = new RowEmitter();
    private final DirtyRowEmitter dirtyEmitter = new DirtyRowEmitter();
    /** Micro-batch UPDATE: the open window ids, sorted at each epoch; grows with the open windows. */
    private long[] dirtyIds = new long[16];
    /**
     * Micro-batch UPDATE: the window and value offset of each row first changed in this epoch, so that the epoch's
     * end visits those rows instead of every slot of every open table (with small epochs the scan cost more
     * than the records). Sorted by offset per window they come out in the scan's order, so a run and its replay
     * from a checkpoint (which scans once) emit the same sequence. Given up for the scan when more rows change
     * than {@link #MAX_TRACKED_ROWS}, or when offsets may have moved: a table grew, or a window closed.
     */
    private static final int MAX_TRACKED_ROWS = 1 << 14;
    private static final long[] NO_IDS = new long[0];
    private static final int[] NO_OFFSETS = new int[0];
    /** Micro-batch UPDATE only: allocated at their full size (256 KB together) when opened, never grown. */
    private long[] trackedIds = NO_IDS;
    private int[] trackedOffsets = NO_OFFSETS;
    private int[] offsetScratch = NO_OFFSETS;
    private int tracked;
    private boolean untracked = true;
    /** Epochs whose rows were found from the tracked offsets rather than a scan (tests). */
    int trackedEpochs;
    private OffHeapHashTable closing;
    private boolean closingEmits;
    /** The group key is one 8-byte column: the tables take it as a {@code long}, with no copy into a buffer. */
    private final boolean longKey;
    private final UnsafeBuffer prefetchKeyScratch;
    /**
     * Native addresses of table slots the next records will probe, noted by {@link #prefetch} and loaded all at
     * once by the next {@link #onRecord}: loads issued back to back are in flight together, where loads spread
     * over the hints would wait in turn for the CPU's reorder window. Valid only until the next record or marker
     * (no table is freed or grown in between).
     */
    private final long[] hintedAddresses = new long[SlotRing.PREFETCH_GROUP * 2];
    private int hinted;
    /** Folds in what the hinted loads read, so the JIT keeps them. */
    private int touched;

    WindowAggregateOperator(final Schema input, final WindowSpec spec, final String[] keyColumns,
        final Aggregate[] aggregates, final OutputMode mode, final long allowedLatenessMs, final Output lateOutput)
    {
        super("window", input, spec, keyColumns, aggregates, mode, allowedLatenessMs, lateOutput, 0, 0, 1, 0);
        this.longKey = layout.isLongKey() && stateKeyLengthBytes == Long.BYTES;
        this.prefetchKeyScratch = new UnsafeBuffer(new byte[stateKeyLengthBytes]);
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        if (hinted != 0)
        {
            touchHinted();
        }
        if (firePending)
        {
            continueFiring();
        }
        final long ts = record.getLong(timeField);
        final long size = spec.sizeMs;
        final long slide = spec.slideMs;
        long id = Math.floorDiv(ts, slide);
        // back = ts - start of window id; the windows holding ts are those with back < size. No sum below can
        // overflow: 0 <= back < size, and start/end saturate.
        long back = Math.floorMod(ts, slide);
        boolean assigned = false;
        while (true)
        {
            final long end = saturatedAdd(ts, size - back);
            if (!isClosed(end))
            {
                assign(id, saturatedAdd(ts, -back), end, record);
                assigned = true;
            }
            if (back >= size - slide)
            {
                break;
            }
            back += slide;
            id--;
        }
        if (!assigned)
        {
            late(record);
        }
    }

    @Override
    public void open(final Output output)
    {
        super.open(output);
        if (dirtyFlagBytes != 0)
        {
            // micro-batch UPDATE (known before open): the tracking lists at full size now, not grown while running
            trackedIds = new long[MAX_TRACKED_ROWS];
            trackedOffsets = new int[MAX_TRACKED_ROWS];
            offsetScratch = new int[MAX_TRACKED_ROWS];
        }
    }

    /**
     * Touches the table slot where the record's key will be looked up, in the newest window it falls in if that
     * window is open already: the stage calls this for a few records ahead, so their cache misses overlap.
     */
    @Override
    public void prefetch(final RecordFlyweight record)
    {
        final long id = Math.floorDiv(record.getLong(timeField), spec.slideMs);
        final int c = (int)id & (CACHE_SIZE - 1);
        final OffHeapHashTable table = cachedTables[c];
        if (table != null && cachedIds[c] == id && hinted < hintedAddresses.length)
        {
            final long address;
            if (longKey)
            {
                address = table.homeAddress(layout.longKey(record));
            }
            else
            {
                layout.copyKey(record, prefetchKeyScratch, 0);
                address = table.homeAddress(prefetchKeyScratch, 0);
            }
            hintedAddresses[hinted++] = address;
        }
    }

    private void touchHinted()
    {
        int sum = 0;
        for (int i = 0, n = hinted; i < n; i++)
        {
            sum += UnsafeApi.getInt(hintedAddresses[i]);
        }
        touched ^= sum;
        hinted = 0;
    }

    @Override
    void discardHints()
    {
        hinted = 0;
    }

    @Override
    public boolean prefetches()
    {
        return true;
    }

    private void assign(final long id, final long startMs, final long endMs, final RecordFlyweight record)
    {
        final OffHeapHashTable table = tableFor(id, endMs);
        final int capacityBefore = table.capacity();
        final UnsafeBuffer key = keyScratch;
        final int offset;
        if (longKey)
        {
            final long longKeyValue = layout.longKey(record);
            offset = table.getOrInsert(longKeyValue);
            if (mode == OutputMode.UPDATE && dirtyFlagBytes == 0)
            {
                key.putLong(0, longKeyValue); // the row's key columns are written from here
            }
        }
        else
        {
            layout.copyKey(record, key, 0);
            offset = table.getOrInsert(key, 0);
        }
        final UnsafeBuffer values = table.valueBuffer();
        final int dirtyFlag = dirtyFlagBytes;
        final int acc = offset + dirtyFlag;
        if (table.wasInserted())
        {
            layout.init(values, acc);
            if (mode == OutputMode.COMPLETE)
            {
                windowOpened(endMs, id); // complete mode emits again when a window past the watermark gets a new row
            }
        }
        layout.accumulate(values, acc, record);
        stateGauges.rowUpdated();
        if (dirtyFlag != 0)
        {
            if (table.capacity() != capacityBefore)
            {
                untracked = true; // the growth moved the rows tracked so far
            }
            else if (values.getLong(offset) == 0 && !untracked)
            {
                track(id, offset);
            }
            values.putLong(offset, dirtyFlagOf(record.ingestTimeNs())); // micro-batch UPDATE: emitted at the epoch end
        }
        else if (mode == OutputMode.UPDATE)
        {
            emit(startMs, endMs, key, 0, values, acc, record.ingestTimeNs());
        }
    }

    private void track(final long id, final int offset)
    {
        final int n = tracked;
        if (n == MAX_TRACKED_ROWS)
        {
            untracked = true;
            return;
        }
        trackedIds[n] = id;
        trackedOffsets[n] = offset;
        tracked = n + 1;
    }

    private OffHeapHashTable tableFor(final long id, final long endMs)
    {
        final int c = (int)id & (CACHE_SIZE - 1);
        OffHeapHashTable table = cachedTables[c];
        if (table != null && cachedIds[c] == id)
        {
            return table;
        }
        table = openWindows.get(id);
        if (table == null)
        {
            table = pooled > 0 ? pool[--pooled] : newTable(stateKeyLengthBytes, stateValueLengthBytes,
                INITIAL_TABLE_CAPACITY);
            openWindows.put(id, table);
            if (mode == OutputMode.COMPLETE)
            {
                openedOrder.addLong(id);
            }
            windowOpened(endMs, id);
        }
        cachedIds[c] = id;
        cachedTables[c] = table;
        return table;
    }

    @Override
    void closeWindow(final long endMs, final long id, final boolean emit)
    {
        untracked = true; // draining its table moves and removes rows
        final OffHeapHashTable table = openWindows.remove(id);
        if (table == null)
        {
            return;
        }
        final int c = (int)id & (CACHE_SIZE - 1);
        if (cachedTables[c] == table)
        {
            cachedTables[c] = null;
        }
        closing = table;
        closingEmits = emit;
        rowEmitter.startMs = windowStart(id);
        rowEmitter.endMs = endMs;
    }

    @Override
    boolean closingInProgress()
    {
        return closing != null;
    }

    @Override
    int continueClosing(final int budgetUnits)
    {
        final OffHeapHashTable table = closing;
        final int used = table.drainStep(closingEmits ? rowEmitter : null, budgetUnits, ROW_COST_UNITS);
        if (!table.isDraining())
        {
            closing = null;
            if (pooled == pool.length)
            {
                pool = java.util.Arrays.copyOf(pool, pooled * 2);
            }
            pool[pooled++] = table;
        }
        return used;
    }

    /** @return start of window {@code id}, saturated as in {@link #onRecord}. */
    private long windowStart(final long id)
    {
        final long slide = spec.slideMs;
        return id >= Long.MIN_VALUE / slide ? id * slide : Long.MIN_VALUE; // MIN / slide rounds towards zero
    }

    /** @return end of window {@code id}, saturated as in {@link #onRecord}. */
    private long windowEnd(final long id)
    {
        final long slide = spec.slideMs;
        if (id >= Long.MIN_VALUE / slide)
        {
            return saturatedAdd(id * slide, spec.sizeMs);
        }
        return (id + 1) * slide + (spec.sizeMs - slide); // the start is below MIN, (id + 1) * slide is not
    }

    @Override
    void emitDirty()
    {
        // window id order: the id map's iteration order is not restored by a checkpoint, window ids are
        long[] ids = dirtyIds;
        int n = 0;
        for (final Long2ObjectHashMap<OffHeapHashTable>.KeyIterator it = openWindows.keySet().iterator();
            it.hasNext(); )
        {
            if (n == ids.length)
            {
                ids = dirtyIds = java.util.Arrays.copyOf(ids, n * 2);
            }
            ids[n++] = it.nextLong();
        }
        java.util.Arrays.sort(ids, 0, n);
        for (int i = 0; i < n; i++)
        {
            final long id = ids[i];
            dirtyEmitter.startMs = windowStart(id);
            dirtyEmitter.endMs = windowEnd(id);
            if (untracked)
            {
                openWindows.get(id).forEach(dirtyEmitter);
            }
            else
            {
                emitTracked(id, openWindows.get(id));
            }
        }
        trackedEpochs += untracked ? 0 : 1;
        tracked = 0;
        untracked = false;
    }

    /** The rows of window {@code id} changed in this epoch, in table order (as {@code forEach} visits them). */
    private void emitTracked(final long id, final OffHeapHashTable table)
    {
        final int[] offsets = offsetScratch; // as long as the tracked lists: a window's share always fits
        int m = 0;
        for (int j = 0, n = tracked; j < n; j++)
        {
            if (trackedIds[j] == id)
            {
                offsets[m++] = trackedOffsets[j];
            }
        }
        java.util.Arrays.sort(offsets, 0, m);
        final UnsafeBuffer buffer = table.valueBuffer();
        for (int j = 0; j < m; j++)
        {
            dirtyEmitter.accept(buffer, table.keyOffsetOf(offsets[j]), offsets[j]);
        }
    }

    @Override
    void emitAll()
    {
        final LongArrayList ids = openedOrder;
        for (int i = 0, n = ids.size(); i < n; i++)
        {
            final long id = ids.getLong(i);
            rowEmitter.startMs = windowStart(id);
            rowEmitter.endMs = windowEnd(id);
            openWindows.get(id).forEach(rowEmitter);
        }
    }

    /** @return open, closing and pooled tables in the middle of a growth or migration (tests). */
    int resizingTables()
    {
        int resizing = closing != null && closing.isResizing() ? 1 : 0;
        for (final OffHeapHashTable table : openWindows.values())
        {
            resizing += table.isResizing() ? 1 : 0;
        }
        return resizing;
    }

    @Override
    void snapshotWindows(final SnapshotWriter out)
    {
        out.putInt(openWindows.size());
        if (mode == OutputMode.COMPLETE)
        {
            final LongArrayList ids = openedOrder;
            for (int i = 0, n = ids.size(); i < n; i++)
            {
                final long id = ids.getLong(i);
                out.putLong(id);
                openWindows.get(id).snapshotTo(out);
            }
        }
        else
        {
            // iteration order is irrelevant here: the map is only looked up; rows fire in timer order
            for (final Long2ObjectHashMap<OffHeapHashTable>.EntryIterator it = openWindows.entrySet().iterator();
                it.hasNext(); )
            {
                it.next();
                out.putLong(it.getLongKey());
                it.getValue().snapshotTo(out);
            }
        }
        out.putBoolean(closing != null);
        if (closing != null)
        {
            out.putBoolean(closingEmits).putLong(rowEmitter.startMs).putLong(rowEmitter.endMs);
            closing.snapshotTo(out);
        }
        out.putInt(pooled);
        for (int i = 0; i < pooled; i++)
        {
            pool[i].snapshotTo(out);
        }
    }

    @Override
    void restoreWindows(final SnapshotReader in)
    {
        close(); // frees what this operator held (a fresh one holds nothing)
        java.util.Arrays.fill(cachedTables, null);
        tracked = 0;
        untracked = true; // rows a snapshot taken inside an epoch marked are found by the scan
        final int windows = in.getInt();
        in.expect("open windows (non-negative)", Math.max(0, windows), windows);
        for (int i = 0; i < windows; i++)
        {
            final long id = in.getLong();
            if (openWindows.put(id, restoreTable(in)) != null)
            {
                in.expect("occurrences of window id " + id, 1, 2);
            }
            if (mode == OutputMode.COMPLETE)
            {
                openedOrder.addLong(id);
            }
        }
        if (in.getBoolean())
        {
            closingEmits = in.getBoolean();
            rowEmitter.startMs = in.getLong();
            rowEmitter.endMs = in.getLong();
            closing = restoreTable(in);
        }
        final int pooledTables = in.getInt();
        in.expect("pooled tables (non-negative)", Math.max(0, pooledTables), pooledTables);
        for (int i = 0; i < pooledTables; i++)
        {
            if (pooled == pool.length)
            {
                pool = java.util.Arrays.copyOf(pool, pooled * 2);
            }
            pool[pooled++] = restoreTable(in);
        }
    }

    private OffHeapHashTable restoreTable(final SnapshotReader in)
    {
        final OffHeapHashTable table = newTable(stateKeyLengthBytes, stateValueLengthBytes, 1);
        try
        {
            table.restoreFrom(in);
        }
        catch (final RuntimeException ex)
        {
            table.close();
            throw ex;
        }
        return table;
    }

    @Override
    void publishStateGauges()
    {
        long rows = 0;
        long bytes = 0;
        if (closing != null)
        {
            rows += closing.size();
            bytes += closing.memoryBytes();
        }
        for (final OffHeapHashTable table : openWindows.values()) // Agrona reuses the iterator: no allocation
        {
            rows += table.size();
            bytes += table.memoryBytes();
        }
        for (int i = 0; i < pooled; i++)
        {
            bytes += pool[i].memoryBytes();
        }
        stateGauges.publish(rows, bytes);
    }

    @Override
    public void close()
    {
        hinted = 0;
        java.util.Arrays.fill(cachedTables, null); // a late hint then finds no table rather than a closed one
        if (closing != null)
        {
            closing.close();
            closing = null;
        }
        for (final OffHeapHashTable table : openWindows.values())
        {
            table.close();
        }
        openWindows.clear();
        openedOrder.clear();
        for (int i = 0; i < pooled; i++)
        {
            pool[i].close();
        }
        pooled = 0;
        stateGauges.publish(0, 0);
    }

    private final class RowEmitter implements OffHeapHashTable.EntryConsumer
    {
        long startMs;
        long endMs;

        @Override
        public void accept(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            emit(startMs, endMs, buffer, keyOffset, buffer, valueOffset + dirtyFlagBytes, fireTimeNs);
        }
    }

    /**
     * Micro-batch UPDATE: emits an entry changed since the last epoch, stamped with the ingest time of its last
     * change (its dirty flag), and clears the flag.
     */
    private final class DirtyRowEmitter implements OffHeapHashTable.EntryConsumer
    {
        long startMs;
        long endMs;

        @Override
        public void accept(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            final long changedIngestTimeNs = buffer.getLong(valueOffset);
            if (changedIngestTimeNs != 0)
            {
                buffer.putLong(valueOffset, 0L);
                emit(startMs, endMs, buffer, keyOffset, buffer, valueOffset + DIRTY_FLAG_BYTES, changedIngestTimeNs);
            }
        }
    }
}
