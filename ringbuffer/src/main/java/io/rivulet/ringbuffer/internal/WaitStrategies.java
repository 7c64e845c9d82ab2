package io.rivulet.ringbuffer.internal;

import io.rivulet.ringbuffer.WaitMode;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.TimeUnit;

/**
 * The Disruptor {@link WaitStrategy} behind each {@link WaitMode}. Internal: not part of the public API.
 */
public final class WaitStrategies
{
    private WaitStrategies()
    {
    }

    /**
     * @return a new Disruptor wait strategy for one ring that never gives up waiting (strategies may hold
     * per-ring locks, so each ring gets its own).
     */
    public static WaitStrategy forMode(final WaitMode waitMode)
    {
        switch (waitMode)
        {
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case YIELDING:
                return new YieldingWaitStrategy();
            case BACKOFF:
                return PhasedBackoffWaitStrategy.withLiteLock(
                    WaitMode.BACKOFF_SPIN_US, WaitMode.BACKOFF_YIELD_US, TimeUnit.MICROSECONDS);
            default:
                return new BlockingWaitStrategy();
        }
    }

    /**
     * @param timeoutNs longest wait without data; the wait then ends with Disruptor's {@code TimeoutException}
     *                  so the waiting stage can do periodic work (processing-time timers, idle inputs).
     * @return a new Disruptor wait strategy for one ring, behaving as this mode while data flows.
     */
    public static WaitStrategy forMode(final WaitMode waitMode, final long timeoutNs)
    {
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeoutNs must be > 0, got " + timeoutNs);
        }
        switch (waitMode)
        {
            case BUSY_SPIN:
                return new DeadlineSpinWaitStrategy(false, timeoutNs);
            case YIELDING:
                return new DeadlineSpinWaitStrategy(true, timeoutNs);
            case BACKOFF:
                return new QuietBackoffWaitStrategy(WaitMode.BACKOFF_SPIN_US, WaitMode.BACKOFF_YIELD_US, timeoutNs);
            default:
                return new LiteTimeoutBlockingWaitStrategy(timeoutNs, TimeUnit.NANOSECONDS);
        }
    }
}
