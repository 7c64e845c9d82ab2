package io.rivulet.engine;

import net.openhft.chronicle.core.io.AbstractCloseable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Test base for pipelines over journals: a temporary directory, the pipelines a test built (closed after it), and a
 * failure for any Chronicle queue, appender or tailer left open, besides {@link ThreadLeakCheck}'s leaked threads.
 */
abstract class JournalPipelineHarness extends ThreadLeakCheck
{
    @TempDir
    Path tempDir;

    private final List<Pipeline> pipelines = new ArrayList<>();

    @BeforeEach
    void traceChronicleResources()
    {
        AbstractCloseable.enableCloseableTracing();
    }

    @AfterEach
    void closePipelinesAndCheckJournalsClosed()
    {
        try
        {
            pipelines.forEach(Pipeline::close);
            AbstractCloseable.assertCloseablesClosed();
        }
        finally
        {
            AbstractCloseable.disableCloseableTracing();
        }
    }

    /** @return {@code p}, closed after the test. */
    final Pipeline track(final Pipeline p)
    {
        pipelines.add(p);
        return p;
    }

    /** Waits for {@code condition}, failing with {@code what} after {@code timeoutSeconds}. */
    static void await(final BooleanSupplier condition, final String what, final long timeoutSeconds)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield(); // two cores: let the pipeline's threads run
        }
    }
}
