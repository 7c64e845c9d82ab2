package io.rivulet.operators;

/**
 * An operator failed in a way that skipping the input record cannot undo, so the engine fails the pipeline even
 * under a skip error policy: its state was partly updated by the record (one of several aggregates of a window,
 * or one of the windows a sliding window assigns it to), or the failure came from emitting rows the current
 * record did not produce (closed windows fired while it passed). The cause is the original exception.
 * Allocated only on failure.
 */
public class OperatorStateException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what the operator was doing and why the record cannot simply be skipped.
     * @param cause   the original exception.
     */
    public OperatorStateException(final String message, final Throwable cause)
    {
        super(message + ": " + cause, cause);
    }
}
