package io.rivulet.operators.join;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.operators.internal.state.OffHeapHashTable;
import io.rivulet.operators.internal.state.OperatorSnapshotHeader;
import io.rivulet.operators.internal.state.StateGauges;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drops records whose key was seen recently, with state bounded by the watermark (Spark's
 * {@code dropDuplicatesWithinWatermark}).
 * <pre>
 *   state (off-heap):  key bytes  -&gt;  expiry (epoch ms) = event time of the key's first passed record + horizon
 * </pre>
 * A record passes if its key is not remembered, and its key is then remembered until the watermark reaches its
 * expiry ({@code watermark >= expiry}: no record with event time up to the expiry is still expected). Records
 * of a remembered key are dropped and counted. "First" is first to arrive, not smallest event time.
 * <p>
 * <b>Late records</b> ({@code ts <= watermark}) are taken out before the state is looked at, as Spark's
 * {@code dropDuplicatesWithinWatermark} does: a late record never passes (its key may have been forgotten
 * already, so it cannot be told from a duplicate) and never suppresses a later on-time record of its key. It goes
 * to the late-data output if one is set ({@link #lateRecordsRouted()}), else it is dropped and counted
 * ({@link #lateRecordsDropped()}).
 * <p>
 * Expiry is exact at lookup time: an entry whose expiry the watermark has reached counts as absent even before
 * it is swept. Sweeping is only garbage collection, so one starts only when the watermark has passed the
 * earliest pending expiry <b>and</b> at least capacity/8 keys were inserted since the last sweep: at most 8 slot
 * visits per inserted key amortised. A sweep runs in steps of {@link #SWEEP_STEP_SLOTS} slots, one per
 * watermark ({@link OffHeapHashTable#removeIfStep}), so no call pauses for a whole table. Allocation-free per record and per watermark; the table allocates only when it grows.
 * <p>
 * Checkpointed state: the table byte for byte (with a growth or a sweep in progress), the watermark, and the
 * sweep's bookkeeping (cursor, insert count, earliest expiries), so a restored operator passes, drops and
 * sweeps exactly as the uninterrupted one. The metric counters start from zero in a restored operator.
 */
final class DeduplicateOperator extends Operator
{
    private static final int INITIAL_CAPACITY = 1024;
    private static final int SWEEP_CAPACITY_SHIFT = 3;
    /** Slots one watermark's sweep step looks at: tens of microseconds. */
    static final int SWEEP_STEP_SLOTS = 16 * 1024;

    private final Schema schema;
    private final LongField timeField;
    private final KeyColumns keys;
    private final long horizonMs;
    private OffHeapHashTable table;
    private final UnsafeBuffer keyScratch;
    private final ExpirySweep expirySweep = new ExpirySweep();
    private final AtomicLong duplicatesDropped = new AtomicLong();
    private final AtomicLong lateDropped = new AtomicLong();
    private final AtomicLong lateRouted = new AtomicLong();
    private final StateGauges stateGauges = new StateGauges();
    private final Output lateOutput;
    private final String description;
    private final OperatorSnapshotHeader snapshotHeader;

    private long watermarkMs = Long.MIN_VALUE;
    private long earliestExpiryMs = Long.MAX_VALUE;
    private int insertsSinceSweep;
    private int sweepCursor = -1; // -1: no sweep in progress
    private long earliestSinceSweepStartMs = Long.MAX_VALUE;

    DeduplicateOperator(final Schema input, final String timeColumn, final long horizonMs, final String[] keyColumns)
    {
        this(input, timeColumn, horizonMs, keyColumns, null);
    }

    /**
     * @param lateOutput receives records at or behind the watermark, or null to drop and count them.
     */
    DeduplicateOperator(final Schema input, final String timeColumn, final long horizonMs, final String[] keyColumns,
        final Output lateOutput)
    {
        if (input == null)
        {
            throw new SchemaException("dropDuplicates input schema is null");
        }
        if (horizonMs < 0)
        {
            throw new SchemaException("dropDuplicates horizon must be >= 0 ms, got " + horizonMs);
        }
        this.schema = input;
        this.timeField = KeyColumns.timeField("dropDuplicates", input, timeColumn);
        this.keys = new KeyColumns("dropDuplicates", input, keyColumns);
        this.horizonMs = horizonMs;
        this.lateOutput = lateOutput;
        this.keyScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned((keys.lengthBytes() + 63) & ~63, 64));
        this.description = "dropDuplicates keys=" + Arrays.toString(keyColumns) + " time=" + timeColumn +
            " horizon=" + horizonMs + "ms" + (lateOutput != null ? " lateData" : "");
        this.snapshotHeader = new OperatorSnapshotHeader(1, description + " input=" + input);
    }

    @Override
    public Schema outputSchema()
    {
        return schema;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final long timeMs = record.getLong(timeField);
        if (timeMs <= watermarkMs)
        {
            late(record);
            return;
        }
        final UnsafeBuffer key = keyScratch;
        keys.pack(record, key, 0);
        final OffHeapHashTable table = this.table;
        final int offset = table.getOrInsert(key, 0);
        final UnsafeBuffer values = table.valueBuffer();
        final boolean inserted = table.wasInserted();
        if (!inserted && values.getLong(offset) > watermarkMs)
        {
            duplicatesDropped.lazySet(duplicatesDropped.get() + 1);
            return;
        }
        // new key, or a remembered one whose expiry the watermark reached but no sweep removed yet
        final long expiryMs = KeyColumns.saturatedAdd(timeMs, horizonMs);
        values.putLong(offset, expiryMs);
        stateGauges.rowUpdated();
        if (inserted)
        {
            insertsSinceSweep++;
        }
        if (expiryMs < earliestExpiryMs)
        {
            earliestExpiryMs = expiryMs;
        }
        if (expiryMs < earliestSinceSweepStartMs)
        {
            earliestSinceSweepStartMs = expiryMs;
        }
        output().onRecord(record);
    }

    private void late(final RecordFlyweight record)
    {
        if (lateOutput != null)
        {
            lateRouted.lazySet(lateRouted.get() + 1);
            lateOutput.onRecord(record);
        }
        else
        {
            lateDropped.lazySet(lateDropped.get() + 1);
        }
    }

    @Override
    public void onEndOfStream()
    {
        stateGauges.publish(table.size(), table.memoryBytes());
        if (lateOutput != null)
        {
            lateOutput.onEndOfStream();
        }
        output().onEndOfStream();
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        if (watermarkMs > this.watermarkMs)
        {
            this.watermarkMs = watermarkMs;
            if (sweepCursor < 0 && earliestExpiryMs <= watermarkMs &&
                insertsSinceSweep >= table.capacity() >>> SWEEP_CAPACITY_SHIFT)
            {
                sweepCursor = 0;
                expirySweep.earliestRemainingMs = Long.MAX_VALUE;
                earliestSinceSweepStartMs = Long.MAX_VALUE;
                insertsSinceSweep = 0;
            }
            if (sweepCursor >= 0)
            {
                sweepStep(watermarkMs);
            }
        }
        output().onWatermark(watermarkMs);
    }

    private void sweepStep(final long watermarkMs)
    {
        final ExpirySweep sweep = expirySweep;
        sweep.watermarkMs = watermarkMs;
        sweepCursor = table.removeIfStep(sweep, sweepCursor, SWEEP_STEP_SLOTS);
        if (sweepCursor >= table.capacity())
        {
            // what was left behind the cursor, or inserted since the sweep started
            earliestExpiryMs = Math.min(sweep.earliestRemainingMs, earliestSinceSweepStartMs);
            sweepCursor = -1;
        }
    }

    /**
     * @return records dropped because their key was remembered. Read from any thread; approximate while running.
     */
    @Override
    public long duplicatesDropped()
    {
        return duplicatesDropped.get();
    }

    @Override
    public long lateRecordsDropped()
    {
        return lateDropped.get();
    }

    @Override
    public long lateRecordsRouted()
    {
        return lateRouted.get();
    }

    @Override
    public void onProcessingTime(final long nowMs)
    {
        stateGauges.publish(table.size(), table.memoryBytes());
        output().onProcessingTime(nowMs);
    }

    @Override
    protected final StateGauges stateGauges()
    {
        return stateGauges;
    }

    /**
     * @return keys held in state, including expired ones not yet swept.
     */
    int stateSize()
    {
        return table.size();
    }

    /** @return true while an expiry sweep is part-way through the table (tests: cut points mid-sweep). */
    boolean sweeping()
    {
        return sweepCursor >= 0;
    }

    /** @return true while the state table is part-way through a growth (tests: cut points mid-growth). */
    boolean stateResizing()
    {
        return table.isResizing();
    }

    /**
     * @return off-heap bytes held by the state table.
     */
    long stateMemoryBytes()
    {
        return table == null ? 0 : table.memoryBytes();
    }

    /** Allocates the state table here, not in the constructor: only an opened operator holds native memory. */
    @Override
    public void open(final Output output)
    {
        super.open(output);
        if (table == null)
        {
            table = new OffHeapHashTable(keys.lengthBytes(), 8, INITIAL_CAPACITY, 0.6f);
        }
        stateGauges.publish(table.size(), table.memoryBytes());
    }

    @Override
    public boolean isStateful()
    {
        return true;
    }

    @Override
    public void snapshotState(final SnapshotWriter out)
    {
        snapshotHeader.write(out);
        out.putLong(watermarkMs)
            .putLong(earliestExpiryMs)
            .putInt(insertsSinceSweep)
            .putInt(sweepCursor)
            .putLong(earliestSinceSweepStartMs)
            .putLong(expirySweep.earliestRemainingMs);
        table.snapshotTo(out);
    }

    @Override
    public void restoreState(final SnapshotReader in)
    {
        snapshotHeader.read(in);
        watermarkMs = in.getLong();
        earliestExpiryMs = in.getLong();
        insertsSinceSweep = in.getInt();
        sweepCursor = in.getInt();
        earliestSinceSweepStartMs = in.getLong();
        expirySweep.earliestRemainingMs = in.getLong();
        table.restoreFrom(in);
        in.expectEnd();
    }

    @Override
    public void close()
    {
        if (table != null)
        {
            table.close();
        }
        stateGauges.publish(0, 0);
    }

    @Override
    public String describe()
    {
        return description;
    }

    /** Removes entries whose expiry the watermark reached; remembers the earliest expiry left. Reused. */
    private static final class ExpirySweep implements OffHeapHashTable.EntryPredicate
    {
        long watermarkMs;
        long earliestRemainingMs;

        @Override
        public boolean test(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            final long expiryMs = buffer.getLong(valueOffset);
            if (expiryMs <= watermarkMs)
            {
                return true;
            }
            if (expiryMs < earliestRemainingMs)
            {
                earliestRemainingMs = expiryMs;
            }
            return false;
        }
    }
}
