package io.rivulet.watermark;

import io.rivulet.watermark.internal.TimerHandler;
import io.rivulet.watermark.internal.TimerQueue;
import io.rivulet.watermark.internal.WatermarkMerger;

import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steady-state hot paths allocate nothing per record. Uses HotSpot's per-thread allocation counter (exact); the
 * JMH {@code gc.alloc.rate.norm} benchmarks are the strict gate.
 */
class AllocationTest
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private static final int RECORDS_PER_ROUND = 10_000;
    private static final int WARM_UP_ROUNDS = 10;
    private static final int MEASURED_ROUNDS = 20;
    // Tiered-compilation transitions (deoptimisation, OSR) occasionally allocate a few hundred bytes on the
    // running thread; one 16-byte object per record would be 3.2 MB here.
    private static final long MAX_JIT_NOISE_BYTES = 8 * 1024;

    private long checksum;
    private final TimerHandler handler = (timestampMs, key) -> checksum += timestampMs ^ key;

    @Test
    void shouldNotAllocateInSteadyState()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        final WatermarkStrategy[] strategies = {
            WatermarkStrategy.boundedOutOfOrderness(100).withIdleness(1_000, clock),
            WatermarkStrategy.monotonic(),
            WatermarkStrategy.processingTime(clock),
        };
        final WatermarkMerger merger = new WatermarkMerger(strategies.length);
        final TimerQueue timers = new TimerQueue(1 << 14);

        for (int round = 0; round < WARM_UP_ROUNDS; round++)
        {
            runRound(clock, strategies, merger, timers, round);
        }

        final long threadId = Thread.currentThread().getId();
        THREADS.getThreadAllocatedBytes(threadId);
        long totalBytes = 0;
        int zeroRounds = 0;
        for (int round = WARM_UP_ROUNDS; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++)
        {
            final long before = THREADS.getThreadAllocatedBytes(threadId);
            runRound(clock, strategies, merger, timers, round);
            final long roundBytes = THREADS.getThreadAllocatedBytes(threadId) - before;
            totalBytes += roundBytes;
            zeroRounds += roundBytes == 0 ? 1 : 0;
        }

        assertTrue(checksum != 0);
        final long records = (long)MEASURED_ROUNDS * RECORDS_PER_ROUND;
        assertTrue(totalBytes < MAX_JIT_NOISE_BYTES,
            totalBytes + " bytes for " + records + " records: something allocates per record");
        assertTrue(zeroRounds >= MEASURED_ROUNDS / 2, "only " + zeroRounds + " rounds allocated nothing");
    }

    private void runRound(
        final CachedEpochClock clock,
        final WatermarkStrategy[] strategies,
        final WatermarkMerger merger,
        final TimerQueue timers,
        final int round)
    {
        final long baseMs = round * 100_000L;
        for (int i = 0; i < RECORDS_PER_ROUND; i++)
        {
            final long eventTimeMs = baseMs + i * 10L - (i % 7) * 30L;
            clock.update(baseMs + i);
            final int input = i % strategies.length;
            strategies[input].onEvent(eventTimeMs);
            merger.update(input, strategies[input]);
            timers.register(eventTimeMs + 500, i & 255);
            if ((i & 3) == 0)
            {
                timers.delete(eventTimeMs + 500, i & 255);
            }
            if ((i & 63) == 0)
            {
                timers.advanceTo(merger.currentWatermark(), handler);
            }
        }
        timers.advanceTo(Long.MAX_VALUE, handler);
    }
}
