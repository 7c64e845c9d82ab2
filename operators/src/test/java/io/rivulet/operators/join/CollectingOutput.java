package io.rivulet.operators.join;

import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.RecordFlyweight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test output: keeps every record as a boxed row, every watermark, epochs and end of stream.
 */
final class CollectingOutput implements Output
{
    final List<List<Object>> rows = new ArrayList<>();
    final List<Long> ingestTimesNs = new ArrayList<>();
    final List<Long> watermarks = new ArrayList<>();
    final List<Long> epochs = new ArrayList<>();
    boolean ended;

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final List<Field> fields = record.schema().fields();
        final Object[] row = new Object[fields.size()];
        for (int i = 0; i < row.length; i++)
        {
            row[i] = record.getValue(fields.get(i));
        }
        rows.add(Arrays.asList(row));
        ingestTimesNs.add(record.ingestTimeNs());
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        watermarks.add(watermarkMs);
    }

    @Override
    public void onEpoch(final long epochId)
    {
        epochs.add(epochId);
    }

    @Override
    public void onEndOfStream()
    {
        ended = true;
    }
}
