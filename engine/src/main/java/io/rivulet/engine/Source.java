package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SlotRing;

/**
 * Where a pipeline's records come from; create one with {@link Sources}: the application's thread
 * ({@link Sources#publisher}), a generator or in-memory rows, a journal ({@link Sources#journal}, or
 * {@link Sources#journaled} for an app publishing through one), or your own feed on a thread of its own
 * ({@link Sources#feed} with a {@link SourceFunction}). All of them publish through a {@link SourceContext}.
 * A source is used by one pipeline.
 */
public abstract class Source
{
    private final Schema schema;
    private final String description;
    private boolean bound;
    PipelineRuntime runtime;
    SourceContext context;
    /** Set when the pipeline checkpoints: barriers go to it, and reading starts at {@link #resumePosition}. */
    CheckpointCoordinator checkpoints;
    long resumePosition;
    /** Set by a replayable source's produce loop when it checkpoints. */
    CheckpointBarriers barriers;
    /** Set by the planner when the source runs on its first stage's thread ({@link #step}), not its own. */
    boolean onStageThread;

    Source(final Schema schema, final String description)
    {
        JvmAccessCheck.check(); // every source is built on off-heap buffers: fail here, not deep inside Agrona
        if (schema == null)
        {
            throw new io.rivulet.ringbuffer.SchemaException("A source needs a schema, got null");
        }
        this.schema = schema;
        this.description = description;
    }

    /**
     * @return schema of the records this source produces.
     */
    public Schema schema()
    {
        return schema;
    }

    @Override
    public String toString()
    {
        return description;
    }

    final boolean isBound()
    {
        return bound;
    }

    final void bind(final SlotRing ring, final PipelineRuntime runtime, final int sourceId)
    {
        if (bound)
        {
            throw new IllegalStateException("Source " + description + " is already used by a pipeline; " +
                "create one source per pipeline");
        }
        bound = true;
        this.runtime = runtime;
        this.context = new SourceContext(description, schema, ring, runtime, sourceId);
    }

    /**
     * @return true if the source can rewind to a recorded position (a journal), as exactly-once recovery needs.
     */
    boolean isReplayable()
    {
        return false;
    }

    /**
     * Only if {@link #isReplayable()}: where this source starts when no checkpoint is restored, as a
     * {@link SourcePosition}. Resolved when the pipeline is built.
     */
    long initialPosition()
    {
        throw new UnsupportedOperationException(description + " cannot rewind");
    }

    /**
     * Only if {@link #isReplayable()}: read from {@code position} (a {@link SourcePosition}) instead of the
     * configured start, and publish checkpoint barriers for {@code checkpoints}.
     */
    final void resumeWithCheckpoints(final CheckpointCoordinator checkpoints, final long position)
    {
        this.checkpoints = checkpoints;
        this.resumePosition = position;
        if (context != null)
        {
            context.resumeAt(position);
        }
    }

    /**
     * @return true if the source produces records on a thread of its own (started with the pipeline), false if
     * the application's thread publishes.
     */
    abstract boolean ownsThread();

    /**
     * Runs the source on its own thread until done or the pipeline stops; only if {@link #ownsThread()}. Closes
     * what the source left open, so a failing or careless source cannot leave the stage waiting on a slot.
     *
     * @throws Exception the source's failure, which fails the pipeline.
     */
    final void run() throws Exception
    {
        final SourceContext ctx = context;
        try
        {
            produce(ctx);
        }
        catch (final Throwable t)
        {
            ctx.abortOpenClaim();
            throw t;
        }
        if (ctx.abortOpenClaim())
        {
            throw new IllegalStateException("Source " + description + " returned with a claimed record neither " +
                "committed nor aborted; end every claim with commit() or abort()");
        }
        if (!ctx.isEnded() && !ctx.isStopping())
        {
            endStream(ctx);
        }
    }

    /**
     * Ends the stream; with checkpoints, the state after end of stream is checkpointed too (see
     * {@link CheckpointBarriers#finish()}).
     */
    final void endStream(final SourceContext ctx)
    {
        if (barriers != null)
        {
            barriers.finish();
        }
        ctx.endOfStream();
    }

