package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

final class MapOperator extends Operator
{
    private final Schema outputSchema;
    private final RecordMapper mapper;
    private final ScratchRecord scratch;

    MapOperator(final Schema outputSchema, final RecordMapper mapper)
    {
        this.outputSchema = outputSchema;
        this.mapper = mapper;
        this.scratch = new ScratchRecord(outputSchema);
    }

    @Override
    public Schema outputSchema()
    {
        return outputSchema;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final RecordFlyweight out = scratch.reset(record.ingestTimeNs(), record.sourceIndex());
        mapper.map(record, out);
        output().onRecord(out);
    }

    @Override
    public String describe()
    {
        return "map -> " + outputSchema;
    }
}
