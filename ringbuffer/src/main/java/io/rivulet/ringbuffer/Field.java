package io.rivulet.ringbuffer;

/**
 * A named, typed, fixed-offset field of a {@link Schema}. Resolve fields once when the pipeline is defined
 * (e.g. {@code schema.longField("qty")}) and use them on the hot path: access is then a bounds-free read at a
 * constant offset. Immutable and thread-safe.
 */
public abstract class Field
{
    private final String name;
    private final FieldType type;
    private final int index;
    private final int offset;
    private final int lengthBytes;
    private Schema schema;

    Field(final String name, final FieldType type, final int index, final int offset, final int lengthBytes)
    {
        this.name = name;
        this.type = type;
        this.index = index;
        this.offset = offset;
        this.lengthBytes = lengthBytes;
    }

    /**
     * @return the column name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the column type.
     */
    public FieldType type()
    {
        return type;
    }

    /**
     * @return position of this field in its schema, from 0.
     */
    public int index()
    {
        return index;
    }

    /**
     * @return byte offset of this field inside a record.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return encoded length in bytes.
     */
    public int lengthBytes()
    {
        return lengthBytes;
    }

    /**
     * @return the schema this field was resolved from.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * Whether this field reads the right bytes of a record of {@code recordSchema}: true for its own schema, and
     * for any schema that has a column of the same name, type and width at the same position and offset (an equal
     * schema built twice, or a projection that kept the column where it was).
     *
     * @param recordSchema schema of the record being accessed.
     * @return true if an access through this field is correct for that record.
     */
    public boolean isValidFor(final Schema recordSchema)
    {
        if (recordSchema == schema)
        {
            return true;
        }
        if (recordSchema == null || index >= recordSchema.fieldCount())
        {
            return false;
        }
        final Field other = recordSchema.fields().get(index);
        return other.offset == offset && other.type == type && other.lengthBytes == lengthBytes &&
            other.scale() == scale() && other.name.equals(name);
    }

    /**
     * @return number of decimal digits after the point for a {@link FieldType#DECIMAL} column, else 0.
     */
    public int scale()
    {
        return 0;
    }

    /**
     * @return {@code name:TYPE}, e.g. {@code px:DECIMAL(4)} or {@code sym:SYMBOL(8)}.
     */
    @Override
    public String toString()
    {
        return name + ":" + typeDescription();
    }

    /**
     * @return the type as written in messages: {@code INT64}, {@code SYMBOL(8)}, {@code DECIMAL(4)}.
     */
    public String typeDescription()
    {
        return type == FieldType.SYMBOL ? "SYMBOL(" + lengthBytes + ")" : type.name();
    }

    void attach(final Schema schema)
    {
        this.schema = schema;
    }

    /**
     * Why this field cannot access records of {@code recordSchema}, for messages: the column is gone or moved (the
     * field would read another column's bytes), or it is the same column at another type or scale (the field would
     * misread it). Call only when {@link #isValidFor} is false. Allocates.
     *
     * @param recordSchema the schema of the records the field was used on.
     * @return e.g. {@code "column 'px' is DECIMAL(2) there, not DECIMAL(4): the field would read it at the wrong
     *         scale"}.
     */
    public String mismatchReason(final Schema recordSchema)
    {
        if (recordSchema == null || !recordSchema.hasField(name))
        {
            return "it has no column '" + name + "': the field would read another column's bytes";
        }
        final Field other = recordSchema.field(name);
        if (other.type != type)
        {
            return "column '" + name + "' is " + other.typeDescription() + " there, not " + typeDescription() +
                ": the field would read it as the wrong type";
        }
        if (other.scale() != scale() || other.lengthBytes != lengthBytes)
        {
            return "column '" + name + "' is " + other.typeDescription() + " there, not " + typeDescription() +
                ": the field would read it at the wrong " + (type == FieldType.DECIMAL ? "scale" : "length");
        }
        return "column '" + name + "' moved (index " + index + " -> " + other.index + ", offset " + offset + " -> " +
            other.offset + "): the field would read another column's bytes";
    }

    /**
     * The message of a field used on a record of another layout: names the field, its schema and the record's.
     */
    static String mismatch(final Field field, final Schema recordSchema)
    {
        return "Field '" + field + "' was resolved from " + field.schema + " but the record has " + recordSchema +
            ": " + field.mismatchReason(recordSchema) + ". Resolve the field from the schema of the records at this " +
            "point of the pipeline (e.g. stream.schema()." + field.type.schemaAccessor() + "(\"" + field.name +
            "\") after the select/map that changed it)";
    }


    static Field create(final String name, final FieldType type, final int index, final int offset, final int length,
        final int scale)
    {
        switch (type)
        {
            case INT64:
            case TIMESTAMP:
                return new LongField(name, type, index, offset);
            case INT32:
                return new IntField(name, index, offset);
            case FLOAT64:
                return new DoubleField(name, index, offset);
            case BOOLEAN:
                return new BooleanField(name, index, offset);
            case SYMBOL:
                return new SymbolField(name, index, offset, length);
            case DECIMAL:
                return new DecimalField(name, index, offset, scale);
            default:
                throw new IllegalStateException("unknown type " + type);
        }
    }
}
