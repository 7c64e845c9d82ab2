package io.rivulet.operators;

import io.rivulet.operators.internal.state.StateGauges;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import io.rivulet.watermark.internal.WatermarkMerger;

/**
 * An operator with two inputs (left = 0, right = 1), such as a stream-stream join: the SPI for fan-in. Each
 * input's upstream chain ends in {@link #input(int)}. Watermarks of the two inputs are min-merged by a
 * {@link WatermarkMerger} (an idle input does not hold event time back) and the combined watermark is passed to
 * {@link #onCombinedWatermark}, which forwards it by default. An ended input stops holding event time back but
 * never pushes it forward either: while the other input is idle, event time holds, so that input's next
 * in-order record is not late. End of stream is forwarded once both inputs ended. Called from one thread.
 * <p>
 * Checkpoints: the same contract as {@link Operator#isStateful()}, {@link Operator#snapshotState},
 * {@link Operator#restoreState} and {@link Operator#requireDeterminism()}. This base class holds state of its
 * own (the merger's per-input watermarks, idle and ended flags), so every two-input operator is stateful, and a
 * subclass that adds state overrides the snapshot methods and calls {@code super} at the same point in both.
 */
public abstract class TwoInputOperator
{
    /** Index of the left input. */
    public static final int LEFT = 0;
    /** Index of the right input. */
    public static final int RIGHT = 1;

    private final WatermarkMerger watermarks = new WatermarkMerger(2);
    private final Output[] inputs = {new InputOutput(LEFT), new InputOutput(RIGHT)};
    private final boolean[] ended = new boolean[2];
    /** Highest epoch id seen per input, and the highest forwarded: an epoch goes on once both inputs passed it. */
    private final long[] inputEpochs = {Long.MIN_VALUE, Long.MIN_VALUE};
    private long epochForwarded = Long.MIN_VALUE;
    /** The first epoch id either input brought: where forwarding starts. */
    private long firstEpoch = Long.MAX_VALUE;
    private Output output;
    private boolean deterministic;

    /**
     * @return schema of the records this operator emits.
     */
    public abstract Schema outputSchema();

    /**
     * @param input  {@link #LEFT} or {@link #RIGHT}.
     * @param record valid only during the call.
     */
    public abstract void onRecord(int input, RecordFlyweight record);

    /**
     * @return a short description for plans and metrics.
     */
    public abstract String describe();

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

    /**
     * @param input {@link #LEFT} or {@link #RIGHT}.
     * @return the {@link Output} the input's upstream chain ends in.
     */
    public final Output input(final int input)
    {
        return inputs[input];
    }

    /**
     * @return the merged watermark (minimum over active inputs), Long.MIN_VALUE before both reported one.
     */
    public final long currentWatermark()
    {
        return watermarks.currentWatermark();
    }

    /**
     * @param input {@link #LEFT} or {@link #RIGHT}.
     * @return true once that input's end of stream arrived.
     */
    public final boolean hasEnded(final int input)
    {
        return ended[input];
    }

    /**
     * @return the merger, for diagnostics (which input holds event time back, which is idle).
     */
    public final WatermarkMerger watermarkMerger()
    {
        return watermarks;
    }

    /**
     * Marks an input idle (its source went quiet) or active again; an idle input does not hold event time back.
     * No effect on an ended input, nor after {@link #requireDeterminism()}.
     *
     * @param input {@link #LEFT} or {@link #RIGHT}.
     * @param idle  true if idle.
     */
    public final void setIdle(final int input, final boolean idle)
    {
        if (deterministic)
        {
            return; // idleness comes from a wall-clock timeout: a replay would merge differently (see requireDeterminism)
        }
        if (idle ? watermarks.markIdle(input) : watermarks.markActive(input))
        {
            onCombinedWatermark(watermarks.currentWatermark());
        }
    }

    /**
     * The combined watermark advanced: fire what it closes, then forward it. The default forwards.
     *
     * @param watermarkMs the new combined watermark.
     */
    protected void onCombinedWatermark(final long watermarkMs)
    {
        output.onWatermark(watermarkMs);
    }

    /**
     * Both inputs ended: flush, then forward end of stream. The default forwards.
     */
    protected void onEndOfBothInputs()
    {
        output.onEndOfStream();
    }

    /**
     * The stage's tick (see {@link Output#onProcessingTime}); the default forwards it.
     *
     * @param nowMs wall-clock time, epoch ms.
     */
    protected void onProcessingTime(final long nowMs)
    {
        output.onProcessingTime(nowMs);
    }

    /**
     * @return records dropped as late (0 by default).
     */
    public long lateRecordsDropped()
    {
        return 0;
    }

    /**
     * @return true: the merger's state (and a subclass's) must be checkpointed, see {@link Operator#isStateful()}.
     */
    public boolean isStateful()
    {
        return true;
    }

    /**
     * Writes the state of this base class (merger and ended inputs) at a checkpoint barrier, on the stage thread;
     * see {@link Operator#snapshotState}. A subclass with state of its own overrides this, calls {@code super}
     * and appends its state. Allocation-free.
     *
     * @param out reused across checkpoints; append to it.
     */
    public void snapshotState(final SnapshotWriter out)
    {
        watermarks.snapshotTo(out);
        out.putBoolean(ended[LEFT]).putBoolean(ended[RIGHT]);
    }

