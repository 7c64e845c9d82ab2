package io.rivulet.operators;

import io.rivulet.operators.internal.state.StateGauges;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;

/**
 * An operator of a pipeline (the SPI): receives the records and markers of its input on the stage thread and
 * emits to its {@link #output()}. An operator is created for its input schema when the pipeline is built, so
 * a mistake (unknown column, wrong type) fails then, not at run time.
 * <p>
 * Markers are forwarded unchanged by default. Implementations must not allocate per record; a record handed to
 * {@link #onRecord} is valid only during the call. Called from one thread.
 */
public abstract class Operator implements Output
{
    private Output output;

    /**
     * @return schema of the records this operator emits.
     */
    public abstract Schema outputSchema();

    /**
     * Connects the operator to its downstream, before the first record.
     *
     * @param output downstream.
     */
    public void open(final Output output)
    {
        this.output = output;
    }

    /**
     * @return the downstream set by {@link #open}.
     */
    protected final Output output()
    {
        return output;
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        output.onWatermark(watermarkMs);
    }

    @Override
    public void onEpoch(final long epochId)
    {
        output.onEpoch(epochId);
    }

    @Override
    public void onEndOfStream()
    {
        output.onEndOfStream();
    }

    /** Forwards the question: an operator that holds no rows itself answers as its output does. */
    @Override
    public boolean holdsRowsForEpoch()
    {
        return output.holdsRowsForEpoch();
    }

    @Override
    public void onProcessingTime(final long nowMs)
    {
        output.onProcessingTime(nowMs);
    }

    /**
     * @return records this operator dropped because they arrived too late for it (behind the watermark, or after
     * it closed their window); records it sent to a late-data output are not counted here but in
     * {@link #lateRecordsRouted()}. 0 for operators without event-time state. Read from any thread; approximate
     * while running.
     */
    public long lateRecordsDropped()
    {
        return 0;
    }

    /**
     * @return records this operator found too late and sent to its late-data output (0 if it has none). Read
     * from any thread; approximate while running.
     */
    public long lateRecordsRouted()
    {
        return 0;
    }

    /**
     * @return records this operator dropped as duplicates (0 unless it deduplicates). Read from any thread;
     * approximate while running.
     */
    public long duplicatesDropped()
    {
        return 0;
    }

    /**
     * @return the gauges an operator with keyed state publishes (on its stage ticks) for {@link #stateRows()},
     * {@link #stateRowsUpdated()} and {@link #stateOffHeapBytes()}; null (the default) without keyed state.
     */
    protected StateGauges stateGauges()
    {
        return null;
    }

    /**
     * @return entries held in this operator's keyed state (e.g. (window, key) pairs, remembered keys), as of its
     * last stage tick (at most one tick old while running), or -1 if it keeps no keyed state (the default).
     * Read from any thread; for progress reports.
     */
    public long stateRows()
    {
        final StateGauges gauges = stateGauges();
        return gauges == null ? -1 : gauges.rows();
    }

    /**
     * @return keyed-state entries this operator inserted or updated since it opened (0 without keyed state). Read
     * from any thread; approximate while running.
     */
    public long stateRowsUpdated()
    {
        final StateGauges gauges = stateGauges();
        return gauges == null ? 0 : gauges.rowsUpdated();
    }

    /**
     * @return native bytes held by this operator's state, as of its last stage tick (0 without keyed state). Read
     * from any thread.
     */
    public long stateOffHeapBytes()
    {
        final StateGauges gauges = stateGauges();
        return gauges == null ? 0 : gauges.offHeapBytes();
    }

    /**
     * @return the event-time range this operator tracks for progress reports, or null (the default) if it does
     * not assign event time.
     */
    public EventTimeRange eventTimeRange()
    {
        return null;
    }

    /**
     * @return true if this operator holds state that a checkpoint must capture; it then implements
     * {@link #snapshotState} and {@link #restoreState}. False (the default) for stateless operators.
     */
    public boolean isStateful()
    {
        return false;
    }

    /**
     * Writes this operator's complete state at a checkpoint barrier, on the stage thread, after every record
     * before the barrier went through it. Complete means: an operator of the same definition, opened and given
     * these bytes by {@link #restoreState}, then fed the same input, emits exactly what this one would emit,
     * in the same order (tables are copied byte for byte, with their layout, so iteration order survives).
     * Copy native memory in bulk; the disk write happens on another thread. Called only if
     * {@link #isStateful()}.
     *
     * @param out reused across checkpoints; append to it.
     */
    public void snapshotState(final SnapshotWriter out)
    {
    }

    /**
     * Replaces this operator's state with a snapshot {@link #snapshotState} wrote, after {@link #open} and
     * before the first record. Reads exactly what was written; a snapshot that does not fit (another definition)
     * fails with {@link IllegalStateException} from the reader.
     *
     * @param in the operator's section of the checkpoint.
     */
    public void restoreState(final SnapshotReader in)
    {
    }

    /**
     * Called before {@link #open} when the pipeline runs exactly-once (it checkpoints and replays): from then on,
     * what this operator emits, and in which order, must depend only on its input (records, watermarks, end of
     * stream), never on the wall clock, stage ticks or where checkpoint barriers fall. An operator that would
     * otherwise spread work over ticks does it in line; one that cannot be deterministic (processing time) must
     * throw {@link IllegalStateException} saying so. The default does nothing (stateless operators are
     * deterministic).
     */
    public void requireDeterminism()
    {
    }

    /**
     * Called before {@link #open} when the pipeline runs a micro-batch trigger: epoch markers
     * ({@link #onEpoch}) then arrive at epoch boundaries, and an operator that keeps results per key absorbs
     * records between them and emits at the marker, before forwarding it (UPDATE: each changed key once with its
     * latest value; COMPLETE: the table; APPEND: what the watermark closed). The default does nothing: operators
     * that emit as they go (stateless ones, dedup, keyed process functions, joins) emit the same rows either way,
     * and a sink still sees each epoch's rows before its marker.
     */
    public void microBatch()
    {
    }

    /**
     * Releases resources after the last record; the default does nothing.
     */
    public void close()
    {
    }

    /**
     * @return a short description for plans and metrics.
     */
    public abstract String describe();

    @Override
    public String toString()
    {
        return describe();
    }
}
