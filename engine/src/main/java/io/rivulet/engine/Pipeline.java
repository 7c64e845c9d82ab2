package io.rivulet.engine;

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
 * stage's thread; a progress thread ({@link #lastProgress()}) reads the stages' counters once per interval. A failure
 * stops the whole pipeline (or, with {@link ErrorPolicy#skip}, a record error skips
 * the record) and is rethrown, as the cause of a {@link PipelineFailedException}, by {@link #awaitCompletion}.
 * <p>
 * Lifecycle: built (operators opened, their state allocated) -> {@link #start()} -> completed, failed or
 * {@link #close() closed}. The last pipeline thread to exit closes the operators (freeing their native memory)
 * and the sinks, so a finished pipeline holds no native memory; {@link #close()} is still needed to stop a
 * running one, or to release one that was never started. This class is a thin facade over the physical plan
 * (built by the planner), the runtime (threads, lifecycle, errors) and the metrics collector.
 * Methods are thread-safe.
 */
public final class Pipeline implements AutoCloseable
{
    /** How long {@link #awaitCompletion} waits for the threads of a stopped pipeline to make the final report. */
    private static final long FINAL_REPORT_AFTER_STOP_MS = 1_000;
    private final PipelineRuntime runtime;
    private final MetricsCollector metrics;
    private final String plan;
    private final CheckpointCoordinator checkpoints;
    private final SinkOutput sinkOutput;
    private final ProgressReporter progress;

    /** For tests: the runtime behind this facade. */
    PipelineRuntime runtime()
    {
        return runtime;
    }

    Pipeline(final PipelineRuntime runtime, final PhysicalPlan plan, final long progressIntervalMs)
    {
        this.runtime = runtime;
        this.metrics = new MetricsCollector(plan, runtime);
        this.plan = plan.text;
        this.checkpoints = plan.checkpoints;
        this.sinkOutput = plan.sinkOutput;
        this.progress = progressIntervalMs > 0 ? new ProgressReporter(runtime.name(), plan, metrics,
            progressIntervalMs) : null;
        if (progress != null)
        {
            runtime.onTerminated(progress::onTerminated);
            if (plan.trigger.isMicroBatch())
            {
                plan.sinkOutput.reportEpochs(progress);
            }
        }
    }

    /** For tests and the micro-batch runtime: the progress reporter, null if progress reports are off. */
    ProgressReporter progressReporter()
    {
        return progress;
    }

    /**
     * Begins defining a pipeline.
     *
     * @param source where the records come from.
     * @return the source's records, to transform.
     * @throws IllegalStateException naming the JVM flag to add if the JVM denies Agrona its off-heap access.
     */
    public static RecordStream from(final Source source)
    {
        JvmAccessCheck.check();
        return new RecordStream(source);
    }

    /**
     * Starts the stage threads, then the source thread (if the source has one).
     *
     * @return this.
     * @throws IllegalStateException if already started, or closed.
     */
    public Pipeline start()
    {
        runtime.start();
        if (progress != null)
        {
            progress.start();
        }
        return this;
    }

    /**
     * Waits until every record reached the sink (end of stream) and the pipeline released its resources, the
     * pipeline failed, or it was closed. Not from the pipeline's own threads (a sink or operator callback). Once
     * the pipeline's threads have exited, it also waits (within the timeout) for the final progress report, so
     * {@link #lastProgress()} is then final and the listeners have had it.
     *
     * @param timeout how long to wait.
     * @param unit    unit of {@code timeout}.
     * @return true if the stream completed and the final progress report was made and every listener returned
     * from it; false if the timeout elapsed first (a listener still in the final report included: a later call
     * returns true once it is out), or the calling thread was interrupted (its interrupt status is then set).
     * @throws PipelineFailedException with the failure as its cause if the pipeline failed.
     * @throws PipelineClosedException if the pipeline was closed before its stream completed.
     * @throws IllegalStateException   if called on one of the pipeline's own threads, or before {@link #start()}.
     */
    public boolean awaitCompletion(final long timeout, final TimeUnit unit)
    {
        final long startNs = System.nanoTime();
        boolean completed = false;
        try
        {
            completed = runtime.awaitCompletion(timeout, unit);
        }
        finally
        {
            if (progress != null && runtime.isDone() && !runtime.isPipelineThread(Thread.currentThread()))
            {
                // the final report is made once the threads exited: let the caller see it, within the timeout; a
                // stop (failure, close) releases waiters before the threads exit, and a thread stuck in user code
                // may never exit, so then wait a moment only
                final long leftNs = Math.max(0, unit.toNanos(timeout)) - (System.nanoTime() - startNs);
                final boolean reported = progress.awaitFinalReport(runtime.isTerminated() ? leftNs :
                    Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(FINAL_REPORT_AFTER_STOP_MS)));
                // true promises the listeners have seen the final report: a slow listener still in it is a timeout
                completed &= reported;
            }
        }
        return completed;
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
     * A snapshot of per-stage counters and the latency histogram since start (a copy). Callable from any thread,
     * a callback included, also after completion or close; never waits for the pipeline's lifecycle.
     *
     * @return the snapshot (allocates).
     */
    public PipelineMetrics metrics()
    {
        return metrics.snapshot();
    }

    /**
     * @return the pipeline's checkpoint and recovery figures, or null if it does not checkpoint
     * ({@link PipelineBuilder#checkpointLocation}). Any thread.
     */
    public CheckpointMetrics checkpointMetrics()
    {
        return checkpoints == null ? null : checkpoints.metrics(sinkOutput.replaysSuppressed());
    }

    /**
     * The latest progress report (Spark's {@code StreamingQuery.lastProgress}): rows in and their rates, event
     * time, keyed state, source positions, sink rows, per-stage latency and ring occupancy. Reports are made every
     * {@link PipelineBuilder#progressInterval progress interval} on the pipeline's progress thread, and once more
     * when the pipeline ends (completes, fails or is closed), so after {@link #close()}, and once
     * {@link #awaitCompletion} returned true or threw, this is the final report.
     * Any thread; never waits.
     *
     * @return the latest report, or null before the first one (or if progress reports are off).
     */
    public PipelineProgress lastProgress()
    {
        return progress == null ? null : progress.lastProgress();
    }

    /**
     * Registers a listener for every later progress report, called on the pipeline's progress thread
     * ({@code rivulet-<name>-progress}), never on a stage thread. Listeners are dropped after the final report
     * (end of the pipeline, or {@link #close()}); one added after it is never called and not kept. A listener
     * added twice is called twice per report.
     *
     * @param listener receives each report.
     * @throws IllegalArgumentException if null.
     * @throws IllegalStateException    if progress reports are off ({@code progressInterval(0)}).
     */
    public void addProgressListener(final ProgressListener listener)
    {
        if (progress == null)
        {
            throw new IllegalStateException("Pipeline '" + runtime.name() + "' makes no progress reports: it was " +
                "built with progressInterval(0); build it with an interval > 0 (the default is 1000 ms)");
        }
        progress.addListener(listener);
    }

    /**
     * @param listener a listener added with {@link #addProgressListener}.
     * @return true if it was registered (it is not called after this returns, unless a report is under way); one
     * call removes one registration of a listener added twice.
     */
    public boolean removeProgressListener(final ProgressListener listener)
    {
        return progress != null && progress.removeListener(listener);
    }

    /**
     * Stops the source and stages (records in flight are discarded) and releases the operators' native memory
     * and the sinks ({@link Sink#close()}, late-data and dead-letter sinks included). Idempotent.
     * <ul>
     *   <li>From any other thread: waits for the pipeline's threads to exit (one blocked in a callback is
     *   interrupted after a second), so everything is released when it returns. A thread still running after
     *   10 s (a source function that never checks {@link SourceContext#isStopping()}, a callback blocked in a
     *   call that ignores interrupts) is given up on: {@code close()} then throws {@link IllegalStateException}
     *   naming it, and the operators' memory and the sinks are released when that thread exits. The same for the
     *   progress thread, after the stages stopped: a {@link ProgressListener} still running 10 s later makes
     *   {@code close()} throw naming {@code rivulet-<name>-progress}; the final report follows when it returns.</li>
     *   <li>From a pipeline thread (a sink, operator or generator callback): requests the stop and returns at
     *   once; records after the current one are not delivered, and the last pipeline thread to exit releases.</li>
     * </ul>
     *
     * @throws PipelineFailedException if closing an operator or a sink threw (reported once; everything else is
     *                                 closed all the same).
     * @throws IllegalStateException   if a pipeline thread did not stop within 10 s (see above).
     */
    @Override
    public void close()
    {
        String stuckProgress = null;
        try
        {
            runtime.close();
        }
        finally
        {
            // From another thread, after the pipeline's threads exited: the final report counts all they did.
            // From a pipeline thread (a callback), the last thread out triggers it instead: waiting here for the
            // progress thread would hold up a stage.
            if (progress != null && !runtime.isPipelineThread(Thread.currentThread()))
            {
                stuckProgress = progress.stop(runtime.closeTimeoutMs());
            }
        }
        if (stuckProgress != null)
        {
            // the progress thread is a pipeline thread too: one still in a listener broke "close() returns after
            // the final report", so say so as for a stuck stage (after a stage's failure, that one is thrown)
            throw runtime.stuckAfterClose(stuckProgress, "a progress listener blocked in a call that ignores " +
                "interrupts", "the final progress report is made when that listener returns");
        }
    }
}
