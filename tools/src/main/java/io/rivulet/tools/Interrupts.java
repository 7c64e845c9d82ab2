package io.rivulet.tools;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) for {@code tail --follow}: stops the loop instead of starting JVM shutdown, so the command
 * closes the journal and exits with status 0 like {@code tail -f}, not 130. SIGTERM still goes through the
 * shutdown hook.
 */
final class Interrupts
{
    private Interrupts()
    {
    }

    /**
     * @param action run on the signal thread when SIGINT arrives.
     * @return the previous handler, for {@link #restore}; null if SIGINT cannot be handled here.
     */
    static Object onInterrupt(final Runnable action)
    {
        try
        {
            return Signal.handle(new Signal("INT"), signal -> action.run());
        }
        catch (final IllegalArgumentException | UnsupportedOperationException e)
        {
            return null; // e.g. the JVM was started with -Xrs: the shutdown hook still stops the loop
        }
    }

    /**
     * @param previous what {@link #onInterrupt} returned.
     */
    static void restore(final Object previous)
    {
        if (previous != null)
        {
            Signal.handle(new Signal("INT"), (SignalHandler)previous);
        }
    }
}
