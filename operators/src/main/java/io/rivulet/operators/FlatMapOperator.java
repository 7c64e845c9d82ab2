package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

final class FlatMapOperator extends Operator implements RecordEmitter
{
    private final Schema outputSchema;
    private final RecordFlatMapper mapper;
    private final ScratchRecord scratch;
    private long ingestTimeNs;
    private long sourceIndex;

    FlatMapOperator(final Schema outputSchema, final RecordFlatMapper mapper)
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
        ingestTimeNs = record.ingestTimeNs();
        sourceIndex = record.sourceIndex();
        scratch.reset(ingestTimeNs, sourceIndex);
        mapper.flatMap(record, this);
    }

    @Override
    public RecordFlyweight record()
    {
        return scratch.record();
    }

    @Override
    public void emit()
    {
        output().onRecord(scratch.record());
        scratch.reset(ingestTimeNs, sourceIndex);
    }

    @Override
    public String describe()
    {
        return "flatMap -> " + outputSchema;
    }
}
