package io.rivulet.ringbuffer;

/**
 * A 64-bit integer or timestamp field; read and written as a {@code long} through {@link RecordFlyweight}.
 */
public final class LongField extends Field
{
    LongField(final String name, final FieldType type, final int index, final int offset)
    {
        super(name, type, index, offset, 8);
    }
}
