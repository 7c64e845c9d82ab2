package io.rivulet.engine;

import io.rivulet.operators.Output;

/**
 * Where a stage's chain ends: the ring to the next stage ({@link RingOutput}) or the sink ({@link SinkOutput}).
 * Written on the stage thread; its counters are read from any thread (metrics, progress, the stage's own tick).
 */
interface StageTail extends Output
{
    /** @return records this stage has emitted so far. */
    long recordsOut();

    /** @return the last watermark this stage emitted, Long.MIN_VALUE if none yet. */
    long lastWatermarkMs();
}
