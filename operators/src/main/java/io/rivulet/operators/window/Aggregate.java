package io.rivulet.operators.window;

import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.function.Function;

/**
 * An aggregate of the declarative API, before it is bound to a schema: {@code count()}, {@code sum("qty")},
 * {@code min}, {@code max}, {@code avg}, {@code first}, {@code last}, or a user-defined
 * {@link AggregateFunction} via {@link #of}. Integral columns aggregate as INT64 (sum, min, max, first, last);
 * FLOAT64 columns as FLOAT64; {@code avg} of an integral or FLOAT64 column is FLOAT64; first/last follow arrival
 * order.
 * <p>
 * DECIMAL({@code s}) columns aggregate exactly: sum, min, max, first, last and {@code avg} are DECIMAL({@code s}).
 * {@code avg} keeps the column's scale, rounded half away from zero, and sums into a 128-bit accumulator, so the
 * mean of any values the column holds always fits (a result scale with more digits could not hold the column's
 * largest values); for more digits, rescale the column first, e.g.
 * {@code withColumn("px8", col("px").toDecimal(8))} then {@code avg("px8")}. Integral and decimal sums never wrap:
 * a sum that does not fit 64 bits throws {@link ArithmeticException} naming the aggregate, the limit and the ways
 * out, which fails the pipeline.
 * <p>
 * <b>Output columns.</b> A windowed aggregation emits {@link #WINDOW_START}, {@link #WINDOW_END} (TIMESTAMP), the
 * key columns, then one column per aggregate named by {@link #columnName()}: {@code count},
 * {@code sum_<column>}, {@code min_<column>}, ..., or the alias given with {@link #as}. Resolve typed fields from
 * the stream's schema after {@code agg}, e.g. {@code stream.schema().longField(Aggregate.count().columnName())}.
 * Immutable.
 */
public final class Aggregate
{
    /** Name of the output column holding a window's start (TIMESTAMP, epoch ms, inclusive). */
    public static final String WINDOW_START = "window_start";
    /** Name of the output column holding a window's end (TIMESTAMP, epoch ms, exclusive). */
    public static final String WINDOW_END = "window_end";

    private enum Kind
    {
        COUNT, SUM, MIN, MAX, AVG, FIRST, LAST, CUSTOM
    }

    private final Kind kind;
    private final String column;
    private final String name;
    private final Function<Schema, AggregateFunction> factory;

    private Aggregate(final Kind kind, final String column, final String name,
        final Function<Schema, AggregateFunction> factory)
    {
        this.kind = kind;
        this.column = column;
        this.name = name;
        this.factory = factory;
    }

    /** @return number of records, INT64 column {@code count}. */
    public static Aggregate count()
    {
        return new Aggregate(Kind.COUNT, null, "count", null);
    }

    /** @param column numeric column. @return its sum, column {@code sum_<column>}. */
    public static Aggregate sum(final String column)
    {
        return numeric(Kind.SUM, column);
    }

    /** @param column numeric column. @return its minimum, column {@code min_<column>}. */
    public static Aggregate min(final String column)
    {
        return numeric(Kind.MIN, column);
    }

    /** @param column numeric column. @return its maximum, column {@code max_<column>}. */
    public static Aggregate max(final String column)
    {
        return numeric(Kind.MAX, column);
    }

    /**
     * @param column numeric column.
     * @return its mean, column {@code avg_<column>}: FLOAT64 for an integral or FLOAT64 column, DECIMAL at the
     *         column's own scale (rounded half away from zero, never overflowing) for a DECIMAL column.
     */
    public static Aggregate avg(final String column)
    {
        return numeric(Kind.AVG, column);
    }

    /** @param column numeric column. @return its first value in arrival order, column {@code first_<column>}. */
    public static Aggregate first(final String column)
    {
        return numeric(Kind.FIRST, column);
    }

