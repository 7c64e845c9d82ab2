package io.rivulet.operators.window;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.operators.state.OffHeapHashTable;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.watermark.TimerHandler;
import io.rivulet.watermark.TimerQueue;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What window and session aggregation share: off-heap keyed state, a queue of pending window ends, the
 * watermark, late-record handling and output-mode-driven firing.
 * <p>
 * A window [start, end) closes when {@code watermark >= end - 1 + allowedLateness}. When the watermark closes
 * windows, one sweep of the table emits (append) or drops (update) their entries; complete mode emits the whole
 * table instead and never drops. End of stream closes every window. A fired row's ingest time is the time it
 * fired, so the sink's latency histogram measures firing to sink for window rows. Allocation-free in steady
 * state: the table and the timer queue allocate only when they grow.
 */
abstract class EventTimeAggregateOperator extends Operator
{
    final WindowSpec spec;
    final GroupLayout layout;
    final LongField timeField;
    final OutputMode mode;
    final long allowedLatenessMs;
    OffHeapHashTable table;
    private final int keyLengthBytes;
    private final int valueLengthBytes;
    final UnsafeBuffer keyScratch;
    final RecordFlyweight row;
    long watermarkMs = Long.MIN_VALUE;
    long firedUpToEndMs;
    long fireTimeNs;
    private long lastOpenedEndMs = Long.MIN_VALUE;

    private final Output lateOutput;
    private final String description;
    private final TimerQueue windowEnds = new TimerQueue();
    private final AtomicLong lateDropped = new AtomicLong();
    private final AtomicLong lateRouted = new AtomicLong();
    private final TimerHandler onWindowEnd = (endMs, ignored) -> firedUpToEndMs = endMs;

    /**
     * @param keyPrefixBytes bytes the subclass puts before the group key in the state key.
     * @param valueHeader    bytes at the start of each state value.
     * @param slots          accumulator slots per state value.
     * @param slotHeader     bytes before each slot's accumulators.
     */
    EventTimeAggregateOperator(final String kind, final Schema input, final WindowSpec spec,
        final String[] keyColumns, final Aggregate[] aggregates, final OutputMode mode, final long allowedLatenessMs,
        final Output lateOutput, final int keyPrefixBytes, final int valueHeader, final int slots,
        final int slotHeader)
    {
        if (mode == null)
        {
            throw new io.rivulet.ringbuffer.SchemaException("Output mode is null; use APPEND, UPDATE or COMPLETE");
        }
        if (allowedLatenessMs < 0)
        {
            throw new io.rivulet.ringbuffer.SchemaException("Allowed lateness must be >= 0 ms, got " +
                allowedLatenessMs);
        }
        this.spec = spec;
        this.layout = new GroupLayout(input, keyColumns, aggregates);
        this.timeField = spec.bindTimeField(input);
        this.mode = mode;
        this.allowedLatenessMs = allowedLatenessMs;
        this.lateOutput = lateOutput;
        final int keyLength = Math.max(1, keyPrefixBytes + layout.keyLengthBytes());
        this.keyLengthBytes = keyLength;
        this.valueLengthBytes = valueHeader + slots * (slotHeader + layout.accumulatorLengthBytes());
        this.keyScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned((keyLength + 63) & ~63, 64));
        final Schema out = layout.outputSchema();
        this.row = new RecordFlyweight(out).wrap(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(Math.max(8, out.recordLengthBytes()), 8)), 0);
        this.description = kind + " " + spec + " " + layout.describe(keyColumns, aggregates) + " mode=" + mode +
            (allowedLatenessMs > 0 ? " lateness=" + allowedLatenessMs + "ms" : "");
    }

    @Override
    public final Schema outputSchema()
    {
        return layout.outputSchema();
    }

    /** @return true if a window ending at {@code endMs} has closed (always false in complete mode). */
    final boolean isClosed(final long endMs)
    {
        return mode != OutputMode.COMPLETE && watermarkMs != Long.MIN_VALUE &&
            endMs - 1 + allowedLatenessMs <= watermarkMs;
    }

    /** Remembers that a window ending at {@code endMs} holds state, so the watermark will fire it. */
    final void windowOpened(final long endMs)
    {
        // most new entries belong to the window the previous one opened: skip the timer queue's lookup then
        if (endMs != lastOpenedEndMs)
        {
            windowEnds.register(endMs, 0);
            lastOpenedEndMs = endMs;
        }
    }

    final void late(final RecordFlyweight record)
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

    final void emit(final long startMs, final long endMs, final UnsafeBuffer keyBuffer, final int groupKeyOffset,
        final UnsafeBuffer accBuffer, final int accOffset, final long ingestTimeNs)
    {
        row.ingestTimeNs(ingestTimeNs);
        layout.writeRow(row, startMs, endMs, keyBuffer, groupKeyOffset, accBuffer, accOffset);
        output().onRecord(row);
    }

    @Override
    public final void onWatermark(final long watermarkMs)
    {
        if (watermarkMs > this.watermarkMs)
        {
            this.watermarkMs = watermarkMs;
            fire(watermarkMs);
        }
        output().onWatermark(watermarkMs);
    }

    @Override
    public final void onEndOfStream()
    {
        watermarkMs = Long.MAX_VALUE;
        if (!fire(Long.MAX_VALUE) && mode == OutputMode.COMPLETE)
        {
            fireTimeNs = System.nanoTime();
            emitAll(); // the final table, even when no window closed just now
        }
        if (lateOutput != null)
        {
            lateOutput.onEndOfStream();
        }
        output().onEndOfStream();
    }

    /** @return true if windows closed (and so rows may have been emitted). */
    private boolean fire(final long watermarkMs)
    {
        final long limitEndMs = watermarkMs == Long.MAX_VALUE ? Long.MAX_VALUE :
            saturatedAdd(watermarkMs - allowedLatenessMs, 1);
        if (windowEnds.isEmpty() || windowEnds.peekTimestamp() > limitEndMs)
        {
            return false;
        }
        windowEnds.advanceTo(limitEndMs, onWindowEnd);
        lastOpenedEndMs = Long.MIN_VALUE; // its end may just have fired: register it again if reopened
        fireTimeNs = System.nanoTime();
        if (mode == OutputMode.COMPLETE)
        {
            emitAll();
        }
        else
        {
            sweepClosed(mode == OutputMode.APPEND);
        }
        return true;
    }

    /** Emits (if asked) and removes the state of every window ending at or before {@link #firedUpToEndMs}. */
    abstract void sweepClosed(boolean emit);

    /** Emits every row of the state (complete mode). */
    abstract void emitAll();

    static long saturatedAdd(final long a, final long b)
    {
        final long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    @Override
    public final long lateRecordsDropped()
    {
        return lateDropped.get();
    }

    /** Allocates the state table here, not in the constructor: only an opened operator holds native memory. */
    @Override
    public void open(final Output output)
    {
        super.open(output);
        if (table == null)
        {
            table = new OffHeapHashTable(keyLengthBytes, valueLengthBytes, 1024, 0.75f);
        }
    }

    @Override
    public final long lateRecordsRouted()
    {
        return lateRouted.get();
    }

    @Override
    public void close()
    {
        if (table != null)
        {
            table.close();
        }
    }

    @Override
    public final String describe()
    {
        return description;
    }
}
