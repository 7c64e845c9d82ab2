package io.rivulet.ringbuffer;

/**
 * A schema, column or record does not fit: thrown when a pipeline is defined, never on the hot path.
 * The message names the offending thing and how to fix it.
 */
public class SchemaException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and how to fix it.
     */
    public SchemaException(final String message)
    {
        super(message);
    }
}
