package io.rivulet.operators.window;

import io.rivulet.operators.Output;
import io.rivulet.operators.state.OffHeapHashTable;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keyed session windows: a record opens [ts, ts + gap) and merges with every open session of its key that it
 * intersects (touching counts, as in Flink), so out-of-order records can bridge two sessions into one.
 * <pre>
 *   state key: [group key bytes]
 *   state value: [open sessions n:8] then MAX_OPEN_SESSIONS x ( [start:8][end:8][accumulators] )
 * </pre>
 * A key holds at most {@value #MAX_OPEN_SESSIONS} open sessions at once; more means records are out of order
 * by many gaps beyond the watermark, and fails the pipeline with a clear message rather than merging wrongly.
 * When merging, first/last follow the sessions' start order.
 */
final class SessionAggregateOperator extends EventTimeAggregateOperator
{
    /** Open sessions one key may hold at once. */
    static final int MAX_OPEN_SESSIONS = 16;

    private static final int HEADER = 8;
    private final int slotLength;
    private final ClosedSweep closedSweep = new ClosedSweep();
    private final AllEmitter allEmitter = new AllEmitter();

    SessionAggregateOperator(final Schema input, final WindowSpec spec, final String[] keyColumns,
        final Aggregate[] aggregates, final OutputMode mode, final long allowedLatenessMs, final Output lateOutput)
    {
        super("session", input, spec, keyColumns, aggregates, mode, allowedLatenessMs, lateOutput, 0, HEADER,
            MAX_OPEN_SESSIONS, 16);
        slotLength = 16 + layout.accumulatorLengthBytes();
    }

    private int slot(final int valueOffset, final int index)
    {
        return valueOffset + HEADER + index * slotLength;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final long ts = record.getLong(timeField);
        final long newStart = ts;
        final long newEnd = saturatedAdd(ts, spec.sizeMs);
        final UnsafeBuffer key = keyScratch;
        layout.copyKey(record, key, 0);
        final OffHeapHashTable table = this.table;
        final int value = table.getOrInsert(key, 0);
        final UnsafeBuffer buffer = table.valueBuffer();
        if (table.wasInserted())
        {
            buffer.putLong(value, 0);
        }
        int n = (int)buffer.getLong(value);

        int target = -1;
        for (int i = 0; i < n && target < 0; i++)
        {
            if (intersects(buffer, slot(value, i), newStart, newEnd))
            {
                target = i;
            }
        }

        if (target < 0)
        {
            if (isClosed(newEnd))
            {
                if (n == 0)
                {
                    table.remove(key, 0);
                }
                late(record);
                return;
            }
            if (n == MAX_OPEN_SESSIONS)
            {
                throw new IllegalStateException("Session window " + spec + ": a key has more than " +
                    MAX_OPEN_SESSIONS + " open sessions; records are out of order by more than the watermark " +
                    "delay allows - raise the gap or lower the watermark delay");
            }
            final int s = slot(value, n);
            buffer.putLong(s, newStart);
            buffer.putLong(s + 8, newEnd);
            layout.init(buffer, s + 16);
            layout.accumulate(buffer, s + 16, record);
            buffer.putLong(value, n + 1);
            windowOpened(newEnd);
            if (mode == OutputMode.UPDATE)
            {
                emit(newStart, newEnd, key, 0, buffer, s + 16, record.ingestTimeNs());
            }
            return;
        }

        final int t = slot(value, target);
        long hullStart = Math.min(buffer.getLong(t), newStart);
        long hullEnd = Math.max(buffer.getLong(t + 8), newEnd);
        final long oldEnd = buffer.getLong(t + 8);
        // later intersecting sessions fold into the target; the last slot fills each hole (already visited)
        for (int i = n - 1; i > target; i--)
        {
            final int s = slot(value, i);
            if (intersects(buffer, s, newStart, newEnd))
            {
                final long start = buffer.getLong(s);
                hullStart = Math.min(hullStart, start);
                hullEnd = Math.max(hullEnd, buffer.getLong(s + 8));
                layout.merge(buffer, t + 16, buffer, s + 16, start < buffer.getLong(t));
                final int last = slot(value, n - 1);
                if (s != last)
                {
                    buffer.putBytes(s, buffer, last, slotLength);
                }
                n--;
            }
        }
        buffer.putLong(t, hullStart);
        buffer.putLong(t + 8, hullEnd);
        buffer.putLong(value, n);
        layout.accumulate(buffer, t + 16, record);
        if (hullEnd != oldEnd)
        {
            windowOpened(hullEnd);
        }
        if (mode == OutputMode.UPDATE)
        {
            emit(hullStart, hullEnd, key, 0, buffer, t + 16, record.ingestTimeNs());
        }
    }

    private static boolean intersects(final UnsafeBuffer buffer, final int slot, final long start, final long end)
    {
        return buffer.getLong(slot) <= end && buffer.getLong(slot + 8) >= start;
    }

    @Override
    void sweepClosed(final boolean emit)
    {
        closedSweep.emit = emit;
        table.removeIf(closedSweep);
    }

    @Override
    void emitAll()
    {
        table.forEach(allEmitter);
    }

    private final class ClosedSweep implements OffHeapHashTable.EntryPredicate
    {
        boolean emit;

        @Override
        public boolean test(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            int n = (int)buffer.getLong(valueOffset);
            for (int i = n - 1; i >= 0; i--)
            {
                final int s = slot(valueOffset, i);
                final long end = buffer.getLong(s + 8);
                if (end <= firedUpToEndMs)
                {
                    if (emit)
                    {
                        emit(buffer.getLong(s), end, buffer, keyOffset, buffer, s + 16, fireTimeNs);
                    }
                    final int last = slot(valueOffset, n - 1);
                    if (s != last)
                    {
                        buffer.putBytes(s, buffer, last, slotLength);
                    }
                    n--;
                }
            }
            buffer.putLong(valueOffset, n);
            return n == 0;
        }
    }

    private final class AllEmitter implements OffHeapHashTable.EntryConsumer
    {
        @Override
        public void accept(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            final int n = (int)buffer.getLong(valueOffset);
            for (int i = 0; i < n; i++)
            {
                final int s = slot(valueOffset, i);
                emit(buffer.getLong(s), buffer.getLong(s + 8), buffer, keyOffset, buffer, s + 16, fireTimeNs);
            }
        }
    }
}
