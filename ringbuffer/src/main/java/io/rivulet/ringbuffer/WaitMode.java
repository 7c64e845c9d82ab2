package io.rivulet.ringbuffer;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.TimeUnit;

/**
 * How a stage waits for its ring when it has nothing to do; each maps to a Disruptor {@link WaitStrategy}.
 * A producer waiting for a full ring to drain ({@link SlotRing#claim()}) follows the same mode: spin, spin then
 * yield, spin/yield/park, or park. Trade latency for CPU: on a 2-core machine only spin when the cores are yours.
 */
public enum WaitMode
{
    /** Spin on the sequence: lowest latency, burns a whole core. */
    BUSY_SPIN,
    /** Spin briefly, then {@link Thread#yield()}: low latency, burns a core but lets other threads run. */
    YIELDING,
    /**
     * Spin for {@value #BACKOFF_SPIN_US} µs, yield for up to {@value #BACKOFF_YIELD_US} µs, then block on a
     * lock until signalled. Low latency under steady load, no CPU when idle. The default.
     */
    BACKOFF,
    /** Block on a lock until the producer signals: least CPU, microseconds of wake-up latency. */
    BLOCKING;

    /** Spin phase of {@link #BACKOFF}, µs. */
    public static final long BACKOFF_SPIN_US = 20;
    /** Yield phase of {@link #BACKOFF}, µs. */
    public static final long BACKOFF_YIELD_US = 1000;

    /** Default longest wait without data before a stage's wait returns, so it can tick (see {@link #newWaitStrategy(long)}). */
    public static final long DEFAULT_TICK_NS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * @return a new Disruptor wait strategy for one ring that never gives up waiting (strategies may hold
     * per-ring locks, so each ring gets its own).
     */
    public WaitStrategy newWaitStrategy()
    {
        switch (this)
        {
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case YIELDING:
                return new YieldingWaitStrategy();
            case BACKOFF:
                return PhasedBackoffWaitStrategy.withLiteLock(BACKOFF_SPIN_US, BACKOFF_YIELD_US, TimeUnit.MICROSECONDS);
            default:
                return new BlockingWaitStrategy();
        }
    }

    /**
     * @param timeoutNs longest wait without data; the wait then ends with Disruptor's {@code TimeoutException}
     *                  so the waiting stage can do periodic work (processing-time timers, idle inputs).
     * @return a new Disruptor wait strategy for one ring, behaving as this mode while data flows.
     */
    public WaitStrategy newWaitStrategy(final long timeoutNs)
    {
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeoutNs must be > 0, got " + timeoutNs);
        }
        switch (this)
        {
            case BUSY_SPIN:
                return new DeadlineSpinWaitStrategy(false, timeoutNs);
            case YIELDING:
                return new DeadlineSpinWaitStrategy(true, timeoutNs);
            case BACKOFF:
                return new PhasedBackoffWaitStrategy(BACKOFF_SPIN_US, BACKOFF_YIELD_US, TimeUnit.MICROSECONDS,
                    new LiteTimeoutBlockingWaitStrategy(timeoutNs, TimeUnit.NANOSECONDS));
            default:
                return new LiteTimeoutBlockingWaitStrategy(timeoutNs, TimeUnit.NANOSECONDS);
        }
    }
}
