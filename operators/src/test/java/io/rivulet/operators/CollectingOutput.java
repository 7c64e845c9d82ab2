package io.rivulet.operators;

import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.RecordFlyweight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test output for operators driven without threads: keeps every record as a boxed row (with its ingest time),
 * every watermark and epoch, end of stream, and how many rows preceded each watermark.
 */
public final class CollectingOutput implements Output
{
    /** Records as boxed rows, in schema column order. */
    public final List<List<Object>> rows = new ArrayList<>();
    /** Ingest time of each row. */
    public final List<Long> ingestTimesNs = new ArrayList<>();
    /** Source index of each row. */
    public final List<Long> sourceIndexes = new ArrayList<>();
    /** Watermarks in arrival order. */
    public final List<Long> watermarks = new ArrayList<>();
    /** Epochs in arrival order. */
    public final List<Long> epochs = new ArrayList<>();
    /** Rows received before the last watermark. */
    public int rowsAtLastWatermark;
    /** Watermarks preceded by at least one row since the previous watermark. */
    public int snapshotsBeforeWatermarks;
    /** True once end of stream arrived. */
    public boolean ended;

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
        sourceIndexes.add(record.sourceIndex());
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        watermarks.add(watermarkMs);
        if (rows.size() > rowsAtLastWatermark)
        {
            snapshotsBeforeWatermarks++;
        }
        rowsAtLastWatermark = rows.size();
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
