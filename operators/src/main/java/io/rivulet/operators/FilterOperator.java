package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

final class FilterOperator extends Operator
{
    private final Schema schema;
    private final RecordPredicate predicate;
    private final String description;

    FilterOperator(final Schema schema, final RecordPredicate predicate, final String description)
    {
        this.schema = schema;
        this.predicate = predicate;
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
        if (predicate.test(record))
        {
            output().onRecord(record);
        }
    }

    /** Hints pass unfiltered: testing the predicate would cost more than the load a rejected record wastes. */
    @Override
    public void prefetch(final RecordFlyweight record)
    {
        output().prefetch(record);
    }

    @Override
    public boolean prefetches()
    {
        return output().prefetches();
    }

    @Override
    public String describe()
    {
        return description;
    }
}
