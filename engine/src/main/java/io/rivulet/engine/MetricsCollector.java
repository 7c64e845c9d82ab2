package io.rivulet.engine;

import io.rivulet.operators.Operator;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@link PipelineMetrics} snapshots from a {@link PhysicalPlan}'s counters. Reads only counters published
 * by the stage threads (atomics) and ring sequences, never operator state, so a snapshot is safe while the stages
 * run and after the plan was released. Its own lock serializes snapshots (the latency histogram is drained into
 * one running total); it never waits on the pipeline's lifecycle, so a callback may call it.
 */
final class MetricsCollector
{
    private final PhysicalPlan plan;
    private final PipelineRuntime runtime;
    private final Histogram latencyNs = new Histogram(1, SinkOutput.MAX_LATENCY_NS, 3);
    /** What was recorded since the last progress report took it ({@link #takeLatencySinceLastTake}). */
    private final Histogram latencySinceTakeNs = new Histogram(1, SinkOutput.MAX_LATENCY_NS, 3);
    private final Histogram drained = new Histogram(1, SinkOutput.MAX_LATENCY_NS, 3);

    MetricsCollector(final PhysicalPlan plan, final PipelineRuntime runtime)
    {
        this.plan = plan;
        this.runtime = runtime;
    }

    /** Drains the sink's recorder into the running total and into what the next progress report takes. */
    private void drainLatency()
    {
        drained.reset();
        plan.sinkOutput.drainLatencyInto(drained);
        latencyNs.add(drained);
        latencySinceTakeNs.add(drained);
    }

    /**
     * @param into receives the end-to-end latencies (ns) recorded since the previous call (reset first).
     */
    synchronized void takeLatencySinceLastTake(final Histogram into)
    {
        drainLatency();
        into.reset();
        into.add(latencySinceTakeNs);
        latencySinceTakeNs.reset();
    }

    synchronized PipelineMetrics snapshot()
    {
        drainLatency();
        final long nowMs = System.currentTimeMillis();
        final List<StageAgent> agents = plan.agents;
        final List<StageMetrics> stages = new ArrayList<>(agents.size());
        for (int i = 0; i < agents.size(); i++)
        {
            final StageAgent agent = agents.get(i);
            final StageTail tail = plan.stageTails.get(i);
            final long out = tail.recordsOut();
            final long watermarkMs = tail.lastWatermarkMs();
            long late = 0;
            long routed = 0;
            long duplicates = 0;
            for (final Operator op : plan.stageOperators.get(i))
            {
                late += op.lateRecordsDropped();
                routed += op.lateRecordsRouted();
                duplicates += op.duplicatesDropped();
            }
            if (i == 0 && plan.fanIn != null)
            {
                late += plan.fanIn.lateRecordsDropped();
            }
            stages.add(new StageMetrics(agent.roleName(), plan.stageDescriptions.get(i), agent.recordsIn(), out,
                plan.rings.get(i).backlog(), late, routed, duplicates, agent.recordsSkipped(), watermarkMs,
                EventTimeDiagnosis.describe(i == 0 ? plan.sources : null, agent, watermarkMs, nowMs)));
        }
        return new PipelineMetrics(stages, latencyNs.copy(), runtime.errorCount());
    }
}
