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

    @Override
    public String describe()
    {
        return description;
    }
}
