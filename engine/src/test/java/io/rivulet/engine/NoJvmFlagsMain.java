package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;

/**
 * Child-JVM body of {@link JvmFlagsCheckTest}: defines a pipeline the way an embedding app would, in a JVM
 * started without Rivulet's flags, and prints what it got.
 */
public final class NoJvmFlagsMain
{
    private NoJvmFlagsMain()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            final Schema schema = Schema.builder().int64("id").timestamp("ts").build();
            Pipeline.from(Sources.publisher(schema)).to(Sinks.discard()).build();
            System.out.println("NO FAILURE");
        }
        catch (final Throwable t)
        {
            System.out.println("FAILED " + t.getClass().getName() + ": " + t.getMessage());
        }
    }
}
