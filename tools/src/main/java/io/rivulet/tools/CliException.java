package io.rivulet.tools;

/**
 * A mistake the user can fix (a missing journal, a corrupt one): {@link RivuletCli} prints its message as one line
 * on stderr, without a stack trace, and exits with {@link #exitCode()}.
 */
final class CliException extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CliException(final String message, final int exitCode)
    {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** @return the process exit status: 1 for a journal that cannot be read, 2 for a usage mistake. */
    int exitCode()
    {
        return exitCode;
    }
}