    /** @param column numeric column. @return its last value in arrival order, column {@code last_<column>}. */
    public static Aggregate last(final String column)
    {
        return numeric(Kind.LAST, column);
    }

    /**
     * A user-defined incremental aggregate.
     *
     * @param name    output column name.
     * @param factory binds the aggregate to the input schema (check columns there, throw SchemaException).
     * @return the aggregate.
     */
    public static Aggregate of(final String name, final Function<Schema, AggregateFunction> factory)
    {
        if (factory == null)
        {
            throw new SchemaException("Aggregate.of(name, factory) needs a factory");
        }
        return new Aggregate(Kind.CUSTOM, null, name, factory);
    }

    /**
     * A typed-API aggregate: a lambda folds each record into a {@code long}, e.g. a notional in cents:
     * {@code Aggregate.ofLong("cents", 0, (acc, r) -> acc + r.getInt(QTY) * r.getLong(PX_CENTS))}.
     * The accumulator is 8 bytes of off-heap state; no boxing.
     *
     * @param name       output column name (INT64).
     * @param initial    value of a new group.
     * @param aggregator folds records (and merges partial results for session windows).
     * @return the aggregate.
     */
    public static Aggregate ofLong(final String name, final long initial, final LongAggregator aggregator)
    {
        if (aggregator == null)
        {
            throw new SchemaException("Aggregate.ofLong(name, initial, aggregator) needs an aggregator");
        }
        return of(name, schema -> new LongLambda(initial, aggregator));
    }

    /**
     * A typed-API aggregate over a {@code double} accumulator.
     *
     * @param name       output column name (FLOAT64).
     * @param initial    value of a new group.
     * @param aggregator folds records (and merges partial results for session windows).
     * @return the aggregate.
     */
    public static Aggregate ofDouble(final String name, final double initial, final DoubleAggregator aggregator)
    {
        if (aggregator == null)
        {
            throw new SchemaException("Aggregate.ofDouble(name, initial, aggregator) needs an aggregator");
        }
        return of(name, schema -> new DoubleLambda(initial, aggregator));
    }

    private static Aggregate numeric(final Kind kind, final String column)
    {
        if (column == null || column.isEmpty())
        {
            throw new SchemaException(kind.name().toLowerCase() + "(column) needs a column name");
        }
        return new Aggregate(kind, column, kind.name().toLowerCase() + "_" + column, null);
    }

    /**
     * @param alias output column name.
     * @return this aggregate, renamed.
     */
    public Aggregate as(final String alias)
    {
        return new Aggregate(kind, column, alias, factory);
    }

    /**
     * @return output column name (same as {@link #columnName()}).
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the name of the column this aggregate writes into each output row, e.g. {@code count},
     *         {@code sum_qty}, or its alias.
     */
    public String columnName()
    {
        return name;
    }

    @Override
    public String toString()
    {
        return kind == Kind.COUNT ? "count()" : kind == Kind.CUSTOM ? name + "(...)" :
            kind.name().toLowerCase() + "(" + column + ")";
    }

    /**
     * @param schema input schema.
     * @return the bound aggregate.
     * @throws SchemaException if the column is unknown or not numeric.
     */
    public AggregateFunction bind(final Schema schema)
    {
        if (kind == Kind.COUNT)
        {
            return new Count();
        }
        if (kind == Kind.CUSTOM)
        {
            final AggregateFunction f = factory.apply(schema);
            if (f == null)
            {
                throw new SchemaException("Aggregate '" + name + "': factory returned null");
            }
            return f;
        }
        final Field field = schema.field(column);
        if (!field.type().isNumeric())
        {
            throw new SchemaException("Cannot aggregate " + this + ": column '" + column + "' is " + field.type() +
                ", not numeric");
        }
        if (field.type() == FieldType.DECIMAL)
        {
            return bindDecimal((DecimalField)field);
        }
        final boolean integral = field.type().isIntegral();
        switch (kind)
        {
            case AVG:
                return new Avg(field);
            case SUM:
                return integral ? new LongSum(field, overflowMessage("INT64", field)) :
                    new DoubleReduce(field, DoubleReduce.SUM);
            case MIN:
                return integral ? new LongReduce(field, LongReduce.MIN, null) : new DoubleReduce(field, DoubleReduce.MIN);
            case MAX:
                return integral ? new LongReduce(field, LongReduce.MAX, null) : new DoubleReduce(field, DoubleReduce.MAX);
            case FIRST:
                return integral ? new LongReduce(field, LongReduce.FIRST, null) : new DoubleReduce(field, DoubleReduce.FIRST);
            default:
                return integral ? new LongReduce(field, LongReduce.LAST, null) : new DoubleReduce(field, DoubleReduce.LAST);
        }
    }

