package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SlotRing;

/**
 * Where a pipeline's records come from; create one with {@link Sources}. A source is used by one pipeline.
 */
public abstract class Source
{
    private final Schema schema;
    private final String description;
    private boolean bound;
    int sourceId;

    Source(final Schema schema, final String description)
    {
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

    final void bind(final SlotRing ring, final PipelineRuntime runtime, final int sourceId)
    {
        this.sourceId = sourceId;
        if (bound)
        {
            throw new IllegalStateException("Source " + description + " is already used by a pipeline; " +
                "create one source per pipeline");
        }
        bound = true;
        onBind(ring, runtime);
    }

    abstract void onBind(SlotRing ring, PipelineRuntime runtime);

    /**
     * @return true if the source produces records on a thread of its own (started with the pipeline), false if
     * the application's thread publishes.
     */
    abstract boolean ownsThread();

    /**
     * Runs the source on its own thread until done or the pipeline stops; only if {@link #ownsThread()}.
     */
    void run()
    {
        throw new UnsupportedOperationException(description + " has no thread of its own");
    }
}
