package io.rivulet.engine;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SlotRing;
import io.rivulet.ringbuffer.WaitMode;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NoOpIdleStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running (or runnable) dataflow: a source, stages of fused operators linked by off-heap rings, and a sink.
 * <pre>{@code
 *   Pipeline p = Pipeline.from(Sources.publisher(schema))
 *       .where(col("qty").gt(100))
 *       .select(col("sym"), col("px").times(col("qty")).as("notional"))
 *       .to(sink)
 *       .start();
 * }</pre>
 * Thread topology: the source (its own thread, or the application's for a publisher) writes into the first
 * ring; each stage is one {@link org.agrona.concurrent.Agent} on its own thread; the sink runs on the last
 * stage's thread. An operator, source or sink failure stops the whole pipeline and is rethrown, as the cause of
 * a {@link PipelineFailedException}, by {@link #awaitCompletion}. Methods are thread-safe.
 */
public final class Pipeline implements AutoCloseable
{
    private final String name;
    private final List<Source> sources;
    private final Sink sink;
    private final PipelineRuntime runtime;
    private final List<SlotRing> rings = new ArrayList<>();
    private final List<StageAgent> agents = new ArrayList<>();
    private final List<String> stageDescriptions = new ArrayList<>();
    private final List<Output> stageTails = new ArrayList<>();
    private final List<List<Operator>> stageOperators = new ArrayList<>();
    private final TwoInputOperator fanIn;
    private final SinkOutput sinkOutput;
    private final Histogram latencyNs = new Histogram(1, SinkOutput.MAX_LATENCY_NS, 3);
    private final String plan;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<Thread> sourceThreads = new ArrayList<>();
    private boolean started;
    private boolean closed;

    Pipeline(final String name, final RecordStream.PipelinePlan pipelinePlan, final Sink sink,
        final Schema outputSchema, final WaitMode waitMode, final int ringCapacity, final boolean recordLatency,
        final long idleTimeoutNs)
    {
        this.name = name;
        this.sources = pipelinePlan.sources;
        this.sink = sink;
        this.fanIn = pipelinePlan.fanIn;
        this.runtime = new PipelineRuntime(name);
        this.sinkOutput = new SinkOutput(sink, runtime, recordLatency);

        final StringBuilder planText = new StringBuilder();
        final Schema[] sourceSchemas = new Schema[sources.size()];
        int slotRecordLength = 0;
        for (int i = 0; i < sources.size(); i++)
        {
            sourceSchemas[i] = sources.get(i).schema();
            slotRecordLength = Math.max(slotRecordLength, sourceSchemas[i].recordLengthBytes());
            planText.append("source ").append(i).append(": ").append(sources.get(i)).append(" -> ")
                .append(sourceSchemas[i]).append('\n');
        }
        final long tickNs = StageAgent.TICK_INTERVAL_NS;
        SlotRing input = SlotRing.create(ringCapacity, slotRecordLength, waitMode, sources.size() > 1, tickNs);
        rings.add(input);

        final List<RecordStream.StagePlan> stages = pipelinePlan.stages;
        for (int i = 0; i < stages.size(); i++)
        {
            final RecordStream.StagePlan stage = stages.get(i);
            final boolean last = i == stages.size() - 1;
            final SlotRing next = last ? null :
                SlotRing.create(ringCapacity, stages.get(i + 1).inputSchema.recordLengthBytes(), waitMode, false, tickNs);
            final Output tail = last ? sinkOutput : new RingOutput(next);
            final Output chainHead = fuse(stage.operators, tail);
            stageOperators.add(List.copyOf(stage.operators));
            final StringBuilder chain = new StringBuilder();
            describe(stage.operators, chain);

            final Output[] heads;
            final Schema[] inputSchemas;
            final TwoInputOperator stageFanIn = i == 0 ? fanIn : null;
            if (stageFanIn != null)
            {
                stageFanIn.open(chainHead);
                heads = new Output[sources.size()];
                final StringBuilder inputsText = new StringBuilder();
                for (int s = 0; s < heads.length; s++)
                {
                    final List<Operator> inputChain = pipelinePlan.inputChains.get(s);
                    heads[s] = fuse(inputChain, stageFanIn.input(s));
                    stageOperators.set(0, concat(stageOperators.get(0), inputChain));
                    inputsText.append(s == 0 ? "[" : " | ").append("input ").append(s).append(": ");
                    describe(inputChain, inputsText);
                }
                chain.insert(0, inputsText.append("] -> ").append(stageFanIn.describe())
                    .append(stage.operators.isEmpty() ? "" : " -> "));
                inputSchemas = sourceSchemas;
            }
            else
            {
                heads = new Output[]{chainHead};
                inputSchemas = new Schema[]{i == 0 ? sourceSchemas[0] : stage.inputSchema};
            }
            chain.append(chain.length() == 0 ? "" : " -> ").append(last ? "sink" : "ring");

            final String stageName = "rivulet-" + name + "-stage-" + i;
            stageDescriptions.add(chain.toString());
            stageTails.add(tail);
            agents.add(new StageAgent(stageName, input, inputSchemas, heads, runtime, stageFanIn, idleTimeoutNs));
            planText.append("  ring[").append(ringCapacity).append(" x ").append(input.slotLength())
                .append("B, ").append(waitMode).append(input == rings.get(0) && sources.size() > 1 ?
                ", " + sources.size() + " producers" : "").append("]\n  ").append(stageName).append(": ")
                .append(chain).append('\n');
            if (next != null)
            {
                rings.add(next);
                input = next;
            }
        }
        planText.append("sink -> ").append(outputSchema);
        plan = planText.toString();
        runtime.rings(List.copyOf(rings));
        for (int i = 0; i < sources.size(); i++)
        {
            sources.get(i).bind(rings.get(0), runtime, i);
        }
    }

    private static Output fuse(final List<Operator> operators, final Output tail)
    {
        Output head = tail;
        for (int j = operators.size() - 1; j >= 0; j--)
        {
            final Operator op = operators.get(j);
            op.open(head);
            head = op;
        }
        return head;
    }

    private static void describe(final List<Operator> operators, final StringBuilder out)
    {
        final int start = out.length();
        for (final Operator op : operators)
        {
            out.append(out.length() == start ? "" : " -> ").append(op.describe());
        }
        if (out.length() == start)
        {
            out.append("-");
        }
    }

    private static List<Operator> concat(final List<Operator> a, final List<Operator> b)
    {
        final List<Operator> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * Begins defining a pipeline.
     *
     * @param source where the records come from.
     * @return the source's records, to transform.
     */
    public static RecordStream from(final Source source)
    {
        return new RecordStream(source);
    }

    /**
     * Starts the stage threads, then the source thread (if the source has one).
     *
     * @return this.
     * @throws IllegalStateException if already started.
     */
    public synchronized Pipeline start()
    {
        if (started)
        {
            throw new IllegalStateException("Pipeline '" + name + "' is already started");
        }
        started = true;
        // the stage's ring wait strategy does the waiting, so the runner must not add idling on top
        for (final StageAgent agent : agents)
        {
            final AgentRunner runner = new AgentRunner(NoOpIdleStrategy.INSTANCE, runtime, null, agent);
            runners.add(runner);
            AgentRunner.startOnThread(runner);
        }
        for (int i = 0; i < sources.size(); i++)
        {
            final Source source = sources.get(i);
            if (source.ownsThread())
            {
                final Thread thread = new Thread(() -> runSource(source), "rivulet-" + name + "-source-" + i);
                sourceThreads.add(thread);
                thread.start();
            }
        }
        return this;
    }

    private void runSource(final Source source)
    {
        try
        {
            source.run();
        }
        catch (final Throwable t)
        {
            runtime.onError(t);
        }
    }

    /**
     * Waits until every record reached the sink (end-of-stream), the pipeline failed, or it was closed.
     *
     * @param timeout how long to wait.
     * @param unit    unit of {@code timeout}.
     * @return true if the stream completed, false on timeout or close.
     * @throws PipelineFailedException with the failure as its cause if the pipeline failed.
     */
    public boolean awaitCompletion(final long timeout, final TimeUnit unit)
    {
        try
        {
            runtime.finished().await(timeout, unit);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        if (runtime.failure() != null)
        {
            throw runtime.stoppedException();
        }
        return runtime.isCompleted();
    }

    /**
     * @return true once end-of-stream reached the sink.
     */
    public boolean isCompleted()
    {
        return runtime.isCompleted();
    }

    /**
     * @return the failure that stopped the pipeline, or null.
     */
    public Throwable failure()
    {
        return runtime.failure();
    }

    /**
     * @return the physical plan: rings, stages and their fused operator chains.
     */
    public String explain()
    {
        return plan;
    }

    /**
     * @return a snapshot of per-stage counters and the latency histogram since start (a copy).
     */
    public synchronized PipelineMetrics metrics()
    {
        sinkOutput.drainLatencyInto(latencyNs);
        final long nowMs = System.currentTimeMillis();
        final List<StageMetrics> stages = new ArrayList<>(agents.size());
        for (int i = 0; i < agents.size(); i++)
        {
            final StageAgent agent = agents.get(i);
            final Output tail = stageTails.get(i);
            final long out;
            final long watermarkMs;
            if (tail instanceof RingOutput)
            {
                out = ((RingOutput)tail).recordsOut();
                watermarkMs = ((RingOutput)tail).lastWatermarkMs();
            }
            else
            {
                out = ((SinkOutput)tail).recordsOut();
                watermarkMs = ((SinkOutput)tail).lastWatermarkMs();
            }
            long late = 0;
            long routed = 0;
            long duplicates = 0;
            for (final Operator op : stageOperators.get(i))
            {
                late += op.lateRecordsDropped();
                routed += op.lateRecordsRouted();
                duplicates += op.duplicatesDropped();
            }
            if (i == 0 && fanIn != null)
            {
                late += fanIn.lateRecordsDropped();
            }
            stages.add(new StageMetrics(agent.roleName(), stageDescriptions.get(i), agent.recordsIn(), out,
                rings.get(i).backlog(), late, routed, duplicates, watermarkMs,
                diagnoseEventTime(i, agent, watermarkMs, nowMs)));
        }
        return new PipelineMetrics(stages, latencyNs.copy(), runtime.errorCount());
    }

    private String diagnoseEventTime(final int stage, final StageAgent agent, final long watermarkMs,
        final long nowMs)
    {
        final StringBuilder sb = new StringBuilder();
        if (watermarkMs == Long.MIN_VALUE)
        {
            sb.append("no watermark emitted yet");
        }
        else
        {
            sb.append("watermark ").append(watermarkMs).append(" (lag ").append(nowMs - watermarkMs).append(" ms)");
        }
        final boolean sourceInputs = stage == 0;
        boolean anyActive = false;
        boolean anyIdle = false;
        for (int i = 0; i < agent.inputCount(); i++)
        {
            anyIdle |= agent.inputIdle(i);
            anyActive |= !agent.inputIdle(i) && !agent.inputEnded(i);
            final long inputWatermark = agent.inputWatermark(i);
            if (agent.inputCount() == 1 && inputWatermark == Long.MIN_VALUE)
            {
                break; // one input without watermark markers: event time, if any, comes from the chain
            }
            sb.append("; input ").append(i);
            if (sourceInputs)
            {
                sb.append(" (").append(sources.get(i)).append(')');
            }
            sb.append(inputWatermark == Long.MIN_VALUE ? " no watermark" : " watermark " + inputWatermark);
            if (agent.inputEnded(i))
            {
                sb.append(" ENDED");
            }
            if (agent.inputIdle(i))
            {
                sb.append(" IDLE");
            }
            if (agent.watermarkHolder() == i)
            {
                sb.append(" <- holds event time back");
            }
        }
        if (anyIdle && !anyActive)
        {
            sb.append("; every live input idle: event time holds until one sends");
        }
        return sb.toString();
    }

    /**
     * Stops the source and stages (records in flight are discarded), joins their threads and closes the
     * operators and the sink. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        runtime.stop();
        for (final AgentRunner runner : runners)
        {
            runner.close();
        }
        for (final Thread thread : sourceThreads)
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final List<Operator> ops : stageOperators)
        {
            for (final Operator op : ops)
            {
                op.close();
            }
        }
        if (fanIn != null)
        {
            fanIn.close();
        }
        sink.close();
    }
}
