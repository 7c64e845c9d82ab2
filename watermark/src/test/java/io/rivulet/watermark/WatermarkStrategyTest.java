package io.rivulet.watermark;

import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.rivulet.watermark.WatermarkStrategy.NO_WATERMARK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatermarkStrategyTest
{
    @Test
    void shouldTrailMaxEventTimeByDelayPlusOneOnOutOfOrderSequence()
    {
        final WatermarkStrategy strategy = WatermarkStrategy.boundedOutOfOrderness(10);
        assertEquals(NO_WATERMARK, strategy.currentWatermark());

        final long[] eventTimesMs = { 100, 95, 120, 105, 90, 130, 129, 131, 50 };
        final long[] expectedMs = { 89, 89, 109, 109, 109, 119, 119, 120, 120 };
        for (int i = 0; i < eventTimesMs.length; i++)
        {
            strategy.onEvent(eventTimesMs[i]);
            assertEquals(expectedMs[i], strategy.currentWatermark(), "after event " + i);
        }
    }

    @Test
    void shouldTrailByOneWhenMonotonic()
    {
        final WatermarkStrategy strategy = WatermarkStrategy.monotonic();
        assertEquals(NO_WATERMARK, strategy.currentWatermark());
        strategy.onEvent(1_000);
        assertEquals(999, strategy.currentWatermark());
        strategy.onEvent(1_000);
        assertEquals(999, strategy.currentWatermark());
        strategy.onEvent(1_001);
        assertEquals(1_000, strategy.currentWatermark());
    }

    @Test
    void shouldNeverGoBackwards()
    {
        final WatermarkStrategy strategy = WatermarkStrategy.boundedOutOfOrderness(500);
        final Random random = new Random(42);
        long previousMs = strategy.currentWatermark();
        long maxEventMs = Long.MIN_VALUE;
        for (int i = 0; i < 100_000; i++)
        {
            final long eventTimeMs = 1_700_000_000_000L + i * 10L + random.nextInt(20_000) - 10_000;
            maxEventMs = Math.max(maxEventMs, eventTimeMs);
            strategy.onEvent(eventTimeMs);
            final long watermarkMs = strategy.currentWatermark();
            assertTrue(watermarkMs >= previousMs, "watermark went back at " + i);
            assertEquals(maxEventMs - 500 - 1, watermarkMs);
            previousMs = watermarkMs;
        }
    }

    @Test
    void shouldNotUnderflowNearMinValue()
    {
        final WatermarkStrategy strategy = WatermarkStrategy.boundedOutOfOrderness(Long.MAX_VALUE);
        strategy.onEvent(Long.MIN_VALUE);
        assertEquals(NO_WATERMARK, strategy.currentWatermark());
        strategy.onEvent(-1);
        assertEquals(NO_WATERMARK, strategy.currentWatermark());
        strategy.onEvent(0);
        assertEquals(Long.MIN_VALUE, strategy.currentWatermark());
        strategy.onEvent(Long.MAX_VALUE);
        assertEquals(-1, strategy.currentWatermark());

        final WatermarkStrategy monotonic = WatermarkStrategy.monotonic();
        monotonic.onEvent(Long.MIN_VALUE);
        assertEquals(NO_WATERMARK, monotonic.currentWatermark());
        monotonic.onEvent(Long.MIN_VALUE + 1);
        assertEquals(Long.MIN_VALUE, monotonic.currentWatermark());
    }

    @Test
    void shouldNeverProgressWithNoWatermarks()
    {
        final WatermarkStrategy strategy = WatermarkStrategy.noWatermarks();
        strategy.onEvent(1_000);
        strategy.onEvent(Long.MAX_VALUE);
        assertEquals(NO_WATERMARK, strategy.currentWatermark());
        assertFalse(strategy.isIdle());
        assertSame(strategy, WatermarkStrategy.noWatermarks());
    }

    @Test
    void shouldFollowClockForProcessingTimeAndIgnoreEvents()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(1_000);
        final WatermarkStrategy strategy = WatermarkStrategy.processingTime(clock);
        assertEquals(999, strategy.currentWatermark());

        strategy.onEvent(5_000);
        assertEquals(999, strategy.currentWatermark());

        clock.advance(250);
        assertEquals(1_249, strategy.currentWatermark());

        clock.update(500);
        assertEquals(1_249, strategy.currentWatermark(), "clock stepped back; watermark must hold");
    }

    @Test
    void shouldRejectBadArguments()
    {
        final IllegalArgumentException delay = assertThrows(
            IllegalArgumentException.class, () -> WatermarkStrategy.boundedOutOfOrderness(-1));
        assertTrue(delay.getMessage().contains("maxDelayMs"), delay.getMessage());

        final IllegalArgumentException clock = assertThrows(
            IllegalArgumentException.class, () -> WatermarkStrategy.processingTime(null));
        assertTrue(clock.getMessage().contains("clock"), clock.getMessage());

        final CachedEpochClock manualClock = new CachedEpochClock();
        for (final long badTimeoutMs : new long[]{ 0, -5 })
        {
            final IllegalArgumentException idle = assertThrows(
                IllegalArgumentException.class, () -> WatermarkStrategy.monotonic().withIdleness(badTimeoutMs, manualClock));
            assertTrue(idle.getMessage().contains("idleTimeoutMs"), idle.getMessage());
        }

        final IllegalArgumentException idleClock = assertThrows(
            IllegalArgumentException.class, () -> WatermarkStrategy.monotonic().withIdleness(100, null));
        assertTrue(idleClock.getMessage().contains("clock"), idleClock.getMessage());
    }
}
