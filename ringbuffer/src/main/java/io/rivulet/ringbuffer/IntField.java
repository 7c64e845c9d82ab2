package io.rivulet.ringbuffer;

/**
 * A 32-bit integer field; read and written as a {@code int} through {@link RecordFlyweight}.
 */
public final class IntField extends Field
{
    IntField(final String name, final int index, final int offset)
    {
        super(name, FieldType.INT32, index, offset, 4);
    }
}
