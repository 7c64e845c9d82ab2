package io.rivulet.operators.window;

import io.rivulet.operators.Output;
import io.rivulet.operators.state.OffHeapHashTable;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keyed tumbling or sliding window aggregation, incremental: each record updates the accumulators of its
 * (window, key) entries in place.
 * <pre>
 *   state key: [window start:8][group key bytes]        state value: [accumulators]
 * </pre>
 */
final class WindowAggregateOperator extends EventTimeAggregateOperator
{
    private final ClosedSweep closedSweep = new ClosedSweep();
    private final AllEmitter allEmitter = new AllEmitter();

    WindowAggregateOperator(final Schema input, final WindowSpec spec, final String[] keyColumns,
        final Aggregate[] aggregates, final OutputMode mode, final long allowedLatenessMs, final Output lateOutput)
    {
        super("window", input, spec, keyColumns, aggregates, mode, allowedLatenessMs, lateOutput, 8, 0, 1, 0);
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final long ts = record.getLong(timeField);
        final long size = spec.sizeMs;
        final long slide = spec.slideMs;
        boolean assigned = false;
        for (long start = Math.floorDiv(ts, slide) * slide; start > ts - size; start -= slide)
        {
            final long end = start + size;
            if (!isClosed(end))
            {
                assign(start, end, record);
                assigned = true;
            }
        }
        if (!assigned)
        {
            late(record);
        }
    }

    private void assign(final long startMs, final long endMs, final RecordFlyweight record)
    {
        final UnsafeBuffer key = keyScratch;
        key.putLong(0, startMs);
        layout.copyKey(record, key, 8);
        final OffHeapHashTable table = this.table;
        final int offset = table.getOrInsert(key, 0);
        final UnsafeBuffer values = table.valueBuffer();
        if (table.wasInserted())
        {
            layout.init(values, offset);
            windowOpened(endMs);
        }
        layout.accumulate(values, offset, record);
        if (mode == OutputMode.UPDATE)
        {
            emit(startMs, endMs, key, 8, values, offset, record.ingestTimeNs());
        }
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
            final long start = buffer.getLong(keyOffset);
            final long end = start + spec.sizeMs;
            if (end > firedUpToEndMs)
            {
                return false;
            }
            if (emit)
            {
                emit(start, end, buffer, keyOffset + 8, buffer, valueOffset, fireTimeNs);
            }
            return true;
        }
    }

    private final class AllEmitter implements OffHeapHashTable.EntryConsumer
    {
        @Override
        public void accept(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            final long start = buffer.getLong(keyOffset);
            emit(start, start + spec.sizeMs, buffer, keyOffset + 8, buffer, valueOffset, fireTimeNs);
        }
    }
}
