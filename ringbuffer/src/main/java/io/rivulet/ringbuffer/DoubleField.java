package io.rivulet.ringbuffer;

/**
 * A 64-bit floating point field; read and written as a {@code double} through {@link RecordFlyweight}.
 */
public final class DoubleField extends Field
{
    DoubleField(final String name, final int index, final int offset)
    {
        super(name, FieldType.FLOAT64, index, offset, 8);
    }
}
