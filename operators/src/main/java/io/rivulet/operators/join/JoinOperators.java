package io.rivulet.operators.join;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

/**
 * Creates the watermark-bounded keyed operators that relate records to other records: deduplication and the
 * stream-stream interval join. Their state lives off-heap and is bounded by the watermark, so put
 * {@code Operators.withWatermark} upstream (per join input). All checks happen here, when the pipeline is
 * defined; a mistake throws {@link SchemaException} naming the column or bound and the fix.
 * <p>
 * Internal: the engine's factory, public only across modules. Applications define pipelines with
 * {@code io.rivulet.engine.RecordStream}; this class may change in any release.
 */
public final class JoinOperators
{
    private JoinOperators()
    {
    }

    /**
     * Passes the first record of each key and drops later records of the key while it is remembered (Spark's
     * {@code dropDuplicatesWithinWatermark}). A key is remembered from its first passed record until the watermark
     * reaches that record's event time + {@code horizonMs}; then the next record of the key passes again. Records
     * at or behind the watermark are late: dropped (and counted) before the state is looked at, so they neither
     * pass nor suppress a later on-time record. Output schema = input schema; markers are forwarded.
     * Allocation-free per record.
     *
     * @param input      schema of the records.
     * @param timeColumn TIMESTAMP column holding the event time (epoch ms).
     * @param horizonMs  how long after a key's first event time duplicates are still dropped, >= 0.
     * @param keyColumns at least one column; records with equal bytes in all of them are duplicates.
     * @return the deduplication operator.
     */
    public static Operator dropDuplicates(
        final Schema input, final String timeColumn, final long horizonMs, final String... keyColumns)
    {
        return new DeduplicateOperator(input, timeColumn, horizonMs, keyColumns, null);
    }

    /**
     * As {@link #dropDuplicates(Schema, String, long, String...)}, but late records go to {@code lateOutput}
     * (counted in {@link Operator#lateRecordsRouted()}) instead of being dropped.
     *
     * @param input      schema of the records.
     * @param timeColumn TIMESTAMP column holding the event time (epoch ms).
     * @param horizonMs  how long after a key's first event time duplicates are still dropped, >= 0.
     * @param lateOutput receives the late records (input schema) and end of stream, on the stage thread; null to
     *                   drop them.
     * @param keyColumns at least one column; records with equal bytes in all of them are duplicates.
     * @return the deduplication operator.
     */
    public static Operator dropDuplicates(final Schema input, final String timeColumn, final long horizonMs,
        final Output lateOutput, final String... keyColumns)
    {
        return new DeduplicateOperator(input, timeColumn, horizonMs, keyColumns, lateOutput);
    }

    /**
     * Inner-joins two streams on equal keys within an event-time interval (Flink's interval join): a left record
     * {@code l} and a right record {@code r} match when {@code l.ts + lowerBoundMs <= r.ts <= l.ts + upperBoundMs}.
     * Each match is emitted as soon as its second record arrives. Output: all left columns, then all right
     * columns, a right column named like a left one renamed {@code right_<name>}. Buffered state is dropped once
     * the merged watermark shows no on-time record can match it; records that can match nothing any more are
     * dropped and counted in {@link TwoInputOperator#lateRecordsDropped()}. Allocation-free per record.
     *
     * @param left            schema of the left input ({@link TwoInputOperator#LEFT}).
     * @param right           schema of the right input ({@link TwoInputOperator#RIGHT}).
     * @param leftTimeColumn  TIMESTAMP column of the left input (epoch ms).
     * @param rightTimeColumn TIMESTAMP column of the right input (epoch ms).
     * @param leftKeys        left key columns, at least one.
     * @param rightKeys       right key columns, pairwise of the same type and length as {@code leftKeys}.
     * @param lowerBoundMs    lower bound of {@code r.ts - l.ts}, may be negative.
     * @param upperBoundMs    upper bound of {@code r.ts - l.ts}, >= {@code lowerBoundMs}.
     * @return the join operator.
     */
    public static TwoInputOperator intervalJoin(final Schema left, final Schema right, final String leftTimeColumn,
        final String rightTimeColumn, final String[] leftKeys, final String[] rightKeys, final long lowerBoundMs,
        final long upperBoundMs)
    {
        return new IntervalJoinOperator(left, right, leftTimeColumn, rightTimeColumn, leftKeys, rightKeys,
            lowerBoundMs, upperBoundMs);
    }
}
