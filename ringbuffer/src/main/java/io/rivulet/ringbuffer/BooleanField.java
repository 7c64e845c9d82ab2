package io.rivulet.ringbuffer;

/**
 * A boolean field; read and written as a {@code boolean} through {@link RecordFlyweight}.
 */
public final class BooleanField extends Field
{
    BooleanField(final String name, final int index, final int offset)
    {
        super(name, FieldType.BOOLEAN, index, offset, 1);
    }
}
