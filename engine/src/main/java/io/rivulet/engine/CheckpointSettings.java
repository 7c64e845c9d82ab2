package io.rivulet.engine;

import java.nio.file.Path;

/** A pipeline's checkpoint settings, as the builder collected them; null settings mean no checkpoints. */
final class CheckpointSettings
{
    final Path dir;
    final long intervalMs;
    final long everyRecords;
    final int retained;
    final boolean startFresh;

    CheckpointSettings(final Path dir, final long intervalMs, final long everyRecords, final int retained,
        final boolean startFresh)
    {
        this.dir = dir;
        this.intervalMs = intervalMs;
        this.everyRecords = everyRecords;
        this.retained = retained;
        this.startFresh = startFresh;
    }
}
