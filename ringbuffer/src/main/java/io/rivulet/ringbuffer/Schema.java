package io.rivulet.ringbuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An ordered set of named fixed-width fields defining the binary layout of a record, as in SBE.
 * <p>
 * Fields are laid out widest first so every field is naturally aligned; the record length is rounded up to
 * 8 bytes. Declaration order is kept for display and for {@link #fields()}. Immutable and thread-safe.
 * <pre>
 *   schema int32 qty, int64 id, symbol(5) ticker, boolean buy
 *   0        8        12          17   18       24
 *   +--------+--------+-----------+----+--------+
 *   |   id   |  qty   |  ticker   |buy | pad    |
 *   +--------+--------+-----------+----+--------+
 * </pre>
 */
public final class Schema
{
    /** Longest allowed {@link FieldType#SYMBOL} field. */
    public static final int MAX_SYMBOL_LENGTH = 256;
    /** Largest allowed scale of a {@link FieldType#DECIMAL} field: a 64-bit mantissa holds 18 full digits. */
    public static final int MAX_DECIMAL_SCALE = 18;
    /** Largest allowed record. */
    public static final int MAX_RECORD_LENGTH = 64 * 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final List<Field> fields;
    private final Map<String, Field> byName;
    private final int recordLengthBytes;

    private Schema(final List<Field> fields, final int recordLengthBytes)
    {
        this.fields = Collections.unmodifiableList(fields);
        this.recordLengthBytes = recordLengthBytes;
        final Map<String, Field> map = new HashMap<>();
        for (final Field f : fields)
        {
            // fields are created for this schema only and published with it
            f.attach(this);
            map.put(f.name(), f);
        }
        this.byName = map;
    }

    /**
     * @return a new builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return fields in declaration order.
     */
    public List<Field> fields()
    {
        return fields;
    }

    /**
     * @return number of fields.
     */
    public int fieldCount()
    {
        return fields.size();
    }

    /**
     * @return encoded record length in bytes (a multiple of 8).
     */
    public int recordLengthBytes()
    {
        return recordLengthBytes;
    }

    /**
     * @param name column name.
     * @return true if the schema has a column of that name.
     */
    public boolean hasField(final String name)
    {
        return byName.containsKey(name);
    }

    /**
     * @param name column name.
     * @return the field.
     * @throws SchemaException naming the known columns if there is no such column.
     */
    public Field field(final String name)
    {
        if (name == null)
        {
            throw new SchemaException("Column name is null; name one of " + columnList());
        }
        final Field f = byName.get(name);
        if (f == null)
        {
            throw new SchemaException("Unknown column '" + name + "'; this schema has " + columnList());
        }
        return f;
    }

    /**
     * @param name an {@link FieldType#INT64} or {@link FieldType#TIMESTAMP} column.
     * @return the typed field.
     */
    public LongField longField(final String name)
    {
        return typed(name, LongField.class, "a 64-bit integer or timestamp");
    }

    /**
     * @param name an {@link FieldType#INT32} column.
     * @return the typed field.
     */
    public IntField intField(final String name)
    {
        return typed(name, IntField.class, "a 32-bit integer");
    }

    /**
     * @param name a {@link FieldType#FLOAT64} column.
     * @return the typed field.
     */
    public DoubleField doubleField(final String name)
    {
        return typed(name, DoubleField.class, "a float64");
    }

    /**
     * @param name a {@link FieldType#BOOLEAN} column.
     * @return the typed field.
     */
    public BooleanField booleanField(final String name)
    {
        return typed(name, BooleanField.class, "a boolean");
    }

    /**
     * @param name a {@link FieldType#DECIMAL} column.
     * @return the typed field (its scale is {@link DecimalField#scale()}).
     */
    public DecimalField decimalField(final String name)
    {
        return typed(name, DecimalField.class, "a decimal");
    }

    /**
     * @param name a {@link FieldType#SYMBOL} column.
     * @return the typed field.
     */
    public SymbolField symbolField(final String name)
    {
        return typed(name, SymbolField.class, "a symbol");
    }

    private <F extends Field> F typed(final String name, final Class<F> type, final String description)
    {
        final Field f = field(name);
        if (!type.isInstance(f))
        {
            throw new SchemaException("Column '" + name + "' is " + f.typeDescription() + ", not " + description);
        }
        return type.cast(f);
    }

    private String columnList()
    {
        return fields.toString();
    }

    /**
     * Two schemas are equal if they declare the same columns (name, type, width, scale) in the same order, which
     * gives them the same layout: a field of one reads the same bytes in a record of the other.
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof Schema))
        {
            return false;
        }
        final Schema other = (Schema)o;
        if (other.fields.size() != fields.size())
        {
            return false;
        }
        for (int i = 0; i < fields.size(); i++)
        {
            final Field a = fields.get(i);
            final Field b = other.fields.get(i);
            if (!a.name().equals(b.name()) || a.type() != b.type() || a.lengthBytes() != b.lengthBytes() ||
                a.scale() != b.scale())
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode()
    {
        return fields.toString().hashCode();
    }

    @Override
    public String toString()
    {
        return "Schema" + fields;
    }

    /**
     * Collects fields in declaration order; {@link #build()} validates and lays them out.
     * Not thread-safe.
     */
    public static final class Builder
    {
        private final List<String> names = new ArrayList<>();
        private final List<FieldType> types = new ArrayList<>();
        private final List<Integer> lengths = new ArrayList<>();
        private final List<Integer> scales = new ArrayList<>();

        private Builder()
        {
        }

        /**
         * @param name column name.
         * @return this.
         */
        public Builder int64(final String name)
        {
            return add(name, FieldType.INT64, 8);
        }

        /**
         * @param name column name.
         * @return this.
         */
        public Builder int32(final String name)
        {
            return add(name, FieldType.INT32, 4);
        }

        /**
         * @param name column name.
         * @return this.
         */
        public Builder float64(final String name)
        {
            return add(name, FieldType.FLOAT64, 8);
        }

        /**
         * @param name column name.
         * @return this.
         */
        public Builder bool(final String name)
        {
            return add(name, FieldType.BOOLEAN, 1);
        }

        /**
         * @param name column name; values are epoch milliseconds.
         * @return this.
         */
        public Builder timestamp(final String name)
        {
            return add(name, FieldType.TIMESTAMP, 8);
        }

        /**
         * @param name        column name.
         * @param lengthBytes maximum number of ASCII characters, 1 to {@link #MAX_SYMBOL_LENGTH}.
         * @return this.
         */
        public Builder symbol(final String name, final int lengthBytes)
        {
            if (lengthBytes < 1 || lengthBytes > MAX_SYMBOL_LENGTH)
            {
                throw new SchemaException("Symbol column '" + name + "' has length " + lengthBytes +
                    "; use a length from 1 to " + MAX_SYMBOL_LENGTH);
            }
            return add(name, FieldType.SYMBOL, lengthBytes);
        }

        /**
         * A fixed-point decimal column: a 64-bit mantissa, {@code scale} digits after the point (e.g. scale 4
         * stores {@code 101.25} as {@code 1012500}; the largest value is about {@code 9.22 * 10^(18 - scale)}).
         *
         * @param name  column name.
         * @param scale digits after the point, 0 to {@link #MAX_DECIMAL_SCALE}.
         * @return this.
         * @throws SchemaException if the scale is out of range.
         */
        public Builder decimal(final String name, final int scale)
        {
            Decimals.checkScale(scale, name);
            add(name, FieldType.DECIMAL, 8);
            scales.set(scales.size() - 1, scale);
            return this;
        }

        /**
         * Adds a field of the same type, length and scale as {@code field} under another name (for deriving
         * schemas).
         *
         * @param name  column name.
         * @param field field whose type and length to copy.
         * @return this.
         */
        public Builder like(final String name, final Field field)
        {
            switch (field.type())
            {
                case SYMBOL:
                    return symbol(name, field.lengthBytes());
                case DECIMAL:
                    return decimal(name, field.scale());
                default:
                    return add(name, field.type(), field.type().lengthBytes());
            }
        }

        private Builder add(final String name, final FieldType type, final int length)
        {
            if (name == null || !NAME.matcher(name).matches())
            {
                throw new SchemaException("Invalid column name '" + name +
                    "'; use letters, digits and '_', starting with a letter or '_'");
            }
            if (names.contains(name))
            {
                throw new SchemaException("Duplicate column '" + name + "'; column names must be unique");
            }
            names.add(name);
            types.add(type);
            lengths.add(length);
            scales.add(0);
            return this;
        }

        /**
         * @return the validated schema.
         * @throws SchemaException if it has no field or the record would exceed {@link #MAX_RECORD_LENGTH}.
         */
        public Schema build()
        {
            final int n = names.size();
            if (n == 0)
            {
                throw new SchemaException("A schema needs at least one column");
            }

            // widest first: 8-byte fields, then 4, then symbols, then booleans keeps every number aligned
            final Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(rank(types.get(a)), rank(types.get(b))));

            final int[] offsets = new int[n];
            int offset = 0;
            for (final int i : order)
            {
                offsets[i] = offset;
                offset += lengths.get(i);
            }
            final int recordLength = (offset + 7) & ~7;
            if (recordLength > MAX_RECORD_LENGTH)
            {
                throw new SchemaException("Record length " + recordLength + " bytes exceeds " + MAX_RECORD_LENGTH +
                    "; use fewer or shorter columns");
            }

            final List<Field> fields = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                fields.add(Field.create(names.get(i), types.get(i), i, offsets[i], lengths.get(i), scales.get(i)));
            }
            return new Schema(fields, recordLength);
        }

        private static int rank(final FieldType type)
        {
            switch (type)
            {
                case INT64:
                case TIMESTAMP:
                case FLOAT64:
                case DECIMAL:
                    return 0;
                case INT32:
                    return 1;
                case SYMBOL:
                    return 2;
                default:
                    return 3;
            }
        }
    }
}
