package io.rivulet.operators;

import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.SymbolField;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;

/**
 * An {@link Expr} bound to a schema: column names resolved to offsets and types checked, so evaluation is a
 * few virtual calls and loads, with no allocation.
 */
abstract class BoundExpr
{
    /**
     * Result kinds: integral values are evaluated as long, decimals as their long mantissa at {@link #scale},
     * others as double, boolean or symbol bytes.
     */
    enum Kind
    {
        LONG, DOUBLE, BOOL, SYMBOL, DECIMAL
    }

    final Kind kind;
    /** Digits after the point of a DECIMAL result; 0 for every other kind (an integral is a decimal of scale 0). */
    final int scale;

    BoundExpr(final Kind kind)
    {
        this(kind, 0);
    }

    BoundExpr(final Kind kind, final int scale)
    {
        this.kind = kind;
        this.scale = scale;
    }

    /** @return e.g. {@code DECIMAL(4)} or {@code LONG}, for messages. */
    String describe()
    {
        return kind == Kind.DECIMAL ? "DECIMAL(" + scale + ")" : kind.name();
    }

    long evalLong(final RecordFlyweight record)
    {
        throw new IllegalStateException("not a LONG expression");
    }

    double evalDouble(final RecordFlyweight record)
    {
        return evalLong(record);
    }

    boolean evalBool(final RecordFlyweight record)
    {
        throw new IllegalStateException("not a BOOL expression");
    }

    /** Type of the column a projection of this expression writes. */
    abstract FieldType outputType();

    /** Length of that column (differs from the type's length only for symbols). */
    int outputLengthBytes()
    {
        return outputType().lengthBytes();
    }

    /** Symbol expressions only: compare with another symbol expression. */
    boolean symbolEquals(final RecordFlyweight record, final BoundExpr other)
    {
        throw new IllegalStateException("not a SYMBOL expression");
    }

    /** Symbol expressions only: write the NUL-padded bytes to {@code lengthBytes} at {@code offset}. */
    void copySymbol(final RecordFlyweight record, final MutableDirectBuffer buffer, final int offset,
        final int lengthBytes)
    {
        throw new IllegalStateException("not a SYMBOL expression");
    }

    /** Symbol expressions only: the byte at {@code index} (0 past the value's end). */
    byte symbolByte(final RecordFlyweight record, final int index)
    {
        throw new IllegalStateException("not a SYMBOL expression");
    }

    static final class SymbolColumn extends BoundExpr
    {
        final SymbolField field;

        SymbolColumn(final SymbolField field)
        {
            super(Kind.SYMBOL);
            this.field = field;
        }

        @Override
        FieldType outputType()
        {
            return FieldType.SYMBOL;
        }

        @Override
        int outputLengthBytes()
        {
            return field.lengthBytes();
        }

        @Override
        byte symbolByte(final RecordFlyweight record, final int index)
        {
            return index < field.lengthBytes() ?
                record.buffer().getByte(record.offset() + field.offset() + index) : 0;
        }

        @Override
        boolean symbolEquals(final RecordFlyweight record, final BoundExpr other)
        {
            final int length = Math.max(field.lengthBytes(), other.outputLengthBytes());
            for (int i = 0; i < length; i++)
            {
                final byte b = symbolByte(record, i);
                if (b != other.symbolByte(record, i))
                {
                    return false;
                }
                if (b == 0)
                {
                    return true;
                }
            }
            return true;
        }

        @Override
        void copySymbol(final RecordFlyweight record, final MutableDirectBuffer buffer, final int offset,
            final int lengthBytes)
        {
            buffer.putBytes(offset, record.buffer(), record.offset() + field.offset(), lengthBytes);
        }
    }

    static final class SymbolLiteral extends BoundExpr
    {
        private final byte[] ascii;

        SymbolLiteral(final byte[] ascii)
        {
            super(Kind.SYMBOL);
            this.ascii = ascii;
        }

        @Override
        FieldType outputType()
        {
            return FieldType.SYMBOL;
        }

        @Override
        int outputLengthBytes()
        {
            return Math.max(1, ascii.length);
        }

        @Override
        byte symbolByte(final RecordFlyweight record, final int index)
        {
            return index < ascii.length ? ascii[index] : 0;
        }

        @Override
        boolean symbolEquals(final RecordFlyweight record, final BoundExpr other)
        {
            if (other instanceof SymbolLiteral)
            {
                // delegating to another literal would hand the call straight back: compare the bytes here
                return Arrays.equals(ascii, ((SymbolLiteral)other).ascii);
            }
            return other.symbolEquals(record, this);
        }

        @Override
        void copySymbol(final RecordFlyweight record, final MutableDirectBuffer buffer, final int offset,
            final int lengthBytes)
        {
            buffer.setMemory(offset, lengthBytes, (byte)0);
            buffer.putBytes(offset, ascii, 0, Math.min(ascii.length, lengthBytes));
        }
    }
}
