package io.rivulet.operators;

import io.rivulet.ringbuffer.Schema;

/**
 * An operator of a pipeline (the SPI): receives the records and markers of its input on the stage thread and
 * emits to its {@link #output()}. An operator is created for its input schema when the pipeline is built, so
 * a mistake (unknown column, wrong type) fails then, not at run time.
 * <p>
 * Markers are forwarded unchanged by default. Implementations must not allocate per record; a record handed to
 * {@link #onRecord} is valid only during the call. Called from one thread.
 */
public abstract class Operator implements Output
{
    private Output output;

    /**
     * @return schema of the records this operator emits.
     */
    public abstract Schema outputSchema();

    /**
     * Connects the operator to its downstream, before the first record.
     *
     * @param output downstream.
     */
    public void open(final Output output)
    {
        this.output = output;
    }

    /**
     * @return the downstream set by {@link #open}.
     */
    protected final Output output()
    {
        return output;
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        output.onWatermark(watermarkMs);
    }

    @Override
    public void onEpoch(final long epochId)
    {
        output.onEpoch(epochId);
    }

    @Override
    public void onEndOfStream()
    {
        output.onEndOfStream();
    }

    @Override
    public void onProcessingTime(final long nowMs)
    {
        output.onProcessingTime(nowMs);
    }

    /**
     * @return records this operator dropped because they arrived too late for it (behind the watermark, or after
     * it closed their window); records it sent to a late-data output are not counted here but in
     * {@link #lateRecordsRouted()}. 0 for operators without event-time state. Read from any thread; approximate
     * while running.
     */
    public long lateRecordsDropped()
    {
        return 0;
    }

    /**
     * @return records this operator found too late and sent to its late-data output (0 if it has none). Read
     * from any thread; approximate while running.
     */
    public long lateRecordsRouted()
    {
        return 0;
    }

    /**
     * @return records this operator dropped as duplicates (0 unless it deduplicates). Read from any thread;
     * approximate while running.
     */
    public long duplicatesDropped()
    {
        return 0;
    }

    /**
     * Releases resources after the last record; the default does nothing.
     */
    public void close()
    {
    }

    /**
     * @return a short description for plans and metrics.
     */
    public abstract String describe();

    @Override
    public String toString()
    {
        return describe();
    }
}
