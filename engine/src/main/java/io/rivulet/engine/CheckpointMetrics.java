package io.rivulet.engine;

/**
 * A snapshot of a checkpointing pipeline's recovery and checkpoint figures ({@link Pipeline#checkpointMetrics()}).
 * Times in nanoseconds. Immutable.
 */
public final class CheckpointMetrics
{
    private final long restoredEpoch;
    private final long restoreNs;
    private final long checkpointsWritten;
    private final long committedEpoch;
    private final long lastWriteNs;
    private final long lastStallNs;
    private final long maxStallNs;
    private final long lastSnapshotBytes;
    private final long replaysSuppressed;

    CheckpointMetrics(final long restoredEpoch, final long restoreNs, final long checkpointsWritten,
        final long committedEpoch, final long lastWriteNs, final long lastStallNs, final long maxStallNs, final long lastSnapshotBytes,
        final long replaysSuppressed)
    {
        this.restoredEpoch = restoredEpoch;
        this.restoreNs = restoreNs;
        this.checkpointsWritten = checkpointsWritten;
        this.committedEpoch = committedEpoch;
        this.lastWriteNs = lastWriteNs;
        this.lastStallNs = lastStallNs;
        this.maxStallNs = maxStallNs;
        this.lastSnapshotBytes = lastSnapshotBytes;
        this.replaysSuppressed = replaysSuppressed;
    }

    /** @return the epoch restored when the pipeline was built, or -1 if it started without a checkpoint. */
    public long restoredEpoch()
    {
        return restoredEpoch;
    }

    /** @return time to load, verify and restore that checkpoint (0 if none). */
    public long restoreNs()
    {
        return restoreNs;
    }

    /** @return checkpoints written since the pipeline was built (the initial one included). */
    public long checkpointsWritten()
    {
        return checkpointsWritten;
    }

    /** @return the newest epoch on disk. */
    public long committedEpoch()
    {
        return committedEpoch;
    }

    /** @return time the writer thread took for the last checkpoint file (write, fsync, rename). */
    public long lastWriteNs()
    {
        return lastWriteNs;
    }

    /**
     * @return how long a stage thread spent snapshotting its operators at the last barrier (with several stages,
     * the last one to snapshot).
     */
    public long lastStallNs()
    {
        return lastStallNs;
    }

    /** @return the longest a stage thread spent snapshotting its operators at one barrier: the stall. */
    public long maxStallNs()
    {
        return maxStallNs;
    }

    /** @return bytes of operator state in the last checkpoint. */
    public long lastSnapshotBytes()
    {
        return lastSnapshotBytes;
    }

    /** @return outputs produced again by the replay after recovery that the sink already held, so dropped. */
    public long replaysSuppressed()
    {
        return replaysSuppressed;
    }

    @Override
    public String toString()
    {
        return String.format("checkpoints: %s, %d written, committed epoch %d, last " +
            "write %.1f ms, stall last %.2f ms max %.2f ms, state %d bytes, %d replayed outputs suppressed",
            restoredEpoch < 0 ? "new (nothing restored)" : String.format("restored epoch %d in %.1f ms", restoredEpoch,
            restoreNs / 1e6), checkpointsWritten, committedEpoch, lastWriteNs / 1e6, lastStallNs / 1e6,
            maxStallNs / 1e6, lastSnapshotBytes, replaysSuppressed);
    }
}
