package io.rivulet.operators.join;

import io.rivulet.operators.internal.state.OffHeapHashTable;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.HashSet;
import java.util.Set;

/**
 * The key columns of a keyed operator, resolved once, and how a record's key is packed into state-key bytes:
 * <pre>
 *   [key field 1 bytes][key field 2 bytes]...     copied verbatim from the record, in the order given
 * </pre>
 * Keys are compared by these bytes: symbols are NUL-padded so equal strings pack equally; FLOAT64 keys compare
 * bitwise (0.0 and -0.0 differ, NaN equals the same NaN bits).
 */
final class KeyColumns
{
    private final Field[] fields;
    private final int[] offsets;
    private final int[] lengths;
    private final int lengthBytes;

    /**
     * @param what    names the operator and side in error messages, e.g. "dropDuplicates".
     * @param input   schema holding the columns.
     * @param columns at least one, distinct.
     */
    KeyColumns(final String what, final Schema input, final String[] columns)
    {
        if (columns == null || columns.length == 0)
        {
            throw new SchemaException(what + " needs at least one key column");
        }
        final Set<String> seen = new HashSet<>();
        fields = new Field[columns.length];
        offsets = new int[columns.length];
        lengths = new int[columns.length];
        int length = 0;
        for (int i = 0; i < columns.length; i++)
        {
            if (columns[i] == null)
            {
                throw new SchemaException(what + " key column #" + (i + 1) + " is null");
            }
            if (!seen.add(columns[i]))
            {
                throw new SchemaException(what + " key column '" + columns[i] + "' is listed twice");
            }
            fields[i] = column(what + " key", input, columns[i]);
            offsets[i] = fields[i].offset();
            lengths[i] = fields[i].lengthBytes();
            length += lengths[i];
        }
        if (length > OffHeapHashTable.MAX_KEY_LENGTH)
        {
            throw new SchemaException(what + " key columns take " + length + " bytes; at most " +
                OffHeapHashTable.MAX_KEY_LENGTH + " are supported, use fewer or shorter key columns");
        }
        lengthBytes = length;
    }

    /**
     * @return the bound key fields, in key order.
     */
    Field[] fields()
    {
        return fields;
    }

    /**
     * @return packed key length in bytes.
     */
    int lengthBytes()
    {
        return lengthBytes;
    }

    /**
     * Packs the key of the record at {@code base} in {@code src} into {@code dst} at {@code dstOffset}.
     */
    void pack(final DirectBuffer src, final int base, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int[] offsets = this.offsets;
        final int[] lengths = this.lengths;
        int offset = dstOffset;
        for (int i = 0; i < offsets.length; i++)
        {
            dst.putBytes(offset, src, base + offsets[i], lengths[i]);
            offset += lengths[i];
        }
    }

    /**
     * Packs the key of {@code record} into {@code dst} at {@code dstOffset}.
     */
    void pack(final RecordFlyweight record, final MutableDirectBuffer dst, final int dstOffset)
    {
        pack(record.buffer(), record.offset(), dst, dstOffset);
    }

    /**
     * @param what       names the operator in error messages.
     * @param input      schema holding the column.
     * @param timeColumn must be a TIMESTAMP column.
     * @return the bound event-time field.
     */
    static LongField timeField(final String what, final Schema input, final String timeColumn)
    {
        if (timeColumn == null)
        {
            throw new SchemaException(what + " needs its event-time column name");
        }
        final Field field = column(what + " time", input, timeColumn);
        if (field.type() != FieldType.TIMESTAMP)
        {
            throw new SchemaException(what + ": column '" + timeColumn + "' is " + field.type() +
                "; event time must come from a TIMESTAMP column (epoch ms)");
        }
        return (LongField)field;
    }

    private static Field column(final String what, final Schema input, final String name)
    {
        if (!input.hasField(name))
        {
            throw new SchemaException(what + " column '" + name + "' is not in the input; it has " +
                input.fields());
        }
        return input.field(name);
    }

    /**
     * @return {@code a + b}, clamped to the long range instead of wrapping.
     */
    static long saturatedAdd(final long a, final long b)
    {
        final long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
