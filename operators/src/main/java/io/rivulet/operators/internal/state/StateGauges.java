package io.rivulet.operators.internal.state;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a stateful operator tells progress reports about its keyed state: entries held, entries updated so far and
 * off-heap bytes. Written by the operator's thread ({@code lazySet}: a plain store, no fence, no allocation), read
 * by any thread. The entry count and the bytes are published when the operator calls {@link #publish} (on stage
 * ticks and at end of stream, so they are at most a tick old); the update count as it happens.
 */
public final class StateGauges
{
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong rowsUpdated = new AtomicLong();
    private final AtomicLong offHeapBytes = new AtomicLong();

    /** Counts one state entry inserted or updated. Operator thread only. */
    public void rowUpdated()
    {
        rowsUpdated.lazySet(rowsUpdated.get() + 1);
    }

    /**
     * Publishes the state's current size. Operator thread only.
     *
     * @param rows         entries held.
     * @param offHeapBytes native bytes held by the state tables.
     */
    public void publish(final long rows, final long offHeapBytes)
    {
        this.rows.lazySet(rows);
        this.offHeapBytes.lazySet(offHeapBytes);
    }

    /** @return entries held, as last published. Any thread. */
    public long rows()
    {
        return rows.get();
    }

    /** @return entries inserted or updated since the operator opened. Any thread. */
    public long rowsUpdated()
    {
        return rowsUpdated.get();
    }

    /** @return native bytes held, as last published. Any thread. */
    public long offHeapBytes()
    {
        return offHeapBytes.get();
    }
}
