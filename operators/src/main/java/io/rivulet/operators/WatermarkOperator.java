package io.rivulet.operators;

import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.watermark.WatermarkStrategy;

/**
 * Assigns event time: reads each record's TIMESTAMP column into a {@link WatermarkStrategy} and, after the
 * record, emits a watermark marker whenever the strategy's watermark advanced. Watermarks arriving from
 * upstream are replaced by this operator's (it defines event time from here on). Allocation-free.
 */
final class WatermarkOperator extends Operator
{
    private final Schema schema;
    private final LongField timeField;
    private final WatermarkStrategy strategy;
    private final String description;
    private long emittedMs = Long.MIN_VALUE;

    WatermarkOperator(final Schema schema, final String timeColumn, final WatermarkStrategy strategy,
        final String description)
    {
        final Field field = schema.field(timeColumn);
        if (field.type() != FieldType.TIMESTAMP)
        {
            throw new SchemaException("withWatermark: column '" + timeColumn + "' is " + field.type() +
                "; event time must come from a TIMESTAMP column (epoch ms)");
        }
        this.schema = schema;
        this.timeField = (LongField)field;
        this.strategy = strategy;
        this.description = description;
    }

    @Override
    public Schema outputSchema()
    {
        return schema;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        strategy.onEvent(record.getLong(timeField));
        output().onRecord(record);
        final long watermarkMs = strategy.currentWatermark();
        if (watermarkMs > emittedMs)
        {
            emittedMs = watermarkMs;
            output().onWatermark(watermarkMs);
        }
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        // replaced by this operator's watermarks
    }

    @Override
    public String describe()
    {
        return description;
    }
}
