package io.rivulet.watermark.internal;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import io.rivulet.watermark.WatermarkStrategy;

import java.util.Arrays;

/**
 * Combines the watermarks of N inputs (fan-in) into one: the minimum over the <b>active</b> inputs.
 * <pre>
 *   input 0 (wm 120, active) --\
 *   input 1 (wm  90, active) ---+--&gt; min over active = 90   (minInputIndex() = 1)
 *   input 2 (wm  10, idle)   --+     idle and ended inputs do not hold event time back...
 *   input 3 (wm 900, ended)  --/     ...and never push it forward either
 * </pre>
 * Semantics:
 * <ul>
 *   <li>Per input, a watermark lower than one already reported is ignored: each input's watermark never goes
 *   backwards.</li>
 *   <li>An idle input is excluded from the minimum. Its watermark is still recorded, so when it is marked active
 *   again it counts from where it is.</li>
 *   <li>An ended input ({@link #markEnded(int)}) is excluded for good: it will send nothing more, so it neither
 *   holds event time back nor pushes it forward.</li>
 *   <li><b>No active input</b> (every live input idle, the others ended): the output <b>holds</b>. Nothing
 *   promises progress, and an idle input is alive: its next record may be just past its own watermark, so
 *   moving the output to the maximum over the inputs (what Flink does when all its inputs are idle) would make
 *   that in-order record late. {@link #isIdle()} then reports true so the caller may forward an idle status.</li>
 *   <li>The output never goes backwards: re-activating an input whose watermark is below the output holds the
 *   output until that input catches up.</li>
 *   <li>Every mutating call returns true only if the output advanced, so the caller forwards a watermark marker
 *   only then.</li>
 * </ul>
 * Cost: each mutating call is O(N) over the inputs (N is the fan-in, small); allocation-free after construction.
 * Threading: not thread-safe; owned by the stage thread that merges its inputs.
 */
public final class WatermarkMerger
{
    /** Returned by {@link #minInputIndex()} when no input is active. */
    public static final int NO_INPUT = -1;

    private final long[] inputWatermarksMs;
    private final boolean[] idle;
    private final boolean[] ended;
    private long outputWatermarkMs = WatermarkStrategy.NO_WATERMARK;
    private int minInputIndex;
    private int idleCount;
    private int endedCount;

    /**
     * @param inputCount number of inputs, &gt;= 1. All start active with watermark
     *                   {@link WatermarkStrategy#NO_WATERMARK}.
     * @throws IllegalArgumentException if {@code inputCount < 1}.
     */
    public WatermarkMerger(final int inputCount)
    {
        if (inputCount < 1)
        {
            throw new IllegalArgumentException("inputCount must be >= 1, got " + inputCount);
        }
        inputWatermarksMs = new long[inputCount];
        Arrays.fill(inputWatermarksMs, WatermarkStrategy.NO_WATERMARK);
        idle = new boolean[inputCount];
        ended = new boolean[inputCount];
    }

