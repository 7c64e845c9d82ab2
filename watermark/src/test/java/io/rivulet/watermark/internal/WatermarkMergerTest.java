package io.rivulet.watermark.internal;

import io.rivulet.watermark.WatermarkStrategy;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.rivulet.watermark.WatermarkStrategy.NO_WATERMARK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatermarkMergerTest
{
    @Test
    void shouldOutputMinimumOverInputsAndNameTheHolder()
    {
        final WatermarkMerger merger = new WatermarkMerger(3);
        assertEquals(NO_WATERMARK, merger.currentWatermark());

        assertFalse(merger.onWatermark(0, 100));
        assertFalse(merger.onWatermark(1, 80));
        assertEquals(2, merger.minInputIndex(), "input 2 has reported nothing");
        assertTrue(merger.onWatermark(2, 90));
        assertEquals(80, merger.currentWatermark());
        assertEquals(1, merger.minInputIndex());

        assertTrue(merger.onWatermark(1, 95));
        assertEquals(90, merger.currentWatermark());
        assertEquals(2, merger.minInputIndex());

        assertFalse(merger.onWatermark(0, 150), "min unchanged: nothing to forward");
        assertEquals(90, merger.currentWatermark());

        assertEquals(150, merger.inputWatermark(0));
        assertEquals(95, merger.inputWatermark(1));
        assertEquals(90, merger.inputWatermark(2));
        assertEquals(3, merger.inputCount());
    }

    @Test
    void shouldIgnoreRegressingInputWatermark()
    {
        final WatermarkMerger merger = new WatermarkMerger(2);
        merger.onWatermark(0, 100);
        merger.onWatermark(1, 100);
        assertEquals(100, merger.currentWatermark());
        assertFalse(merger.onWatermark(0, 50));
        assertEquals(100, merger.inputWatermark(0));
        assertEquals(100, merger.currentWatermark());
    }

    @Test
    void shouldBreakTiesForMinInputTowardsLowestIndex()
    {
        final WatermarkMerger merger = new WatermarkMerger(3);
        merger.onWatermark(0, 10);
        merger.onWatermark(1, 5);
        merger.onWatermark(2, 5);
        assertEquals(1, merger.minInputIndex());
    }

    @Test
    void shouldExcludeIdleInputsAndHoldWhenAllIdle()
    {
        final WatermarkMerger merger = new WatermarkMerger(3);
        merger.onWatermark(0, 100);
        merger.onWatermark(1, 200);
        merger.onWatermark(2, 300);
        assertEquals(100, merger.currentWatermark());

        assertTrue(merger.markIdle(0));
        assertEquals(200, merger.currentWatermark());
        assertEquals(1, merger.minInputIndex());
        assertTrue(merger.isIdle(0));
        assertEquals(1, merger.idleCount());
        assertFalse(merger.markIdle(0), "idempotent");

        assertFalse(merger.markIdle(2), "input 2 was not the minimum");
        assertFalse(merger.isIdle());

        assertFalse(merger.markIdle(1), "all idle: hold, a quiet input may still send just past its watermark");
        assertTrue(merger.isIdle());
        assertEquals(200, merger.currentWatermark());
        assertEquals(WatermarkMerger.NO_INPUT, merger.minInputIndex());

        merger.markActive(0);
        assertFalse(merger.isIdle());
        assertFalse(merger.isIdle(0));
        assertEquals(0, merger.minInputIndex());
        assertEquals(200, merger.currentWatermark(), "re-activation below the output holds it");

        assertFalse(merger.onWatermark(0, 150));
        assertTrue(merger.onWatermark(0, 310));
        assertEquals(310, merger.currentWatermark());
    }

    @Test
    void shouldNotLetAnEndedInputAheadPushPastAnIdleLiveInput()
    {
        // left: a finite input that ended at 10 000; right: live, 1000, then quiet for longer than the idle timeout
        final WatermarkMerger merger = new WatermarkMerger(2);
        assertFalse(merger.onWatermark(0, 9_999));
        assertFalse(merger.markEnded(0), "right has no watermark yet");
        assertTrue(merger.isEnded(0));
        assertTrue(merger.onWatermark(1, 999));
        assertEquals(999, merger.currentWatermark());

        assertFalse(merger.markIdle(1), "the only live input is idle: hold, do not jump to the ended input's 9999");
        assertEquals(999, merger.currentWatermark());
        assertTrue(merger.isIdle());

        assertFalse(merger.markActive(1)); // right's next in-order record, ts 1500, is not late
        assertTrue(merger.onWatermark(1, 1_499));
        assertEquals(1_499, merger.currentWatermark());
        assertEquals(1, merger.minInputIndex());
    }

    @Test
    void shouldLetTheLiveInputLeadOnceAnInputBehindHasEnded()
    {
        final WatermarkMerger merger = new WatermarkMerger(2);
        merger.onWatermark(0, 999);
        merger.onWatermark(1, 4_999);
        assertEquals(999, merger.currentWatermark());
        assertTrue(merger.markEnded(0), "the ended input no longer holds event time back");
        assertEquals(4_999, merger.currentWatermark());
        assertFalse(merger.markIdle(1));
        assertEquals(4_999, merger.currentWatermark());
        merger.markActive(1);
        assertTrue(merger.onWatermark(1, 5_499));
        assertEquals(5_499, merger.currentWatermark());
    }

    @Test
    void shouldIgnoreIdleStatusOfAnEndedInput()
    {
        final WatermarkMerger merger = new WatermarkMerger(2);
        merger.onWatermark(0, 100);
        merger.onWatermark(1, 50);
        merger.markIdle(1);
        assertFalse(merger.markEnded(1), "it was not holding the output back");
        assertEquals(100, merger.currentWatermark());
        assertEquals(0, merger.idleCount());
        assertEquals(1, merger.endedCount());
        assertFalse(merger.markIdle(1));
        merger.markActive(1);
        assertFalse(merger.isIdle(1));
        assertTrue(merger.isEnded(1));
        assertTrue(merger.onWatermark(0, 200), "only input 0 counts");
        assertEquals(200, merger.currentWatermark());
        assertFalse(merger.markIdle(0));
        assertTrue(merger.isIdle());
        assertFalse(merger.markEnded(1), "idempotent");
        assertEquals("WatermarkMerger{output=200, minInput=-1, inputs=[0:200 idle, 1:50 ended]}", merger.toString());
    }

    @Test
    void shouldRecordWatermarkOfIdleInputWithoutCountingIt()
    {
        final WatermarkMerger merger = new WatermarkMerger(2);
        merger.onWatermark(0, 100);
        merger.onWatermark(1, 100);
        merger.markIdle(1);
        assertFalse(merger.onWatermark(1, 50), "below its previous: ignored");
        assertFalse(merger.onWatermark(1, 500), "idle input does not move the output");
        assertEquals(500, merger.inputWatermark(1));
        assertEquals(100, merger.currentWatermark());
    }

    @Test
    void shouldNeverGoBackwardsUnderRandomUpdates()
    {
        final int inputs = 5;
        final WatermarkMerger merger = new WatermarkMerger(inputs);
        final long[] reference = new long[inputs];
        final boolean[] idle = new boolean[inputs];
        final boolean[] ended = new boolean[inputs];
        java.util.Arrays.fill(reference, Long.MIN_VALUE);
        final Random random = new Random(7);
        long previousMs = merger.currentWatermark();

        for (int i = 0; i < 200_000; i++)
        {
            final int input = random.nextInt(inputs);
            final int op = random.nextInt(10);
            final boolean advanced;
            if (op == 0)
            {
                advanced = merger.markIdle(input);
                idle[input] = !ended[input];
            }
            else if (op == 1)
            {
                advanced = merger.markActive(input);
                idle[input] = false;
            }
            else if (op == 2 && random.nextInt(10_000) == 0)
            {
                advanced = merger.markEnded(input);
                ended[input] = true;
                idle[input] = false;
            }
            else
            {
                final long watermarkMs = i + random.nextInt(1_000) - 500;
                advanced = merger.onWatermark(input, watermarkMs);
                reference[input] = Math.max(reference[input], watermarkMs);
            }

            long expectedCandidate = Long.MAX_VALUE;
            int expectedMinIndex = WatermarkMerger.NO_INPUT;
            for (int j = 0; j < inputs; j++)
            {
                if (!idle[j] && !ended[j] && reference[j] < expectedCandidate)
                {
                    expectedCandidate = reference[j];
                    expectedMinIndex = j;
                }
            }
            if (expectedMinIndex == WatermarkMerger.NO_INPUT)
            {
                expectedCandidate = previousMs; // no active input: hold
            }
            final long expectedMs = Math.max(previousMs, expectedCandidate);

            final long watermarkMs = merger.currentWatermark();
            assertEquals(expectedMs, watermarkMs, "step " + i);
            assertEquals(expectedMinIndex, merger.minInputIndex(), "step " + i);
            assertEquals(watermarkMs > previousMs, advanced, "step " + i);
            previousMs = watermarkMs;
        }
    }

    @Test
    void shouldRejectBadArguments()
    {
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new WatermarkMerger(0));
        assertTrue(zero.getMessage().contains("inputCount"), zero.getMessage());

        final WatermarkMerger merger = new WatermarkMerger(2);
        for (final int bad : new int[]{ -1, 2 })
        {
            final IllegalArgumentException e1 = assertThrows(
                IllegalArgumentException.class, () -> merger.onWatermark(bad, 1));
            assertTrue(e1.getMessage().contains("input"), e1.getMessage());
            assertThrows(IllegalArgumentException.class, () -> merger.markIdle(bad));
            assertThrows(IllegalArgumentException.class, () -> merger.markActive(bad));
            assertThrows(IllegalArgumentException.class, () -> merger.inputWatermark(bad));
            assertThrows(IllegalArgumentException.class, () -> merger.isIdle(bad));
            assertThrows(IllegalArgumentException.class,
                () -> merger.update(bad, WatermarkStrategy.monotonic()));
        }
    }

    @Test
    void shouldDescribeInputsForDiagnostics()
    {
        final WatermarkMerger merger = new WatermarkMerger(3);
        merger.onWatermark(0, 119);
        merger.onWatermark(1, 89);
        merger.onWatermark(2, 9);
        merger.markIdle(2);
        assertEquals("WatermarkMerger{output=89, minInput=1, inputs=[0:119, 1:89, 2:9 idle]}", merger.toString());
    }
}
