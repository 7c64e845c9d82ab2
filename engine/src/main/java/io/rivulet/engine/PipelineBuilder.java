package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import org.agrona.BitUtil;

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

    PipelineBuilder(final RecordStream.PipelinePlan plan, final Sink sink, final Schema outputSchema)
    {
        this.plan = plan;
        this.sink = sink;
        this.outputSchema = outputSchema;
    }

    /**
     * @param trigger when results are emitted; only {@link Trigger#continuous()} exists so far.
     * @return this.
     * @throws IllegalArgumentException if the value is not allowed (checked here, not at build()).
     */
    public PipelineBuilder trigger(final Trigger trigger)
    {
        if (trigger == null || !trigger.isContinuous())
        {
            throw new IllegalArgumentException("trigger must be Trigger.continuous(), got " + trigger);
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
        // every setting was checked by its setter: nothing here can fail after to(sink) opened the sink
        builtName = name;
        final PipelineRuntime runtime = new PipelineRuntime(name);
        final PhysicalPlan physical = PhysicalPlanner.plan(name, plan, sink, outputSchema, waitMode, ringCapacity,
            recordLatency, TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs), errorPolicy, runtime);
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
