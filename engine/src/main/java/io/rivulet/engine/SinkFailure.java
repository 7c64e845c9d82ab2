package io.rivulet.engine;

/**
 * Carries an exception a sink threw up through the operators of a fused chain to the stage, so an
 * {@link ErrorPolicy#skip} policy does not mistake it for a bad record: a failing sink fails the pipeline, with
 * the sink's exception (the cause) as the failure. Allocated only when a sink throws.
 */
final class SinkFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    SinkFailure(final Throwable cause)
    {
        super(cause.toString(), cause, false, false);
    }
}
