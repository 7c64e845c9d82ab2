package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SlotDescriptor;
import io.rivulet.ringbuffer.SlotRing;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Where a pipeline's records come from; create one with {@link Sources}. A source is used by one pipeline.
 */
public abstract class Source
{
    private final Schema schema;
    private final String description;
    private boolean bound;
    SlotRing ring;
    PipelineRuntime runtime;
    int sourceId;

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
        this.ring = ring;
        this.runtime = runtime;
        this.sourceId = sourceId;
    }

    /**
     * Stamps a claimed slot, whose record bytes are written, as this source's data with the ingest time now,
     * and publishes it.
     */
    final void publishData(final long sequence)
    {
        final UnsafeBuffer buffer = ring.buffer();
        final int offset = ring.slotOffset(sequence);
        buffer.putInt(offset + SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_DATA);
        buffer.putInt(offset + SlotDescriptor.SOURCE_ID_OFFSET, sourceId);
        buffer.putLong(offset + SlotDescriptor.INGEST_TIME_OFFSET, System.nanoTime());
        ring.publish(sequence);
    }

    /**
     * Publishes end of stream for this source (nothing if the pipeline stopped).
     */
    final void publishEndOfStream()
    {
        ring.publishMarker(SlotDescriptor.TYPE_END_OF_STREAM, sourceId, 0);
    }

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
