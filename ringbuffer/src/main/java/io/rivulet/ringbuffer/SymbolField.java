package io.rivulet.ringbuffer;

/**
 * A fixed-length US-ASCII field, right-padded with NUL bytes; shorter values are allowed, longer ones are not.
 */
public final class SymbolField extends Field
{
    SymbolField(final String name, final int index, final int offset, final int lengthBytes)
    {
        super(name, FieldType.SYMBOL, index, offset, lengthBytes);
    }
}
