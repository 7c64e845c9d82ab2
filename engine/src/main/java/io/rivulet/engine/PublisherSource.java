package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SlotDescriptor;
import io.rivulet.ringbuffer.SlotRing;

/**
 * A source the embedding application publishes into from its own thread, allocation-free:
 * <pre>{@code
 *   RecordFlyweight r = source.claim();    // waits while the ring is full (back-pressure, never drops)
 *   r.setLong(ID, 42).setDouble(PRICE, 101.5);
 *   source.commit();                       // stamps the ingest time, makes the record visible
 * }</pre>
 * Use from one thread at a time, after the pipeline {@link Pipeline#start() started}. Every field must be
 * written between claim and commit (the slot is reused memory and is not cleared).
 */
public final class PublisherSource extends Source
{
    private final RecordFlyweight record;
    private long claimed = -1;

    PublisherSource(final Schema schema)
    {
        super(schema, "publisher");
        record = new RecordFlyweight(schema);
    }

    @Override
    boolean ownsThread()
    {
        return false;
    }

    /**
     * Claims the next slot, waiting while the ring is full.
     *
     * @return the record to fill, valid until {@link #commit()}.
     * @throws PipelineFailedException if the pipeline stopped (its cause is the failure, if any).
     * @throws IllegalStateException   if the pipeline is not started or the previous claim is not committed.
     */
    public RecordFlyweight claim()
    {
        if (claimed >= 0)
        {
            throw new IllegalStateException("claim() called twice without commit()");
        }
        final SlotRing ring = requireRing();
        final long sequence = ring.claim();
        if (sequence == SlotRing.HALTED)
        {
            throw runtime.stoppedException();
        }
        claimed = sequence;
        return record.wrap(ring.buffer(), SlotDescriptor.recordOffset(ring.slotOffset(sequence)));
    }

    /**
     * Publishes the claimed record, stamping its ingest time with {@link System#nanoTime()}.
     */
    public void commit()
    {
        final long sequence = claimed;
        if (sequence < 0)
        {
            throw new IllegalStateException("commit() without claim()");
        }
        claimed = -1;
        publishData(sequence);
    }

    /**
     * Publishes a watermark in-band, after the records already committed. It also serves as a heartbeat: an
     * input of a join that sends only watermarks is alive, not idle, and keeps holding event time back. (A
     * {@code withWatermark} on this input replaces the value, but the heartbeat still counts.)
     *
     * @param watermarkMs event time below which no more records will come, epoch ms.
     */
    public void publishWatermark(final long watermarkMs)
    {
        publishMarker(SlotDescriptor.TYPE_WATERMARK, watermarkMs);
    }

    /**
     * Ends the stream: the pipeline drains what was published, then completes.
     */
    public void endOfStream()
    {
        publishMarker(SlotDescriptor.TYPE_END_OF_STREAM, 0);
    }

    private void publishMarker(final int type, final long value)
    {
        if (claimed >= 0)
        {
            throw new IllegalStateException("commit() the claimed record before publishing a marker");
        }
        if (!requireRing().publishMarker(type, sourceId, value))
        {
            throw runtime.stoppedException();
        }
    }

    private SlotRing requireRing()
    {
        if (ring == null)
        {
            throw new IllegalStateException("The pipeline of this publisher is not built; call start() first");
        }
        return ring;
    }
}
