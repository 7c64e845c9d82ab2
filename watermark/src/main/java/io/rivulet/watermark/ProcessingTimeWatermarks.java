package io.rivulet.watermark;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;

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

    /** The watermark so far, so a clock that stepped back across a restart still cannot move it backwards. */
    public void snapshotState(final SnapshotWriter out)
    {
        StrategySnapshots.writeHeader(out, StrategySnapshots.PROCESSING_TIME, 0);
        out.putLong(watermarkMs);
    }

    public void restoreState(final SnapshotReader in)
    {
        StrategySnapshots.readHeader(in, StrategySnapshots.PROCESSING_TIME, 0);
        watermarkMs = in.getLong();
    }

    public void requireDeterminism()
    {
        throw new IllegalStateException("exactly-once needs event time from the records: " +
            "WatermarkStrategy.processingTime(clock) follows the wall clock, so a replay would see other " +
            "watermarks; use boundedOutOfOrderness(maxDelayMs) or monotonic() over an event-time column");
    }

    public String toString()
    {
        return "ProcessingTimeWatermarks{watermarkMs=" + watermarkMs + '}';
    }
}
