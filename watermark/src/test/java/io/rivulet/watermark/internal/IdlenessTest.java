package io.rivulet.watermark.internal;

import io.rivulet.watermark.WatermarkStrategy;

import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdlenessTest
{
    private final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void shouldGoIdleAfterTimeoutWithoutEventsAndReactivateOnEvent()
    {
        clock.update(10_000);
        final WatermarkStrategy strategy = WatermarkStrategy.boundedOutOfOrderness(5).withIdleness(100, clock);

        strategy.onEvent(500);
        assertEquals(494, strategy.currentWatermark());
        assertFalse(strategy.isIdle());

        clock.advance(99);
        assertFalse(strategy.isIdle(), "99 ms quiet < 100 ms timeout");

        clock.advance(1);
        assertTrue(strategy.isIdle(), "100 ms quiet reaches the timeout");
        assertEquals(494, strategy.currentWatermark(), "idleness does not change the watermark");

        strategy.onEvent(600);
        assertFalse(strategy.isIdle());
        assertEquals(594, strategy.currentWatermark());

        clock.advance(50);
        strategy.onEvent(601);
        clock.advance(60);
        assertFalse(strategy.isIdle(), "an event restarts the quiet period");
    }

    @Test
    void shouldNotTakeAnInputWhoseWatermarkAdvancesWithoutEventsForIdle()
    {
        clock.update(1_000);
        final WatermarkStrategy strategy = WatermarkStrategy.processingTime(clock).withIdleness(100, clock);
        for (int i = 0; i < 10; i++)
        {
            clock.advance(60);
            assertFalse(strategy.isIdle(), "its watermark follows the clock: progress, not quiet");
        }
        assertEquals(1_599, strategy.currentWatermark());
    }

    @Test
    void shouldStartQuietPeriodAtFirstCheckWhenNoEventEverArrives()
    {
        clock.update(0);
        final WatermarkStrategy strategy = WatermarkStrategy.monotonic().withIdleness(100, clock);

        clock.update(1_000_000);
        assertFalse(strategy.isIdle(), "built long before start must not begin idle");
        clock.advance(100);
        assertTrue(strategy.isIdle());
    }

    @Test
    void shouldLetMergerAdvanceWithoutIdleInputAndHoldOnReactivation()
    {
        clock.update(0);
        final WatermarkStrategy fast = WatermarkStrategy.monotonic().withIdleness(1_000, clock);
        final WatermarkStrategy quiet = WatermarkStrategy.monotonic().withIdleness(1_000, clock);
        final WatermarkMerger merger = new WatermarkMerger(2);

        fast.onEvent(100);
        quiet.onEvent(50);
        merger.update(0, fast);
        assertTrue(merger.update(1, quiet));
        assertEquals(49, merger.currentWatermark());
        assertEquals(1, merger.minInputIndex());

        for (int i = 1; i <= 20; i++)
        {
            clock.advance(100);
            fast.onEvent(100 + i * 100L);
            merger.update(0, fast);
            merger.update(1, quiet);
            if (clock.time() < 1_000)
            {
                assertEquals(49, merger.currentWatermark(), "quiet input holds event time until its timeout");
                assertFalse(merger.isIdle(1));
            }
        }

        assertTrue(merger.isIdle(1));
        assertEquals(2_099, merger.currentWatermark(), "stalled input excluded: output follows the fast one");
        assertEquals(0, merger.minInputIndex());

        quiet.onEvent(2_000);
        assertFalse(merger.update(1, quiet), "re-activated below the output: output holds, never backwards");
        assertFalse(merger.isIdle(1));
        assertEquals(1, merger.minInputIndex());
        assertEquals(2_099, merger.currentWatermark());

        fast.onEvent(3_000);
        merger.update(0, fast);
        quiet.onEvent(2_500);
        assertTrue(merger.update(1, quiet));
        assertEquals(2_499, merger.currentWatermark());
    }

    @Test
    void shouldNotLetAFiniteInputThatEndedAheadMakeAQuietLiveInputLate()
    {
        // left: a finite input ending at ts 10 000; right: live, ts 1000, quiet past the timeout, then ts 1500
        clock.update(0);
        final WatermarkStrategy left = WatermarkStrategy.monotonic().withIdleness(100, clock);
        final WatermarkStrategy right = WatermarkStrategy.monotonic().withIdleness(100, clock);
        final WatermarkMerger merger = new WatermarkMerger(2);

        left.onEvent(10_000);
        merger.update(0, left);
        merger.markEnded(0);
        right.onEvent(1_000);
        assertTrue(merger.update(1, right));
        assertEquals(999, merger.currentWatermark());

        for (int i = 0; i < 5; i++) // ticks while right is quiet
        {
            clock.advance(50);
            merger.update(0, left);
            merger.update(1, right);
        }
        assertTrue(merger.isIdle(1));
        assertEquals(999, merger.currentWatermark(), "the only live input is idle: hold, not the ended 9999");

        right.onEvent(1_500);
        assertTrue(1_500 > merger.currentWatermark(), "the in-order record is on time");
        assertTrue(merger.update(1, right));
        assertEquals(1_499, merger.currentWatermark());
    }
}
