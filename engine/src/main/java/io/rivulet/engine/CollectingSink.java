package io.rivulet.engine;

import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects every record as a boxed row, plus the markers seen: for tests and small examples (allocates per
 * record). Readable from any thread.
 */
public final class CollectingSink implements Sink
{
    private final List<List<Object>> rows = new ArrayList<>();
    private final List<Long> watermarks = new ArrayList<>();
    private Field[] fields;
    private volatile boolean ended;

    CollectingSink()
    {
    }

    @Override
    public void open(final Schema schema)
    {
        fields = schema.fields().toArray(new Field[0]);
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final Object[] row = new Object[fields.length];
        for (int i = 0; i < fields.length; i++)
        {
            row[i] = record.getValue(fields[i]);
        }
        synchronized (this)
        {
            rows.add(Arrays.asList(row));
        }
    }

    @Override
    public synchronized void onWatermark(final long watermarkMs)
    {
        watermarks.add(watermarkMs);
    }

    @Override
    public void onEndOfStream()
    {
        ended = true;
    }

    /**
     * @return a copy of the rows collected so far, each in schema column order.
     */
    public synchronized List<List<Object>> rows()
    {
        return new ArrayList<>(rows);
    }

    /**
     * @return a copy of the watermarks received so far, in order.
     */
    public synchronized List<Long> watermarks()
    {
        return new ArrayList<>(watermarks);
    }

    /**
     * @return true once end-of-stream arrived.
     */
    public boolean ended()
    {
        return ended;
    }
}
