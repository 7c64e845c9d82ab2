package io.rivulet.operators.window;

import io.rivulet.operators.Operator;
import io.rivulet.operators.OperatorStateException;
import io.rivulet.operators.Output;
import io.rivulet.operators.internal.state.OffHeapHashTable;
import io.rivulet.operators.internal.state.StateGauges;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import io.rivulet.watermark.internal.TimerHandler;
import io.rivulet.watermark.internal.TimerQueue;
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
 * window's state only, so firing costs what fires, never a sweep of all state. That work is done in bounded
 * steps ({@link #FIRE_BUDGET_UNITS}): the watermark does one, and every following record, epoch or stage tick
 * one more until the closed windows are done (all of it at once at end of stream, at an epoch, or on a tick of an
 * idle stage); the watermark is forwarded only then, so downstream still sees every closed window's rows before
 * the watermark that closed it, and no single call pauses the stage for a whole window. Records arriving
 * meanwhile for a closed window are late, exactly as without the delay. Complete mode emits the whole state
 * instead, synchronously, and never drops. End of stream closes every window. A fired row's ingest time is the time it
 * fired, so the sink's latency histogram measures firing to sink for window rows (in micro-batch mode see below).
 * Allocation-free in steady state: tables and the timer queue allocate only when they grow.
 * <p>
 * <b>Checkpoints.</b> Stateful: {@link #snapshotState} writes the watermark, the firing in progress (the held
 * watermark, the closing limit, the window being closed and its drain cursor), the timer queue of window ends
 * and the subclass's tables byte for byte with their layout (a growth or migration in progress included), so a
 * restored operator fed the same input emits the same rows in the same order. The snapshot starts with the
 * operator's definition (a fingerprint of its description and its state widths): one of another pipeline fails
 * to restore with an {@link IllegalStateException} naming the mismatch.
 * <p>
 * <b>Deterministic mode</b> ({@link #requireDeterminism}, exactly-once pipelines): a watermark closes all the
 * windows it closes synchronously, in one step, and forwards itself after their rows. The bounded steps above
 * are abandoned there because where they end depends on things outside the input: a stage tick on an idle stage
 * finishes the firing (ticks come from the wall clock) and an epoch forces it (a checkpoint barrier lands where
 * the wall clock puts it), so the interleaving of fired rows with the update rows of the records that follow
 * would differ between the uninterrupted run and a run restored from a checkpoint and replayed. With firing done
 * in line, no firing is ever pending between calls: {@link #onProcessingTime} and {@link #onEpoch} do no firing
 * work and are output-neutral, and the cost is one longer pause per large window instead of several short ones.
 * <p>
 * <b>Micro-batch mode</b> ({@link #microBatch}, micro-batch triggers): records only update state and a watermark
 * only decides what is late (exactly as in continuous mode); rows leave at the epoch marker, before it: UPDATE
 * emits every entry whose dirty flag (a long before its accumulators, set per update) is set, once, and clears
 * it; then the windows the watermark closed are fired in one step (APPEND emits them, UPDATE drops them) and the
 * held watermark goes on; COMPLETE emits the table if it changed. Epochs of a micro-batch trigger are part of
 * the input (by record count under exactly-once), so this holds in deterministic mode too. Rows keep the time
 * they became due as their ingest time, not the epoch's end, so the sink's latency includes the wait for the
 * epoch: an UPDATE row carries the ingest time of the last record that changed it (the dirty flag holds it, see
 * {@link #dirtyFlagOf}), an APPEND row the time the watermark closed its window (as in continuous mode), a
 * COMPLETE row the epoch's end.
 */
abstract class EventTimeAggregateOperator extends Operator
{
    /**
     * Work (in slot visits) one record, watermark or busy tick may spend closing windows: at ROW_COST_UNITS per
     * emitted row, about 256 rows, tens of microseconds.
     */
    static final int FIRE_BUDGET_UNITS = 4096;
    /** A row emitted (or a window closed) costs as much as this many slot visits. */
    static final int ROW_COST_UNITS = 16;
    /** Width of the dirty flag before the accumulators in micro-batch UPDATE mode (see {@link #dirtyFlagOf}). */
    static final int DIRTY_FLAG_BYTES = 8;
    final WindowSpec spec;
    final GroupLayout layout;
    final LongField timeField;
    final OutputMode mode;
    final long allowedLatenessMs;
    final int stateKeyLengthBytes;
    /** Grows by {@link #DIRTY_FLAG_BYTES} in micro-batch UPDATE mode ({@link #microBatch()}, before open). */
    int stateValueLengthBytes;
    /**
     * Micro-batch UPDATE mode: bytes of the dirty flag (a long, {@link #dirtyFlagOf}: 0 = unchanged since the last
     * epoch, else the ingest time of the last change) that precede a state value's accumulators; 0 otherwise.
     * Snapshots copy table memory, so the flag is checkpointed with it.
     */
    int dirtyFlagBytes;
    /** Set by {@link #microBatch()}: results leave at epoch markers only. */
    boolean microBatch;
    private long rowsUpdatedAtEpoch;
    final UnsafeBuffer keyScratch;
    final RecordFlyweight row;
    long watermarkMs = Long.MIN_VALUE;
    long fireTimeNs;
    /** Windows the watermark closed are still being emitted/dropped; the watermark is held back meanwhile. */
    boolean firePending;
    private boolean holdingWatermark;
    private long heldWatermarkMs;
    private long limitEndMs = Long.MIN_VALUE;
    private long recordsWhileFiring;
    private long recordsAtLastTick;

    private final Output lateOutput;
    private final String description;
    private final TimerQueue windowEnds = new TimerQueue();
    private final AtomicLong lateDropped = new AtomicLong();
    private final AtomicLong lateRouted = new AtomicLong();
    private final TimerHandler onWindowEnd = this::onWindowEnd;
    /** Set by {@link #requireDeterminism()}: fire in line, never spread over ticks or forced by epochs. */
    private boolean deterministic;

    /** Version of the layout {@link #snapshotState} writes; bump it when that layout changes. */
    private static final int SNAPSHOT_VERSION = 1;
    /** For progress reports: entries, updates and bytes of the keyed state. */
    final StateGauges stateGauges = new StateGauges();

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
            lateRouted.lazySet(lateRouted.get() + 1);
            lateOutput.onRecord(record);
        }
        else
        {
            lateDropped.lazySet(lateDropped.get() + 1);
        }
    }

    /**
     * The dirty flag of a state entry a record just changed: nonzero, and read back as the emitted row's ingest
     * time. Any value but 0 means "changed since the last epoch" (a negative {@code nanoTime} included); an ingest
     * time of exactly 0 is stored as 1 ns, the one value that does not read back exactly. The last change wins
     * (not the largest time), as the last row continuous mode emits for the entry carries the last record's time.
     *
     * @param ingestTimeNs the changing record's ingest time.
     */
    static long dirtyFlagOf(final long ingestTimeNs)
    {
        return ingestTimeNs != 0 ? ingestTimeNs : 1L;
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
        discardHints();
        if (watermarkMs > this.watermarkMs)
        {
            this.watermarkMs = watermarkMs;
            if (mode == OutputMode.COMPLETE)
            {
                if (!microBatch)
                {
                    fireComplete(watermarkMs);
                }
                output().onWatermark(watermarkMs);
                return;
            }
            limitEndMs = closedEndLimit(watermarkMs, allowedLatenessMs);
            if (!firePending)
            {
                if (windowEnds.isEmpty() || windowEnds.peekTimestamp() > limitEndMs)
                {
                    output().onWatermark(watermarkMs);
                    return;
                }
                firePending = true;
                fireTimeNs = System.nanoTime();
            }
            holdingWatermark = true;
            heldWatermarkMs = watermarkMs;
            if (!microBatch) // micro-batch: the windows close at the epoch's end, the watermark waits till then
            {
                fireStep(budget());
            }
            return;
        }
        if (!firePending)
        {
            output().onWatermark(watermarkMs);
        }
    }

    /**
     * Called first thing by {@code onRecord} while {@link #firePending}: moves the closing of windows on by one
     * bounded step, so a large firing is spread over the records that follow it rather than one long pause.
     */
    final void continueFiring()
    {
        if (microBatch)
        {
            return; // the firing waits for the epoch marker
        }
        recordsWhileFiring++;
        fireStep(budget());
    }

    /** @return work one call may spend closing windows: all of it in deterministic mode. */
    private int budget()
    {
        return deterministic ? Integer.MAX_VALUE : FIRE_BUDGET_UNITS;
    }

    @Override
    public final void onProcessingTime(final long nowMs)
    {
        discardHints(); // a tick may fire windows: no hint outlives a change of tables
        if (firePending && !deterministic && !microBatch)
        {
            // no record since the last tick: the stage is idle, nothing waits behind the rest of the firing
            fireStep(recordsWhileFiring == recordsAtLastTick ? Integer.MAX_VALUE : FIRE_BUDGET_UNITS);
            recordsAtLastTick = recordsWhileFiring;
        }
        publishStateGauges();
        output().onProcessingTime(nowMs);
    }

    /**
     * Micro-batch APPEND: windows the watermark closed wait for the epoch's end to be emitted (a tick's watermark,
     * no input). UPDATE only drops a closed window there (its changed rows came with input, whose epoch ends
     * anyway) and COMPLETE emits only what input changed: neither holds rows for the clock.
     */
    @Override
    public final boolean holdsRowsForEpoch()
    {
        return microBatch && firePending && mode == OutputMode.APPEND || output().holdsRowsForEpoch();
    }

    @Override
    public final void onEpoch(final long epochId)
    {
        discardHints();
        if (microBatch)
        {
            endEpoch();
        }
        else if (firePending && !deterministic)
        {
            fireStep(Integer.MAX_VALUE); // an epoch boundary sees every window the watermark closed before it
        }
        output().onEpoch(epochId);
    }

    /**
     * Micro-batch: emits what the epoch produced, before its marker goes on. UPDATE: every (window, key) changed
     * since the last epoch, once, with its latest value (first, so a window the watermark closed still shows its
     * last changes), then drops the closed windows; APPEND: the windows the watermark closed; COMPLETE: the whole
     * table if it changed. The watermark held back meanwhile goes on after these rows.
     */
    private void endEpoch()
    {
        // windows a watermark closed keep the time it closed them: their rows have waited for the epoch since then
        if (!firePending)
        {
            fireTimeNs = System.nanoTime();
        }
        try
        {
            if (mode == OutputMode.COMPLETE)
            {
                if (!fireComplete(watermarkMs) && stateGauges.rowsUpdated() != rowsUpdatedAtEpoch)
                {
                    emitAll();
                }
            }
            else if (dirtyFlagBytes != 0)
            {
                emitDirty();
            }
        }
        catch (final OperatorStateException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new OperatorStateException(description + ": emitting the rows of an epoch failed", ex);
        }
        if (firePending)
        {
            fireStep(Integer.MAX_VALUE);
        }
        rowsUpdatedAtEpoch = stateGauges.rowsUpdated();
    }

    /**
     * Micro-batch UPDATE: emits each state entry whose dirty flag is set and clears the flag, in an order that
     * depends only on the input (so a restored checkpoint emits the same).
     */
    abstract void emitDirty();

    @Override
    public final void onEndOfStream()
    {
        discardHints();
        watermarkMs = Long.MAX_VALUE;
        if (microBatch)
        {
            if (!firePending)
            {
                fireTimeNs = System.nanoTime(); // else as in endEpoch
            }
            if (dirtyFlagBytes != 0)
            {
                emitDirty(); // changes after the last epoch, before their windows are dropped below
            }
        }
        if (mode == OutputMode.COMPLETE && microBatch)
        {
            if (stateGauges.rowsUpdated() != rowsUpdatedAtEpoch)
            {
                emitAll(); // the final table, unless the last epoch emitted it unchanged
            }
        }
        else if (mode == OutputMode.COMPLETE)
        {
            if (!fireComplete(Long.MAX_VALUE))
            {
                fireTimeNs = System.nanoTime();
                emitAll(); // the final table, even when no window closed just now
            }
        }
        else
        {
            limitEndMs = Long.MAX_VALUE;
            if (!firePending)
            {
                firePending = true;
                fireTimeNs = System.nanoTime();
            }
            fireStep(Integer.MAX_VALUE);
        }
        publishStateGauges();
        if (lateOutput != null)
        {
            lateOutput.onEndOfStream();
        }
        output().onEndOfStream();
    }

    /**
     * Closes due windows within a budget of work units (a slot visited: 1, a row emitted or a window closed:
     * {@link #ROW_COST_UNITS}); when none remain, forwards the watermark held back meanwhile, so downstream never
     * sees a watermark before the rows of the windows it closed.
     */
    private void fireStep(final int budgetUnits)
    {
        try
        {
            closeDueWindows(budgetUnits);
        }
        catch (final OperatorStateException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            // fired while some record passes, but that record did not produce these rows: not a record to skip
            throw new OperatorStateException(description + ": emitting the rows of closed windows failed", ex);
        }
    }

    private void closeDueWindows(final int budgetUnits)
    {
        int budget = budgetUnits;
        while (true)
        {
            if (closingInProgress())
            {
                budget -= continueClosing(budget);
                if (closingInProgress())
                {
                    return;
                }
            }
            if (windowEnds.isEmpty() || windowEnds.peekTimestamp() > limitEndMs)
            {
                firePending = false;
                if (holdingWatermark)
                {
                    holdingWatermark = false;
                    output().onWatermark(heldWatermarkMs);
                }
                return;
            }
            if (budget <= 0)
            {
                return;
            }
            windowEnds.advanceTo(limitEndMs, onWindowEnd, 1);
            budget -= ROW_COST_UNITS;
        }
    }

    /** Complete mode: emits the whole state when a window closes. @return true if windows closed. */
    private boolean fireComplete(final long watermarkMs)
    {
        final long limitEndMs = closedEndLimit(watermarkMs, allowedLatenessMs);
        if (windowEnds.isEmpty() || windowEnds.peekTimestamp() > limitEndMs)
        {
            return false;
        }
        fireTimeNs = System.nanoTime();
        windowEnds.advanceTo(limitEndMs, onWindowEnd);
        emitAll();
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

    /**
     * Emits (if asked) and removes the state of one closed window, or starts doing so: a subclass may leave the
     * rest to {@link #continueClosing}.
     */
    abstract void closeWindow(long endMs, long windowId, boolean emit);

    /**
     * Forgets state addresses noted by {@code prefetch} and not yet touched: a marker may change which tables
     * exist, so notes never outlive the records they were taken for.
     */
    void discardHints()
    {
    }

    /** @return true while a window closed by {@link #closeWindow} still has state to emit or drop. */
    boolean closingInProgress()
    {
        return false;
    }

    /**
     * Continues the window being closed.
     *
     * @param budgetUnits work allowed (see {@link #fireStep}).
     * @return units used.
     */
    int continueClosing(final int budgetUnits)
    {
        return 0;
    }

    /**
     * Publishes the state's entry count and native bytes to {@link #stateGauges}: on each stage tick and at end of
     * stream (a walk over the open windows' tables, not over their entries).
     */
    abstract void publishStateGauges();

    /** Emits every row of the state (complete mode). */
    abstract void emitAll();

    static long saturatedAdd(final long a, final long b)
    {
        final long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    @Override
    public final void requireDeterminism()
    {
        deterministic = true;
    }

    /**
     * Micro-batch mode (before {@link #open}): records only update state; rows leave at the epoch marker (see
     * {@link #onEpoch}). In UPDATE mode each state value gets a dirty flag ({@link #DIRTY_FLAG_BYTES}) before its
     * accumulators, so the state is that much wider (a checkpoint of the continuous pipeline does not fit it).
     *
     * @throws IllegalStateException if called after open.
     */
    @Override
    public final void microBatch()
    {
        if (microBatch)
        {
            return;
        }
        if (output() != null)
        {
            throw new IllegalStateException(description + ": microBatch() must be called before open()");
        }
        microBatch = true;
        if (mode == OutputMode.UPDATE)
        {
            dirtyFlagBytes = DIRTY_FLAG_BYTES;
            stateValueLengthBytes += DIRTY_FLAG_BYTES;
        }
    }

    /** @return true once {@link #microBatch()} was called. */
    final boolean isMicroBatch()
    {
        return microBatch;
    }

    /** @return true once {@link #requireDeterminism()} was called. */
    final boolean isDeterministic()
    {
        return deterministic;
    }

    @Override
    public final boolean isStateful()
    {
        return true;
    }

    /**
     * Writes the definition fingerprint, this class's fields, the timer queue of window ends, then the
     * subclass's state ({@link #snapshotWindows}). The late-record counters are included, so counts after a
     * restore and replay match the uninterrupted run. Stage thread; no allocation once {@code out} has grown.
     */
    @Override
    public final void snapshotState(final SnapshotWriter out)
    {
        out.putInt(SNAPSHOT_VERSION)
            .putInt(stateKeyLengthBytes)
            .putInt(stateValueLengthBytes)
            .putLong(definitionFingerprint())
            .putLong(watermarkMs)
            .putBoolean(firePending)
            .putBoolean(holdingWatermark)
            .putLong(heldWatermarkMs)
            .putLong(limitEndMs)
            .putLong(recordsWhileFiring)
            .putLong(recordsAtLastTick)
            .putLong(lateDropped.get())
            .putLong(lateRouted.get());
        windowEnds.snapshotTo(out);
        snapshotWindows(out);
    }

    /**
     * Replaces the state with a snapshot of an operator of the same definition, after {@link #open}. The time a
     * firing in progress started is not restored (a {@code nanoTime} of another process means nothing here): its
     * remaining rows carry the restore time as their ingest time. Micro-batch UPDATE dirty flags keep the ingest
     * times they hold (table memory is copied as is); the engine snapshots at an epoch's end, after its rows left,
     * when no flag is set.
     *
     * @throws IllegalStateException naming the mismatch if the snapshot is of another definition or corrupt.
     */
    @Override
    public final void restoreState(final SnapshotReader in)
    {
        in.expect(kindName() + " snapshot version", SNAPSHOT_VERSION, in.getInt());
        in.expect("state key width (bytes) of '" + description + "'", stateKeyLengthBytes, in.getInt());
        in.expect("state value width (bytes) of '" + description + "'", stateValueLengthBytes, in.getInt());
        // same widths, other definition (window size, aggregates, mode, lateness): the state would mean other things
        in.expect("the definition fingerprint of '" + description + "'", definitionFingerprint(), in.getLong());
        watermarkMs = in.getLong();
        firePending = in.getBoolean();
        holdingWatermark = in.getBoolean();
        heldWatermarkMs = in.getLong();
        limitEndMs = in.getLong();
        recordsWhileFiring = in.getLong();
        recordsAtLastTick = in.getLong();
        lateDropped.set(in.getLong());
        lateRouted.set(in.getLong());
        fireTimeNs = System.nanoTime();
        windowEnds.restoreFrom(in);
        restoreWindows(in);
        in.expectEnd();
    }

    private String kindName()
    {
        final int space = description.indexOf(' ');
        return space > 0 ? description.substring(0, space) : description;
    }

    /**
     * @return a 64-bit FNV-1a hash of the description (kind, window, keys, aggregates, mode, lateness): two
     * operators with the same fingerprint and state widths read and write the same state.
     */
    private long definitionFingerprint()
    {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < description.length(); i++)
        {
            h = (h ^ description.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** Writes the subclass's state (its tables, byte for byte, and whatever decides their future). */
    abstract void snapshotWindows(SnapshotWriter out);

    /** Reads back what {@link #snapshotWindows} wrote, replacing the subclass's state. */
    abstract void restoreWindows(SnapshotReader in);

    @Override
    public final long lateRecordsDropped()
    {
        return lateDropped.get();
    }

    @Override
    public final long lateRecordsRouted()
    {
        return lateRouted.get();
    }

    @Override
    protected final StateGauges stateGauges()
    {
        return stateGauges;
    }

    @Override
    public final String describe()
    {
        return description;
    }
}
