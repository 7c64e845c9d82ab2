package io.rivulet.operators.window;

import io.rivulet.operators.OperatorStateException;

import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.HashSet;
import java.util.Set;

/**
 * How a grouped aggregation lays out its key, its accumulators and its output rows.
 * <pre>
 *   key bytes:    [key field 1][key field 2]...           copied from the record's fields
 *   accumulators: [agg 1 acc][agg 2 acc]...               AggregateFunction-defined widths
 *   output row:   window_start, window_end, key columns..., aggregate columns...
 * </pre>
 */
final class GroupLayout
{
    static final String WINDOW_START = Aggregate.WINDOW_START;
    static final String WINDOW_END = Aggregate.WINDOW_END;

    private final Field[] keyFields;
    private final int keyLengthBytes;
    private final AggregateFunction[] aggregates;
    private final String[] aggregateNames;
    private final int[] accumulatorOffsets;
    private final int accumulatorLengthBytes;
    private final Schema outputSchema;
    private final int outStartOffset;
    private final int outEndOffset;
    private final int[] outKeyOffsets;
    private final int[] outAggregateOffsets;

    GroupLayout(final Schema input, final String[] keyColumns, final Aggregate[] aggregateSpecs)
    {
        if (aggregateSpecs == null || aggregateSpecs.length == 0)
        {
            throw new SchemaException("agg(...) needs at least one aggregate, e.g. count()");
        }
        final String[] keys = keyColumns == null ? new String[0] : keyColumns;
        final Schema.Builder out = Schema.builder().timestamp(WINDOW_START).timestamp(WINDOW_END);
        final Set<String> names = new HashSet<>(Set.of(WINDOW_START, WINDOW_END));

        keyFields = new Field[keys.length];
        int keyLength = 0;
        for (int i = 0; i < keys.length; i++)
        {
            keyFields[i] = input.field(keys[i]);
            if (!names.add(keys[i]))
            {
                throw new SchemaException("Group key column '" + keys[i] + "' is listed twice or clashes with " +
                    WINDOW_START + "/" + WINDOW_END);
            }
            out.like(keys[i], keyFields[i]);
            keyLength += keyFields[i].lengthBytes();
        }
        keyLengthBytes = keyLength;

        aggregates = new AggregateFunction[aggregateSpecs.length];
        aggregateNames = new String[aggregateSpecs.length];
        accumulatorOffsets = new int[aggregateSpecs.length];
        int accLength = 0;
        for (int i = 0; i < aggregateSpecs.length; i++)
        {
            final Aggregate spec = aggregateSpecs[i];
            if (spec == null)
            {
                throw new SchemaException("Aggregate #" + (i + 1) + " is null");
            }
            aggregates[i] = spec.bind(input);
            aggregateNames[i] = spec.name();
            if (!names.add(spec.name()))
            {
                throw new SchemaException("Output column '" + spec.name() + "' of " + spec + " is not unique; " +
                    "rename it with .as(\"name\")");
            }
            final FieldType type = aggregates[i].resultType();
            if (type == FieldType.INT64)
            {
                out.int64(spec.name());
            }
            else if (type == FieldType.FLOAT64)
            {
                out.float64(spec.name());
            }
            else if (type == FieldType.DECIMAL)
            {
                out.decimal(spec.name(), aggregates[i].resultScale());
            }
            else
            {
                throw new SchemaException("Aggregate " + spec + " must produce INT64, FLOAT64 or DECIMAL, not " +
                    type);
            }
            accumulatorOffsets[i] = accLength;
            accLength += (aggregates[i].accumulatorLengthBytes() + 7) & ~7;
        }
        accumulatorLengthBytes = accLength;

        outputSchema = out.build();
        outStartOffset = outputSchema.field(WINDOW_START).offset();
        outEndOffset = outputSchema.field(WINDOW_END).offset();
        outKeyOffsets = new int[keys.length];
        for (int i = 0; i < keys.length; i++)
        {
            outKeyOffsets[i] = outputSchema.field(keys[i]).offset();
        }
        outAggregateOffsets = new int[aggregateSpecs.length];
        for (int i = 0; i < aggregateSpecs.length; i++)
        {
            outAggregateOffsets[i] = outputSchema.field(aggregateSpecs[i].name()).offset();
        }
    }

