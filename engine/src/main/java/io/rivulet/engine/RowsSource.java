package io.rivulet.engine;

import io.rivulet.ringbuffer.BooleanField;
import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.SymbolField;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * A finite in-memory source: rows are checked against the schema and encoded when the source is created, then
 * published on the source thread through its {@link SourceContext}, followed by end-of-stream.
 */
final class RowsSource extends Source
{
    private final UnsafeBuffer encoded;
    private final int rowCount;
    /** Next row to publish, when run in steps on the stage thread. */
    private int nextRow;

    RowsSource(final Schema schema, final List<?> rows)
    {
        super(schema, "rows(" + (rows == null ? 0 : rows.size()) + ")");
        if (rows == null)
        {
            throw new SchemaException("rows is null; pass a list of Object[] or List rows");
        }
        final int length = schema.recordLengthBytes();
        rowCount = rows.size();
        encoded = new UnsafeBuffer(new byte[Math.max(1, rowCount * length)]);
        final RecordFlyweight record = new RecordFlyweight(schema);
        for (int i = 0; i < rowCount; i++)
        {
            encode(schema, i, rows.get(i), record.wrap(encoded, i * length));
        }
    }

    private static void encode(final Schema schema, final int rowIndex, final Object row, final RecordFlyweight out)
    {
        final Object[] values;
        if (row instanceof Object[])
        {
            values = (Object[])row;
        }
        else if (row instanceof List)
        {
            values = ((List<?>)row).toArray();
        }
        else
        {
            throw new SchemaException("Row " + rowIndex + " is " + row + "; a row is an Object[] or a List");
        }
        final List<Field> fields = schema.fields();
        if (values.length != fields.size())
        {
            throw new SchemaException("Row " + rowIndex + " has " + values.length + " values but the schema has " +
                fields.size() + " columns " + fields);
        }
        for (int c = 0; c < values.length; c++)
        {
            final Field f = fields.get(c);
            final Object v = values[c];
            switch (f.type())
            {
                case INT64:
                case TIMESTAMP:
                    out.setLong((LongField)f, integral(rowIndex, f, v, Long.MIN_VALUE, Long.MAX_VALUE));
                    break;
                case INT32:
                    out.setInt((IntField)f, (int)integral(rowIndex, f, v, Integer.MIN_VALUE, Integer.MAX_VALUE));
                    break;
                case FLOAT64:
                    if (!(v instanceof Number))
                    {
                        throw mismatch(rowIndex, f, v, "a number");
                    }
                    out.setDouble((DoubleField)f, ((Number)v).doubleValue());
                    break;
                case BOOLEAN:
                    if (!(v instanceof Boolean))
                    {
                        throw mismatch(rowIndex, f, v, "a Boolean");
                    }
                    out.setBoolean((BooleanField)f, (Boolean)v);
                    break;
                case DECIMAL:
                    decimal(rowIndex, out, (DecimalField)f, v);
                    break;
                default:
                    if (!(v instanceof CharSequence))
                    {
                        throw mismatch(rowIndex, f, v, "a String");
                    }
                    try
                    {
                        out.setSymbol((SymbolField)f, (CharSequence)v);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw new SchemaException("Row " + rowIndex + ": " + ex.getMessage());
                    }
            }
        }
    }

    /** A BigDecimal, a String such as "101.25", or an integral number; never a double (not exact). */
    private static void decimal(final int rowIndex, final RecordFlyweight out, final DecimalField f,
        final Object v)
    {
        try
        {
            if (v instanceof java.math.BigDecimal)
            {
                out.setDecimal(f, (java.math.BigDecimal)v);
            }
            else if (v instanceof CharSequence)
            {
                out.setDecimal(f, (CharSequence)v);
            }
            else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)
            {
                out.setDecimal(f, ((Number)v).longValue(), 0);
            }
            else
            {
                throw mismatch(rowIndex, f, v, "a BigDecimal or a String like \"101.25\" (a double is not exact)");
            }
        }
        catch (final SchemaException ex)
        {
            throw ex;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SchemaException("Row " + rowIndex + ": " + ex.getMessage());
        }
    }

    private static long integral(final int rowIndex, final Field f, final Object v, final long min, final long max)
    {
        if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte))
        {
            throw mismatch(rowIndex, f, v, "an integer");
        }
        final long value = ((Number)v).longValue();
        if (value < min || value > max)
        {
            throw mismatch(rowIndex, f, v, "an integer in [" + min + ", " + max + "]");
        }
        return value;
    }

    private static SchemaException mismatch(final int rowIndex, final Field f, final Object v, final String expected)
    {
        return new SchemaException("Row " + rowIndex + ", column '" + f.name() + "' (" + f.type() + "): expected " +
            expected + ", got " + (v == null ? "null" : v.getClass().getSimpleName() + " " + v));
    }

    @Override
    boolean ownsThread()
    {
        return true;
    }

    @Override
    boolean canRunOnStageThread()
    {
        return true;
    }

    @Override
    int produceSome(final SourceContext ctx, final int limit)
    {
        final int length = schema().recordLengthBytes();
        final int end = (int)Math.min(rowCount, (long)nextRow + limit);
        final long stepNs = System.nanoTime(); // one clock read per step, as GeneratorSource
        int published = 0;
        for (int i = nextRow; i < end; i++)
        {
            final RecordFlyweight record = ctx.claim();
            if (record == null)
            {
                return published;
            }
            record.buffer().putBytes(record.offset(), encoded, i * length, length);
            ctx.commit(stepNs);
            nextRow = i + 1;
            published++;
        }
        if (nextRow == rowCount)
        {
            ctx.endOfStream();
        }
        return published;
    }

    @Override
    void produce(final SourceContext ctx)
    {
        final int length = schema().recordLengthBytes();
        for (int i = 0; i < rowCount; i++)
        {
            final RecordFlyweight record = ctx.claim();
            if (record == null)
            {
                return;
            }
            record.buffer().putBytes(record.offset(), encoded, i * length, length);
            ctx.commit();
        }
        ctx.endOfStream();
    }
}
