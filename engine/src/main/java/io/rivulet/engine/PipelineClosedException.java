package io.rivulet.engine;

/**
 * The pipeline was closed before its stream completed (thrown by {@link Pipeline#awaitCompletion}), or it no
 * longer takes records because it was closed or has completed (thrown to a publishing thread). Not a failure:
 * a failure is a {@link PipelineFailedException}.
 */
public class PipelineClosedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message which pipeline, and why it takes nothing more.
     */
    public PipelineClosedException(final String message)
    {
        super(message);
    }
}