    private AggregateFunction bindDecimal(final DecimalField field)
    {
        switch (kind)
        {
            case AVG:
                return new DecimalAvg(field);
            case SUM:
                return new LongSum(field, overflowMessage("DECIMAL(" + field.scale() + ")", field));
            case MIN:
                return new LongReduce(field, LongReduce.MIN, field);
            case MAX:
                return new LongReduce(field, LongReduce.MAX, field);
            case FIRST:
                return new LongReduce(field, LongReduce.FIRST, field);
            default:
                return new LongReduce(field, LongReduce.LAST, field);
        }
    }

    private String overflowMessage(final String type, final Field field)
    {
        final int scale = field.type() == FieldType.DECIMAL ? field.scale() : 0;
        return type + " overflow in " + this + " (column '" + name + "'): the sum exceeds +/-" +
            java.math.BigDecimal.valueOf(Long.MAX_VALUE, scale).toPlainString() + ", the 64-bit range of " + type +
            "; sum fewer rows per group (smaller windows or more keys), or sum a converted copy: withColumn(\"" +
            column + "_d\", col(\"" + column + "\").toDouble()) (FLOAT64, inexact)" +
            (scale > 0 ? " or col(\"" + column + "\").toDecimal(n) with n < " + scale : "");
    }

    static long readLong(final RecordFlyweight record, final Field field)
    {
        switch (field.type())
        {
            case INT32:
                return record.getInt((IntField)field);
            case DECIMAL:
                return record.getMantissa((DecimalField)field);
            default:
                return record.getLong((LongField)field);
        }
    }

    private static final class Count implements AggregateFunction
    {
        public int accumulatorLengthBytes()
        {
            return 8;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putLong(offset, 0);
        }

        public void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
        {
            acc.putLong(offset, acc.getLong(offset) + 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other,
            final int otherOffset, final boolean otherFirst)
        {
            acc.putLong(offset, acc.getLong(offset) + other.getLong(otherOffset));
        }

        public FieldType resultType()
        {
            return FieldType.INT64;
        }

        public void writeResult(final DirectBuffer acc, final int offset, final MutableDirectBuffer out,
            final int outOffset)
        {
            out.putLong(outOffset, acc.getLong(offset));
        }
    }

    /** Layout: [sum:8]. The hot aggregate gets its own class: no "seen" word, no operator switch. */
    private static final class LongSum implements AggregateFunction
    {
        private final Field field;
        private final boolean int32;
        private final String overflow;

        LongSum(final Field field, final String overflow)
        {
            this.field = field;
            this.int32 = field.type() == FieldType.INT32;
            this.overflow = overflow;
        }

        private long add(final long a, final long b)
        {
            try
            {
                return Math.addExact(a, b);
            }
            catch (final ArithmeticException e)
            {
                throw new ArithmeticException(overflow);
            }
        }

        @Override
        public int resultScale()
        {
            return field.scale();
        }

        public int accumulatorLengthBytes()
        {
            return 8;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putLong(offset, 0);
        }

