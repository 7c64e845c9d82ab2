package io.rivulet.operators.window;

import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.RecordFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * An incremental aggregate bound to an input schema (the user-defined aggregate SPI): a fixed-width accumulator
 * kept in off-heap keyed state, updated per record, merged (session windows) and turned into one output column.
 * All methods are called on the stage thread and must not allocate.
 */
public interface AggregateFunction
{
    /**
     * @return accumulator width in bytes (a multiple of 8 keeps state aligned).
     */
    int accumulatorLengthBytes();

    /**
     * Writes the empty accumulator.
     *
     * @param acc    state memory.
     * @param offset of the accumulator.
     */
    void init(MutableDirectBuffer acc, int offset);

    /**
     * Adds one record.
     *
     * @param acc    state memory.
     * @param offset of the accumulator.
     * @param record valid only during the call.
     */
    void accumulate(MutableDirectBuffer acc, int offset, RecordFlyweight record);

    /**
     * Folds another accumulator into this one (for merging session windows). {@code other} holds the values
     * seen earlier in arrival order than {@code acc} if {@code otherFirst}.
     *
     * @param acc         target accumulator memory.
     * @param offset      of the target accumulator.
     * @param other       source accumulator memory.
     * @param otherOffset of the source accumulator.
     * @param otherFirst  true if the source's records arrived before the target's (for first/last).
     */
    void merge(MutableDirectBuffer acc, int offset, DirectBuffer other, int otherOffset, boolean otherFirst);

    /**
     * @return type of the output column: INT64, FLOAT64 or DECIMAL for the built-ins.
     */
    FieldType resultType();

    /**
     * @return digits after the point of a {@link FieldType#DECIMAL} result (0 to 18); ignored for other types.
     */
    default int resultScale()
    {
        return 0;
    }

    /**
     * Writes the result column.
     *
     * @param acc       state memory.
     * @param offset    of the accumulator.
     * @param out       output record memory.
     * @param outOffset of the output column.
     */
    void writeResult(DirectBuffer acc, int offset, MutableDirectBuffer out, int outOffset);
}
