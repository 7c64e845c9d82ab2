package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import org.agrona.BitUtil;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Settings of a pipeline whose dataflow is defined; {@link #build()} validates them once and wires the stages.
 * Defaults: {@link Trigger#continuous()}, {@link WaitMode#BACKOFF}, {@value #DEFAULT_RING_CAPACITY}-slot rings,
 * latency recording on, join inputs idle after {@value #DEFAULT_IDLE_TIMEOUT_MS} ms without records,
 * {@link ErrorPolicy#fail()}, a progress report every {@value #DEFAULT_PROGRESS_INTERVAL_MS} ms.
 * <p>
 * Single use: a builder builds one pipeline (its operators can be wired only once); a second {@link #build()}
 * throws {@link IllegalStateException} before touching anything. A build refused by validation (a bad setting)
 * does not use it up. Not thread-safe.
 */
public final class PipelineBuilder
{
    /** Default time between checkpoints, once {@link #checkpointLocation} enables them. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;
    /** Default number of checkpoints kept on disk (older ones are deleted). */
    public static final int DEFAULT_CHECKPOINTS_RETAINED = 3;
    /** Default slots per ring. */
    public static final int DEFAULT_RING_CAPACITY = 4096;
    /** Default pipeline name (used in thread names and errors). */
    public static final String DEFAULT_NAME = "pipeline";

    /** Default time without data after which a join input stops holding event time back. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 10_000;

    /** Default time between progress reports ({@link Pipeline#lastProgress()}) in continuous mode. */
    public static final long DEFAULT_PROGRESS_INTERVAL_MS = ProgressReporter.DEFAULT_INTERVAL_MS;

    private final RecordStream.PipelinePlan plan;
    private final Sink sink;
    private final Schema outputSchema;
    private Trigger trigger = Trigger.continuous();
    private WaitMode waitMode = WaitMode.BACKOFF;
    private int ringCapacity = DEFAULT_RING_CAPACITY;
    private String name = DEFAULT_NAME;
    private boolean recordLatency = true;
    private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
    private ErrorPolicy errorPolicy = ErrorPolicy.fail();
    private long progressIntervalMs = DEFAULT_PROGRESS_INTERVAL_MS;
    private String builtName;
    private Path checkpointDir;
    private long checkpointIntervalNs = TimeUnit.MILLISECONDS.toNanos(DEFAULT_CHECKPOINT_INTERVAL_MS);
    /** A checkpoint setting other than the location was given: without a location it would be ignored. */
    private String checkpointSettingGiven;
    private long checkpointEveryRecords;
    private int checkpointsRetained = DEFAULT_CHECKPOINTS_RETAINED;
    private boolean startFresh;
    private boolean sourceOnStageThread;

    PipelineBuilder(final RecordStream.PipelinePlan plan, final Sink sink, final Schema outputSchema)
    {
        this.plan = plan;
        this.sink = sink;
        this.outputSchema = outputSchema;
    }

    /**
     * @param trigger when results are emitted: {@link Trigger#continuous()} (the default), or a micro-batch
     *                trigger ({@link Trigger#processingTime}, {@link Trigger#availableNow}, {@link Trigger#once()});
     *                the pipeline definition stays the same.
     * @return this.
     * @throws IllegalArgumentException if the value is null (checked here, not at build()).
     */
    public PipelineBuilder trigger(final Trigger trigger)
    {
        if (trigger == null)
        {
            throw new IllegalArgumentException("trigger(null); use Trigger.continuous(), Trigger.processingTime(d), " +
                "Trigger.availableNow(n) or Trigger.once()");
        }
        this.trigger = trigger;
        return this;
    }

    /**
     * @param waitMode how stage threads wait for input, and sources for a full ring (latency versus CPU).
     * @return this.
     * @throws IllegalArgumentException if the value is not allowed (checked here, not at build()).
     */
    public PipelineBuilder waitMode(final WaitMode waitMode)
    {
        if (waitMode == null)
        {
            throw new IllegalArgumentException("waitMode is null; use one of " + List.of(WaitMode.values()));
        }
        this.waitMode = waitMode;
        return this;
    }

    /**
     * @param ringCapacity slots per ring, a power of two; a full ring makes its producer wait.
     * @return this.
     * @throws IllegalArgumentException if the value is not allowed (checked here, not at build()).
     */
    public PipelineBuilder ringCapacity(final int ringCapacity)
    {
        if (ringCapacity < 2 || !BitUtil.isPowerOfTwo(ringCapacity))
        {
            throw new IllegalArgumentException("ringCapacity must be a power of two >= 2, got " + ringCapacity);
        }
        this.ringCapacity = ringCapacity;
        return this;
    }

    /**
     * @param name used in thread names, metrics and errors.
     * @return this.
     * @throws IllegalArgumentException if the value is not allowed (checked here, not at build()).
     */
    public PipelineBuilder name(final String name)
    {
        if (name == null || name.isBlank())
        {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
        return this;
    }

    /**
     * @param recordLatency whether the sink stage records end-to-end latency (one {@code nanoTime} per record).
     * @return this.
     */
    public PipelineBuilder recordLatency(final boolean recordLatency)
    {
        this.recordLatency = recordLatency;
        return this;
    }

    /**
     * @param idleTimeoutMs time without records or watermarks after which an input of a join is marked idle, so
     *                      it no longer holds event time back (it is active again with its next record or
     *                      watermark; a watermark alone is a heartbeat); 0 never marks idle. While every live
     *                      input is idle, event time holds.
     * @return this.
     * @throws IllegalArgumentException if the value is not allowed (checked here, not at build()).
     */
    public PipelineBuilder idleTimeout(final long idleTimeoutMs)
    {
        if (idleTimeoutMs < 0)
        {
            throw new IllegalArgumentException("idleTimeout must be >= 0 ms (0 = never idle), got " + idleTimeoutMs);
        }
        this.idleTimeoutMs = idleTimeoutMs;
        return this;
    }

    /**
     * @param errorPolicy what a stage does when processing a data record throws: {@link ErrorPolicy#fail()} (the
     *                    default) or {@link ErrorPolicy#skip(DeadLetterSink)}.
     * @return this.
     * @throws IllegalArgumentException if the value is not allowed (checked here, not at build()).
     */
    public PipelineBuilder onRecordError(final ErrorPolicy errorPolicy)
    {
        if (errorPolicy == null)
        {
            throw new IllegalArgumentException("onRecordError(null); use ErrorPolicy.fail() or ErrorPolicy.skip(sink)");
        }
        this.errorPolicy = errorPolicy;
        return this;
    }

    /**
     * Makes the pipeline exactly-once: it checkpoints into {@code dir} and, when built again over the same
     * directory (after a crash, a kill -9 or a restart), restores the newest valid checkpoint and replays its
     * journal from the recorded position. Outputs are numbered across restarts; an output journal
     * ({@link Sinks#journal}) drops the replayed outputs it already holds, so its readers see each result exactly
     * once, without waiting for a commit. Other sinks see replayed outputs again with the same sequence numbers
     * and can wait for {@link Sink#onEpochCommitted}.
     * <p>
     * Exactly-once needs a deterministic pipeline, checked when it is built: one replayable source
     * ({@link Sources#journal} or {@link Sources#journaled}), event time taken from the records (no processing
     * time, no idle timeouts, no processing-time timers). A checkpoint written by a pipeline of another shape
     * (schemas, operators) is refused with a message showing both, unless {@link #startFresh()}. Under a
     * micro-batch trigger the epochs are the checkpoints ({@link Trigger#availableNow(long)} by record count,
     * {@link Trigger#processingTime} by time, with where each ended logged for a replay).
     *
     * @param dir directory of this pipeline's checkpoints; created if missing.
     * @return this.
     */
    public PipelineBuilder checkpointLocation(final Path dir)
    {
        if (dir == null)
        {
            throw new IllegalArgumentException("checkpointLocation(null); give a directory for this pipeline's " +
                "checkpoints");
        }
        this.checkpointDir = dir.toAbsolutePath().normalize();
        return this;
    }

    /**
     * How often the source injects a checkpoint barrier, by time (default 1 s). A barrier is only injected after
     * new records, and never while the previous checkpoint is still being written.
     *
     * @param interval &gt; 0, or {@link Duration#ZERO} to checkpoint by record count only
     *                 ({@link #checkpointEvery(long)}).
     * @return this.
     */
    public PipelineBuilder checkpointInterval(final Duration interval)
    {
        if (interval == null || interval.isNegative())
        {
            throw new IllegalArgumentException("checkpointInterval must be >= 0 (0 = by record count only), got " +
                interval);
        }
        long nanos;
        try
        {
            nanos = interval.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            nanos = Long.MAX_VALUE; // centuries: in effect by record count only, as the caller asked for
        }
        this.checkpointIntervalNs = nanos;
        this.checkpointSettingGiven = "checkpointInterval";
        return this;
    }

    /**
     * Also inject a checkpoint barrier every {@code records} source records (0, the default, = by time only).
     *
     * @param records records between barriers, &gt;= 0.
     * @return this.
     */
    public PipelineBuilder checkpointEvery(final long records)
    {
        if (records < 0)
        {
            throw new IllegalArgumentException("checkpointEvery must be >= 0 records (0 = by time only), got " +
                records);
        }
        this.checkpointEveryRecords = records;
        this.checkpointSettingGiven = "checkpointEvery";
        return this;
    }

    /**
     * @param count checkpoints kept on disk, &gt;= 1 (default 3): a corrupt newest one falls back to the previous.
     * @return this.
     */
    public PipelineBuilder checkpointsRetained(final int count)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("checkpointsRetained must be >= 1, got " + count);
        }
        this.checkpointsRetained = count;
        this.checkpointSettingGiven = "checkpointsRetained";
        return this;
    }

    /**
     * With {@link #checkpointLocation}: where the checkpoints cannot be restored, delete them and start from the
     * source's configured start instead of failing: checkpoints of another pipeline (its schemas or operators
     * changed), checkpoints whose output is missing from the output journal, or none at all while the output
     * journal already holds outputs (lost or corrupt checkpoints). Outputs are then numbered on after what the
     * output journal holds: nothing is dropped as a replay, so results produced before are produced again. A
     * checkpoint that fits is still restored.
     *
     * @return this.
     */
    public PipelineBuilder startFresh()
    {
        this.startFresh = true;
        this.checkpointSettingGiven = "startFresh";
        return this;
    }

    /**
     * Runs the pipeline's source on its first stage's thread instead of a thread of its own (Flink's source
     * chaining): the stage alternates between publishing a batch of records (at most a quarter of the ring, up
     * to 256) into its input ring and processing them, so records stay in
     * the core's cache and never cross cores, and the pipeline uses one thread less. Outputs, end of stream,
     * checkpoints, errors and {@link Pipeline#close()} behave as with a source thread; a tailing journal with
     * nothing new idles per the {@link #waitMode}.
     * <p>
     * Applies to a single source that never blocks between records: {@link Sources#journal}, the journal tail of
     * {@link Sources#journaled}, {@link Sources#rows} and an unpaced {@link Sources#generator}, with a ring of at
     * least 8 slots. Other pipelines (a join's two sources,
     * {@link Sources#feed}, {@link Sources#publisher}, a paced generator) keep their threads; the plan text
     * ({@link Pipeline#explain()}) says which applies. Trade-off: the source's work now takes the stage's core, so
     * a source that is slower than the chain (parsing, say) no longer runs in parallel with it. Default false.
     *
     * @param sourceOnStageThread true to run the source on the first stage's thread when it can.
     * @return this.
     */
    public PipelineBuilder sourceOnStageThread(final boolean sourceOnStageThread)
    {
        this.sourceOnStageThread = sourceOnStageThread;
        return this;
    }

    /**
     * @param progressIntervalMs time between progress reports ({@link Pipeline#lastProgress()},
     *                           {@link Pipeline#addProgressListener}), ms; 0 turns them off (no progress thread).
     *                           Default {@value #DEFAULT_PROGRESS_INTERVAL_MS}.
     * @return this.
     * @throws IllegalArgumentException if the value is not allowed (checked here, not at build()).
     */
    public PipelineBuilder progressInterval(final long progressIntervalMs)
    {
        if (progressIntervalMs < 0)
        {
            throw new IllegalArgumentException("progressInterval must be >= 0 ms (0 = no progress reports), got " +
                progressIntervalMs);
        }
        this.progressIntervalMs = progressIntervalMs;
        return this;
    }

    /**
     * Validates the settings and wires rings, stages and sink (opening the operators, which allocate their
     * state); starts nothing. If wiring fails, whatever was opened is closed before the exception propagates.
     *
     * @return the pipeline, ready to {@link Pipeline#start()}.
     * @throws IllegalStateException if this builder already built a pipeline, or its source is already used.
     */
    public Pipeline build()
    {
        if (builtName != null)
        {
            throw new IllegalStateException("This PipelineBuilder already built pipeline '" + builtName + "'; a " +
                "builder builds one pipeline (its operators are wired into it): define a new one with " +
                "Pipeline.from(source)...to(sink)");
        }
        // every setting was checked by its setter; what depends on the plan (is exactly-once possible here?) is
        // checked by the planner, which closes what it opened (the sink too) if it refuses
        builtName = name;
        final PipelineRuntime runtime = new PipelineRuntime(name);
        final CheckpointSettings checkpoints = checkpointDir == null && checkpointSettingGiven == null ? null :
            new CheckpointSettings(checkpointDir, checkpointIntervalNs, checkpointEveryRecords, checkpointsRetained,
            startFresh, checkpointSettingGiven);
        final PhysicalPlan physical = PhysicalPlanner.plan(name, plan, sink, outputSchema, waitMode, ringCapacity,
            recordLatency, TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs), errorPolicy, runtime, checkpoints, trigger,
            sourceOnStageThread);
        runtime.attach(physical);
        return new Pipeline(runtime, physical, progressIntervalMs);
    }

    /**
     * @return {@code build().start()}.
     */
    public Pipeline start()
    {
        return build().start();
    }
}