        public void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
        {
            // the DECIMAL mantissa is a long at the field's offset, like INT64
            final long v = int32 ? record.getInt((IntField)field) : readLong(record, field);
            acc.putLong(offset, add(acc.getLong(offset), v));
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other,
            final int otherOffset, final boolean otherFirst)
        {
            acc.putLong(offset, add(acc.getLong(offset), other.getLong(otherOffset)));
        }

        public FieldType resultType()
        {
            return field.type() == FieldType.DECIMAL ? FieldType.DECIMAL : FieldType.INT64;
        }

        public void writeResult(final DirectBuffer acc, final int offset, final MutableDirectBuffer out,
            final int outOffset)
        {
            out.putLong(outOffset, acc.getLong(offset));
        }
    }

    /** Layout: [value:8][seen:8]; seen distinguishes "no value" for min/max/first/last. */
    private static final class LongReduce implements AggregateFunction
    {
        static final int SUM = 0;
        static final int MIN = 1;
        static final int MAX = 2;
        static final int FIRST = 3;
        static final int LAST = 4;

        private final Field field;
        private final int op;
        private final DecimalField decimal;

        /** @param decimal the field again if it is DECIMAL (the result keeps its type and scale), else null. */
        LongReduce(final Field field, final int op, final DecimalField decimal)
        {
            this.field = field;
            this.op = op;
            this.decimal = decimal;
        }

        @Override
        public int resultScale()
        {
            return decimal == null ? 0 : decimal.scale();
        }

        public int accumulatorLengthBytes()
        {
            return 16;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putLong(offset, 0);
            acc.putLong(offset + 8, 0);
        }

        public void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
        {
            combine(acc, offset, readLong(record, field), false);
        }

        private void combine(final MutableDirectBuffer acc, final int offset, final long v, final boolean vFirst)
        {
            final boolean seen = acc.getLong(offset + 8) != 0;
            final long current = acc.getLong(offset);
            final long result;
            switch (op)
            {
                case SUM:
                    result = current + v;
                    break;
                case MIN:
                    result = seen ? Math.min(current, v) : v;
                    break;
                case MAX:
                    result = seen ? Math.max(current, v) : v;
                    break;
                case FIRST:
                    result = seen && !vFirst ? current : v;
                    break;
                default:
                    result = seen && vFirst ? current : v;
            }
            acc.putLong(offset, result);
            acc.putLong(offset + 8, 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other,
            final int otherOffset, final boolean otherFirst)
        {
            if (other.getLong(otherOffset + 8) != 0)
            {
                combine(acc, offset, other.getLong(otherOffset), otherFirst);
            }
        }

        public FieldType resultType()
        {
            return decimal == null ? FieldType.INT64 : FieldType.DECIMAL;
        }

        public void writeResult(final DirectBuffer acc, final int offset, final MutableDirectBuffer out,
            final int outOffset)
        {
            out.putLong(outOffset, acc.getLong(offset));
        }
    }

    /** Layout: [value:8][seen:8]. */
    private static final class DoubleReduce implements AggregateFunction
    {
        static final int SUM = 0;
        static final int MIN = 1;
        static final int MAX = 2;
        static final int FIRST = 3;
        static final int LAST = 4;

        private final DoubleField field;
        private final int op;

        DoubleReduce(final Field field, final int op)
        {
            this.field = (DoubleField)field;
            this.op = op;
        }

        public int accumulatorLengthBytes()
        {
            return 16;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putDouble(offset, 0.0);
            acc.putLong(offset + 8, 0);
        }

        public void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
        {
            combine(acc, offset, record.getDouble(field), false);
        }

