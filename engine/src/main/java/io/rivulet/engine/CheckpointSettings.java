package io.rivulet.engine;

import java.nio.file.Path;

/** A pipeline's checkpoint settings, as the builder collected them; null settings mean no checkpoints. */
final class CheckpointSettings
{
    final Path dir;
    final long intervalNs;
    final long everyRecords;
    final int retained;
    final boolean startFresh;
    /** A setting given besides the location, for the message if the location is missing. */
    final String settingGiven;

    CheckpointSettings(final Path dir, final long intervalNs, final long everyRecords, final int retained,
        final boolean startFresh, final String settingGiven)
    {
        this.dir = dir;
        this.settingGiven = settingGiven;
        this.intervalNs = intervalNs;
        this.everyRecords = everyRecords;
        this.retained = retained;
        this.startFresh = startFresh;
    }
}
