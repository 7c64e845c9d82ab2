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

    /**
     * @param error an exception that reached the stage or the runtime.
     * @return the sink's own exception if a {@link SinkFailure} is anywhere in the cause chain (operators such as
     * a window firing its rows may wrap it), else null.
     */
    static Throwable sinkCause(final Throwable error)
    {
        for (Throwable t = error; t != null; t = t.getCause())
        {
            if (t instanceof SinkFailure)
            {
                return t.getCause();
            }
        }
        return null;
    }
}