        private void combine(final MutableDirectBuffer acc, final int offset, final double v, final boolean vFirst)
        {
            final boolean seen = acc.getLong(offset + 8) != 0;
            final double current = acc.getDouble(offset);
            final double result;
            switch (op)
            {
                case SUM:
                    result = current + v;
                    break;
                case MIN:
                    result = seen ? Math.min(current, v) : v;
                    break;
                case MAX:
                    result = seen ? Math.max(current, v) : v;
                    break;
                case FIRST:
                    result = seen && !vFirst ? current : v;
                    break;
                default:
                    result = seen && vFirst ? current : v;
            }
            acc.putDouble(offset, result);
            acc.putLong(offset + 8, 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other,
            final int otherOffset, final boolean otherFirst)
        {
            if (other.getLong(otherOffset + 8) != 0)
            {
                combine(acc, offset, other.getDouble(otherOffset), otherFirst);
            }
        }

        public FieldType resultType()
        {
            return FieldType.FLOAT64;
        }

        public void writeResult(final DirectBuffer acc, final int offset, final MutableDirectBuffer out,
            final int outOffset)
        {
            out.putDouble(outOffset, acc.getDouble(offset));
        }
    }

    /** Layout: [sum:8 double][count:8]. */
    private static final class Avg implements AggregateFunction
    {
        private final Field field;
        private final boolean integral;

        Avg(final Field field)
        {
            this.field = field;
            this.integral = field.type().isIntegral();
        }

        public int accumulatorLengthBytes()
        {
            return 16;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putDouble(offset, 0.0);
            acc.putLong(offset + 8, 0);
        }

        public void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
        {
            final double v = integral ? readLong(record, field) : record.getDouble((DoubleField)field);
            acc.putDouble(offset, acc.getDouble(offset) + v);
            acc.putLong(offset + 8, acc.getLong(offset + 8) + 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other,
            final int otherOffset, final boolean otherFirst)
        {
            acc.putDouble(offset, acc.getDouble(offset) + other.getDouble(otherOffset));
            acc.putLong(offset + 8, acc.getLong(offset + 8) + other.getLong(otherOffset + 8));
        }

        public FieldType resultType()
        {
            return FieldType.FLOAT64;
        }

        public void writeResult(final DirectBuffer acc, final int offset, final MutableDirectBuffer out,
            final int outOffset)
        {
            final long n = acc.getLong(offset + 8);
            out.putDouble(outOffset, n == 0 ? Double.NaN : acc.getDouble(offset) / n);
        }
    }

    /**
     * Layout: [sum low:8][sum high:8][count:8]. The sum is a 128-bit two's complement integer: 2^63 records of
     * 64-bit mantissas cannot overflow it, so the mean of values the column holds always fits the column's own
     * scale. The result is DECIMAL(column scale), rounded half away from zero, computed without allocation.
     */
    private static final class DecimalAvg implements AggregateFunction
    {
        private final DecimalField field;

        DecimalAvg(final DecimalField field)
        {
            this.field = field;
        }

        public int accumulatorLengthBytes()
        {
            return 24;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putLong(offset, 0);
            acc.putLong(offset + 8, 0);
            acc.putLong(offset + 16, 0);
        }

        private static void add(final MutableDirectBuffer acc, final int offset, final long addLow,
            final long addHigh, final long count)
        {
            final long low = acc.getLong(offset);
            final long sumLow = low + addLow;
            final long carry = Long.compareUnsigned(sumLow, low) < 0 ? 1 : 0;
            acc.putLong(offset, sumLow);
            acc.putLong(offset + 8, acc.getLong(offset + 8) + addHigh + carry);
            acc.putLong(offset + 16, acc.getLong(offset + 16) + count);
        }

        public void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
        {
            final long mantissa = record.getMantissa(field);
            add(acc, offset, mantissa, mantissa >> 63, 1);
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other,
            final int otherOffset, final boolean otherFirst)
        {
            add(acc, offset, other.getLong(otherOffset), other.getLong(otherOffset + 8), other.getLong(otherOffset + 16));
        }

        public FieldType resultType()
        {
            return FieldType.DECIMAL;
        }

        @Override
        public int resultScale()
        {
            return field.scale();
        }

