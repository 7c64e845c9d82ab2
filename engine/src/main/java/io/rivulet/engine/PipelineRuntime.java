package io.rivulet.engine;

import io.rivulet.ringbuffer.internal.SlotRing;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NoOpIdleStrategy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running side of one pipeline: its threads, its lifecycle and its errors.
 * <pre>
 *   built --start()--> running --end of stream / failure / close()--> stopping --last thread exits--> released
 *     \------------------------------- close() -------------------------------------------------------^
 * </pre>
 * <ul>
 *   <li>One error handler (never throws): the first failure is kept as the cause and stops the pipeline.</li>
 *   <li>Every pipeline thread (stage agents, source threads) reports its exit; the <b>last one out releases</b>
 *   the physical plan (operators' native memory, sinks), so a completed, failed or stopped pipeline holds no
 *   native memory even before {@link #close()}. Release happens exactly once; metrics read only counters, never
 *   operator state, so they stay readable after it.</li>
 *   <li>{@link #close()} from a pipeline thread (a sink or process-function callback) only requests the stop
 *   and returns: that thread cannot wait for itself. From any other thread it also waits for the threads to
 *   exit, so the release is done when it returns.</li>
 * </ul>
 * Thread-safe.
 */
final class PipelineRuntime implements ErrorHandler
{
    /** How long a closing thread waits for a pipeline thread before interrupting it (and waiting again). */
    private static final long JOIN_INTERRUPT_AFTER_MS = 1_000;
    /** How long close() waits in all for the pipeline's threads before it gives up on them. */
    static final long CLOSE_TIMEOUT_MS = 10_000;

    private volatile long closeTimeoutMs = CLOSE_TIMEOUT_MS;

    private final String name;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong errorCount = new AtomicLong();
    /** Counted down when awaitCompletion has an answer: released after completion, failed, or closed. */
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger liveThreads = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Object lifecycleLock = new Object();
    private volatile boolean stopping;
    /** close() interrupted a pipeline thread that had not stopped after a second. */
    private volatile boolean interruptedByClose;
    /** processingTime: a later stage holds rows its clock produced and asks the first stage to end an epoch. */
    private volatile boolean epochEndRequested;
    private volatile boolean completed;
    private volatile boolean closed;
    private volatile Thread[] threads = new Thread[0];
    private volatile Throwable releaseFailure;
    private PhysicalPlan plan;
    private volatile boolean started;
    /** Told when the last pipeline thread has exited (the progress reporter's final report). */
    private volatile Runnable onTerminated;
    /** The last pipeline thread exited and released the plan ({@link #isTerminated()}). */
    private volatile boolean terminated;
    private boolean closeFinished;

    PipelineRuntime(final String name)
    {
        this.name = name;
    }

    String name()
    {
        return name;
    }

    void attach(final PhysicalPlan plan)
    {
        this.plan = plan;
    }

    /** @param onTerminated run (once, on the last pipeline thread) after that thread released the plan. */
    void onTerminated(final Runnable onTerminated)
    {
        this.onTerminated = onTerminated;
    }

    /**
     * Starts one thread per stage, then the sources' own threads (not for a source run on its stage's thread).
     */
    void start()
    {
        synchronized (lifecycleLock)
        {
            if (closed)
            {
                throw new IllegalStateException("Pipeline '" + name + "' is closed; it cannot start again: " +
                    "define and build a new one");
            }
            if (started)
            {
                throw new IllegalStateException("Pipeline '" + name + "' is already started");
            }
            started = true;
            if (plan.checkpoints != null)
            {
                plan.checkpoints.start();
            }
            final int sourceThreads = (int)plan.sources.stream().filter(PipelineRuntime::hasOwnThread).count();
            final Thread[] all = new Thread[plan.agents.size() + sourceThreads];
            int t = 0;
            for (final StageAgent agent : plan.agents)
            {
                // the stage's ring wait strategy does the waiting, so the runner must not add idling on top
                all[t++] = new Thread(new AgentRunner(NoOpIdleStrategy.INSTANCE, this, null, agent), agent.roleName());
            }
            for (int i = 0; i < plan.sources.size(); i++)
            {
                final Source source = plan.sources.get(i);
                if (hasOwnThread(source))
                {
                    all[t++] = new Thread(() -> runSource(source), "rivulet-" + name + "-source-" + i);
                }
            }
            // every thread is known before any runs: one may call close() (and ask "is this mine?") at once
            liveThreads.set(all.length);
            threads = all;
            for (final Thread thread : all)
            {
                thread.start();
            }
        }
    }

    private static boolean hasOwnThread(final Source source)
    {
        return source.ownsThread() && !source.onStageThread;
    }

    private void runSource(final Source source)
    {
        try
        {
            source.run();
        }
        catch (final Throwable t)
        {
            onError(t);
        }
        finally
        {
            onThreadExit();
        }
    }

    @Override
    public void onError(final Throwable throwable)
    {
        final Throwable sinkError = SinkFailure.sinkCause(throwable);
        final Throwable cause = sinkError != null ? sinkError : throwable;
        if (interruptedByClose)
        {
            // close() interrupted a callback blocked in a wait, which threw (with the interrupt as its cause, or
            // any other way: restoring the flag and throwing, a CancellationException): the close's doing
            stop();
            return;
        }
        errorCount.incrementAndGet();
        failure.compareAndSet(null, cause);
        stop();
    }

    /** @return whether close() has interrupted a pipeline thread: a record failing now is no bad data. */
    boolean interruptedByClose()
    {
        return interruptedByClose;
    }

    /** The last stage received end-of-stream: every record has reached the sink. */
    void complete()
    {
        if (!stopping) // an end of stream that raced a close or a failure does not make it a completion
        {
            completed = true;
        }
    }

    /** Called by each pipeline thread as it exits; the last one releases the plan. */
    void onThreadExit()
    {
        if (liveThreads.decrementAndGet() == 0)
        {
            terminate();
        }
    }

    private void terminate()
    {
        haltRings(); // after completion too: a publisher that goes on gets an exception instead of a full ring
        release();
        terminated = true;
        done.countDown();
        final Runnable hook = onTerminated;
        if (hook != null)
        {
            hook.run();
        }
    }

    /** Halts every ring so blocked producers and consumers return; releases waiters. Idempotent. */
    void stop()
    {
        stopping = true;
        haltRings();
        done.countDown();
    }

    private void haltRings()
    {
        for (final SlotRing ring : plan.rings)
        {
            ring.halt();
        }
    }

    private void release()
    {
        if (released.compareAndSet(false, true))
        {
            final Throwable t = plan.release();
            if (t != null)
            {
                releaseFailure = t;
                errorCount.incrementAndGet();
                failure.compareAndSet(null, t);
            }
        }
    }

    /**
     * Stops the pipeline and releases it. From a pipeline thread: requests the stop and returns (the last thread
     * out releases). From another thread: also waits for the pipeline threads to exit (interrupting a thread
     * that does not exit within a second, e.g. one blocked in a sink), so everything is released on return; a
     * thread still running after {@link #CLOSE_TIMEOUT_MS} is given up on.
     *
     * @throws PipelineFailedException once, if closing an operator or sink threw.
     * @throws IllegalStateException   if a thread did not stop in time (its release then happens when it exits).
     */
    void close()
    {
        closed = true;
        stop();
        if (isPipelineThread(Thread.currentThread()))
        {
            return;
        }
        synchronized (lifecycleLock)
        {
            if (closeFinished)
            {
                return;
            }
            final String stuck = joinThreads();
            if (stuck != null)
            {
                // closeFinished stays false: a later close() waits for the thread again, and says so again
                // Freeing operator memory under a thread that may still run an operator would crash the JVM:
                // leave the release to the last thread out (onThreadExit), and tell the caller.
                done.countDown();
                throw stuckAfterClose(stuck, "a source function that does not check isStopping(), or a " +
                    "callback blocked in a call that ignores interrupts", "the pipeline's operators and sinks are " +
                    "released when it exits");
            }
            closeFinished = true;
            release();
            if (releaseFailure != null)
            {
                throw new PipelineFailedException("Pipeline '" + name + "': closing its operators or sinks failed: " +
                    releaseFailure, releaseFailure);
            }
        }
    }

    /**
     * @param thread      the name of a pipeline thread still running when close() gave up waiting.
     * @param likelyCause what usually holds such a thread.
     * @param consequence what happens once it exits.
     * @return the exception close() throws for it.
     */
    IllegalStateException stuckAfterClose(final String thread, final String likelyCause, final String consequence)
    {
        return new IllegalStateException("Pipeline '" + name + "': thread " + thread + " did not stop within " +
            closeTimeoutMs + " ms of close(), even when interrupted (" + likelyCause + "); " + consequence);
    }

    /** @return how long {@link #close()} waits for a thread ({@link #CLOSE_TIMEOUT_MS} unless a test shortened it). */
    long closeTimeoutMs()
    {
        return closeTimeoutMs;
    }

    /** For tests: shortens {@link #CLOSE_TIMEOUT_MS}. */
    void closeTimeout(final long timeoutMs)
    {
        closeTimeoutMs = timeoutMs;
    }

    /** @return the name of a thread still alive after the close timeout, or null if all exited. */
    private String joinThreads()
    {
        // what a woken callback throws from now on is no failure
        return joinInterrupting(threads, closeTimeoutMs, () -> interruptedByClose = true);
    }

    /**
     * Waits for {@code threads} to exit, at most {@code timeoutMs} in all, interrupting each one still alive after
     * every second (it wakes a callback blocked in a wait; the thread then sees the stop). An interrupted caller
     * still waits, and keeps its interrupt status.
     *
     * @param beforeInterrupt run before each interrupt.
     * @return the name of a thread still alive at the end, or null if all exited.
     */
    static String joinInterrupting(final Thread[] threads, final long timeoutMs, final Runnable beforeInterrupt)
    {
        boolean interrupted = Thread.interrupted();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String stuck = null;
        for (final Thread thread : threads)
        {
            while (thread.isAlive())
            {
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (leftMs <= 0)
                {
                    stuck = thread.getName();
                    break;
                }
                try
                {
                    thread.join(Math.min(JOIN_INTERRUPT_AFTER_MS, leftMs));
                    if (thread.isAlive())
                    {
                        beforeInterrupt.run();
                        thread.interrupt();
                    }
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        return stuck;
    }

    /**
     * @return true if completed, false on timeout or if the calling thread was interrupted (flag kept set).
     * @throws PipelineFailedException if the pipeline failed.
     * @throws PipelineClosedException if it was closed before completing.
     */
    boolean awaitCompletion(final long timeout, final TimeUnit unit)
    {
        if (!started && !closed)
        {
            throw new IllegalStateException("Pipeline '" + name + "' is not started: call start() before " +
                "awaitCompletion, or it would wait for nothing");
        }
        if (isPipelineThread(Thread.currentThread()))
        {
            throw new IllegalStateException("awaitCompletion called on a thread of pipeline '" + name + "' (from " +
                "a sink, operator or source callback): it would wait for itself; call it from another thread");
        }
        try
        {
            if (!done.await(timeout, unit))
            {
                return false;
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        if (failure.get() != null)
        {
            throw stoppedException();
        }
        if (completed)
        {
            return true;
        }
        throw stoppedException();
    }

    boolean isPipelineThread(final Thread thread)
    {
        for (final Thread t : threads)
        {
            if (t == thread)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return true once the last pipeline thread exited and released the plan: the final progress report is then
     *         on its way ({@link #onTerminated}). Not merely stopped: {@link #stop()} releases waiters before the
     *         threads exit, and a thread stuck in user code may never.
     */
    boolean isTerminated()
    {
        return terminated;
    }

    /** @return true once {@link #awaitCompletion} no longer waits: terminated, stopped (failure, close) or closed. */
    boolean isDone()
    {
        return done.getCount() == 0;
    }

    boolean isStarted()
    {
        return started;
    }

    /** A stage after the first holds rows its clock produced: the first stage ends an epoch at its next turn. */
    void requestEpochEnd()
    {
        epochEndRequested = true;
    }

    /** @return whether an epoch end was requested since the last call (clears the request). */
    boolean takeEpochEndRequest()
    {
        if (!epochEndRequested)
        {
            return false;
        }
        epochEndRequested = false;
        return true;
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

    /**
     * @return why the pipeline takes no more records: its failure, or that it was closed or has completed.
     */
    RuntimeException stoppedException()
    {
        final Throwable cause = failure.get();
        if (cause != null)
        {
            return new PipelineFailedException("Pipeline '" + name + "' failed: " + cause, cause);
        }
        if (completed && !closed)
        {
            return new PipelineClosedException("Pipeline '" + name + "' has completed (end of stream reached the " +
                "sink); it takes no more records");
        }
        return new PipelineClosedException("Pipeline '" + name + "' was closed" +
            (completed ? "" : " before its stream completed"));
    }
}
