package io.rivulet.engine;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * A snapshot of a pipeline's counters and its end-to-end latency histogram (ingest to sink, ns).
 */
public final class PipelineMetrics
{
    private final List<StageMetrics> stages;
    private final Histogram latencyNs;
    private final long errors;

    PipelineMetrics(final List<StageMetrics> stages, final Histogram latencyNs, final long errors)
    {
        this.stages = stages;
        this.latencyNs = latencyNs;
        this.errors = errors;
    }

    /**
     * @return per-stage counters, in pipeline order.
     */
    public List<StageMetrics> stages()
    {
        return stages;
    }

    /**
     * @return a copy of the latency histogram since start, in nanoseconds (empty if recording is off).
     */
    public Histogram latencyNs()
    {
        return latencyNs;
    }

    /**
     * @return errors reported by stages and sources.
     */
    public long errors()
    {
        return errors;
    }

    /**
     * @return records delivered to the sink.
     */
    public long sinkRecords()
    {
        return stages.get(stages.size() - 1).recordsOut();
    }

    /**
     * @return latency percentiles p50/p90/p99/p99.9/max in µs, one line.
     */
    public String formatLatency()
    {
        final Histogram h = latencyNs;
        if (h.getTotalCount() == 0)
        {
            return "latency: no records";
        }
        return String.format("latency us: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f (n=%d)",
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
            h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
            h.getMaxValue() / 1000.0, h.getTotalCount());
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final StageMetrics s : stages)
        {
            sb.append(s).append('\n');
        }
        return sb.append(formatLatency()).append(" errors=").append(errors).toString();
    }
}
