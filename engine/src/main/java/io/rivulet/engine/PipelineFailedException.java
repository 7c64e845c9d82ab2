package io.rivulet.engine;

/**
 * The pipeline stopped because an operator, source or sink failed; {@link #getCause()} is the failure.
 * Also thrown to a publishing thread whose pipeline has stopped.
 */
public class PipelineFailedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what stopped.
     * @param cause   the failure, or null if the pipeline was closed.
     */
    public PipelineFailedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
