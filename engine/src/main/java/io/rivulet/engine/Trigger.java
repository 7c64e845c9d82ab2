package io.rivulet.engine;

import java.time.Duration;

/**
 * When results leave the pipeline, as in Spark's {@code trigger(...)}. Operators are written once; the trigger
 * decides whether they emit per record or per epoch. The pipeline definition is the same for every trigger.
 * <ul>
 *   <li>{@link #continuous()}: record at a time (the default, lowest latency).</li>
 *   <li>{@link #processingTime(Duration)}: micro-batch; an epoch ends every interval of wall-clock time.</li>
 *   <li>{@link #availableNow(long)}: micro-batch over what the source holds at start, in epochs of a fixed number
 *   of records, then the stream ends; {@link #once()} does it in one epoch.</li>
 * </ul>
 * In micro-batch mode stateful window operators absorb records between epoch markers and emit at the marker:
 * UPDATE emits each (key, window) changed during the epoch once, with its latest value; COMPLETE emits the whole
 * table; APPEND emits the windows the watermark closed. The sink gets {@link Sink#onEpoch(long)} after each
 * epoch's rows. Immutable; thread-safe.
 */
public final class Trigger
{
    /** Records per epoch of {@link #availableNow()}. */
    public static final long DEFAULT_RECORDS_PER_EPOCH = 100_000;

    private static final int CONTINUOUS_KIND = 0;
    private static final int PROCESSING_TIME_KIND = 1;
    private static final int AVAILABLE_NOW_KIND = 2;
    private static final int ONCE_KIND = 3;

    private static final Trigger CONTINUOUS = new Trigger(CONTINUOUS_KIND, 0, 0, "continuous");
    private static final Trigger ONCE = new Trigger(ONCE_KIND, 0, Long.MAX_VALUE, "once");

    private final int kind;
    private final long intervalNs;
    private final long recordsPerEpoch;
    private final String description;

    private Trigger(final int kind, final long intervalNs, final long recordsPerEpoch, final String description)
    {
        this.kind = kind;
        this.intervalNs = intervalNs;
        this.recordsPerEpoch = recordsPerEpoch;
        this.description = description;
    }

    /**
     * Record-at-a-time: each record flows through the whole pipeline as soon as it arrives (lowest latency).
     *
     * @return the continuous trigger.
     */
    public static Trigger continuous()
    {
        return CONTINUOUS;
    }

    /**
     * Micro-batch by wall-clock time: the first stage ends an epoch at its first poll after {@code interval}
     * elapsed since the previous epoch, if any record or watermark arrived meanwhile (no empty epochs). While
     * records flow, any interval works (epochs end between polled batches); while the stage waits for data its
     * wait ends every 10 ms, so the epoch after the last record may end up to 10 ms after its interval. With
     * {@link PipelineBuilder#checkpointLocation} the source ends the epochs instead (between two polls, once the
     * previous checkpoint is written, so an epoch lasts at least the interval and at least one checkpoint write),
     * each epoch is a checkpoint, and where each one ended is logged durably before its rows can leave, so a
     * replay after a crash ends the epochs after the restored checkpoint at the same records (Spark's offset
     * log); checkpointInterval and checkpointEvery are then not used.
     *
     * @param interval time between epochs, &gt; 0 (resolution: nanoseconds).
     * @return the trigger.
     * @throws IllegalArgumentException if {@code interval} is null, zero or negative.
     */
    public static Trigger processingTime(final Duration interval)
    {
        if (interval == null || interval.isZero() || interval.isNegative())
        {
            throw new IllegalArgumentException("Trigger.processingTime(interval): the interval must be > 0, got " +
                interval + "; e.g. Trigger.processingTime(Duration.ofMillis(100))");
        }
        final long intervalNs = interval.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE :
            interval.toNanos();
        return new Trigger(PROCESSING_TIME_KIND, intervalNs, 0, "processingTime(" + interval + ")");
    }

    /**
     * {@link #availableNow(long)} with {@value #DEFAULT_RECORDS_PER_EPOCH} records per epoch.
     *
     * @return the trigger.
     */
    public static Trigger availableNow()
    {
        return availableNow(DEFAULT_RECORDS_PER_EPOCH);
    }

    /**
     * Micro-batch over what the source holds when the pipeline starts: the source ends an epoch after every
     * {@code recordsPerEpoch} records it publishes, and a last, shorter one before its end of stream; then the
     * pipeline completes by itself. A journal source reads up to the entry that was its last at start, even if
     * configured {@link JournalSource#tailing()}; finite sources end as always; a source the application feeds
     * ({@link Sources#publisher}, {@link Sources#feed}) ends when the application ends it. Epochs by record count
     * are deterministic, so with {@link PipelineBuilder#checkpointLocation} they are the checkpoint barriers
     * (checkpointInterval and checkpointEvery are then not used).
     *
     * @param recordsPerEpoch source records per epoch, &gt; 0.
     * @return the trigger.
     * @throws IllegalArgumentException if {@code recordsPerEpoch} is zero or negative.
     */
    public static Trigger availableNow(final long recordsPerEpoch)
    {
        if (recordsPerEpoch <= 0)
        {
            throw new IllegalArgumentException("Trigger.availableNow(recordsPerEpoch): records per epoch must be " +
                "> 0, got " + recordsPerEpoch + "; use Trigger.once() for a single epoch");
        }
        return new Trigger(AVAILABLE_NOW_KIND, 0, recordsPerEpoch, "availableNow(" + recordsPerEpoch + ")");
    }

    /**
     * As {@link #availableNow(long)}, in a single epoch: everything the source holds at start, then the stream
     * ends.
     *
     * @return the trigger.
     */
    public static Trigger once()
    {
        return ONCE;
    }

    /**
     * @return true for {@link #continuous()}.
     */
    public boolean isContinuous()
    {
        return kind == CONTINUOUS_KIND;
    }

    /**
     * @return true for every trigger but {@link #continuous()}: operators emit per epoch.
     */
    public boolean isMicroBatch()
    {
        return kind != CONTINUOUS_KIND;
    }

    /**
     * @return true for {@link #processingTime(Duration)}.
     */
    public boolean isProcessingTime()
    {
        return kind == PROCESSING_TIME_KIND;
    }

    /**
     * @return true for {@link #availableNow(long)} and {@link #once()}: the source ends epochs by record count
     * and stops at what it held at start.
     */
    public boolean isAvailableNow()
    {
        return kind == AVAILABLE_NOW_KIND || kind == ONCE_KIND;
    }

    /**
     * @return nanoseconds between epochs of {@link #processingTime(Duration)}, 0 for other triggers.
     */
    public long intervalNs()
    {
        return intervalNs;
    }

    /**
     * @return records per epoch of {@link #availableNow(long)}, {@link Long#MAX_VALUE} for {@link #once()}, 0 for
     * other triggers.
     */
    public long recordsPerEpoch()
    {
        return recordsPerEpoch;
    }

    @Override
    public String toString()
    {
        return description;
    }
}