    /**
     * Replaces this base class's state with what {@link #snapshotState} wrote, after {@link #open} and before
     * the first record; see {@link Operator#restoreState}. A subclass calls {@code super} at the point its
     * {@link #snapshotState} did.
     *
     * @param in the operator's section of the checkpoint.
     */
    public void restoreState(final SnapshotReader in)
    {
        watermarks.restoreFrom(in);
        ended[LEFT] = in.getBoolean();
        ended[RIGHT] = in.getBoolean();
    }

    /**
     * Called before {@link #open} when the pipeline runs exactly-once; see {@link Operator#requireDeterminism()}.
     * From then on {@link #setIdle} has no effect: idleness comes from a wall-clock timeout, which a replay would
     * not see at the same points, so a quiet input holds event time back (as with no idle timeout) rather than
     * making the output depend on when the stage ticked. Never throws: the stage's idle detection runs on every
     * fan-in, and holding event time loses nothing. A subclass that overrides this calls {@code super}.
     */
    public void requireDeterminism()
    {
        deterministic = true;
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
     * @return entries held in this operator's state (e.g. buffered records), as of its last stage tick, or -1 if
     * it keeps none (the default). Read from any thread; for progress reports.
     */
    public long stateRows()
    {
        final StateGauges gauges = stateGauges();
        return gauges == null ? -1 : gauges.rows();
    }

    /**
     * @return state entries inserted or updated since it opened (0 by default). Read from any thread.
     */
    public long stateRowsUpdated()
    {
        final StateGauges gauges = stateGauges();
        return gauges == null ? 0 : gauges.rowsUpdated();
    }

    /**
     * @return native bytes held by its state, as of its last stage tick (0 by default). Read from any thread.
     */
    public long stateOffHeapBytes()
    {
        final StateGauges gauges = stateGauges();
        return gauges == null ? 0 : gauges.offHeapBytes();
    }

    /**
     * Releases resources after the last record; the default does nothing.
     */
    public void close()
    {
    }

    @Override
    public String toString()
    {
        return describe();
    }

    private void forwardEpoch()
    {
        forwardThrough(ended[LEFT] ? inputEpochs[RIGHT] : ended[RIGHT] ? inputEpochs[LEFT] :
            Math.min(inputEpochs[LEFT], inputEpochs[RIGHT]));
    }

    /**
     * Forwards every id up to {@code epoch} not forwarded yet, once each, in order. Under availableNow each source
     * ends its own epochs by count, so when the shorter input ends the longer one may have run several ids ahead:
     * those go on one by one (their records are downstream already; the ids in between end empty epochs), so a
     * sink sees 1, 2, 3, ... with no gap.
     */
    private void forwardThrough(final long epoch)
    {
        if (epoch == Long.MIN_VALUE)
        {
            return;
        }
        long next = epochForwarded == Long.MIN_VALUE ? firstEpoch : epochForwarded + 1;
        while (next <= epoch)
        {
            epochForwarded = next;
            output.onEpoch(next);
            next++;
        }
    }

    private final class InputOutput implements Output
    {
        private final int input;

        InputOutput(final int input)
        {
            this.input = input;
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            TwoInputOperator.this.onRecord(input, record);
        }

        @Override
        public void onWatermark(final long watermarkMs)
        {
            if (watermarks.onWatermark(input, watermarkMs))
            {
                onCombinedWatermark(watermarks.currentWatermark());
            }
        }

        @Override
        public void onEpoch(final long epochId)
        {
            // Micro-batch epochs (exactly-once has a single input, so no checkpoint barrier comes here): an epoch
            // ends downstream once every live input has reached it, and each id goes on once, in order.
            if (epochId > inputEpochs[input])
            {
                inputEpochs[input] = epochId;
                firstEpoch = Math.min(firstEpoch, epochId);
                forwardEpoch();
            }
        }

        @Override
        public boolean holdsRowsForEpoch()
        {
            return output.holdsRowsForEpoch();
        }

        @Override
        public void onProcessingTime(final long nowMs)
        {
            if (input == LEFT || ended[LEFT]) // both chains carry the stage's tick (until one ends): pass it on once
            {
                TwoInputOperator.this.onProcessingTime(nowMs);
            }
        }

        @Override
        public void onEndOfStream()
        {
            if (!ended[input])
            {
                ended[input] = true;
                if (ended[LEFT] && ended[RIGHT])
                {
                    // the input that ended first may have ended more epochs than the other: they end here too
                    forwardThrough(Math.max(inputEpochs[LEFT], inputEpochs[RIGHT]));
                    onEndOfBothInputs();
                    return;
                }
                forwardEpoch(); // an ended input no longer holds epochs back
                if (watermarks.markEnded(input))
                {
                    // An ended input no longer holds event time back, and its watermark no longer counts at all:
                    // if the live input then goes quiet, event time holds rather than jumping to the ended
                    // input's watermark, which would make the live input's next in-order record late.
                    onCombinedWatermark(watermarks.currentWatermark());
                }
            }
        }
    }
}
