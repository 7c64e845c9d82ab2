package io.rivulet.watermark;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;

/**
 * Watermark stays {@link WatermarkStrategy#NO_WATERMARK}. Stateless, so one shared instance.
 */
final class NoWatermarks implements WatermarkStrategy
{
    static final NoWatermarks INSTANCE = new NoWatermarks();

    private NoWatermarks()
    {
    }

    public void onEvent(final long eventTimeMs)
    {
    }

    public long currentWatermark()
    {
        return NO_WATERMARK;
    }

    /** Writes only its header: restoring another strategy's state into this one must fail, not misread. */
    public void snapshotState(final SnapshotWriter out)
    {
        StrategySnapshots.writeHeader(out, StrategySnapshots.NO_WATERMARKS, 0);
    }

    public void restoreState(final SnapshotReader in)
    {
        StrategySnapshots.readHeader(in, StrategySnapshots.NO_WATERMARKS, 0);
    }

    public String toString()
    {
        return "NoWatermarks";
    }
}