    Schema outputSchema()
    {
        return outputSchema;
    }

    int keyLengthBytes()
    {
        return keyLengthBytes;
    }

    int accumulatorLengthBytes()
    {
        return accumulatorLengthBytes;
    }

    /**
     * @return true if the group key is one 8-byte column: {@link #longKey} then reads it as the table's
     *         {@code long} key, hashing as the copied bytes would.
     */
    boolean isLongKey()
    {
        return keyFields.length == 1 && keyFields[0].lengthBytes() == Long.BYTES;
    }

    /**
     * @return the group key's 8 bytes as a native-order {@code long}; only if {@link #isLongKey()}.
     */
    long longKey(final RecordFlyweight record)
    {
        return record.buffer().getLong(record.offset() + keyFields[0].offset());
    }

    void copyKey(final RecordFlyweight record, final MutableDirectBuffer dst, final int dstOffset)
    {
        final DirectBuffer src = record.buffer();
        final int base = record.offset();
        int offset = dstOffset;
        for (final Field f : keyFields)
        {
            dst.putBytes(offset, src, base + f.offset(), f.lengthBytes());
            offset += f.lengthBytes();
        }
    }

    void init(final MutableDirectBuffer acc, final int offset)
    {
        for (int i = 0; i < aggregates.length; i++)
        {
            aggregates[i].init(acc, offset + accumulatorOffsets[i]);
        }
    }

    void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
    {
        int i = 0;
        try
        {
            for (; i < aggregates.length; i++)
            {
                aggregates[i].accumulate(acc, offset + accumulatorOffsets[i], record);
            }
        }
        catch (final RuntimeException ex)
        {
            // the aggregates before i (and the other windows of a sliding window) already hold the record
            throw new OperatorStateException("window aggregation: " + aggregateNames[i] + " failed on a " +
                "record after its window's state took part of it; a skipped record cannot be taken back out", ex);
        }
    }

    void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other, final int otherOffset,
        final boolean otherFirst)
    {
        for (int i = 0; i < aggregates.length; i++)
        {
            aggregates[i].merge(acc, offset + accumulatorOffsets[i], other, otherOffset + accumulatorOffsets[i],
                otherFirst);
        }
    }

    /**
     * Writes a result row into {@code out} (which must view a record of {@link #outputSchema()}).
     */
    void writeRow(final RecordFlyweight out, final long startMs, final long endMs, final DirectBuffer keyBuffer,
        final int keyOffset, final DirectBuffer acc, final int accOffset)
    {
        final MutableDirectBuffer buffer = out.buffer();
        final int base = out.offset();
        buffer.putLong(base + outStartOffset, startMs);
        buffer.putLong(base + outEndOffset, endMs);
        int k = keyOffset;
        for (int i = 0; i < keyFields.length; i++)
        {
            final int length = keyFields[i].lengthBytes();
            buffer.putBytes(base + outKeyOffsets[i], keyBuffer, k, length);
            k += length;
        }
        for (int i = 0; i < aggregates.length; i++)
        {
            aggregates[i].writeResult(acc, accOffset + accumulatorOffsets[i], buffer, base + outAggregateOffsets[i]);
        }
    }

    String describe(final String[] keyColumns, final Aggregate[] aggregateSpecs)
    {
        final StringBuilder sb = new StringBuilder("keys=").append(java.util.Arrays.toString(keyColumns))
            .append(" agg=[");
        for (int i = 0; i < aggregateSpecs.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(aggregateSpecs[i]);
        }
        return sb.append(']').toString();
    }
}
