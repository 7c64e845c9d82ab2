package io.rivulet.operators;

import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

/**
 * Processing time instead of event time: stamps a TIMESTAMP column of each record with its arrival wall-clock
 * time (in place) and drives the watermark from the clock (now - 1), also between records on the stage's
 * ticks, so windows and timers downstream work on processing time unchanged. Non-deterministic by nature: a
 * replay gives other times, so exactly-once output is not promised downstream of it.
 */
final class ProcessingTimeOperator extends Operator
{
    private final Schema schema;
    private final LongField timeField;
    private final String description;
    private long emittedMs = Long.MIN_VALUE;

    ProcessingTimeOperator(final Schema schema, final String timeColumn)
    {
        final Field field = schema.field(timeColumn);
        if (field.type() != FieldType.TIMESTAMP)
        {
            throw new SchemaException("withProcessingTime: column '" + timeColumn + "' is " + field.type() +
                "; processing time is written to a TIMESTAMP column (epoch ms)");
        }
        this.schema = schema;
        this.timeField = (LongField)field;
        this.description = "withProcessingTime(" + timeColumn + ")";
    }

    @Override
    public Schema outputSchema()
    {
        return schema;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final long nowMs = System.currentTimeMillis();
        record.setLong(timeField, nowMs);
        output().onRecord(record);
        advance(nowMs);
    }

    @Override
    public void onProcessingTime(final long nowMs)
    {
        advance(nowMs);
        output().onProcessingTime(nowMs);
    }

    private void advance(final long nowMs)
    {
        final long watermarkMs = nowMs - 1;
        if (watermarkMs > emittedMs)
        {
            emittedMs = watermarkMs;
            output().onWatermark(watermarkMs);
        }
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        // replaced by the clock
    }

    @Override
    public String describe()
    {
        return description;
    }
}
