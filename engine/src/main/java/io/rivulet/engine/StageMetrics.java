package io.rivulet.engine;

/**
 * Counters of one stage at the time of a {@link PipelineMetrics} snapshot.
 */
public final class StageMetrics
{
    private final String name;
    private final String operators;
    private final long recordsIn;
    private final long recordsOut;
    private final long inputBacklog;
    private final long lateRecordsDropped;
    private final long recordsSkipped;
    private final long lateRecordsRouted;
    private final long duplicatesDropped;
    private final long watermarkMs;
    private final String eventTime;

    StageMetrics(final String name, final String operators, final long recordsIn, final long recordsOut,
        final long inputBacklog, final long lateRecordsDropped, final long lateRecordsRouted,
        final long duplicatesDropped, final long recordsSkipped, final long watermarkMs, final String eventTime)
    {
        this.lateRecordsRouted = lateRecordsRouted;
        this.duplicatesDropped = duplicatesDropped;
        this.recordsSkipped = recordsSkipped;
        this.watermarkMs = watermarkMs;
        this.eventTime = eventTime;
        this.lateRecordsDropped = lateRecordsDropped;
        this.name = name;
        this.operators = operators;
        this.recordsIn = recordsIn;
        this.recordsOut = recordsOut;
        this.inputBacklog = inputBacklog;
    }

    /**
     * @return the stage (and thread) name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the fused operator chain, described.
     */
    public String operators()
    {
        return operators;
    }

    /**
     * @return data records taken from the input ring.
     */
    public long recordsIn()
    {
        return recordsIn;
    }

    /**
     * @return data records emitted to the next ring or the sink.
     */
    public long recordsOut()
    {
        return recordsOut;
    }

    /**
     * @return slots waiting in the input ring.
     */
    public long inputBacklog()
    {
        return inputBacklog;
    }

    /**
     * @return records the stage's operators dropped as too late (behind the watermark for {@code dropDuplicates},
     * too late for any window, unable to match in an interval join). Records sent to a late-data sink are not
     * dropped: see {@link #lateRecordsRouted()}.
     */
    public long lateRecordsDropped()
    {
        return lateRecordsDropped;
    }

    /**
     * @return input records whose processing threw and that {@link ErrorPolicy#skip} sent to the dead-letter
     * sink (0 under the default fail policy).
     */
    public long recordsSkipped()
    {
        return recordsSkipped;
    }

    /**
     * @return records the stage's operators found too late and sent to their late-data sink
     * ({@code lateData(sink)}).
     */
    public long lateRecordsRouted()
    {
        return lateRecordsRouted;
    }

    /**
     * @return records the stage's {@code dropDuplicates} dropped as duplicates.
     */
    public long duplicatesDropped()
    {
        return duplicatesDropped;
    }

    /**
     * @return the last watermark the stage emitted (epoch ms), Long.MIN_VALUE if none yet.
     */
    public long watermarkMs()
    {
        return watermarkMs;
    }

    /**
     * Why event time is where it is: the stage's watermark and its lag behind the wall clock, each input's
     * watermark, which inputs are idle and which one holds the merged watermark back.
     *
     * @return one line of diagnosis.
     */
    public String eventTime()
    {
        return eventTime;
    }

    @Override
    public String toString()
    {
        return name + " [" + operators + "] in=" + recordsIn + " out=" + recordsOut + " backlog=" + inputBacklog +
            (lateRecordsDropped > 0 ? " lateDropped=" + lateRecordsDropped : "") +
            (lateRecordsRouted > 0 ? " lateRouted=" + lateRecordsRouted : "") +
            (duplicatesDropped > 0 ? " duplicatesDropped=" + duplicatesDropped : "") +
            (recordsSkipped > 0 ? " skipped=" + recordsSkipped : "") + "\n    event time: " + eventTime;
    }
}
