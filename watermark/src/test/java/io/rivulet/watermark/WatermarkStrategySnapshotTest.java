package io.rivulet.watermark;

import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strategies own their state: a strategy restored from a snapshot taken at any point yields the same watermarks
 * (and idleness) from the same events as the uninterrupted one; a snapshot of another definition is refused; the
 * wall-clock strategies refuse exactly-once.
 */
class WatermarkStrategySnapshotTest
{
    private final CachedEpochClock clock = new CachedEpochClock();

    /** Replays the events (and clock steps, for the clock strategies) and records watermark and idleness. */
    private List<String> run(final Supplier<WatermarkStrategy> factory, final long[] eventsMs, final int cut)
    {
        final List<String> out = new ArrayList<>();
        clock.update(0);
        WatermarkStrategy strategy = factory.get();
        for (int i = 0; i < eventsMs.length; i++)
        {
            if (i == cut)
            {
                final SnapshotWriter writer = new SnapshotWriter(16);
                strategy.snapshotState(writer);
                strategy = factory.get();
                strategy.restoreState(writer.toReader());
            }
            clock.update(i * 7L);
            if ((i / 50) % 4 != 3) // quiet stretches, long enough to go idle
            {
                strategy.onEvent(eventsMs[i]);
            }
            out.add(strategy.currentWatermark() + (strategy.isIdle() ? " idle" : ""));
        }
        return out;
    }

    @Test
    void shouldYieldTheSameWatermarksAfterRestoreFromAnyPoint()
    {
        final Random random = new Random(5);
        final long[] eventsMs = new long[2_000];
        long maxMs = 10_000;
        for (int i = 0; i < eventsMs.length; i++)
        {
            maxMs += random.nextInt(5);
            eventsMs[i] = maxMs - random.nextInt(300);
        }
        final List<Supplier<WatermarkStrategy>> factories = List.of(
            () -> WatermarkStrategy.boundedOutOfOrderness(100),
            WatermarkStrategy::monotonic,
            WatermarkStrategy::noWatermarks,
            () -> WatermarkStrategy.processingTime(clock),
            () -> WatermarkStrategy.boundedOutOfOrderness(50).withIdleness(30, clock));
        for (final Supplier<WatermarkStrategy> factory : factories)
        {
            final List<String> expected = run(factory, eventsMs, -1);
            if (factory.get() instanceof IdleTimeoutWatermarks)
            {
                assertTrue(expected.stream().anyMatch(e -> e.endsWith(" idle")), "goes idle in the quiet stretches");
            }
            for (int cut = 0; cut < eventsMs.length; cut += 37)
            {
                assertEquals(expected, run(factory, eventsMs, cut), factory.get() + " restored at " + cut);
            }
        }
    }

    @Test
    void shouldRefuseSnapshotOfAnotherStrategy()
    {
        final SnapshotWriter out = new SnapshotWriter(16);
        final WatermarkStrategy written = WatermarkStrategy.boundedOutOfOrderness(100);
        written.onEvent(1_000);
        written.snapshotState(out);

        final IllegalStateException delay = assertThrows(IllegalStateException.class,
            () -> WatermarkStrategy.boundedOutOfOrderness(200).restoreState(out.toReader()));
        assertTrue(delay.getMessage().contains("boundedOutOfOrderness(100 ms)") &&
            delay.getMessage().contains("boundedOutOfOrderness(200 ms)") &&
            delay.getMessage().contains("definition changed"), delay.getMessage());

        final IllegalStateException kind = assertThrows(IllegalStateException.class,
            () -> WatermarkStrategy.noWatermarks().restoreState(out.toReader()));
        assertTrue(kind.getMessage().contains("noWatermarks()"), kind.getMessage());
    }

    @Test
    void shouldRefuseExactlyOnceForWallClockStrategies()
    {
        final IllegalStateException processing = assertThrows(IllegalStateException.class,
            () -> WatermarkStrategy.processingTime(clock).requireDeterminism());
        assertTrue(processing.getMessage().startsWith("exactly-once needs event time from the records: ") &&
            processing.getMessage().contains("wall clock"), processing.getMessage());

        final IllegalStateException idle = assertThrows(IllegalStateException.class,
            () -> WatermarkStrategy.monotonic().withIdleness(1_000, clock).requireDeterminism());
        assertTrue(idle.getMessage().startsWith("exactly-once needs event time from the records: idle timeouts") &&
            idle.getMessage().contains("wall clock"), idle.getMessage());

        assertDoesNotThrow(() -> WatermarkStrategy.boundedOutOfOrderness(10).requireDeterminism());
        assertDoesNotThrow(() -> WatermarkStrategy.monotonic().requireDeterminism());
        assertDoesNotThrow(() -> WatermarkStrategy.noWatermarks().requireDeterminism());
    }
}
