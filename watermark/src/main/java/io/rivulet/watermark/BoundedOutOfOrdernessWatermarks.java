package io.rivulet.watermark;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;

/**
 * Watermark = max event time seen - max delay - 1, saturating at {@link Long#MIN_VALUE}.
 */
final class BoundedOutOfOrdernessWatermarks implements WatermarkStrategy
{
    private final long maxDelayMs;
    // Below this event time the watermark would underflow: it stays NO_WATERMARK. No overflow for any delay >= 0.
    private final long minUsefulEventTimeMs;
    private long maxEventTimeMs = Long.MIN_VALUE;
    private long watermarkMs = NO_WATERMARK;

    BoundedOutOfOrdernessWatermarks(final long maxDelayMs)
    {
        if (maxDelayMs < 0)
        {
            throw new IllegalArgumentException("maxDelayMs must be >= 0, got " + maxDelayMs);
        }
        this.maxDelayMs = maxDelayMs;
        this.minUsefulEventTimeMs = Long.MIN_VALUE + maxDelayMs + 1;
    }

    public void onEvent(final long eventTimeMs)
    {
        if (eventTimeMs > maxEventTimeMs)
        {
            maxEventTimeMs = eventTimeMs;
            if (eventTimeMs >= minUsefulEventTimeMs)
            {
                watermarkMs = eventTimeMs - maxDelayMs - 1;
            }
        }
    }

    public long currentWatermark()
    {
        return watermarkMs;
    }

    public void snapshotState(final SnapshotWriter out)
    {
        StrategySnapshots.writeHeader(out, StrategySnapshots.BOUNDED_OUT_OF_ORDERNESS, maxDelayMs);
        out.putLong(maxEventTimeMs).putLong(watermarkMs);
    }

    public void restoreState(final SnapshotReader in)
    {
        StrategySnapshots.readHeader(in, StrategySnapshots.BOUNDED_OUT_OF_ORDERNESS, maxDelayMs);
        maxEventTimeMs = in.getLong();
        watermarkMs = in.getLong();
    }

    public String toString()
    {
        return "BoundedOutOfOrdernessWatermarks{maxDelayMs=" + maxDelayMs + ", maxEventTimeMs=" + maxEventTimeMs +
            ", watermarkMs=" + watermarkMs + '}';
    }
}
