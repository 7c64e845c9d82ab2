package io.rivulet.ringbuffer.internal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

/**
 * Disruptor's busy-spin and yielding strategies (same spin/yield pattern), plus a deadline: after {@code timeoutNs} without data the wait
 * ends with {@link TimeoutException} so the stage can run its periodic duties (processing time, idleness).
 * The clock is read once every {@value #CLOCK_CHECK_INTERVAL} spins, so the deadline costs nothing measurable.
 */
final class DeadlineSpinWaitStrategy implements WaitStrategy
{
    private static final int CLOCK_CHECK_INTERVAL = 256;
    private static final int SPIN_TRIES = 100;

    private final boolean yielding;
    private final long timeoutNs;

    DeadlineSpinWaitStrategy(final boolean yielding, final long timeoutNs)
    {
        this.yielding = yielding;
        this.timeoutNs = timeoutNs;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, TimeoutException
    {
        long available;
        long deadlineNs = 0;
        int counter = SPIN_TRIES;
        int iterations = 0;
        while ((available = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            if (!yielding)
            {
                Thread.onSpinWait();
            }
            else if (counter == 0)
            {
                Thread.yield();
            }
            else
            {
                --counter; // as Disruptor's YieldingWaitStrategy: a short plain spin, then yield
            }
            if ((++iterations & (CLOCK_CHECK_INTERVAL - 1)) == 0)
            {
                final long nowNs = System.nanoTime();
                if (deadlineNs == 0)
                {
                    deadlineNs = nowNs + timeoutNs;
                }
                else if (nowNs - deadlineNs >= 0)
                {
                    throw TimeoutException.INSTANCE;
                }
            }
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking()
    {
    }
}
