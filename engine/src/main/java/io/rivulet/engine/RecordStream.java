package io.rivulet.engine;

import io.rivulet.operators.Expr;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.RecordFlatMapper;
import io.rivulet.operators.RecordMapper;
import io.rivulet.operators.RecordPredicate;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.operators.join.JoinOperators;
import io.rivulet.operators.process.KeyedProcessFunction;
import io.rivulet.operators.process.KeyedProcessOperator;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The records of a pipeline under construction: say <i>what</i> to do with them, with typed lambdas over the
 * record flyweight ({@link #filter}, {@link #map}, {@link #flatMap}) or column expressions ({@link #where},
 * {@link #select}); both build the same operators. Each call checks its columns and types against the current
 * schema right away, so a mistake fails here with a message naming the column.
 * <p>
 * Operators between async boundaries are fused: they run on one stage thread with direct calls.
 * {@link #async()} starts a new stage behind a ring. Not thread-safe; a stream builds one pipeline.
 */
public final class RecordStream
{
    private final Source source;
    private final RecordStream left;
    private final RecordStream right;
    private final TwoInputOperator join;
    private final List<StagePlan> stages = new ArrayList<>();
    private Schema schema;
    private boolean connected;
    /** A watermark is defined upstream: withWatermark, withProcessingTime or withSourceWatermarks (both inputs
     *  of a join). */
    private boolean eventTime;

    RecordStream(final Source source)
    {
        if (source == null)
        {
            throw new SchemaException("Pipeline.from(source) needs a source, got null");
        }
        this.source = source;
        this.left = null;
        this.right = null;
        this.join = null;
        this.schema = source.schema();
        stages.add(new StagePlan(schema));
    }

    private RecordStream(final RecordStream left, final RecordStream right, final TwoInputOperator join)
    {
        this.source = null;
        this.left = left;
        this.right = right;
        this.join = join;
        this.schema = join.outputSchema();
        this.eventTime = left.eventTime && right.eventTime;
        stages.add(new StagePlan(schema));
    }

    /**
     * @return schema of the records at this point of the pipeline.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * Processing time instead of event time: overwrites the TIMESTAMP column with each record's arrival
     * wall-clock time and makes the watermark follow the clock (also between records), so windows and timers
     * downstream run on processing time. Not deterministic: a replay sees other times.
     *
     * @param timeColumn TIMESTAMP column to stamp.
     * @return this stream.
     */
    public RecordStream withProcessingTime(final String timeColumn)
    {
        add(Operators.withProcessingTime(schema, timeColumn));
        eventTime = true;
        return this;
    }

    /**
     * Declares that event time comes from the watermarks the source publishes itself
     * ({@link PublisherSource#publishWatermark}), for the checks of watermark-bounded operators
     * ({@link #dropDuplicates}, {@link #intervalJoin}, APPEND aggregation) that otherwise ask for
     * {@link #withWatermark}. Adds no operator: the published watermarks pass through as they are.
     *
     * @return this stream.
     * @throws IllegalStateException if the stream does not come from a {@link PublisherSource} (no other source
     *                               publishes watermarks).
     */
    public RecordStream withSourceWatermarks()
    {
        checkOpen();
        if (!(source instanceof PublisherSource))
        {
            throw new IllegalStateException("withSourceWatermarks(): only a PublisherSource publishes watermarks, " +
                "this stream reads " + (source == null ? "a join" : source) + "; use withWatermark(timeColumn, " +
                "delayMs) instead");
        }
        eventTime = true;
        return this;
    }

    /**
     * Keeps the records for which the typed predicate is true.
     *
     * @param predicate condition over the record flyweight (resolve fields from {@link #schema()} beforehand).
     * @return this stream.
     */
    public RecordStream filter(final RecordPredicate predicate)
    {
        return add(Operators.filter(schema, predicate));
    }

    /**
     * Keeps the records for which the column expression is true, e.g. {@code col("qty").gt(100)}.
     *
     * @param condition a boolean expression over this schema's columns.
     * @return this stream.
     */
    public RecordStream where(final Expr condition)
    {
        return add(Operators.where(schema, condition));
    }

    /**
     * Projects columns and computed values into a new schema, e.g.
     * {@code select(col("sym"), col("px").times(col("qty")).as("notional"))}.
     *
     * @param columns one named expression per output column.
     * @return this stream, now of the projected schema.
     */
    public RecordStream select(final Expr... columns)
    {
        return add(Operators.select(schema, columns));
    }

    /**
     * Transforms each record into one record of {@code outputSchema}.
     *
     * @param outputSchema schema the mapper writes.
     * @param mapper       writes every field of the output record.
     * @return this stream, now of {@code outputSchema}.
     */
    public RecordStream map(final Schema outputSchema, final RecordMapper mapper)
    {
        return add(Operators.map(schema, outputSchema, mapper));
    }

    /**
     * Transforms each record into zero or more records of {@code outputSchema}.
     *
     * @param outputSchema schema the mapper emits.
     * @param mapper       emits output records.
     * @return this stream, now of {@code outputSchema}.
     */
    public RecordStream flatMap(final Schema outputSchema, final RecordFlatMapper mapper)
    {
        return add(Operators.flatMap(schema, outputSchema, mapper));
    }

    /**
     * Assigns event time from a TIMESTAMP column with a bounded-out-of-orderness watermark (Spark's
     * {@code withWatermark}): records may arrive up to {@code delayMs} out of order; windows close and late
     * records are judged by this watermark.
     *
     * @param timeColumn TIMESTAMP column (epoch ms).
     * @param delayMs    maximum expected disorder, >= 0.
     * @return this stream.
     */
    public RecordStream withWatermark(final String timeColumn, final long delayMs)
    {
        add(Operators.withWatermark(schema, timeColumn, delayMs));
        eventTime = true;
        return this;
    }

    /**
     * Groups records by an event-time window and key columns, for {@link GroupedStream#agg}.
     *
     * @param window     e.g. {@code WindowSpec.tumbling("ts", 1000)}.
     * @param keyColumns group-by columns (fixed width, any type).
     * @return the grouped stream.
     */
    public GroupedStream groupBy(final WindowSpec window, final String... keyColumns)
    {
        checkOpen();
        return new GroupedStream(this, window, keyColumns);
    }

    /**
     * Runs arbitrary per-key logic with typed off-heap state and event-time timers (Spark's
     * {@code flatMapGroupsWithState}, Flink's {@code KeyedProcessFunction}).
     *
     * @param keyColumns   columns identifying a key.
     * @param stateSchema  fixed-width layout of each key's state (zeroed for a new key).
     * @param outputSchema schema of the records the function emits.
     * @param function     the per-key logic.
     * @return this stream, now of {@code outputSchema}.
     */
    public RecordStream processByKey(final String[] keyColumns, final Schema stateSchema, final Schema outputSchema,
        final KeyedProcessFunction function)
    {
        return add(new KeyedProcessOperator(schema, keyColumns, stateSchema, outputSchema, function));
    }

    /**
     * Joins this stream (left) with another (right) through a two-input operator, e.g. an interval join. Both
     * streams must come straight from a source, without {@code async()} or another join before: their sources
     * then feed one ring and the join runs on the stage that reads it, with each side's operators fused in front
     * of it. Event time is the minimum of the two sides' watermarks; a side that goes quiet for the pipeline's
     * idle timeout stops holding it back.
     *
     * @param other   the right stream; it is consumed.
     * @param factory creates the operator for the left and right schemas.
     * @return the joined stream.
     */
    public RecordStream join(final RecordStream other, final BiFunction<Schema, Schema, TwoInputOperator> factory)
    {
        checkOpen();
        if (other == null || factory == null)
        {
            throw new SchemaException("join(other, factory) needs the other stream and an operator factory");
        }
        if (other == this)
        {
            throw new SchemaException("A stream cannot be joined with itself; read the source twice instead");
        }
        other.checkOpen();
        for (final RecordStream side : List.of(this, other))
        {
            if (side.source == null || side.stages.size() != 1)
            {
                throw new SchemaException("join: each side must come straight from a source (no async() or " +
                    "join before it); " + (side == this ? "the left" : "the right") + " side does not");
            }
        }
        final TwoInputOperator operator = factory.apply(schema, other.schema);
        if (operator == null || operator.outputSchema() == null)
        {
            throw new SchemaException("join: the factory returned no operator or no output schema");
        }
        connected = true;
        other.connected = true;
        return new RecordStream(this, other, operator);
    }

    /**
     * Drops records whose key was already seen, remembering a key until the watermark passes its first event
     * time plus {@code horizonMs} (Spark's {@code dropDuplicatesWithinWatermark}): state is bounded by the
     * watermark. Records at or behind the watermark are late: dropped before the state is looked at and counted
     * ({@link StageMetrics#lateRecordsDropped()}); duplicates are counted in
     * {@link StageMetrics#duplicatesDropped()}.
     *
     * @param timeColumn TIMESTAMP column with the event time.
     * @param horizonMs  how long after a key's first event time duplicates are still dropped, >= 0.
     * @param keyColumns columns identifying a duplicate.
     * @return this stream.
     * @throws IllegalStateException if no watermark is defined upstream ({@link #withWatermark}): the state would
     *                               grow without bound (Spark rejects this too).
     */
    public RecordStream dropDuplicates(final String timeColumn, final long horizonMs, final String... keyColumns)
    {
        return dropDuplicates(timeColumn, horizonMs, null, keyColumns);
    }

    /**
     * As {@link #dropDuplicates(String, long, String...)}, but late records go to {@code lateData} instead of
     * being dropped (as {@link GroupedStream#lateData} for windows), counted in
     * {@link StageMetrics#lateRecordsRouted()}.
     *
     * @param timeColumn TIMESTAMP column with the event time.
     * @param horizonMs  how long after a key's first event time duplicates are still dropped, >= 0.
     * @param lateData   receives the late records (this stream's schema) on the stage thread; null drops them.
     * @param keyColumns columns identifying a duplicate.
     * @return this stream.
     * @throws IllegalStateException if no watermark is defined upstream.
     */
    public RecordStream dropDuplicates(final String timeColumn, final long horizonMs, final Sink lateData,
        final String... keyColumns)
    {
        checkOpen();
        requireWatermark("dropDuplicates", "its state would grow without bound",
            "call withWatermark(\"" + timeColumn + "\", delayMs) before dropDuplicates");
        if (lateData != null)
        {
            lateData.open(schema);
        }
        return add(JoinOperators.dropDuplicates(schema, timeColumn, horizonMs,
            lateData == null ? null : new GroupedStream.SinkAdapter(lateData), keyColumns));
    }

    /**
     * Stream-stream inner join on equal keys within an event-time interval (Flink's interval join):
     * a left and a right record match if {@code left.ts + lowerBoundMs <= right.ts <= left.ts + upperBoundMs}.
     * Each match is emitted as soon as its second record arrives; state on both sides is dropped as the merged
     * watermark passes the interval. Output: the left columns, then the right ones (a right column whose name
     * the left side has becomes {@code right_<name>}). See {@link #join} for how the two streams are wired.
     *
     * @param other        the right stream (comes straight from a source, with a watermark).
     * @param keyColumns   key columns, the same names on both sides.
     * @param timeColumn   TIMESTAMP column, the same name on both sides.
     * @param lowerBoundMs lower bound of right.ts - left.ts.
     * @param upperBoundMs upper bound of right.ts - left.ts, >= lowerBoundMs.
     * @return the joined stream.
     * @throws IllegalStateException if either input has no watermark ({@link #withWatermark}): buffered records
     *                               would never expire.
     */
    public RecordStream intervalJoin(final RecordStream other, final String[] keyColumns, final String timeColumn,
        final long lowerBoundMs, final long upperBoundMs)
    {
        return join(other, (l, r) ->
        {
            // after join()'s wiring checks, before the operator allocates its state
            requireWatermark("intervalJoin (left input)", "its buffered records would never expire",
                "call withWatermark(\"" + timeColumn + "\", delayMs) on the left input");
            other.requireWatermark("intervalJoin (right input)", "its buffered records would never expire",
                "call withWatermark(\"" + timeColumn + "\", delayMs) on the right input");
            return JoinOperators.intervalJoin(
                l, r, timeColumn, timeColumn, keyColumns, keyColumns, lowerBoundMs, upperBoundMs);
        });
    }

    /**
     * Adds a custom operator (the operator SPI).
     *
     * @param factory creates the operator for the current schema; may throw a
     *                {@link SchemaException} if the schema does not fit.
     * @return this stream, now of the operator's output schema.
     */
    public RecordStream process(final Function<Schema, Operator> factory)
    {
        if (factory == null)
        {
            throw new SchemaException("process(factory) needs an operator factory, got null");
        }
        final Operator operator = factory.apply(schema);
        if (operator == null || operator.outputSchema() == null)
        {
            throw new SchemaException("process(factory): the factory returned no operator or no output schema");
        }
        return add(operator);
    }

    /**
     * Ends the current stage here: what follows runs on another thread, fed through a ring. Use it to split
     * expensive work; on a 2-core machine one fused stage is usually fastest.
     *
     * @return this stream.
     */
    public RecordStream async()
    {
        checkOpen();
        stages.add(new StagePlan(schema));
        return this;
    }

    /**
     * Connects the results to a sink; the sink's {@link Sink#open} checks the final schema now.
     *
     * @param sink receives the records on the last stage's thread.
     * @return a builder for the pipeline's settings.
     */
    public PipelineBuilder to(final Sink sink)
    {
        checkOpen();
        if (sink == null)
        {
            throw new SchemaException("to(sink) needs a sink, got null");
        }
        sink.open(schema);
        connected = true;
        return new PipelineBuilder(plan(), sink, schema);
    }

    private RecordStream add(final Operator operator)
    {
        checkOpen();
        stages.get(stages.size() - 1).operators.add(operator);
        schema = operator.outputSchema();
        return this;
    }

    /** @return true if a watermark is defined upstream (see {@link #requireWatermark}). */
    boolean hasWatermark()
    {
        return eventTime;
    }

    /** Rejects a watermark-bounded operator on a stream without event time, naming the operator and the fix. */
    void requireWatermark(final String what, final String consequence, final String fix)
    {
        if (!eventTime)
        {
            throw new IllegalStateException(what + " needs a watermark upstream, else " + consequence + ": " + fix +
                " (or withSourceWatermarks() if a PublisherSource publishes them)");
        }
    }

    private void checkOpen()
    {
        if (connected)
        {
            throw new IllegalStateException("This stream is already connected to a sink; start a new one with " +
                "Pipeline.from(source)");
        }
    }

    private PipelinePlan plan()
    {
        if (source != null)
        {
            return new PipelinePlan(List.of(source), List.of(List.of()), null, List.copyOf(stages));
        }
        return new PipelinePlan(List.of(left.source, right.source),
            List.of(List.copyOf(left.stages.get(0).operators), List.copyOf(right.stages.get(0).operators)),
            join, List.copyOf(stages));
    }

    /**
     * What a pipeline is built from: its sources (source id = index), the operators each source's records go
     * through before the fan-in operator (if any), and the stages after.
     */
    static final class PipelinePlan
    {
        final List<Source> sources;
        final List<List<Operator>> inputChains;
        final TwoInputOperator fanIn;
        final List<StagePlan> stages;

        PipelinePlan(final List<Source> sources, final List<List<Operator>> inputChains,
            final TwoInputOperator fanIn, final List<StagePlan> stages)
        {
            this.sources = sources;
            this.inputChains = inputChains;
            this.fanIn = fanIn;
            this.stages = stages;
        }
    }

    /** Operators fused on one stage thread, and the schema of the ring that feeds them. */
    static final class StagePlan
    {
        final Schema inputSchema;
        final List<Operator> operators = new ArrayList<>();

        StagePlan(final Schema inputSchema)
        {
            this.inputSchema = inputSchema;
        }
    }
}
