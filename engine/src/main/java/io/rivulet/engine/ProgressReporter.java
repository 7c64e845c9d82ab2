package io.rivulet.engine;

import io.rivulet.operators.EventTimeRange;
import io.rivulet.operators.Operator;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Makes a pipeline's {@link PipelineProgress} reports on a thread of its own ({@code rivulet-<name>-progress}),
 * never on a stage thread, and hands them to the listeners.
 * <pre>
 *   stage threads --lazySet counters--> (atomics: records in, positions, state gauges, event-time range, sink rows)
 *   progress thread: every interval, or when asked (requestReport), read them, subtract the previous report's,
 *                    build an immutable report, publish it (lastProgress), call the listeners
 * </pre>
 * Reports come every interval in continuous mode; {@link #requestReport(long)} is the hook for micro-batch
 * triggers: called at an epoch's end (from any thread, a stage's included: it only stores and unparks), it makes
 * the next report at once and tags it with the epoch. After the pipeline's threads exited (completion, failure)
 * or on {@link #stop()} (close) one final report covers the rest, then the thread ends and the listeners are
 * dropped. Reading the counters costs the stages nothing but a cache miss per report; a report allocates,
 * nothing is allocated per record.
 */
final class ProgressReporter implements Runnable
{
    /** Default time between reports in continuous mode. */
    static final long DEFAULT_INTERVAL_MS = 1_000;

    private final String name;
    private final PhysicalPlan plan;
    private final MetricsCollector metrics;
    private final long intervalNs;
    private final CopyOnWriteArrayList<ProgressListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong requestedEpoch = new AtomicLong(-1);
    private final List<StateView> stateOperators = new ArrayList<>();
    private final List<EventTimeRange> eventTimeRanges = new ArrayList<>();
    private final Histogram latency = new Histogram(1, SinkOutput.MAX_LATENCY_NS, 3);
    private final String sinkDescription;
    private volatile PipelineProgress last;
    private volatile boolean terminated;
    private volatile boolean stopped;
    private volatile boolean finished;
    private volatile Thread thread;

    // the previous report's cumulative values: read and written by the progress thread only
    private long previousNs;
    private long reports;
    private long previousBacklog0;
    private long previousSinkRows;
    private final long[] previousStageRecords;
    private final long[] previousSourceRecords;
    private final long[] previousSourcePositions;
    private final long[] previousRowsUpdated;
    private final long[] previousLateDropped;

    ProgressReporter(final String name, final PhysicalPlan plan, final MetricsCollector metrics, final long intervalMs)
    {
        this.name = name;
        this.plan = plan;
        this.metrics = metrics;
        this.intervalNs = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        for (int i = 0; i < plan.stageOperators.size(); i++)
        {
            if (i == 0 && plan.fanIn != null && plan.fanIn.stateRows() >= 0)
            {
                final io.rivulet.operators.TwoInputOperator join = plan.fanIn;
                stateOperators.add(new StateView(join.describe(), 0, join::stateRows, join::stateRowsUpdated,
                    join::stateOffHeapBytes, join::lateRecordsDropped));
            }
            for (final Operator op : plan.stageOperators.get(i))
            {
                if (op.stateRows() >= 0)
                {
                    stateOperators.add(new StateView(op.describe(), i, op::stateRows, op::stateRowsUpdated,
                        op::stateOffHeapBytes, op::lateRecordsDropped));
                }
                final EventTimeRange range = op.eventTimeRange();
                if (range != null)
                {
                    eventTimeRanges.add(range);
                }
            }
        }
        this.previousStageRecords = new long[plan.agents.size()];
        this.previousSourceRecords = new long[plan.sources.size()];
        this.previousSourcePositions = new long[plan.sources.size()];
        java.util.Arrays.fill(previousSourcePositions, -1);
        this.previousRowsUpdated = new long[stateOperators.size()];
        this.previousLateDropped = new long[stateOperators.size()];
        this.sinkDescription = describe(plan.sink);
    }

    /** A sink's own toString if its class has one, else its class's name (a lambda's is not worth showing). */
    private static String describe(final Sink sink)
    {
        try
        {
            if (sink.getClass().getMethod("toString").getDeclaringClass() != Object.class)
            {
                return sink.toString();
            }
        }
        catch (final NoSuchMethodException ex)
        {
            throw new AssertionError(ex); // every class has toString
        }
        return sink.getClass().isSynthetic() || sink.getClass().isAnonymousClass() ? "callback sink" :
            sink.getClass().getSimpleName();
    }

    /** Starts the progress thread; the first report comes one interval later. Once. */
    void start()
    {
        previousNs = System.nanoTime();
        final Thread t = new Thread(this, "rivulet-" + name + "-progress");
        t.setDaemon(true); // a report must never keep the JVM alive
        thread = t;
        t.start();
    }

    /**
     * Asks for a report now, tagged with {@code epochId} (the micro-batch hook). Any thread; does not wait.
     *
     * @param epochId the epoch that just ended, >= 0.
     */
    void requestReport(final long epochId)
    {
        requestedEpoch.set(epochId);
        LockSupport.unpark(thread);
    }

    /** The pipeline's threads have all exited: make the final report and end. Any thread; does not wait. */
    void onTerminated()
    {
        terminated = true;
        LockSupport.unpark(thread);
    }

    /**
     * Makes the final report (if not made yet) and ends the progress thread; waits for it unless called on it (a
     * listener closing the pipeline), interrupting it every second (a listener blocked in a wait). Idempotent.
     *
     * @param timeoutMs how long to wait for the thread to end.
     * @return null if the thread ended (or this is it, or it never started); else its name: a listener that
     *         ignores interrupts still holds it, and the final report follows when that listener returns.
     */
    String stop(final long timeoutMs)
    {
        stopped = true;
        final Thread t = thread;
        if (t == null)
        {
            listeners.clear();
            return null;
        }
        if (t == Thread.currentThread())
        {
            return null; // a listener closing the pipeline: the final report follows when it returns, to them all
        }
        LockSupport.unpark(t);
        return PipelineRuntime.joinInterrupting(new Thread[]{t}, timeoutMs, () -> { }); // a listener in a wait
    }

    /**
     * Waits until the final report is made and its listeners returned, at most {@code timeoutNs}; at once on the
     * progress thread itself (a listener awaiting completion) or if the thread never started. Keeps an interrupt.
     *
     * @return true if the final report is out and every listener returned from it (or there is nothing to wait
     *         for: no thread, or this is it); false on timeout or interrupt.
     */
    boolean awaitFinalReport(final long timeoutNs)
    {
        final Thread t = thread;
        if (t == null || t == Thread.currentThread())
        {
            return true;
        }
        final long startNs = System.nanoTime();
        long leftNs;
        while (!finished && (leftNs = timeoutNs - (System.nanoTime() - startNs)) > 0)
        {
            try
            {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNs)));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return finished;
    }

    void addListener(final ProgressListener listener)
    {
        if (listener == null)
        {
            throw new IllegalArgumentException("addProgressListener(null): pass a ProgressListener");
        }
        listeners.add(listener);
        if (finished)
        {
            listeners.clear(); // the final report is out: nothing will call it, so do not keep it
        }
    }

    boolean removeListener(final ProgressListener listener)
    {
        return listeners.remove(listener);
    }

    /** @return listeners registered and not yet dropped (tests). */
    int listenerCount()
    {
        return listeners.size();
    }

    PipelineProgress lastProgress()
    {
        return last;
    }

    @Override
    public void run()
    {
        try
        {
            while (true)
            {
                final long dueNs = previousNs + intervalNs;
                long epoch;
                while ((epoch = requestedEpoch.getAndSet(-1)) < 0 && !terminated && !stopped)
                {
                    final long waitNs = dueNs - System.nanoTime();
                    if (waitNs <= 0)
                    {
                        break;
                    }
                    LockSupport.parkNanos(this, waitNs);
                }
                if (terminated || stopped)
                {
                    if (epoch >= 0)
                    {
                        report(epoch); // an epoch that ended just before the pipeline keeps its own report
                    }
                    report(-1); // the final one: what end of stream emitted after the last epoch, if anything
                    return;
                }
                report(epoch);
            }
        }
        finally
        {
            finished = true;
            listeners.clear();
        }
    }

    private void report(final long epochId)
    {
        final PipelineProgress progress;
        try
        {
            progress = build(epochId);
        }
        catch (final Throwable ex)
        {
            handleListenerFailure(ex); // e.g. out of memory building it: this report is lost, not the later ones
            return;
        }
        last = progress;
        for (final ProgressListener listener : listeners)
        {
            try
            {
                listener.onProgress(progress);
            }
            catch (final Throwable ex)
            {
                // Every Throwable, an Error or a sneaky-thrown checked exception included: one that escaped would
                // end this thread, and with it every later report, the final one and the other listeners. A
                // VirtualMachineError (a listener's OutOfMemoryError, StackOverflowError) is passed on all the
                // same, not swallowed: the handler sees it, and this thread, which holds only one report, goes on.
                handleListenerFailure(ex);
            }
            // a listener's own interrupt must not turn the park between reports into a spin; stop() interrupts only
            // to wake a listener blocked in a wait, and sets stopped first, so clearing it loses nothing
            Thread.interrupted();
        }
    }

    private static void handleListenerFailure(final Throwable ex)
    {
        final Thread t = Thread.currentThread();
        try
        {
            t.getUncaughtExceptionHandler().uncaughtException(t, ex);
        }
        catch (final Throwable ignored)
        {
            // a handler that throws is ignored, as the JVM ignores it for an uncaught exception: the reports go on
        }
    }

    private PipelineProgress build(final long epochId)
    {
        // Read every counter first, in one short burst, so the report's numbers agree with each other as far as
        // counters written by running threads can (a stage 0 total is the sum of its sources' reads, not a
        // second read); then compute.
        final List<StageAgent> agents = plan.agents;
        final StageAgent first = agents.get(0);
        final int sourceCount = plan.sources.size();
        final long[] sourceRecords = new long[sourceCount];
        final long[] sourcePositions = new long[sourceCount];
        for (int i = 0; i < sourceCount; i++)
        {
            sourceRecords[i] = first.inputRecords(i);
            sourcePositions[i] = first.inputPosition(i);
        }
        final long[] stageRecords = new long[agents.size()];
        final long[] backlogs = new long[agents.size()];
        for (int i = 0; i < agents.size(); i++)
        {
            stageRecords[i] = i == 0 ? sum(sourceRecords) : agents.get(i).recordsIn();
            backlogs[i] = plan.rings.get(i).backlog();
        }
        final long[] stateRows = new long[stateOperators.size()];
        final long[] rowsUpdated = new long[stateOperators.size()];
        final long[] stateBytes = new long[stateOperators.size()];
        final long[] lateDropped = new long[stateOperators.size()];
        for (int i = 0; i < stateOperators.size(); i++)
        {
            final StateView op = stateOperators.get(i);
            stateRows[i] = op.rows.getAsLong();
            rowsUpdated[i] = op.rowsUpdated.getAsLong();
            stateBytes[i] = op.offHeapBytes.getAsLong();
            lateDropped[i] = op.lateDropped.getAsLong();
        }
        final long sinkRowsRead = plan.sinkOutput.recordsOut();
        final long watermarkMs = plan.sinkOutput.lastWatermarkMs();
        long minMs = Long.MAX_VALUE;
        long maxMs = Long.MIN_VALUE;
        for (final EventTimeRange range : eventTimeRanges)
        {
            minMs = Math.min(minMs, range.takeMinMs());
            maxMs = Math.max(maxMs, range.takeMaxMs());
        }
        metrics.takeLatencySinceLastTake(latency);
        // the sink records a row's latency just before counting it; rows delivered between the two reads above
        // would be counted here but have their latency in the next report. Counting the latencies taken instead
        // makes a report's rows and its percentiles the same rows (totals agree once the pipeline ends).
        final long sinkRows = plan.sinkOutput.recordsLatency() ? previousSinkRows + latency.getTotalCount() :
            sinkRowsRead;
        final long nowNs = System.nanoTime();
        final long nowMs = System.currentTimeMillis();

        final long durationNs = Math.max(1, nowNs - previousNs);
        previousNs = nowNs;
        final List<PipelineProgress.StageProgress> stages = new ArrayList<>(agents.size());
        for (int i = 0; i < agents.size(); i++)
        {
            final long stageRows = stageRecords[i] - previousStageRecords[i];
            previousStageRecords[i] = stageRecords[i];
            final boolean sinkStage = i == agents.size() - 1 && latency.getTotalCount() > 0;
            stages.add(new PipelineProgress.StageProgress(agents.get(i).roleName(), stageRows, backlogs[i],
                plan.rings.get(i).capacity(),
                sinkStage ? latency.getValueAtPercentile(50) : PipelineProgress.NONE,
                sinkStage ? latency.getValueAtPercentile(99) : PipelineProgress.NONE,
                sinkStage ? latency.getValueAtPercentile(99.9) : PipelineProgress.NONE));
        }
        final long processed = stages.get(0).numInputRows();
        final long arrived = Math.max(0, processed + backlogs[0] - previousBacklog0);
        previousBacklog0 = backlogs[0];

        final List<PipelineProgress.SourceProgress> sources = new ArrayList<>(sourceCount);
        for (int i = 0; i < sourceCount; i++)
        {
            sources.add(new PipelineProgress.SourceProgress(plan.sources.get(i).toString(),
                previousSourcePositions[i], sourcePositions[i], sourceRecords[i] - previousSourceRecords[i]));
            previousSourceRecords[i] = sourceRecords[i];
            previousSourcePositions[i] = sourcePositions[i];
        }

        final List<PipelineProgress.StateOperatorProgress> state = new ArrayList<>(stateOperators.size());
        for (int i = 0; i < stateOperators.size(); i++)
        {
            state.add(new PipelineProgress.StateOperatorProgress(stateOperators.get(i).description,
                stateOperators.get(i).stage, stateRows[i], rowsUpdated[i] - previousRowsUpdated[i], stateBytes[i],
                lateDropped[i] - previousLateDropped[i]));
            previousRowsUpdated[i] = rowsUpdated[i];
            previousLateDropped[i] = lateDropped[i];
        }

        final PipelineProgress.EventTimeProgress eventTime = new PipelineProgress.EventTimeProgress(watermarkMs,
            minMs, maxMs, minMs != Long.MAX_VALUE || maxMs != Long.MIN_VALUE); // one row at either end sets both
        final PipelineProgress.SinkProgress sink = new PipelineProgress.SinkProgress(sinkDescription,
            sinkRows - previousSinkRows, sinkRows);
        previousSinkRows = sinkRows;

        final double seconds = durationNs / 1e9;
        return new PipelineProgress(name, reports++, epochId, nowMs, TimeUnit.NANOSECONDS.toMillis(durationNs),
            processed, arrived / seconds, processed / seconds, eventTime, state, sources, sink, stages);
    }

    private static long sum(final long[] values)
    {
        long sum = 0;
        for (final long v : values)
        {
            sum += v;
        }
        return sum;
    }

    /** A stateful operator's counters (one- or two-input), read by the progress thread. */
    private static final class StateView
    {
        final String description;
        final int stage;
        final LongSupplier rows;
        final LongSupplier rowsUpdated;
        final LongSupplier offHeapBytes;
        final LongSupplier lateDropped;

        StateView(final String description, final int stage, final LongSupplier rows, final LongSupplier rowsUpdated,
            final LongSupplier offHeapBytes, final LongSupplier lateDropped)
        {
            this.description = description;
            this.stage = stage;
            this.rows = rows;
            this.rowsUpdated = rowsUpdated;
            this.offHeapBytes = offHeapBytes;
            this.lateDropped = lateDropped;
        }
    }
}
