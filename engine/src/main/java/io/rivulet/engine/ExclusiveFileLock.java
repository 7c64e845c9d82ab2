package io.rivulet.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file (a checkpoint directory's, an output journal's), across processes and within this
 * JVM. Across processes it is an OS file lock, so a process killed with -9 leaves no stale lock behind. Within the
 * JVM a registry answers first: on Linux the OS lock belongs to the process, and closing any descriptor of the
 * file drops it, so a second owner in this JVM must never open the file only to find it locked.
 */
final class ExclusiveFileLock implements AutoCloseable
{
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;

    private ExclusiveFileLock(final Path key, final FileChannel channel)
    {
        this.key = key;
        this.channel = channel;
    }

    /**
     * @param file the lock file (created if absent) in a directory that exists.
     * @return the lock, or null if it is held (by this JVM or another process).
     * @throws UncheckedIOException if the file cannot be created or locked (e.g. a file system without locks).
     */
    static ExclusiveFileLock tryAcquire(final Path file)
    {
        final Path key;
        try
        {
            key = file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot lock " + file, ex);
        }
        if (!HELD.add(key))
        {
            return null;
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock();
            if (lock != null)
            {
                return new ExclusiveFileLock(key, channel);
            }
        }
        catch (final OverlappingFileLockException ex)
        {
            // held in this JVM under another path to the same file
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            HELD.remove(key);
            throw new UncheckedIOException("cannot lock " + key, ex);
        }
        closeQuietly(channel);
        HELD.remove(key);
        return null;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close()
    {
        if (channel.isOpen())
        {
            closeQuietly(channel); // releases the OS lock
            HELD.remove(key);
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // closing releases the lock; nothing more to do
            }
        }
    }
}
