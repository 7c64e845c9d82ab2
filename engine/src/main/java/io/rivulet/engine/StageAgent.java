package io.rivulet.engine;

import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SlotDescriptor;
import io.rivulet.ringbuffer.SlotRing;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One stage: a thread's duty cycle polling its input ring and running the fused operator chain on each slot.
 * <pre>
 *   input ring --poll--> decode slot --> op1 --> op2 --> ... --> ring to the next stage | sink
 *                                        (direct calls on this thread: the chain is fused)
 * </pre>
 * The ring's {@link io.rivulet.ringbuffer.WaitMode} decides how {@code doWork} waits for data. Terminates
 * after end-of-stream or when the pipeline stops. Allocation-free per slot.
 */
final class StageAgent implements Agent, io.rivulet.ringbuffer.SlotHandler
{
    private final String roleName;
    private final SlotRing.Consumer consumer;
    private final RecordFlyweight input;
    private final Output head;
    private final PipelineRuntime runtime;
    private final AtomicLong recordsIn = new AtomicLong();
    private boolean ended;

    StageAgent(final String roleName, final SlotRing ring, final Schema inputSchema, final Output head,
        final PipelineRuntime runtime)
    {
        this.roleName = roleName;
        this.consumer = ring.consumer();
        this.input = new RecordFlyweight(inputSchema);
        this.head = head;
        this.runtime = runtime;
    }

    @Override
    public int doWork()
    {
        if (ended || runtime.isStopping())
        {
            throw new AgentTerminationException(true);
        }
        return Math.max(0, consumer.poll(this));
    }

    @Override
    public void onSlot(final UnsafeBuffer buffer, final int slotOffset, final boolean endOfBatch)
    {
        final int type = buffer.getInt(slotOffset + SlotDescriptor.TYPE_OFFSET);
        switch (type)
        {
            case SlotDescriptor.TYPE_DATA:
                input.wrap(buffer, SlotDescriptor.recordOffset(slotOffset))
                    .ingestTimeNs(buffer.getLong(slotOffset + SlotDescriptor.INGEST_TIME_OFFSET));
                recordsIn.lazySet(recordsIn.get() + 1);
                head.onRecord(input);
                break;
            case SlotDescriptor.TYPE_WATERMARK:
                head.onWatermark(buffer.getLong(slotOffset + SlotDescriptor.MARKER_VALUE_OFFSET));
                break;
            case SlotDescriptor.TYPE_EPOCH:
                head.onEpoch(buffer.getLong(slotOffset + SlotDescriptor.MARKER_VALUE_OFFSET));
                break;
            case SlotDescriptor.TYPE_END_OF_STREAM:
                if (!ended)
                {
                    ended = true;
                    head.onEndOfStream();
                }
                break;
            default:
                throw new IllegalStateException(roleName + ": corrupt slot type " + type + " at offset " + slotOffset);
        }
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    long recordsIn()
    {
        return recordsIn.get();
    }
}