    /**
     * Ends the stream after a poll of a step ({@link #produceSome}), unless that poll published a checkpoint
     * barrier: the final checkpoint waits for the one in flight, and on the stage's own thread
     * ({@code sourceOnStageThread}) only this thread can take that barrier, so it would wait forever. The next
     * step, once the stage has taken the barrier, ends the stream.
     *
     * @return true if the stream ended; false if the next step ends it.
     */
    final boolean endStreamAfterPoll(final SourceContext ctx)
    {
        if (barriers != null && (barriers.publishedInLastPoll() || !barriers.mayEndStream()))
        {
            return false;
        }
        if (onStageThread && checkpoints != null && (ctx.endLastEpochFirst() || checkpoints.isInFlight()))
        {
            return false; // likewise for availableNow's last epoch, whose checkpoint the final one waits for
        }
        endStream(ctx);
        return true;
    }

    /**
     * For a replayable source opening its reader: the barriers it publishes after each poll, or null without
     * checkpoints, and under availableNow/once, whose epochs (ended by the context) are the checkpoint barriers.
     */
    final CheckpointBarriers newCheckpointBarriers(final SourceContext ctx)
    {
        return checkpoints == null || ctx.endsEpochsByCount() ? null :
            new CheckpointBarriers(checkpoints, ctx, 0, resumePosition);
    }

    /**
     * The own-thread body of a source driven in steps ({@link #produceSome}): steps until the stream ended or the
     * pipeline stops, idling per the wait mode after a step that found nothing, then {@link #closeSteps()}.
     */
    final void runSteps(final SourceContext ctx, final int limit) throws Exception
    {
        try
        {
            while (!ctx.isEnded() && !ctx.isStopping())
            {
                ctx.idle(step(limit));
            }
        }
        finally
        {
            closeSteps();
        }
    }

    /**
     * @return true if the source can be driven in steps ({@link #produceSome}) on its first stage's thread
     * instead of a thread of its own: it never blocks between records (a journal, a generator, rows), unlike a
     * user's {@link SourceFunction} loop or the application's thread.
     */
    boolean canRunOnStageThread()
    {
        return false;
    }

    /**
     * Runs one step of the source ({@link #produceSome}), on its stage's thread if {@link #canRunOnStageThread()},
     * or in {@link #runSteps} on its own. Its commits are published in a batch ({@link SourceContext#beginBatch}),
     * all of them by the time it returns, also when it fails. Same contract as {@link #run()}: a failing step
     * leaves no claim open, and a claim left open fails the pipeline.
     *
     * @param limit records the step may publish at most (it may add a checkpoint barrier and an end of stream).
     * @return work done (records published, or entries consumed): 0 if the source had nothing to do now.
     * @throws Exception the source's failure, which fails the pipeline.
     */
    final int step(final int limit) throws Exception
    {
        final SourceContext ctx = context;
        final int work;
        ctx.beginBatch();
        try
        {
            work = produceSome(ctx, limit);
        }
        catch (final Throwable t)
        {
            ctx.abortOpenClaim();
            throw t;
        }
        finally
        {
            ctx.endBatch(); // committed records are published, also when the step failed
        }
        if (ctx.abortOpenClaim())
        {
            throw new IllegalStateException("Source " + description + " returned from a step with a claimed " +
                "record neither committed nor aborted; end every claim with commit() or abort()");
        }
        return work;
    }

    /**
     * One step on the stage's thread: publishes up to {@code limit} records through {@code ctx}, never waiting
     * for more input; calls {@link SourceContext#endOfStream()} when the stream is done (unless stopping). The
     * first step opens what the source reads; {@link #closeSteps()} closes it.
     *
     * @return work done, 0 if nothing was available (the stage then idles per the wait mode).
     * @throws Exception to fail the pipeline.
     */
    int produceSome(final SourceContext ctx, final int limit) throws Exception
    {
        throw new UnsupportedOperationException(description + " cannot run on a stage thread");
    }

    /**
     * Releases what {@link #produceSome} opened; on the stage's thread, once the source ended, failed or the
     * pipeline stopped. Idempotent.
     */
    void closeSteps()
    {
    }

    /**
     * The source's body, on its own thread: publishes through {@code ctx} until done or stopping.
     *
     * @param ctx the source's context.
     * @throws Exception to fail the pipeline.
     */
    void produce(final SourceContext ctx) throws Exception
    {
        throw new UnsupportedOperationException(description + " has no thread of its own");
    }
}
