package io.rivulet.watermark;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;

import org.agrona.concurrent.EpochClock;

/**
 * Delegates the watermark; idle once no event has been seen, and the watermark has not advanced, for the timeout.
 * A watermark that advances without events (processing time follows the clock) is activity: such an input is
 * progressing, not quiet.
 * <p>
 * Before the first event, the quiet period starts at the first {@link #isIdle()} check (as Flink's idleness
 * timer), not at construction, so a pipeline that is built long before it starts does not begin idle.
 */
final class IdleTimeoutWatermarks implements WatermarkStrategy
{
    private static final long NEVER = Long.MIN_VALUE;

    private final WatermarkStrategy delegate;
    private final long idleTimeoutMs;
    private final EpochClock clock;
    private long lastActivityMs = NEVER;
    private long lastWatermarkMs = NO_WATERMARK;
    private boolean idle;

    IdleTimeoutWatermarks(final WatermarkStrategy delegate, final long idleTimeoutMs, final EpochClock clock)
    {
        if (idleTimeoutMs <= 0)
        {
            throw new IllegalArgumentException("idleTimeoutMs must be > 0, got " + idleTimeoutMs);
        }
        if (clock == null)
        {
            throw new IllegalArgumentException("clock is null; pass e.g. SystemEpochClock.INSTANCE");
        }
        this.delegate = delegate;
        this.idleTimeoutMs = idleTimeoutMs;
        this.clock = clock;
    }

    public void onEvent(final long eventTimeMs)
    {
        delegate.onEvent(eventTimeMs);
        lastActivityMs = clock.time();
        idle = false;
    }

    public long currentWatermark()
    {
        return delegate.currentWatermark();
    }

    public boolean isIdle()
    {
        final long watermarkMs = delegate.currentWatermark();
        if (watermarkMs > lastWatermarkMs)
        {
            lastWatermarkMs = watermarkMs;
            lastActivityMs = clock.time();
            idle = false;
        }
        else if (!idle)
        {
            final long nowMs = clock.time();
            if (lastActivityMs == NEVER)
            {
                lastActivityMs = nowMs;
            }
            else if (nowMs - lastActivityMs >= idleTimeoutMs)
            {
                idle = true;
            }
        }
        return idle;
    }

    public void snapshotState(final SnapshotWriter out)
    {
        StrategySnapshots.writeHeader(out, StrategySnapshots.IDLE_TIMEOUT, idleTimeoutMs);
        delegate.snapshotState(out);
        out.putLong(lastActivityMs).putLong(lastWatermarkMs).putBoolean(idle);
    }

    public void restoreState(final SnapshotReader in)
    {
        StrategySnapshots.readHeader(in, StrategySnapshots.IDLE_TIMEOUT, idleTimeoutMs);
        delegate.restoreState(in);
        lastActivityMs = in.getLong();
        lastWatermarkMs = in.getLong();
        idle = in.getBoolean();
    }

    public void requireDeterminism()
    {
        throw new IllegalStateException("exactly-once needs event time from the records: idle timeouts " +
            "(withIdleness(" + idleTimeoutMs + " ms, clock)) depend on the wall clock, so a replay would mark " +
            "inputs idle at other points; drop withIdleness for an exactly-once pipeline");
    }

    public String toString()
    {
        return "IdleTimeoutWatermarks{idleTimeoutMs=" + idleTimeoutMs + ", idle=" + idle + ", lastActivityMs=" +
            lastActivityMs + ", delegate=" + delegate + '}';
    }
}
