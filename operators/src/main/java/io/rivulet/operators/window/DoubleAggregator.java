package io.rivulet.operators.window;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Typed-API incremental aggregate over a {@code double} accumulator, for {@link Aggregate#ofDouble}.
 */
public interface DoubleAggregator
{
    /**
     * @param accumulator the value so far (the initial value for a new group).
     * @param record      valid only during the call.
     * @return the new value.
     */
    double add(double accumulator, RecordFlyweight record);

    /**
     * Combines two partial results (session windows merging); the default adds them.
     *
     * @param a one partial result.
     * @param b another.
     * @return the combination.
     */
    default double merge(final double a, final double b)
    {
        return a + b;
    }
}
