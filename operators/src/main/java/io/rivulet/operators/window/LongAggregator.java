package io.rivulet.operators.window;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Typed-API incremental aggregate over a {@code long} accumulator, for {@link Aggregate#ofLong}: lambdas over
 * the record flyweight, no boxing.
 */
public interface LongAggregator
{
    /**
     * @param accumulator the value so far (the initial value for a new group).
     * @param record      valid only during the call.
     * @return the new value.
     */
    long add(long accumulator, RecordFlyweight record);

    /**
     * Combines two partial results (session windows merging); the default adds them.
     *
     * @param a one partial result.
     * @param b another.
     * @return the combination.
     */
    default long merge(final long a, final long b)
    {
        return a + b;
    }
}