    /**
     * Records an input's watermark. Does not change the input's idle status.
     *
     * @param input       index of the input, 0 .. {@link #inputCount()} - 1.
     * @param watermarkMs the input's watermark, epoch ms; ignored if below the input's previous one.
     * @return true if the combined watermark advanced.
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public boolean onWatermark(final int input, final long watermarkMs)
    {
        checkInput(input);
        if (watermarkMs <= inputWatermarksMs[input])
        {
            return false;
        }
        inputWatermarksMs[input] = watermarkMs;
        return recompute();
    }

    /**
     * Excludes an input from the minimum until {@link #markActive(int)}. Idempotent; no effect on an ended input.
     *
     * @param input index of the input, 0 .. {@link #inputCount()} - 1.
     * @return true if the combined watermark advanced (the input was holding it back and another input is
     * active).
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public boolean markIdle(final int input)
    {
        checkInput(input);
        if (idle[input] || ended[input])
        {
            return false;
        }
        idle[input] = true;
        idleCount++;
        return recompute();
    }

    /**
     * Includes an input in the minimum again. Idempotent; no effect on an ended input. Usually adds a constraint
     * and so holds the output; it advances the output only if no input was active (event time was holding) and
     * this input's watermark is ahead of the output.
     *
     * @param input index of the input, 0 .. {@link #inputCount()} - 1.
     * @return true if the combined watermark advanced.
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public boolean markActive(final int input)
    {
        checkInput(input);
        if (idle[input])
        {
            idle[input] = false;
            idleCount--;
            return recompute();
        }
        return false;
    }

    /**
     * Excludes an input for good: it reached its end and will send nothing more. Its last watermark is kept for
     * diagnostics but no longer counts, so it cannot push the output past a live input that is merely idle.
     * Idempotent.
     *
     * @param input index of the input, 0 .. {@link #inputCount()} - 1.
     * @return true if the combined watermark advanced (the input was holding it back and another input is
     * active).
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public boolean markEnded(final int input)
    {
        checkInput(input);
        if (ended[input])
        {
            return false;
        }
        if (idle[input])
        {
            idle[input] = false;
            idleCount--;
        }
        ended[input] = true;
        endedCount++;
        return recompute();
    }

    /**
     * Convenience: takes the input's idle status ({@link WatermarkStrategy#isIdle()}) and watermark from its
     * strategy in one step. Call it after an input's events and, so that idleness is noticed, for every input on
     * each duty cycle (or batch end).
     *
     * @param input    index of the input, 0 .. {@link #inputCount()} - 1.
     * @param strategy the input's strategy.
     * @return true if the combined watermark advanced.
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public boolean update(final int input, final WatermarkStrategy strategy)
    {
        checkInput(input);
        final boolean nowIdle = strategy.isIdle() && !ended[input];
        final long watermarkMs = strategy.currentWatermark();
        final boolean changed = nowIdle != idle[input] || watermarkMs > inputWatermarksMs[input];
        if (!changed)
        {
            return false;
        }
        if (nowIdle != idle[input] && !ended[input])
        {
            idle[input] = nowIdle;
            idleCount += nowIdle ? 1 : -1;
        }
        if (watermarkMs > inputWatermarksMs[input])
        {
            inputWatermarksMs[input] = watermarkMs;
        }
        return recompute();
    }

    /**
     * @return the combined watermark, epoch ms; {@link WatermarkStrategy#NO_WATERMARK} until all active inputs
     * have made progress.
     */
    public long currentWatermark()
    {
        return outputWatermarkMs;
    }

    /**
     * Diagnostics: which input holds event time back. Ties go to the lowest index.
     *
     * @return index of the active input with the lowest watermark, or {@link #NO_INPUT} if no input is active.
     */
    public int minInputIndex()
    {
        return minInputIndex;
    }

    /**
     * @return true if no input is active and at least one live input is idle: event time holds until one of
     * them is active again.
     */
    public boolean isIdle()
    {
        return idleCount > 0 && idleCount + endedCount == inputWatermarksMs.length;
    }

    /**
     * @param input index of the input, 0 .. {@link #inputCount()} - 1.
     * @return true if the input is currently excluded from the minimum.
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public boolean isIdle(final int input)
    {
        checkInput(input);
        return idle[input];
    }

    /**
     * @param input index of the input, 0 .. {@link #inputCount()} - 1.
     * @return true once {@link #markEnded(int)} was called for the input.
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public boolean isEnded(final int input)
    {
        checkInput(input);
        return ended[input];
    }

    /**
     * @return number of idle inputs (ended inputs are not counted).
     */
    public int idleCount()
    {
        return idleCount;
    }

    /**
     * @return number of ended inputs.
     */
    public int endedCount()
    {
        return endedCount;
    }

