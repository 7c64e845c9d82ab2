package io.rivulet.watermark;

import java.util.Arrays;

/**
 * Combines the watermarks of N inputs (fan-in) into one: the minimum over the <b>active</b> inputs.
 * <pre>
 *   input 0 (wm 120, active) --\
 *   input 1 (wm  90, active) ---+--&gt; min over active = 90   (minInputIndex() = 1)
 *   input 2 (wm  10, idle)   --/     idle inputs do not hold event time back
 * </pre>
 * Semantics:
 * <ul>
 *   <li>Per input, a watermark lower than one already reported is ignored: each input's watermark never goes
 *   backwards.</li>
 *   <li>An idle input is excluded from the minimum. Its watermark is still recorded, so when it is marked active
 *   again it counts from where it is.</li>
 *   <li><b>All inputs idle</b>: the output advances to the maximum watermark over all inputs (Flink semantics),
 *   since no input is promising anything; {@link #isIdle()} then reports true so the caller may forward an idle
 *   status. Records that later arrive on a re-activated, slower input may then be late.</li>
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
    private long outputWatermarkMs = WatermarkStrategy.NO_WATERMARK;
    private int minInputIndex;
    private int idleCount;

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
     * Excludes an input from the minimum until {@link #markActive(int)}. Idempotent.
     *
     * @param input index of the input, 0 .. {@link #inputCount()} - 1.
     * @return true if the combined watermark advanced (the input was holding it back, or all are now idle).
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public boolean markIdle(final int input)
    {
        checkInput(input);
        if (idle[input])
        {
            return false;
        }
        idle[input] = true;
        idleCount++;
        return recompute();
    }

    /**
     * Includes an input in the minimum again. Idempotent. Never advances the output (it adds a constraint), so
     * there is nothing to forward.
     *
     * @param input index of the input, 0 .. {@link #inputCount()} - 1.
     * @throws IllegalArgumentException if {@code input} is out of range.
     */
    public void markActive(final int input)
    {
        checkInput(input);
        if (idle[input])
        {
            idle[input] = false;
            idleCount--;
            recompute();
        }
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
        final boolean nowIdle = strategy.isIdle();
        final long watermarkMs = strategy.currentWatermark();
        final boolean changed = nowIdle != idle[input] || watermarkMs > inputWatermarksMs[input];
        if (!changed)
        {
            return false;
        }
        if (nowIdle != idle[input])
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
     * @return index of the active input with the lowest watermark, or {@link #NO_INPUT} if all inputs are idle.
     */
    public int minInputIndex()
    {
        return minInputIndex;
    }

    /**
     * @return true if every input is idle.
     */
    public boolean isIdle()
    {
        return idleCount == inputWatermarksMs.length;
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
     * @return number of idle inputs.
     */
    public int idleCount()
    {
        return idleCount;
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
     * Diagnostics (allocates): output, the holding input and every input's watermark and status.
     *
     * @return e.g. {@code WatermarkMerger{output=89, minInput=1, inputs=[0:119, 1:89, 2:9 idle]}}.
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
        }
        return sb.append("]}").toString();
    }

    private boolean recompute()
    {
        final long[] watermarksMs = this.inputWatermarksMs;
        final boolean[] idle = this.idle;
        long candidateMs;
        int minIndex = NO_INPUT;

        if (idleCount == watermarksMs.length)
        {
            candidateMs = Long.MIN_VALUE;
            for (final long watermarkMs : watermarksMs)
            {
                candidateMs = Math.max(candidateMs, watermarkMs);
            }
        }
        else
        {
            candidateMs = Long.MAX_VALUE;
            for (int i = 0; i < watermarksMs.length; i++)
            {
                if (!idle[i] && watermarksMs[i] < candidateMs)
                {
                    candidateMs = watermarksMs[i];
                    minIndex = i;
                }
            }
        }

        minInputIndex = minIndex;
        if (candidateMs > outputWatermarkMs)
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
