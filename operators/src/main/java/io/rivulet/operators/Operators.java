package io.rivulet.operators;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

import java.util.HashSet;
import java.util.Set;

/**
 * Creates the built-in stateless operators for an input schema. Every check (unknown column, type mismatch,
 * duplicate output column) happens here, when the pipeline is defined.
 * <p>
 * Internal: the engine's factory, public only across modules. Applications define pipelines with
 * {@code io.rivulet.engine.RecordStream}; this class may change in any release.
 */
public final class Operators
{
    private Operators()
    {
    }

    /**
     * @param input     schema of the records to filter.
     * @param predicate typed condition.
     * @return an operator passing the records for which {@code predicate} is true.
     */
    public static Operator filter(final Schema input, final RecordPredicate predicate)
    {
        requireNonNull(predicate, "filter predicate");
        CapturedFields.check(predicate, "filter(<lambda>)", input);
        return new FilterOperator(input, predicate, "filter(<lambda>)");
    }

    /**
     * @param input     schema of the records to filter.
     * @param condition boolean column expression, e.g. {@code col("qty").gt(100)}.
     * @return an operator passing the records for which {@code condition} is true.
     */
    public static Operator where(final Schema input, final Expr condition)
    {
        requireNonNull(condition, "where condition");
        final BoundExpr bound = Expr.bindBoolean(condition, input, "where(" + condition + ")");
        return new FilterOperator(input, bound::evalBool, "where " + condition);
    }

    /**
     * Assigns event time with a bounded-out-of-orderness watermark (Spark's {@code withWatermark}).
     *
     * @param input      schema of the records.
     * @param timeColumn TIMESTAMP column holding the event time (epoch ms).
     * @param delayMs    how far out of order records may arrive, >= 0: watermark = max event time - delay - 1.
     * @return an operator that forwards records and emits watermarks.
     */
    public static Operator withWatermark(final Schema input, final String timeColumn, final long delayMs)
    {
        if (delayMs < 0)
        {
            throw new SchemaException("withWatermark delay must be >= 0 ms, got " + delayMs);
        }
        return new WatermarkOperator(input, timeColumn,
            io.rivulet.watermark.WatermarkStrategy.boundedOutOfOrderness(delayMs), false,
            "withWatermark(" + timeColumn + ", " + delayMs + " ms)");
    }

    /**
     * Processing time: stamps {@code timeColumn} with each record's arrival wall-clock time and makes the
     * watermark follow the clock, so windows downstream are processing-time windows.
     *
     * @param input      schema of the records.
     * @param timeColumn TIMESTAMP column to overwrite with the arrival time (epoch ms).
     * @return the operator.
     */
    public static Operator withProcessingTime(final Schema input, final String timeColumn)
    {
        // arrival times are stamped in order, so monotonic watermarks over them are the clock, minus 1
        return new WatermarkOperator(input, timeColumn, io.rivulet.watermark.WatermarkStrategy.monotonic(), true,
            "withProcessingTime(" + timeColumn + ")");
    }

    /**
     * @param input  schema of the input records; fields the mapper captured must fit it or {@code output}.
     * @param output schema of the records {@code mapper} writes.
     * @param mapper writes one output record per input record.
     * @return a map operator.
     */
    public static Operator map(final Schema input, final Schema output, final RecordMapper mapper)
    {
        requireNonNull(output, "map output schema");
        requireNonNull(mapper, "map function");
        if (input != null)
        {
            CapturedFields.check(mapper, "map(<lambda>)", input, output);
        }
        return new MapOperator(output, mapper);
    }

    /**
     * @param input  schema of the input records.
     * @param output schema of the records {@code mapper} emits.
     * @param mapper emits zero or more output records per input record.
     * @return a flatMap operator.
     */
    public static Operator flatMap(final Schema input, final Schema output, final RecordFlatMapper mapper)
    {
        requireNonNull(output, "flatMap output schema");
        requireNonNull(mapper, "flatMap function");
        if (input != null)
        {
            CapturedFields.check(mapper, "flatMap(<lambda>)", input, output);
        }
        return new FlatMapOperator(output, mapper);
    }

    /**
     * @param input   schema of the input records.
     * @param columns one expression per output column, named by {@link Expr#as} or by the column it reads.
     * @return a projection operator.
     */
    public static Operator select(final Schema input, final Expr... columns)
    {
        if (columns == null || columns.length == 0)
        {
            throw new SchemaException("select(...) needs at least one column expression");
        }
        final BoundExpr[] bound = new BoundExpr[columns.length];
        final Schema.Builder out = Schema.builder();
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < columns.length; i++)
        {
            final Expr e = columns[i];
            requireNonNull(e, "select column #" + (i + 1));
            final String name = e.name();
            if (name == null)
            {
                throw new SchemaException("select column #" + (i + 1) + " " + e + " needs a name: add .as(\"name\")");
            }
            if (!names.add(name))
            {
                throw new SchemaException("select produces column '" + name + "' twice; rename one with .as(...)");
            }
            bound[i] = e.bind(input);
            switch (bound[i].outputType())
            {
                case INT64:
                    out.int64(name);
                    break;
                case TIMESTAMP:
                    out.timestamp(name);
                    break;
                case INT32:
                    out.int32(name);
                    break;
                case FLOAT64:
                    out.float64(name);
                    break;
                case BOOLEAN:
                    out.bool(name);
                    break;
                case DECIMAL:
                    out.decimal(name, bound[i].scale);
                    break;
                default:
                    out.symbol(name, bound[i].outputLengthBytes());
            }
        }
        final StringBuilder description = new StringBuilder("select ");
        for (int i = 0; i < columns.length; i++)
        {
            description.append(i == 0 ? "" : ", ").append(columns[i]);
        }
        return new ProjectOperator(out.build(), bound, description.toString());
    }

    private static void requireNonNull(final Object value, final String what)
    {
        if (value == null)
        {
            throw new SchemaException(what + " is null");
        }
    }
}