    /**
     * @param input index of the input, 0 .. {@link #inputCount()} - 1.
     * @return the highest watermark reported by the input, epoch ms.
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public long inputWatermark(final int input)
    {
        checkInput(input);
        return inputWatermarksMs[input];
    }

    /**
     * @return number of inputs.
     */
    public int inputCount()
    {
        return inputWatermarksMs.length;
    }

    /**
     * Writes the merger's complete state at a checkpoint (every input's watermark, idle and ended flag, and the
     * output), so a merger of the same input count given it by {@link #restoreFrom} merges exactly as this one
     * would. Allocation-free.
     *
     * @param out the owning operator's section of the checkpoint; append to it.
     */
    public void snapshotTo(final SnapshotWriter out)
    {
        final int n = inputWatermarksMs.length;
        out.putInt(n);
        for (int i = 0; i < n; i++)
        {
            out.putLong(inputWatermarksMs[i]).putBoolean(idle[i]).putBoolean(ended[i]);
        }
        out.putLong(outputWatermarkMs).putInt(minInputIndex).putInt(idleCount).putInt(endedCount);
    }

    /**
     * Replaces the merger's state with one {@link #snapshotTo} wrote.
     *
     * @param in positioned at the merger's state.
     * @throws IllegalStateException if the snapshot is of a merger with another input count, or inconsistent.
     */
    public void restoreFrom(final SnapshotReader in)
    {
        final int n = inputWatermarksMs.length;
        in.expect("watermark merger input count", n, in.getInt());
        int idleSeen = 0;
        int endedSeen = 0;
        for (int i = 0; i < n; i++)
        {
            inputWatermarksMs[i] = in.getLong();
            idle[i] = in.getBoolean();
            ended[i] = in.getBoolean();
            idleSeen += idle[i] ? 1 : 0;
            endedSeen += ended[i] ? 1 : 0;
        }
        outputWatermarkMs = in.getLong();
        minInputIndex = in.getInt();
        idleCount = in.getInt();
        endedCount = in.getInt();
        in.expect("watermark merger idle count", idleSeen, idleCount);
        in.expect("watermark merger ended count", endedSeen, endedCount);
    }

    /**
     * Diagnostics (allocates): output, the holding input and every input's watermark and status.
     *
     * @return e.g. {@code WatermarkMerger{output=89, minInput=1, inputs=[0:119, 1:89, 2:9 idle, 3:900 ended]}}.
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(64 + 24 * inputWatermarksMs.length)
            .append("WatermarkMerger{output=").append(outputWatermarkMs)
            .append(", minInput=").append(minInputIndex)
            .append(", inputs=[");
        for (int i = 0; i < inputWatermarksMs.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(i).append(':').append(inputWatermarksMs[i]);
            if (idle[i])
            {
                sb.append(" idle");
            }
            if (ended[i])
            {
                sb.append(" ended");
            }
        }
        return sb.append("]}").toString();
    }

    private boolean recompute()
    {
        final long[] watermarksMs = this.inputWatermarksMs;
        final boolean[] idle = this.idle;
        final boolean[] ended = this.ended;
        long candidateMs = Long.MAX_VALUE;
        int minIndex = NO_INPUT;
        for (int i = 0; i < watermarksMs.length; i++)
        {
            if (!idle[i] && !ended[i] && (minIndex == NO_INPUT || watermarksMs[i] < candidateMs))
            {
                candidateMs = watermarksMs[i];
                minIndex = i;
            }
        }

        minInputIndex = minIndex;
        // no active input: hold (see the class comment)
        if (minIndex != NO_INPUT && candidateMs > outputWatermarkMs)
        {
            outputWatermarkMs = candidateMs;
            return true;
        }
        return false;
    }

    private void checkInput(final int input)
    {
        if (input < 0 || input >= inputWatermarksMs.length)
        {
            throw new IllegalArgumentException(
                "input must be in [0, " + inputWatermarksMs.length + "), got " + input);
        }
    }
}
