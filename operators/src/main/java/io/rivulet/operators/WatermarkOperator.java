package io.rivulet.operators;

import io.rivulet.operators.internal.state.OperatorSnapshotHeader;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import io.rivulet.watermark.WatermarkStrategy;

/**
 * Assigns event time: reads each record's TIMESTAMP column into a {@link WatermarkStrategy} and, after the
 * record, emits a watermark marker whenever the strategy's watermark advanced. Watermarks arriving from
 * upstream are replaced by this operator's (it defines event time from here on). Allocation-free.
 * <p>
 * For processing time it first stamps the column with the record's arrival wall-clock time (in place) and
 * also feeds the stage's ticks to the strategy, so with a monotonic strategy the watermark follows the clock
 * (now - 1) between records too. Processing time is non-deterministic: a replay sees other times, so
 * {@link #requireDeterminism()} rejects it.
 * <p>
 * Checkpointed state: the strategy's (it owns what it has seen) and the last watermark emitted, so a restored
 * operator emits no watermark twice and skips none.
 */
final class WatermarkOperator extends Operator
{
    private final Schema schema;
    private final LongField timeField;
    private final WatermarkStrategy strategy;
    private final boolean processingTime;
    private final String description;
    private final OperatorSnapshotHeader snapshotHeader;
    private final EventTimeRange eventTimeRange = new EventTimeRange();
    private long emittedMs = Long.MIN_VALUE;

    /**
     * @param processingTime true to stamp arrival times and advance on ticks (processing time), false to read
     *                       event time from the records.
     */
    WatermarkOperator(final Schema schema, final String timeColumn, final WatermarkStrategy strategy,
        final boolean processingTime, final String description)
    {
        final Field field = schema.field(timeColumn);
        if (field.type() != FieldType.TIMESTAMP)
        {
            throw new SchemaException(description + ": column '" + timeColumn + "' is " + field.type() +
                "; " + (processingTime ? "processing time is written to" : "event time must come from") +
                " a TIMESTAMP column (epoch ms)");
        }
        this.schema = schema;
        this.timeField = (LongField)field;
        this.strategy = strategy;
        this.processingTime = processingTime;
        this.description = description;
        this.snapshotHeader = new OperatorSnapshotHeader(1, description + (processingTime ? " processing time" :
            " event time") + " input=" + schema);
    }

    @Override
    public Schema outputSchema()
    {
        return schema;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        if (processingTime)
        {
            record.setLong(timeField, System.currentTimeMillis());
        }
        final long eventTimeMs = record.getLong(timeField);
        strategy.onEvent(eventTimeMs);
        eventTimeRange.observe(eventTimeMs);
        output().onRecord(record);
        emitIfAdvanced();
    }

    @Override
    public void prefetch(final RecordFlyweight record)
    {
        output().prefetch(record); // records pass unchanged (event time: the processing-time stamp is not hinted)
    }

    @Override
    public boolean prefetches()
    {
        return !processingTime && output().prefetches();
    }

    @Override
    public void onProcessingTime(final long nowMs)
    {
        if (processingTime)
        {
            strategy.onEvent(nowMs);
            emitIfAdvanced();
        }
        output().onProcessingTime(nowMs);
    }

    private void emitIfAdvanced()
    {
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
    public boolean isStateful()
    {
        return true;
    }

    @Override
    public void snapshotState(final SnapshotWriter out)
    {
        snapshotHeader.write(out);
        strategy.snapshotState(out);
        out.putLong(emittedMs);
    }

    @Override
    public void restoreState(final SnapshotReader in)
    {
        snapshotHeader.read(in);
        strategy.restoreState(in);
        emittedMs = in.getLong();
        in.expectEnd();
    }

    @Override
    public void requireDeterminism()
    {
        if (processingTime)
        {
            throw new IllegalStateException("exactly-once needs event time from the records: " + description +
                " stamps records with the wall clock and advances event time on ticks, so a replay would see " +
                "other times; use withWatermark(column, delay) over an event-time column");
        }
        strategy.requireDeterminism();
    }

    @Override
    public EventTimeRange eventTimeRange()
    {
        return eventTimeRange;
    }

    @Override
    public String describe()
    {
        return description;
    }
}
