package io.rivulet.operators;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The smallest and largest event time (epoch ms) an operator saw since a progress report last took them. The
 * operator's thread calls {@link #observe} per record: two loads and, only when a bound moves, a {@code lazySet}
 * (a plain store); no allocation, no lock. A reporting thread {@link #takeMinMs() takes} the bounds, which resets
 * them. A record observed while a report takes them may count towards either report or, if it did not move a
 * bound just reset, towards neither: exact between reports, approximate at their boundary.
 */
public final class EventTimeRange
{
    private final AtomicLong minMs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxMs = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param eventTimeMs a record's event time. Operator thread only.
     */
    public void observe(final long eventTimeMs)
    {
        if (eventTimeMs < minMs.get())
        {
            minMs.lazySet(eventTimeMs);
        }
        if (eventTimeMs > maxMs.get())
        {
            maxMs.lazySet(eventTimeMs);
        }
    }

    /** @return the smallest event time since the last take, Long.MAX_VALUE if none; resets it. Any thread. */
    public long takeMinMs()
    {
        return minMs.getAndSet(Long.MAX_VALUE);
    }

    /** @return the largest event time since the last take, Long.MIN_VALUE if none; resets it. Any thread. */
    public long takeMaxMs()
    {
        return maxMs.getAndSet(Long.MIN_VALUE);
    }
}
