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
            if (barriers != null)
            {
                barriers.finish();
            }
            ctx.endOfStream();
        }
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
