package io.rivulet.ringbuffer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A reusable view over one record of a {@link Schema} in a buffer (an off-heap ring slot or scratch memory).
 * No object per record: a flyweight is {@link #wrap wrapped} over each record in turn.
 * <p>
 * A flyweight handed to user code (a filter, a map, a sink) is <b>valid only during the call</b>; copy out what
 * must outlive it. Not thread-safe. Accessors take typed {@link Field}s resolved once from the schema, so a
 * read is one load at a constant offset.
 * <p>
 * <b>Field checks.</b> A field reads the bytes at its offset in <i>its</i> schema's layout; used on a record of
 * another layout (a field resolved before a {@code select} or {@code map} changed the schema) it would silently
 * read a neighbouring column. Every accessor therefore asserts {@link Field#isValidFor} with a message naming the
 * field, its schema and the record's: with assertions enabled ({@code -ea}, as the tests run) the mistake fails
 * at the first record; without them the check is not executed at all, so production reads stay one load.
 * <p>
 * Besides its fields, a record carries its ingest time ({@link System#nanoTime()} when it entered the engine),
 * used for end-to-end latency, and its source index (its position in its source, e.g. its journal index), which
 * checkpoints record as source positions.
 */
public final class RecordFlyweight
{
    /** {@link #sourceIndex()} of a record whose source has no positions, or that no single input produced. */
    public static final long NO_SOURCE_INDEX = -1;
    private static final long HASH_SEED = 0x9E3779B97F4A7C15L;
    private static final long HASH_MULTIPLIER = 0xBF58476D1CE4E5B9L;

    private final Schema schema;
    private MutableDirectBuffer buffer;
    private int offset;
    private long ingestTimeNs;
    private long sourceIndex = NO_SOURCE_INDEX;

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
     * @return the record's position in its source: its journal index for a journal source,
     * {@link #NO_SOURCE_INDEX} (-1) for a source without positions (a publisher, generated or
     * in-memory rows) and for results that no single input record produced (window and join outputs).
     * Stateless operators (where, select, map, flatMap) pass on their input's.
     */
    public long sourceIndex()
    {
        return sourceIndex;
    }

    /**
     * @param sourceIndex the record's position in its source, see {@link #sourceIndex()}.
     * @return this.
     */
    public RecordFlyweight sourceIndex(final long sourceIndex)
    {
        this.sourceIndex = sourceIndex;
        return this;
    }

    /**
     * @param field an INT64 or TIMESTAMP field of this schema.
     * @return its value.
     */
    public long getLong(final LongField field)
    {
        assert valid(field);
        return buffer.getLong(offset + field.offset());
    }

    /**
     * @param field an INT64 or TIMESTAMP field of this schema.
     * @param value to write.
     * @return this.
     */
    public RecordFlyweight setLong(final LongField field, final long value)
    {
        assert valid(field);
        buffer.putLong(offset + field.offset(), value);
        return this;
    }

    /**
     * @param field an INT32 field of this schema.
     * @return its value.
     */
    public int getInt(final IntField field)
    {
        assert valid(field);
        return buffer.getInt(offset + field.offset());
    }

    /**
     * @param field an INT32 field of this schema.
     * @param value to write.
     * @return this.
     */
    public RecordFlyweight setInt(final IntField field, final int value)
    {
        assert valid(field);
        buffer.putInt(offset + field.offset(), value);
        return this;
    }

    /**
     * @param field a FLOAT64 field of this schema.
     * @return its value.
     */
    public double getDouble(final DoubleField field)
    {
        assert valid(field);
        return buffer.getDouble(offset + field.offset());
    }

    /**
     * @param field a FLOAT64 field of this schema.
     * @param value to write.
     * @return this.
     */
    public RecordFlyweight setDouble(final DoubleField field, final double value)
    {
        assert valid(field);
        buffer.putDouble(offset + field.offset(), value);
        return this;
    }

    /**
     * @param field a BOOLEAN field of this schema.
     * @return its value.
     */
    public boolean getBoolean(final BooleanField field)
    {
        assert valid(field);
        return buffer.getByte(offset + field.offset()) != 0;
    }

    /**
     * @param field a BOOLEAN field of this schema.
     * @param value to write.
     * @return this.
     */
    public RecordFlyweight setBoolean(final BooleanField field, final boolean value)
    {
        assert valid(field);
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
        assert valid(field);
        if (value == null)
        {
            throw new IllegalArgumentException("Symbol for column '" + field.name() + "' is null; write \"\" for " +
                "an empty symbol");
        }
        final int length = value.length();
        final int capacity = field.lengthBytes();
        if (length > capacity)
        {
            throw new IllegalArgumentException("Symbol '" + value + "' (" + length + " characters) does not fit " +
                "column '" + field.name() + "' (SYMBOL(" + capacity + ")); shorten it, or declare the column " +
                "wider: Schema.builder().symbol(\"" + field.name() + "\", " + length + ")");
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
        assert valid(field);
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
        assert valid(field);
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
        assert valid(field);
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
        assert valid(field);
        final int length = symbolLength(field);
        final int base = offset + field.offset();
        for (int i = 0; i < length; i++)
        {
            out.append((char)buffer.getByte(base + i));
        }
        return out;
    }

    /**
     * Copies a symbol from a field of another record, of any schema, into a SYMBOL field of this one (e.g. from an
     * input record to a {@code map}'s output of another layout), without decoding it to a String: one bulk copy of
     * the shorter width plus zero padding. No allocation unless it throws.
     *
     * @param field       a SYMBOL field of this schema, written.
     * @param source      the record to read; may be this one.
     * @param sourceField a SYMBOL field of {@code source}'s schema.
     * @return this.
     * @throws IllegalArgumentException if the value is longer than {@code field} holds (nothing is written then).
     */
    public RecordFlyweight copySymbol(final SymbolField field, final RecordFlyweight source,
        final SymbolField sourceField)
    {
        assert valid(field);
        final int capacity = field.lengthBytes();
        final int sourceWidth = sourceField.lengthBytes();
        if (sourceWidth > capacity && source.symbolLength(sourceField) > capacity)
        {
            throw new IllegalArgumentException("copySymbol: the value '" + source.getSymbol(sourceField) + "' of '" +
                sourceField.name() + "' (" + source.symbolLength(sourceField) + " characters) does not fit column '" +
                field.name() + "' (SYMBOL(" + capacity + ")); declare it wider: Schema.builder().symbol(\"" +
                field.name() + "\", " + sourceWidth + ")");
        }
        assert source.valid(sourceField);
        final int copied = Math.min(capacity, sourceWidth);
        final int base = offset + field.offset();
        final int sourceBase = source.offset + sourceField.offset();
        final DirectBuffer from = source.buffer;
        // symbols are short: word moves beat a copyMemory call, which costs more than the bytes it moves here
        int i = 0;
        for (; i + Long.BYTES <= copied; i += Long.BYTES)
        {
            buffer.putLong(base + i, from.getLong(sourceBase + i));
        }
        for (; i < copied; i++)
        {
            buffer.putByte(base + i, from.getByte(sourceBase + i));
        }
        for (; i < capacity; i++)
        {
            buffer.putByte(base + i, (byte)0);
        }
        return this;
    }

    /**
     * A 64-bit hash of a symbol's characters, for hash partitioning or a hash key: reads the field 8 bytes at a time
     * (one multiply per word), stops at the zero padding, so equal symbols hash equal whatever their columns'
     * widths, and equals {@link #symbolHash(CharSequence)} of the same text. Stable across runs and JVMs; not
     * cryptographic. No allocation.
     *
     * @param field a SYMBOL field of this schema.
     * @return the hash.
     */
    public long symbolHash(final SymbolField field)
    {
        assert valid(field);
        final int base = offset + field.offset();
        final int width = field.lengthBytes();
        long h = HASH_SEED;
        int i = 0;
        for (; i + Long.BYTES <= width; i += Long.BYTES)
        {
            final long word = buffer.getLong(base + i, java.nio.ByteOrder.LITTLE_ENDIAN);
            if (word == 0)
            {
                return finishHash(h);
            }
            h = (h ^ word) * HASH_MULTIPLIER;
        }
        if (i < width)
        {
            long word = 0;
            for (int shift = 0; i < width; i++, shift += 8)
            {
                word |= (buffer.getByte(base + i) & 0xFFL) << shift;
            }
            if (word != 0)
            {
                h = (h ^ word) * HASH_MULTIPLIER;
            }
        }
        return finishHash(h);
    }

    /**
     * The hash {@link #symbolHash(SymbolField)} gives a field holding {@code value}: to precompute the hash of a
     * constant, or in a plain-Java reference. No allocation.
     *
     * @param value ASCII text without NUL.
     * @return the hash.
     */
    public static long symbolHash(final CharSequence value)
    {
        long h = HASH_SEED;
        final int length = value.length();
        for (int i = 0; i < length; i += Long.BYTES)
        {
            long word = 0;
            for (int j = 0; j < Long.BYTES && i + j < length; j++)
            {
                word |= ((long)value.charAt(i + j) & 0xFFL) << (j * 8);
            }
            h = (h ^ word) * HASH_MULTIPLIER;
        }
        return finishHash(h);
    }

    private static long finishHash(final long hash)
    {
        // the murmur3 finaliser: every input bit moves every output bit
        long h = hash;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB93FE53B4C53L;
        h ^= h >>> 33;
        return h;
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
     * @param field a DECIMAL field of this schema.
     * @return its mantissa: the value times {@code 10^field.scale()}.
     */
    public long getMantissa(final DecimalField field)
    {
        assert valid(field);
        return buffer.getLong(offset + field.offset());
    }

    /**
     * @param field    a DECIMAL field of this schema.
     * @param mantissa the value times {@code 10^field.scale()}, e.g. {@code 1012500} for 101.25 at scale 4.
     * @return this.
     */
    public RecordFlyweight setMantissa(final DecimalField field, final long mantissa)
    {
        assert valid(field);
        buffer.putLong(offset + field.offset(), mantissa);
        return this;
    }

    /**
     * Writes {@code mantissa * 10^-scale} exactly, rescaled to the field's scale, e.g.
     * {@code setDecimal(PX, 10125, 2)} writes 101.25. Does not allocate unless it throws.
     *
     * @param field    a DECIMAL field of this schema.
     * @param mantissa unscaled value.
     * @param scale    its scale, 0 to 18.
     * @return this.
     * @throws IllegalArgumentException naming the column if digits would be lost or the value does not fit;
     *                                  the field is then unchanged.
     */
    public RecordFlyweight setDecimal(final DecimalField field, final long mantissa, final int scale)
    {
        return setMantissa(field, Decimals.rescaleExact(mantissa, scale, field.scale(), field.name()));
    }

    /**
     * Writes a decimal given as text, exactly, e.g. {@code "101.25"}. Allocates: for the edges, not the hot path.
     *
     * @param field a DECIMAL field of this schema.
     * @param value a decimal number.
     * @return this.
     * @throws IllegalArgumentException naming the column if it is not a number, has more digits after the point
     *                                  than the scale (never rounds) or does not fit; the field is then unchanged.
     */
    public RecordFlyweight setDecimal(final DecimalField field, final CharSequence value)
    {
        return setMantissa(field, Decimals.mantissa(value, field.scale(), field.name()));
    }

    /**
     * Writes a {@link java.math.BigDecimal} exactly. For the edges, not the hot path.
     *
     * @param field a DECIMAL field of this schema.
     * @param value the value.
     * @return this.
     * @throws IllegalArgumentException naming the column if digits would be lost or the value does not fit.
     */
    public RecordFlyweight setDecimal(final DecimalField field, final java.math.BigDecimal value)
    {
        return setMantissa(field, Decimals.mantissa(value, field.scale(), field.name()));
    }

    /**
     * Allocates a BigDecimal: for edges (tests, console), not the hot path.
     *
     * @param field a DECIMAL field of this schema.
     * @return the value, with the field's scale.
     */
    public java.math.BigDecimal getDecimal(final DecimalField field)
    {
        return Decimals.toBigDecimal(getMantissa(field), field.scale());
    }

    /**
     * Appends the value in plain notation with the field's scale, e.g. {@code 101.2500} or {@code -0.0050}.
     * Does not allocate if {@code out} has room.
     *
     * @param field a DECIMAL field of this schema.
     * @param out   to append to.
     * @return out.
     */
    public StringBuilder appendDecimal(final DecimalField field, final StringBuilder out)
    {
        return Decimals.append(out, getMantissa(field), field.scale());
    }

    /**
     * Copies the whole record, its ingest time and source index, from a flyweight of an equal schema (same columns in the same
     * order, see {@link Schema#equals}): one {@code putBytes} of {@link Schema#recordLengthBytes()}, no allocation.
     * Use it in a {@code map} whose output schema is its input schema, to pass a record through and then change
     * a few fields; to change one column declaratively, {@code RecordStream.withColumn} is shorter. Copying from a
     * record of another layout is a bug and fails the assertion ({@code -ea}).
     *
     * @param source record to copy.
     * @return this.
     */
    public RecordFlyweight copyFrom(final RecordFlyweight source)
    {
        assert source.schema == schema || schema.equals(source.schema) :
            "copyFrom: the source record has " + source.schema + " but this record has " + schema +
            "; copy field by field, or select/map to this schema first";
        buffer.putBytes(offset, source.buffer, source.offset, schema.recordLengthBytes());
        ingestTimeNs = source.ingestTimeNs;
        sourceIndex = source.sourceIndex;
        return this;
    }

    /**
     * Boxes a field's value: for edges (tests, console, collecting sinks), not the hot path.
     *
     * @param field a field of this schema.
     * @return Long, Integer, Double, Boolean, BigDecimal or String.
     */
    public Object getValue(final Field field)
    {
        switch (field.type())
        {
            case DECIMAL:
                return getDecimal((DecimalField)field);
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
                case DECIMAL:
                    appendDecimal((DecimalField)f, out);
                    break;
                default:
                    appendSymbol((SymbolField)f, out);
            }
        }
        return out;
    }

    /** Kept out of line so the accessors stay small; the message is built only when the check fails. */
    private boolean valid(final Field field)
    {
        if (!field.isValidFor(schema))
        {
            throw new AssertionError(Field.mismatch(field, schema));
        }
        return true;
    }

    @Override
    public String toString()
    {
        return buffer == null ? "RecordFlyweight(unwrapped)" : appendTo(new StringBuilder("{")).append('}').toString();
    }
}
