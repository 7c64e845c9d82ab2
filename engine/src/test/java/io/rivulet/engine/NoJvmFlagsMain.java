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
            if (args.length > 0) // a journal, in a JVM with Agrona's flag and without Chronicle Queue's
            {
                io.rivulet.journal.Journal.at(java.nio.file.Path.of(args[0])).schema(schema).open().close();
            }
            Pipeline.from(Sources.publisher(schema)).to(Sinks.discard()).build();
            System.out.println("NO FAILURE");
        }
        catch (final Throwable t)
        {
            System.out.println("FAILED " + t.getClass().getName() + ": " + t.getMessage());
        }
    }
}
