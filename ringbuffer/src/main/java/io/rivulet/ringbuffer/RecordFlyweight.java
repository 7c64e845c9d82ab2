package io.rivulet.ringbuffer;

import org.agrona.MutableDirectBuffer;

/**
 * A reusable view over one record of a {@link Schema} in a buffer (an off-heap ring slot or scratch memory).
 * No object per record: a flyweight is {@link #wrap wrapped} over each record in turn.
 * <p>
 * A flyweight handed to user code (a filter, a map, a sink) is <b>valid only during the call</b>; copy out what
 * must outlive it. Not thread-safe. Accessors take typed {@link Field}s resolved once from the schema, so a
 * read is one load at a constant offset.
 * <p>
 * Besides its fields, a record carries its ingest time ({@link System#nanoTime()} when it entered the engine),
 * used for end-to-end latency.
 */
public final class RecordFlyweight
{
    private final Schema schema;
    private MutableDirectBuffer buffer;
    private int offset;
    private long ingestTimeNs;

    /**
     * @param schema layout of the records this flyweight views.
     */
    public RecordFlyweight(final Schema schema)
    {
        this.schema = schema;
    }

    /**
     * @return the layout of the viewed records.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * Points this flyweight at a record.
     *
     * @param buffer holding the record.
     * @param offset of the record's first byte.
     * @return this.
     */
    public RecordFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * @return the buffer currently viewed.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the current record in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return {@link System#nanoTime()} at which the record entered the engine.
     */
    public long ingestTimeNs()
    {
        return ingestTimeNs;
    }

    /**
     * @param ingestTimeNs {@link System#nanoTime()} at which the record entered the engine.
     * @return this.
     */
    public RecordFlyweight ingestTimeNs(final long ingestTimeNs)
    {
        this.ingestTimeNs = ingestTimeNs;
        return this;
    }

    /**
     * @param field an INT64 or TIMESTAMP field of this schema.
     * @return its value.
     */
    public long getLong(final LongField field)
    {
        return buffer.getLong(offset + field.offset());
    }

    /**
     * @param field an INT64 or TIMESTAMP field of this schema.
     * @param value to write.
     * @return this.
     */
    public RecordFlyweight setLong(final LongField field, final long value)
    {
        buffer.putLong(offset + field.offset(), value);
        return this;
    }

    /**
     * @param field an INT32 field of this schema.
     * @return its value.
     */
    public int getInt(final IntField field)
    {
        return buffer.getInt(offset + field.offset());
    }

    /**
     * @param field an INT32 field of this schema.
     * @param value to write.
     * @return this.
     */
    public RecordFlyweight setInt(final IntField field, final int value)
    {
        buffer.putInt(offset + field.offset(), value);
        return this;
    }

    /**
     * @param field a FLOAT64 field of this schema.
     * @return its value.
     */
    public double getDouble(final DoubleField field)
    {
        return buffer.getDouble(offset + field.offset());
    }

    /**
     * @param field a FLOAT64 field of this schema.
     * @param value to write.
     * @return this.
     */
    public RecordFlyweight setDouble(final DoubleField field, final double value)
    {
        buffer.putDouble(offset + field.offset(), value);
        return this;
    }

    /**
     * @param field a BOOLEAN field of this schema.
     * @return its value.
     */
    public boolean getBoolean(final BooleanField field)
    {
        return buffer.getByte(offset + field.offset()) != 0;
    }

    /**
     * @param field a BOOLEAN field of this schema.
     * @param value to write.
     * @return this.
     */
    public RecordFlyweight setBoolean(final BooleanField field, final boolean value)
    {
        buffer.putByte(offset + field.offset(), value ? (byte)1 : (byte)0);
        return this;
    }

    /**
     * Writes an ASCII value, NUL-padding the rest of the field. Does not allocate.
     *
     * @param field a SYMBOL field of this schema.
     * @param value at most {@code field.lengthBytes()} ASCII characters.
     * @return this.
     * @throws IllegalArgumentException if the value is too long or not ASCII (never truncates silently); the field
     *                                  is then left unchanged.
     */
    public RecordFlyweight setSymbol(final SymbolField field, final CharSequence value)
    {
        final int length = value.length();
        final int capacity = field.lengthBytes();
        if (length > capacity)
        {
            throw new IllegalArgumentException("Symbol '" + value + "' is longer than column '" + field.name() +
                "' (" + capacity + " characters)");
        }
        // validate before writing: a rejected value must leave the field as it was, not half overwritten
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c == 0 || c > 127)
            {
                throw new IllegalArgumentException("Symbol for column '" + field.name() + "' must be ASCII " +
                    "without NUL: " + value);
            }
        }
        final int base = offset + field.offset();
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(base + i, (byte)value.charAt(i));
        }
        buffer.setMemory(base + length, capacity - length, (byte)0);
        return this;
    }

    /**
     * @param field a SYMBOL field of this schema.
     * @return number of characters stored (the field length if the value fills it).
     */
    public int symbolLength(final SymbolField field)
    {
        final int base = offset + field.offset();
        final int capacity = field.lengthBytes();
        for (int i = 0; i < capacity; i++)
        {
            if (buffer.getByte(base + i) == 0)
            {
                return i;
            }
        }
        return capacity;
    }

    /**
     * @param field a SYMBOL field of this schema.
     * @param index of the character, below {@link #symbolLength}.
     * @return the ASCII character.
     */
    public char symbolCharAt(final SymbolField field, final int index)
    {
        return (char)buffer.getByte(offset + field.offset() + index);
    }

    /**
     * Compares a symbol with a value without allocating.
     *
     * @param field a SYMBOL field of this schema.
     * @param value to compare with.
     * @return true if equal.
     */
    public boolean symbolEquals(final SymbolField field, final CharSequence value)
    {
        final int length = value.length();
        if (length > field.lengthBytes() || symbolLength(field) != length)
        {
            return false;
        }
        final int base = offset + field.offset();
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(base + i) != value.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends the symbol's characters. Does not allocate if {@code out} has room.
     *
     * @param field a SYMBOL field of this schema.
     * @param out   to append to.
     * @return out.
     */
    public StringBuilder appendSymbol(final SymbolField field, final StringBuilder out)
    {
        final int length = symbolLength(field);
        final int base = offset + field.offset();
        for (int i = 0; i < length; i++)
        {
            out.append((char)buffer.getByte(base + i));
        }
        return out;
    }

    /**
     * Allocates a String: for edges (tests, console), not the hot path.
     *
     * @param field a SYMBOL field of this schema.
     * @return the symbol.
     */
    public String getSymbol(final SymbolField field)
    {
        return appendSymbol(field, new StringBuilder(field.lengthBytes())).toString();
    }

    /**
     * Copies the whole record, and its ingest time, from a flyweight of an equal schema.
     *
     * @param source record to copy.
     * @return this.
     */
    public RecordFlyweight copyFrom(final RecordFlyweight source)
    {
        buffer.putBytes(offset, source.buffer, source.offset, schema.recordLengthBytes());
        ingestTimeNs = source.ingestTimeNs;
        return this;
    }

    /**
     * Boxes a field's value: for edges (tests, console, collecting sinks), not the hot path.
     *
     * @param field a field of this schema.
     * @return Long, Integer, Double, Boolean or String.
     */
    public Object getValue(final Field field)
    {
        switch (field.type())
        {
            case INT64:
            case TIMESTAMP:
                return getLong((LongField)field);
            case INT32:
                return getInt((IntField)field);
            case FLOAT64:
                return getDouble((DoubleField)field);
            case BOOLEAN:
                return getBoolean((BooleanField)field);
            default:
                return getSymbol((SymbolField)field);
        }
    }

    /**
     * Appends {@code name=value} pairs in declaration order.
     *
     * @param out to append to.
     * @return out.
     */
    public StringBuilder appendTo(final StringBuilder out)
    {
        final java.util.List<Field> fields = schema.fields();
        for (int i = 0; i < fields.size(); i++)
        {
            final Field f = fields.get(i);
            if (i > 0)
            {
                out.append(", ");
            }
            out.append(f.name()).append('=');
            switch (f.type())
            {
                case INT64:
                case TIMESTAMP:
                    out.append(getLong((LongField)f));
                    break;
                case INT32:
                    out.append(getInt((IntField)f));
                    break;
                case FLOAT64:
                    out.append(getDouble((DoubleField)f));
                    break;
                case BOOLEAN:
                    out.append(getBoolean((BooleanField)f));
                    break;
                default:
                    appendSymbol((SymbolField)f, out);
            }
        }
        return out;
    }

    @Override
    public String toString()
    {
        return buffer == null ? "RecordFlyweight(unwrapped)" : appendTo(new StringBuilder("{")).append('}').toString();
    }
}
