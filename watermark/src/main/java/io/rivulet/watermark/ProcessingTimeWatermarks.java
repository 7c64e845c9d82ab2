package io.rivulet.watermark;

import org.agrona.concurrent.EpochClock;

/**
 * Watermark = highest clock reading - 1; event timestamps are ignored.
 */
final class ProcessingTimeWatermarks implements WatermarkStrategy
{
    private final EpochClock clock;
    private long watermarkMs = NO_WATERMARK;

    ProcessingTimeWatermarks(final EpochClock clock)
    {
        if (clock == null)
        {
            throw new IllegalArgumentException("clock is null; pass e.g. SystemEpochClock.INSTANCE");
        }
        this.clock = clock;
    }

    public void onEvent(final long eventTimeMs)
    {
    }

    public long currentWatermark()
    {
        final long nowMs = clock.time();
        // Guards the - 1 against underflow and the clock against stepping back.
        if (nowMs != Long.MIN_VALUE && nowMs - 1 > watermarkMs)
        {
            watermarkMs = nowMs - 1;
        }
        return watermarkMs;
    }

    public String toString()
    {
        return "ProcessingTimeWatermarks{watermarkMs=" + watermarkMs + '}';
    }
}
