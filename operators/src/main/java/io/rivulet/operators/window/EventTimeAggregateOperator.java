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
 * What window and session aggregation share: the layout of the off-heap keyed state, a queue of pending window
 * ends, the watermark, late-record handling and output-mode-driven firing.
 * <p>
 * A window [start, end) closes when {@code watermark >= end - 1 + allowedLateness}, computed with saturating
 * arithmetic (as Flink's cleanup time): a lateness of {@code Long.MAX_VALUE} means "never drop", and windows at
 * the ends of the {@code long} range neither wrap nor fire early. Each closing window is one timer of
 * {@code (end, window id)}; when the watermark passes it, the subclass emits (append) or drops (update) that
 * window's state only, so firing costs what fires, never a sweep of all state. Complete mode emits the whole
 * state instead and never drops. End of stream closes every window. A fired row's ingest time is the time it
 * fired, so the sink's latency histogram measures firing to sink for window rows. Allocation-free in steady
 * state: tables and the timer queue allocate only when they grow.
 */
abstract class EventTimeAggregateOperator extends Operator
{
    final WindowSpec spec;
    final GroupLayout layout;
    final LongField timeField;
    final OutputMode mode;
    final long allowedLatenessMs;
    final int stateKeyLengthBytes;
    final int stateValueLengthBytes;
    final UnsafeBuffer keyScratch;
    final RecordFlyweight row;
    long watermarkMs = Long.MIN_VALUE;
    long fireTimeNs;

    private final Output lateOutput;
    private final String description;
    private final TimerQueue windowEnds = new TimerQueue();
    private final AtomicLong lateDropped = new AtomicLong();
    private final TimerHandler onWindowEnd = this::onWindowEnd;

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
        this.stateKeyLengthBytes = keyLength;
        this.stateValueLengthBytes = valueHeader + slots * (slotHeader + layout.accumulatorLengthBytes());
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

    /**
     * @param initialCapacity entries before the first growth.
     * @return a new state table of this operator's key and value widths; the caller closes it.
     */
    final OffHeapHashTable newTable(final int keyLengthBytes, final int valueLengthBytes, final int initialCapacity)
    {
        return new OffHeapHashTable(keyLengthBytes, valueLengthBytes, initialCapacity, 0.75f);
    }

    /**
     * @return true if a window ending at {@code endMs} (> {@code Long.MIN_VALUE}) has closed (always false in
     * complete mode).
     */
    final boolean isClosed(final long endMs)
    {
        return mode != OutputMode.COMPLETE && watermarkMs != Long.MIN_VALUE &&
            saturatedAdd(endMs - 1, allowedLatenessMs) <= watermarkMs;
    }

    /**
     * Queues the firing of a window that now holds state: {@link #closeWindow} runs once the watermark closes it.
     *
     * @param endMs    the window's end.
     * @param windowId identifies the window among those ending at the same time.
     */
    final void windowOpened(final long endMs, final long windowId)
    {
        windowEnds.register(endMs, windowId);
    }

    /** Takes back a {@link #windowOpened} registration (e.g. a session whose end moved). */
    final void windowMoved(final long endMs, final long windowId)
    {
        windowEnds.delete(endMs, windowId);
    }

    final void late(final RecordFlyweight record)
    {
        if (lateOutput != null)
        {
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
        final long limitEndMs = closedEndLimit(watermarkMs, allowedLatenessMs);
        if (windowEnds.isEmpty() || windowEnds.peekTimestamp() > limitEndMs)
        {
            return false;
        }
        fireTimeNs = System.nanoTime();
        windowEnds.advanceTo(limitEndMs, onWindowEnd);
        if (mode == OutputMode.COMPLETE)
        {
            emitAll();
        }
        return true;
    }

    /**
     * @return the largest window end closed at this watermark: {@code end - 1 + lateness <= watermark} exactly
     * as {@link #isClosed} decides it, without overflow ({@code Long.MIN_VALUE} when nothing can be closed).
     */
    static long closedEndLimit(final long watermarkMs, final long allowedLatenessMs)
    {
        if (watermarkMs == Long.MAX_VALUE)
        {
            return Long.MAX_VALUE; // end of stream closes everything, whatever the lateness
        }
        final long bound = watermarkMs - allowedLatenessMs; // lateness >= 0: only underflow is possible
        if (bound > watermarkMs)
        {
            return Long.MIN_VALUE;
        }
        return saturatedAdd(bound, 1);
    }

    private void onWindowEnd(final long endMs, final long windowId)
    {
        if (mode != OutputMode.COMPLETE)
        {
            closeWindow(endMs, windowId, mode == OutputMode.APPEND);
        }
    }

    /** Emits (if asked) and removes the state of one closed window. */
    abstract void closeWindow(long endMs, long windowId, boolean emit);

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

    @Override
    public final String describe()
    {
        return description;
    }
}
