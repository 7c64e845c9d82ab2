package io.rivulet.engine;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
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
    private final Source source;
    private final Sink sink;
    private final PipelineRuntime runtime;
    private final List<SlotRing> rings = new ArrayList<>();
    private final List<StageAgent> agents = new ArrayList<>();
    private final List<String> stageDescriptions = new ArrayList<>();
    private final List<Output> stageTails = new ArrayList<>();
    private final List<Operator> operators = new ArrayList<>();
    private final List<List<Operator>> stageOperators = new ArrayList<>();
    private final SinkOutput sinkOutput;
    private final Histogram latencyNs = new Histogram(1, SinkOutput.MAX_LATENCY_NS, 3);
    private final String plan;
    private final List<AgentRunner> runners = new ArrayList<>();
    private Thread sourceThread;
    private boolean started;
    private boolean closed;

    Pipeline(final String name, final Source source, final List<RecordStream.StagePlan> stages, final Sink sink,
        final Schema outputSchema, final WaitMode waitMode, final int ringCapacity, final boolean recordLatency)
    {
        this.name = name;
        this.source = source;
        this.sink = sink;
        this.runtime = new PipelineRuntime(name);
        this.sinkOutput = new SinkOutput(sink, runtime, recordLatency);

        final StringBuilder planText = new StringBuilder();
        planText.append("source ").append(source).append(" -> ").append(source.schema()).append('\n');
        SlotRing input = SlotRing.create(ringCapacity, source.schema().recordLengthBytes(), waitMode, false);
        rings.add(input);
        for (int i = 0; i < stages.size(); i++)
        {
            final RecordStream.StagePlan stage = stages.get(i);
            final boolean last = i == stages.size() - 1;
            final Output tail;
            final SlotRing next;
            if (last)
            {
                tail = sinkOutput;
                next = null;
            }
            else
            {
                final Schema nextSchema = stages.get(i + 1).inputSchema;
                next = SlotRing.create(ringCapacity, nextSchema.recordLengthBytes(), waitMode, false);
                tail = new RingOutput(next);
            }

            Output head = tail;
            for (int j = stage.operators.size() - 1; j >= 0; j--)
            {
                final Operator op = stage.operators.get(j);
                op.open(head);
                head = op;
            }
            operators.addAll(stage.operators);
            stageOperators.add(List.copyOf(stage.operators));

            final String stageName = "rivulet-" + name + "-stage-" + i;
            final StringBuilder chain = new StringBuilder();
            for (final Operator op : stage.operators)
            {
                chain.append(chain.length() == 0 ? "" : " -> ").append(op.describe());
            }
            chain.append(chain.length() == 0 ? "" : " -> ").append(last ? "sink" : "ring");
            stageDescriptions.add(chain.toString());
            stageTails.add(tail);
            agents.add(new StageAgent(stageName, input, stage.inputSchema, head, runtime));
            planText.append("  ring[").append(ringCapacity).append(" x ").append(input.slotLength())
                .append("B, ").append(waitMode).append("]\n  ").append(stageName).append(": ")
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
        source.bind(rings.get(0), runtime);
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
        if (source.ownsThread())
        {
            sourceThread = new Thread(this::runSource, "rivulet-" + name + "-source");
            sourceThread.start();
        }
        return this;
    }

    private void runSource()
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
        final List<StageMetrics> stages = new ArrayList<>(agents.size());
        for (int i = 0; i < agents.size(); i++)
        {
            final Output tail = stageTails.get(i);
            final long out = tail instanceof RingOutput ?
                ((RingOutput)tail).recordsOut() : ((SinkOutput)tail).recordsOut();
            long late = 0;
            for (final Operator op : stageOperators.get(i))
            {
                late += op.lateRecordsDropped();
            }
            stages.add(new StageMetrics(agents.get(i).roleName(), stageDescriptions.get(i),
                agents.get(i).recordsIn(), out, rings.get(i).backlog(), late));
        }
        return new PipelineMetrics(stages, latencyNs.copy(), runtime.errorCount());
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
        if (sourceThread != null)
        {
            try
            {
                sourceThread.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final Operator op : operators)
        {
            op.close();
        }
        sink.close();
    }
}
