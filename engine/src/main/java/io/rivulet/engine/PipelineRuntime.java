package io.rivulet.engine;

import io.rivulet.ringbuffer.SlotRing;
import org.agrona.ErrorHandler;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shared run state of one pipeline: the single error handler (never throws; the first failure stops the
 * pipeline and is kept as its cause), the stop flag and the completion latch.
 */
final class PipelineRuntime implements ErrorHandler
{
    private final String name;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong errorCount = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean completed;
    private List<SlotRing> rings = List.of();

    PipelineRuntime(final String name)
    {
        this.name = name;
    }

    void rings(final List<SlotRing> rings)
    {
        this.rings = rings;
    }

    @Override
    public void onError(final Throwable throwable)
    {
        errorCount.incrementAndGet();
        failure.compareAndSet(null, throwable);
        stop();
    }

    /** The last stage received end-of-stream: every record has reached the sink. */
    void complete()
    {
        completed = true;
        finished.countDown();
    }

    /** Halts every ring so blocked producers and consumers return; releases waiters. Idempotent. */
    void stop()
    {
        stopping = true;
        for (final SlotRing ring : rings)
        {
            ring.halt();
        }
        finished.countDown();
    }

    boolean isStopping()
    {
        return stopping;
    }

    boolean isCompleted()
    {
        return completed;
    }

    Throwable failure()
    {
        return failure.get();
    }

    long errorCount()
    {
        return errorCount.get();
    }

    CountDownLatch finished()
    {
        return finished;
    }

    PipelineFailedException stoppedException()
    {
        final Throwable cause = failure.get();
        return new PipelineFailedException(cause == null ?
            "Pipeline '" + name + "' is stopped" : "Pipeline '" + name + "' failed: " + cause, cause);
    }
}
