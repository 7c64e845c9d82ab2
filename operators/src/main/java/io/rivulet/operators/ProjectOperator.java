package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.MutableDirectBuffer;

/**
 * {@code select(expr...)}: evaluates each bound expression into one column of a scratch output record.
 */
final class ProjectOperator extends Operator
{
    private final Schema outputSchema;
    private final BoundExpr[] exprs;
    private final int[] offsets;
    private final ScratchRecord scratch;
    private final String description;

    ProjectOperator(final Schema outputSchema, final BoundExpr[] exprs, final String description)
    {
        this.outputSchema = outputSchema;
        this.exprs = exprs;
        this.offsets = new int[exprs.length];
        for (int i = 0; i < exprs.length; i++)
        {
            offsets[i] = outputSchema.fields().get(i).offset();
        }
        this.scratch = new ScratchRecord(outputSchema);
        this.description = description;
    }

    @Override
    public Schema outputSchema()
    {
        return outputSchema;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final RecordFlyweight out = scratch.record().ingestTimeNs(record.ingestTimeNs())
            .sourceIndex(record.sourceIndex());
        final MutableDirectBuffer buffer = out.buffer();
        final BoundExpr[] exprs = this.exprs;
        for (int i = 0; i < exprs.length; i++)
        {
            final BoundExpr e = exprs[i];
            final int offset = offsets[i];
            switch (e.outputType())
            {
                case INT64:
                case TIMESTAMP:
                case DECIMAL:
                    buffer.putLong(offset, e.evalLong(record));
                    break;
                case INT32:
                    buffer.putInt(offset, (int)e.evalLong(record));
                    break;
                case FLOAT64:
                    buffer.putDouble(offset, e.evalDouble(record));
                    break;
                case BOOLEAN:
                    buffer.putByte(offset, e.evalBool(record) ? (byte)1 : (byte)0);
                    break;
                default:
                    e.copySymbol(record, buffer, offset, e.outputLengthBytes());
            }
        }
        output().onRecord(out);
    }

    @Override
    public String describe()
    {
        return description;
    }

}
