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

    @Override
    public String toString()
    {
        return type == FieldType.SYMBOL ? name + ":SYMBOL(" + lengthBytes + ")" : name + ":" + type;
    }

    static Field create(final String name, final FieldType type, final int index, final int offset, final int length)
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
            default:
                throw new IllegalStateException("unknown type " + type);
        }
    }
}
