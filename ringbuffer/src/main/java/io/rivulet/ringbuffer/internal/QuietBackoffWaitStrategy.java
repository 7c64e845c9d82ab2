package io.rivulet.ringbuffer.internal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

import java.util.concurrent.TimeUnit;

/**
 * {@link io.rivulet.ringbuffer.WaitMode#BACKOFF} with a deadline, that stays off the CPU while the ring is quiet.
 * Disruptor's phased backoff spins, then yields for up to a millisecond, then blocks; with a deadline (the stage's
 * 10 ms tick) it would start over after every timeout, yielding a millisecond in every ten: about a tenth of a core
 * burnt by a stage with nothing to do. Here, once a whole wait ended without data, the next waits block at once
 * (woken by the producer's signal or the deadline) until data comes back; the wait after data spins and yields
 * again, so latency under steady load is unchanged and only the first record after a quiet period pays the
 * blocking wake-up. One consumer thread per ring calls {@link #waitFor}, so the quiet flag needs no fence.
 */
final class QuietBackoffWaitStrategy implements WaitStrategy
{
    private final LiteTimeoutBlockingWaitStrategy blocking;
    private final PhasedBackoffWaitStrategy backoff;
    private boolean quiet;

    QuietBackoffWaitStrategy(final long spinUs, final long yieldUs, final long timeoutNs)
    {
        this.blocking = new LiteTimeoutBlockingWaitStrategy(timeoutNs, TimeUnit.NANOSECONDS);
        this.backoff = new PhasedBackoffWaitStrategy(spinUs, yieldUs, TimeUnit.MICROSECONDS, blocking);
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException, TimeoutException
    {
        final long available;
        try
        {
            available = quiet && dependentSequence.get() < sequence ?
                blocking.waitFor(sequence, cursor, dependentSequence, barrier) :
                backoff.waitFor(sequence, cursor, dependentSequence, barrier);
        }
        catch (final TimeoutException ex)
        {
            quiet = true;
            throw ex;
        }
        quiet = false;
        return available;
    }

    @Override
    public void signalAllWhenBlocking()
    {
        blocking.signalAllWhenBlocking();
    }

    /** @return true while the last wait ended without data (tests). */
    boolean isQuiet()
    {
        return quiet;
    }
}
