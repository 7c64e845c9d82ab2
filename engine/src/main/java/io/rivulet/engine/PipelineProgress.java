package io.rivulet.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One progress report of a running pipeline, as Spark's {@code StreamingQueryProgress}: what entered, how fast,
 * where event time is, how big the keyed state is, how far each source got, what the sink received, and each
 * stage's latency and ring occupancy. In continuous mode a report covers one interval
 * ({@link PipelineBuilder#progressInterval}, 1 s by default); the last report covers the time up to the
 * pipeline's end. Counts named "in this report" cover the report's interval; totals cover the pipeline's life.
 * <p>
 * Immutable; {@link #toJson()} renders it with Jackson. Made on the pipeline's progress thread, never on a stage
 * thread; it allocates per report, nothing per record.
 */
public final class PipelineProgress
{
    /** Value of a time field (epoch ms) or a latency (ns) that has no value: written as JSON {@code null}. */
    public static final long NONE = Long.MIN_VALUE;

    private static final JsonFactory JSON = new JsonFactory();

    private final String name;
    private final long id;
    private final long epochId;
    private final long timestampMs;
    private final long durationMs;
    private final long numInputRows;
    private final double inputRowsPerSecond;
    private final double processedRowsPerSecond;
    private final EventTimeProgress eventTime;
    private final List<StateOperatorProgress> stateOperators;
    private final List<SourceProgress> sources;
    private final SinkProgress sink;
    private final List<StageProgress> stages;

    PipelineProgress(final String name, final long id, final long epochId, final long timestampMs,
        final long durationMs, final long numInputRows, final double inputRowsPerSecond,
        final double processedRowsPerSecond, final EventTimeProgress eventTime,
        final List<StateOperatorProgress> stateOperators, final List<SourceProgress> sources,
        final SinkProgress sink, final List<StageProgress> stages)
    {
        this.name = name;
        this.id = id;
        this.epochId = epochId;
        this.timestampMs = timestampMs;
        this.durationMs = durationMs;
        this.numInputRows = numInputRows;
        this.inputRowsPerSecond = inputRowsPerSecond;
        this.processedRowsPerSecond = processedRowsPerSecond;
        this.eventTime = eventTime;
        this.stateOperators = List.copyOf(stateOperators);
        this.sources = List.copyOf(sources);
        this.sink = sink;
        this.stages = List.copyOf(stages);
    }

    /** @return the pipeline's name. */
    public String name()
    {
        return name;
    }

    /** @return this report's number: 0, 1, 2, ... per pipeline. */
    public long id()
    {
        return id;
    }

    /**
     * @return the micro-batch epoch this report closes, or -1 for a report that closes none: a continuous-mode
     * interval, an interval within an epoch longer than the progress interval, or the report made when the
     * pipeline ends.
     */
    public long epochId()
    {
        return epochId;
    }

    /** @return when the report was made, epoch ms (wall clock). */
    public long timestampMs()
    {
        return timestampMs;
    }

    /** @return the time this report covers, ms (since the previous report, or the start). */
    public long durationMs()
    {
        return durationMs;
    }

    /**
     * @return rows the first stage took from its sources in this report (the rows processed; join inputs
     * together).
     */
    public long numInputRows()
    {
        return numInputRows;
    }

    /**
     * @return rows per second that arrived from the sources in this report: the rows processed plus the growth of
     * the first ring's backlog (markers waiting in it count as rows). Above {@link #processedRowsPerSecond()}
     * when the first stage falls behind.
     */
    public double inputRowsPerSecond()
    {
        return inputRowsPerSecond;
    }

    /** @return rows per second the first stage processed in this report ({@link #numInputRows()} / duration). */
    public double processedRowsPerSecond()
    {
        return processedRowsPerSecond;
    }

    /** @return the watermark and the event-time range of this report. */
    public EventTimeProgress eventTime()
    {
        return eventTime;
    }

    /** @return one entry per operator that keeps keyed state (windows, deduplication, process functions). */
    public List<StateOperatorProgress> stateOperators()
    {
        return stateOperators;
    }

    /** @return one entry per source, in the order of their source ids (a join's left input first). */
    public List<SourceProgress> sources()
    {
        return sources;
    }

    /** @return the sink's counts. */
    public SinkProgress sink()
    {
        return sink;
    }

    /** @return one entry per stage, in pipeline order. */
    public List<StageProgress> stages()
    {
        return stages;
    }

    /**
     * @return this report as one JSON object (field names as the accessors; time fields without a value, and
     * latencies of a stage that does not record them, are {@code null}).
     */
    public String toJson()
    {
        return write(false);
    }

    /** @return {@link #toJson()}, indented for people. */
    public String toPrettyJson()
    {
        return write(true);
    }

    private String write(final boolean pretty)
    {
        final StringWriter out = new StringWriter(1024);
        try (JsonGenerator g = JSON.createGenerator(out))
        {
            if (pretty)
            {
                g.useDefaultPrettyPrinter();
            }
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeNumberField("id", id);
            g.writeNumberField("epochId", epochId);
            g.writeNumberField("timestampMs", timestampMs);
            g.writeNumberField("durationMs", durationMs);
            g.writeNumberField("numInputRows", numInputRows);
            g.writeNumberField("inputRowsPerSecond", inputRowsPerSecond);
            g.writeNumberField("processedRowsPerSecond", processedRowsPerSecond);
            g.writeObjectFieldStart("eventTime");
            writeOptional(g, "watermarkMs", eventTime.watermarkMs);
            if (eventTime.hasRange)
            {
                g.writeNumberField("minMs", eventTime.minMs);
                g.writeNumberField("maxMs", eventTime.maxMs);
            }
            else
            {
                g.writeNullField("minMs");
                g.writeNullField("maxMs");
            }
            g.writeEndObject();
            g.writeArrayFieldStart("stateOperators");
            for (final StateOperatorProgress op : stateOperators)
            {
                g.writeStartObject();
                g.writeStringField("operator", op.operator);
                g.writeNumberField("stage", op.stage);
                g.writeNumberField("numRowsTotal", op.numRowsTotal);
                g.writeNumberField("numRowsUpdated", op.numRowsUpdated);
                g.writeNumberField("offHeapBytes", op.offHeapBytes);
                g.writeNumberField("numLateRowsDropped", op.numLateRowsDropped);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("sources");
            for (final SourceProgress source : sources)
            {
                g.writeStartObject();
                g.writeStringField("description", source.description);
                g.writeNumberField("startPosition", source.startPosition);
                g.writeNumberField("endPosition", source.endPosition);
                g.writeNumberField("numInputRows", source.numInputRows);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("sink");
            g.writeStringField("description", sink.description);
            g.writeNumberField("numOutputRows", sink.numOutputRows);
            g.writeNumberField("totalOutputRows", sink.totalOutputRows);
            g.writeEndObject();
            g.writeArrayFieldStart("stages");
            for (final StageProgress stage : stages)
            {
                g.writeStartObject();
                g.writeStringField("name", stage.name);
                g.writeNumberField("numInputRows", stage.numInputRows);
                g.writeNumberField("ringBacklog", stage.ringBacklog);
                g.writeNumberField("ringCapacity", stage.ringCapacity);
                g.writeNumberField("ringOccupancy", stage.ringOccupancy());
                writeOptional(g, "latencyP50Ns", stage.latencyP50Ns);
                writeOptional(g, "latencyP99Ns", stage.latencyP99Ns);
                writeOptional(g, "latencyP999Ns", stage.latencyP999Ns);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex); // a StringWriter does not throw
        }
        return out.toString();
    }

    private static void writeOptional(final JsonGenerator g, final String field, final long value) throws IOException
    {
        if (value == NONE)
        {
            g.writeNullField(field);
        }
        else
        {
            g.writeNumberField(field, value);
        }
    }

    /**
     * @return one line for logs and consoles: input and rates, watermark, state rows, sink rows, and the sink
     * stage's latency and each ring's occupancy.
     */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(160);
        sb.append("progress #").append(id).append(' ').append(durationMs).append(" ms: in ").append(numInputRows)
            .append(String.format(" (%.0f/s in, %.0f/s processed)", inputRowsPerSecond, processedRowsPerSecond));
        if (eventTime.watermarkMs != NONE)
        {
            sb.append(" wm ").append(eventTime.watermarkMs);
        }
        if (eventTime.hasRange)
        {
            sb.append(" ts ").append(eventTime.minMs).append("..").append(eventTime.maxMs);
        }
        for (final StateOperatorProgress op : stateOperators)
        {
            sb.append(" state ").append(op.numRowsTotal).append(" rows/").append(op.offHeapBytes >> 10).append(" KiB");
            if (op.numLateRowsDropped > 0)
            {
                sb.append(" late ").append(op.numLateRowsDropped);
            }
        }
        sb.append(" | sink ").append(sink.numOutputRows).append(" (total ").append(sink.totalOutputRows).append(')');
        for (final StageProgress stage : stages)
        {
            sb.append(" | stage ").append(stage.name.substring(stage.name.lastIndexOf('-') + 1));
            sb.append(String.format(" ring %.1f%%", 100 * stage.ringOccupancy()));
            if (stage.latencyP50Ns != NONE)
            {
                sb.append(String.format(" p50/p99/p99.9 %.1f/%.1f/%.1f us", stage.latencyP50Ns / 1e3,
                    stage.latencyP99Ns / 1e3, stage.latencyP999Ns / 1e3));
            }
        }
        return sb.toString();
    }

    /** Event time in a report, epoch ms; {@link #NONE} where there is no value. */
    public static final class EventTimeProgress
    {
        private final long watermarkMs;
        private final long minMs;
        private final long maxMs;
        private final boolean hasRange;

        EventTimeProgress(final long watermarkMs, final long minMs, final long maxMs, final boolean hasRange)
        {
            this.watermarkMs = watermarkMs;
            this.minMs = hasRange ? minMs : NONE;
            this.maxMs = hasRange ? maxMs : NONE;
            this.hasRange = hasRange;
        }

        /**
         * @return true if this report read any row's event time: then {@link #minMs()} and {@link #maxMs()} are
         * values, even when one equals {@link #NONE} (a row at {@code Long.MIN_VALUE}).
         */
        public boolean hasRange()
        {
            return hasRange;
        }

        /** @return the last watermark the sink stage emitted (the pipeline's output event time), or NONE. */
        public long watermarkMs()
        {
            return watermarkMs;
        }

        /**
         * @return the smallest event time among the rows whose event time a {@code withWatermark} or
         * {@code withProcessingTime} read in this report, or NONE (no such rows, or no such operator; a row at
         * {@code Long.MIN_VALUE} reads as NONE too: {@link #hasRange()} tells them apart).
         */
        public long minMs()
        {
            return minMs;
        }

        /** @return the largest event time read in this report (as {@link #minMs()}), or NONE. */
        public long maxMs()
        {
            return maxMs;
        }
    }

    /** One operator's keyed state in a report. */
    public static final class StateOperatorProgress
    {
        private final String operator;
        private final int stage;
        private final long numRowsTotal;
        private final long numRowsUpdated;
        private final long offHeapBytes;
        private final long numLateRowsDropped;

        StateOperatorProgress(final String operator, final int stage, final long numRowsTotal,
            final long numRowsUpdated, final long offHeapBytes, final long numLateRowsDropped)
        {
            this.operator = operator;
            this.stage = stage;
            this.numRowsTotal = numRowsTotal;
            this.numRowsUpdated = numRowsUpdated;
            this.offHeapBytes = offHeapBytes;
            this.numLateRowsDropped = numLateRowsDropped;
        }

        /** @return the operator, described as in {@link Pipeline#explain()}. */
        public String operator()
        {
            return operator;
        }

        /** @return the stage the operator runs on (0-based). */
        public int stage()
        {
            return stage;
        }

        /** @return entries in its state (e.g. (window, key) pairs), as of its last stage tick (10 ms). */
        public long numRowsTotal()
        {
            return numRowsTotal;
        }

        /** @return state entries inserted or updated in this report. */
        public long numRowsUpdated()
        {
            return numRowsUpdated;
        }

        /** @return native bytes its state tables hold, as of its last stage tick. */
        public long offHeapBytes()
        {
            return offHeapBytes;
        }

        /** @return rows it dropped as too late in this report (rows sent to a late-data sink not included). */
        public long numLateRowsDropped()
        {
            return numLateRowsDropped;
        }
    }

    /** One source in a report. */
    public static final class SourceProgress
    {
        private final String description;
        private final long startPosition;
        private final long endPosition;
        private final long numInputRows;

        SourceProgress(final String description, final long startPosition, final long endPosition,
            final long numInputRows)
        {
            this.description = description;
            this.startPosition = startPosition;
            this.endPosition = endPosition;
            this.numInputRows = numInputRows;
        }

        /** @return the source, described. */
        public String description()
        {
            return description;
        }

        /**
         * @return the source index ({@code RecordFlyweight.sourceIndex()}, e.g. a journal index) of the last row
         * processed before this report, -1 if none or the source does not number its rows.
         */
        public long startPosition()
        {
            return startPosition;
        }

        /** @return the source index of the last row processed by the end of this report (as above). */
        public long endPosition()
        {
            return endPosition;
        }

        /** @return rows of this source the first stage took in this report. */
        public long numInputRows()
        {
            return numInputRows;
        }
    }

    /** The sink in a report. */
    public static final class SinkProgress
    {
        private final String description;
        private final long numOutputRows;
        private final long totalOutputRows;

        SinkProgress(final String description, final long numOutputRows, final long totalOutputRows)
        {
            this.description = description;
            this.numOutputRows = numOutputRows;
            this.totalOutputRows = totalOutputRows;
        }

        /** @return the sink, described. */
        public String description()
        {
            return description;
        }

        /** @return rows delivered to the sink in this report. */
        public long numOutputRows()
        {
            return numOutputRows;
        }

        /** @return rows delivered to the sink since the pipeline started. */
        public long totalOutputRows()
        {
            return totalOutputRows;
        }
    }

    /** One stage in a report. */
    public static final class StageProgress
    {
        private final String name;
        private final long numInputRows;
        private final long ringBacklog;
        private final int ringCapacity;
        private final long latencyP50Ns;
        private final long latencyP99Ns;
        private final long latencyP999Ns;

        StageProgress(final String name, final long numInputRows, final long ringBacklog, final int ringCapacity,
            final long latencyP50Ns, final long latencyP99Ns, final long latencyP999Ns)
        {
            this.name = name;
            this.numInputRows = numInputRows;
            this.ringBacklog = ringBacklog;
            this.ringCapacity = ringCapacity;
            this.latencyP50Ns = latencyP50Ns;
            this.latencyP99Ns = latencyP99Ns;
            this.latencyP999Ns = latencyP999Ns;
        }

        /** @return the stage (and thread) name. */
        public String name()
        {
            return name;
        }

        /** @return data rows the stage took from its input ring in this report. */
        public long numInputRows()
        {
            return numInputRows;
        }

        /** @return slots waiting in the stage's input ring when the report was made. */
        public long ringBacklog()
        {
            return ringBacklog;
        }

        /** @return slots of the stage's input ring. */
        public int ringCapacity()
        {
            return ringCapacity;
        }

        /** @return {@link #ringBacklog()} / {@link #ringCapacity()}, 0 to 1. */
        public double ringOccupancy()
        {
            return (double)ringBacklog / ringCapacity;
        }

        /**
         * @return the median end-to-end latency (ingest to sink, ns) of the rows this stage delivered in this
         * report; NONE for stages before an async boundary (only the sink stage records latency), with
         * {@code recordLatency(false)}, or when no row reached the sink.
         */
        public long latencyP50Ns()
        {
            return latencyP50Ns;
        }

        /** @return the 99th percentile of the latency (as {@link #latencyP50Ns()}). */
        public long latencyP99Ns()
        {
            return latencyP99Ns;
        }

        /** @return the 99.9th percentile of the latency (as {@link #latencyP50Ns()}). */
        public long latencyP999Ns()
        {
            return latencyP999Ns;
        }
    }
}
