package io.rivulet.engine;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/** Child-JVM body for lock tests: exits 0 if it could take the OS lock on the file given, 1 if another holds it. */
public final class LockProbeMain
{
    private LockProbeMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE))
        {
            final FileLock lock = channel.tryLock();
            System.exit(lock != null ? 0 : 1);
        }
    }

    /** @return true if a process other than this one could take the OS lock on {@code file} now. */
    static boolean anotherProcessCanLock(final Path file) throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            LockProbeMain.class.getName(), file.toString()).inheritIO().start();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IllegalStateException("lock probe did not finish");
        }
        return process.exitValue() == 0;
    }
}