        public void writeResult(final DirectBuffer acc, final int offset, final MutableDirectBuffer out,
            final int outOffset)
        {
            final long n = acc.getLong(offset + 16);
            out.putLong(outOffset, n == 0 ? 0 : mean(acc.getLong(offset), acc.getLong(offset + 8), n));
        }

        /**
         * (high:low) / n rounded half away from zero, for n &gt; 0 and |(high:low)| &lt;= n * 2^63 (a sum of n
         * longs), so the quotient fits a long. Shift-subtract division of the 128-bit magnitude: 64 steps, once per
         * emitted row.
         */
        static long mean(final long low, final long high, final long n)
        {
            final boolean negative = high < 0;
            long magLow = low;
            long magHigh = high;
            if (negative)
            {
                magLow = -low;
                magHigh = ~high + (low == 0 ? 1 : 0);
            }
            // magnitude < n * 2^64 (see above), so magHigh < n: the first partial remainder is magHigh itself
            long remainder = magHigh;
            long quotient = 0;
            for (int i = 0; i < 64; i++)
            {
                final boolean carry = remainder < 0;
                remainder = (remainder << 1) | (magLow >>> 63);
                magLow <<= 1;
                quotient <<= 1;
                if (carry || Long.compareUnsigned(remainder, n) >= 0)
                {
                    remainder -= n;
                    quotient |= 1;
                }
            }
            // remainder < n < 2^63, so remainder * 2 does not wrap as an unsigned long
            if (Long.compareUnsigned(remainder << 1, n) >= 0)
            {
                quotient++;
            }
            return negative ? -quotient : quotient;
        }
    }

    private static final class LongLambda implements AggregateFunction
    {
        private final long initial;
        private final LongAggregator aggregator;

        LongLambda(final long initial, final LongAggregator aggregator)
        {
            this.initial = initial;
            this.aggregator = aggregator;
        }

        public int accumulatorLengthBytes()
        {
            return 8;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putLong(offset, initial);
        }

        public void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
        {
            acc.putLong(offset, aggregator.add(acc.getLong(offset), record));
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other,
            final int otherOffset, final boolean otherFirst)
        {
            acc.putLong(offset, otherFirst ?
                aggregator.merge(other.getLong(otherOffset), acc.getLong(offset)) :
                aggregator.merge(acc.getLong(offset), other.getLong(otherOffset)));
        }

        public FieldType resultType()
        {
            return FieldType.INT64;
        }

        public void writeResult(final DirectBuffer acc, final int offset, final MutableDirectBuffer out,
            final int outOffset)
        {
            out.putLong(outOffset, acc.getLong(offset));
        }
    }

    private static final class DoubleLambda implements AggregateFunction
    {
        private final double initial;
        private final DoubleAggregator aggregator;

        DoubleLambda(final double initial, final DoubleAggregator aggregator)
        {
            this.initial = initial;
            this.aggregator = aggregator;
        }

        public int accumulatorLengthBytes()
        {
            return 8;
        }

        public void init(final MutableDirectBuffer acc, final int offset)
        {
            acc.putDouble(offset, initial);
        }

        public void accumulate(final MutableDirectBuffer acc, final int offset, final RecordFlyweight record)
        {
            acc.putDouble(offset, aggregator.add(acc.getDouble(offset), record));
        }

        public void merge(final MutableDirectBuffer acc, final int offset, final DirectBuffer other,
            final int otherOffset, final boolean otherFirst)
        {
            acc.putDouble(offset, otherFirst ?
                aggregator.merge(other.getDouble(otherOffset), acc.getDouble(offset)) :
                aggregator.merge(acc.getDouble(offset), other.getDouble(otherOffset)));
        }

        public FieldType resultType()
        {
            return FieldType.FLOAT64;
        }

        public void writeResult(final DirectBuffer acc, final int offset, final MutableDirectBuffer out,
            final int outOffset)
        {
            out.putDouble(outOffset, acc.getDouble(offset));
        }
    }
}
