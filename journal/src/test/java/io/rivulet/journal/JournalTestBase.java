package io.rivulet.journal;

import net.openhft.chronicle.core.io.AbstractCloseable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gives each test a temporary directory (JUnit deletes it) and fails a test that leaves a thread running which it
 * started, or a Chronicle queue, appender or tailer open (as Chronicle's own {@code QueueTestCommon}).
 */
abstract class JournalTestBase
{
    @TempDir
    Path tempDir;

    private Set<Thread> threadsBefore;

    @BeforeEach
    void recordThreads()
    {
        threadsBefore = Thread.getAllStackTraces().keySet();
        AbstractCloseable.enableCloseableTracing();
    }

    @AfterEach
    void checkChronicleResourcesClosed()
    {
        try
        {
            AbstractCloseable.assertCloseablesClosed();
        }
        finally
        {
            AbstractCloseable.disableCloseableTracing();
        }
    }

    @AfterEach
    void checkNoLeakedThreads() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + 5_000_000_000L;
        List<Thread> leaked;
        do
        {
            leaked = new ArrayList<>();
            for (final Thread t : Thread.getAllStackTraces().keySet())
            {
                if (t.isAlive() && !threadsBefore.contains(t) && !isJvmOrJunit(t))
                {
                    leaked.add(t);
                }
            }
            if (leaked.isEmpty())
            {
                return;
            }
            leaked.get(0).join(10);
        }
        while (System.nanoTime() < deadlineNs);
        fail("Threads leaked by the test: " + leaked.stream().map(Thread::getName).collect(Collectors.toList()));
    }

    private static boolean isJvmOrJunit(final Thread t)
    {
        final String name = t.getName();
        // process-wide daemons started once, on first use, not per journal: Chronicle's disk-space monitor and
        // resource releaser, and the JDK's process reaper (Chronicle reads its PID through a child process)
        return name.endsWith("disk~space~checker") || name.equals("background~resource~releaser") ||
            name.equals("process reaper");
    }
}
