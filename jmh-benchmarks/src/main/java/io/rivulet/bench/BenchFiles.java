package io.rivulet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Files of the benchmarks: the journals and checkpoints they write into temporary directories. */
final class BenchFiles
{
    private BenchFiles()
    {
    }

    /**
     * Deletes a directory and everything in it; nothing if it does not exist.
     *
     * @param dir to delete.
     * @throws UncheckedIOException if a file cannot be deleted.
     */
    static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p ->
            {
                try
                {
                    Files.delete(p);
                }
                catch (final IOException e)
                {
                    throw new UncheckedIOException(e);
                }
            });
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
