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
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowOperators;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The records of a pipeline under construction: say <i>what</i> to do with them, with typed lambdas over the
 * record flyweight ({@link #filter}, {@link #map}, {@link #flatMap}) or column expressions ({@link #where},
 * {@link #select}); both build the same operators. Each call checks its columns and types against the current
 * schema right away, so a mistake fails here with a message naming the column.
 * <p>
 * Operators between async boundaries are fused: they run on one stage thread with direct calls.
 * {@link #async()} starts a new stage behind a ring.
 * <p>
 * <b>Single use.</b> Every call returns a new stream and uses up this one: calling a second method on the same
 * stream (e.g. {@code s.where(a)} and then {@code s.where(b)}, which reads like a branch) throws an
 * {@link IllegalStateException}, since fan-out is not supported; chain the calls instead. Defining allocates no
 * native memory (operators allocate their state when the pipeline is built). Not thread-safe.
 */
public final class RecordStream
{
    private static final String WINDOW_START = Aggregate.WINDOW_START;
    private static final String WINDOW_END = Aggregate.WINDOW_END;

    private final Definition definition;
    private final Schema schema;
    /** The call that defined event time upstream (withWatermark, withProcessingTime, withSourceWatermarks; both
     *  inputs of a join), for messages; null if none. */
    private final String eventTimeBy;
    private String usedBy;

    RecordStream(final Source source)
    {
        if (source == null)
        {
            throw new SchemaException("Pipeline.from(source) needs a source, got null");
        }
        this.definition = new Definition(source, null, null, null);
        this.schema = source.schema();
        this.eventTimeBy = null;
        definition.stages.add(new StagePlan(schema));
    }

    private RecordStream(final Definition definition, final Schema schema, final String eventTimeBy)
    {
        this.definition = definition;
        this.schema = schema;
        this.eventTimeBy = eventTimeBy;
    }

    /**
     * The schema of the records at this point of the pipeline: resolve typed fields for the next typed step from it,
     * e.g. after {@code agg(count())}: {@code stream.schema().longField("count")}. A field resolved here is only
     * valid until the next step that changes the schema ({@code select}, {@code withColumn}, {@code map}, {@code agg},
     * a join); a typed lambda that captured a field of another layout is rejected when it is added, and any stale
     * field fails its first access when assertions are enabled ({@code -ea}).
     *
     * @return schema of the records at this point of the pipeline.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * Adds a column computed from an expression, or replaces the column of that name in place, keeping every other
     * column (Spark's {@code withColumn}), e.g. {@code withColumn("px", col("px").toDecimal(2))} or
     * {@code withColumn("notional", col("px").times(col("qty")))}. A projection ({@link #select}) of all columns:
     * one copy per record, no allocation. The schema changes (a new column is appended; a replaced one may change
     * type), so resolve typed fields again from {@link #schema()} afterwards.
     *
     * @param name       column to add (appended last) or replace (same position).
     * @param expression its value, over the current columns.
     * @return this stream, now of the widened schema.
     */
    public RecordStream withColumn(final String name, final Expr expression)
    {
        if (name == null || expression == null)
        {
            throw new SchemaException("withColumn(name, expression) needs a column name and an expression");
        }
        final List<Expr> columns = new ArrayList<>(schema.fieldCount() + 1);
        boolean replaced = false;
        for (final Field f : schema.fields())
        {
            if (f.name().equals(name))
            {
                columns.add(expression.as(name));
                replaced = true;
            }
            else
            {
                columns.add(Expr.col(f.name()));
            }
        }
        if (!replaced)
        {
            columns.add(expression.as(name));
        }
        return select(columns.toArray(new Expr[0]));
    }

    /**
     * Processing time instead of event time: overwrites the TIMESTAMP column with each record's arrival
     * wall-clock time and makes the watermark follow the clock (also between records), so windows and timers
     * downstream run on processing time. Not deterministic: a replay sees other times.
     *
     * @param timeColumn TIMESTAMP column to stamp.
     * @return the stream after this step.
     * @throws IllegalStateException if event time is already defined upstream (withWatermark, withProcessingTime
     *                               or withSourceWatermarks): one definition per stream.
     */
    public RecordStream withProcessingTime(final String timeColumn)
    {
        final String call = "withProcessingTime(\"" + timeColumn + "\")";
        requireNoEventTime(call);
        return add(Operators.withProcessingTime(schema, timeColumn), call);
    }

    /**
     * Declares that event time comes from the watermarks the source publishes itself
     * ({@link PublisherSource#publishWatermark}), for the checks of watermark-bounded operators
     * ({@link #dropDuplicates}, {@link #intervalJoin}, APPEND aggregation) that otherwise ask for
     * {@link #withWatermark}. Adds no operator: the published watermarks pass through as they are.
     *
     * @return the stream after this step.
     * @throws IllegalStateException if the stream does not come straight from a {@link PublisherSource} or a
     *                               feed ({@link Sources#feed}), the sources that publish watermarks, or if event
     *                               time is already defined upstream (one definition per stream).
     */
    public RecordStream withSourceWatermarks()
    {
        final Source source = definition.source;
        if (!(source instanceof PublisherSource || source instanceof FeedSource))
        {
            throw new IllegalStateException("withSourceWatermarks(): only a PublisherSource or a feed publishes " +
                "watermarks, this stream reads " + (source == null ? "a join" : source) + "; use " +
                "withWatermark(timeColumn, delayMs) instead");
        }
        requireNoEventTime("withSourceWatermarks()");
        use("withSourceWatermarks()");
        return new RecordStream(definition, schema, "withSourceWatermarks()");
    }

    /**
     * Keeps the records for which the typed predicate is true.
     *
     * @param predicate condition over the record flyweight (resolve fields from {@link #schema()} beforehand).
     * @return the stream after this step.
     */
    public RecordStream filter(final RecordPredicate predicate)
    {
        return add(Operators.filter(schema, predicate));
    }

    /**
     * Keeps the records for which the column expression is true, e.g. {@code col("qty").gt(100)}.
     *
     * @param condition a boolean expression over this schema's columns.
     * @return the stream after this step.
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
     * @return the stream after this step, of the projected schema.
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
     * @return the stream after this step, of {@code outputSchema}.
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
     * @return the stream after this step, of {@code outputSchema}.
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
     * @return the stream after this step.
     * @throws IllegalStateException if event time is already defined upstream (withWatermark, withProcessingTime
     *                               or withSourceWatermarks): one definition per stream.
     */
    public RecordStream withWatermark(final String timeColumn, final long delayMs)
    {
        final String call = "withWatermark(\"" + timeColumn + "\", " + delayMs + ")";
        requireNoEventTime(call);
        return add(Operators.withWatermark(schema, timeColumn, delayMs), call);
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
        checkUnused();
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
     * @return the stream after this step, of {@code outputSchema}.
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
        checkUnused();
        if (other == null || factory == null)
        {
            throw new SchemaException("join(other, factory) needs the other stream and an operator factory");
        }
        if (other == this)
        {
            throw new SchemaException("A stream cannot be joined with itself; read the source twice instead");
        }
        other.checkUnused();
        for (final RecordStream side : List.of(this, other))
        {
            if (side.definition.source == null || side.definition.stages.size() != 1)
            {
                throw new SchemaException("join: each side must come straight from a source (no async(), " +
                    "conflateBy() or join before it); " + (side == this ? "the left" : "the right") + " side does not");
            }
        }
        final TwoInputOperator operator = factory.apply(schema, other.schema);
        if (operator == null || operator.outputSchema() == null)
        {
            throw new SchemaException("join: the factory returned no operator or no output schema");
        }
        use("join(...)");
        other.use("join(...) as its right side");
        final Definition joined = new Definition(null, definition, other.definition, operator);
        joined.closeables.addAll(definition.closeables);
        joined.closeables.addAll(other.definition.closeables);
        joined.stages.add(new StagePlan(operator.outputSchema()));
        return new RecordStream(joined, operator.outputSchema(),
            eventTimeBy != null && other.eventTimeBy != null ? "the join's inputs" : null);
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
     * @return the stream after this step.
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
     * @return the stream after this step.
     * @throws IllegalStateException if no watermark is defined upstream.
     */
    public RecordStream dropDuplicates(final String timeColumn, final long horizonMs, final Sink lateData,
        final String... keyColumns)
    {
        checkUnused();
        requireWatermark("dropDuplicates", "its state would grow without bound",
            "call withWatermark(\"" + timeColumn + "\", delayMs) before dropDuplicates");
        final RecordStream result = add(JoinOperators.dropDuplicates(schema, timeColumn, horizonMs,
            lateData == null ? null : new GroupedStream.SinkAdapter(lateData), keyColumns), eventTimeBy);
        if (lateData != null)
        {
            lateData.open(schema);
            closeWithPipeline(lateData);
        }
        return result;
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
     */
    public RecordStream intervalJoin(final RecordStream other, final String[] keyColumns, final String timeColumn,
        final long lowerBoundMs, final long upperBoundMs)
    {
        return intervalJoin(other, keyColumns, keyColumns, timeColumn, timeColumn, lowerBoundMs, upperBoundMs);
    }

    /**
     * As {@link #intervalJoin(RecordStream, String[], String, long, long)}, with each side's own key and time column
     * names, e.g. auctions joined with their sellers:
     * {@code auctions.intervalJoin(persons, new String[]{"seller"}, new String[]{"id"}, "ts", "ts", -60_000, 0)}.
     *
     * @param other           the right stream (comes straight from a source, with a watermark).
     * @param leftKeys        key columns of this (left) stream, at least one.
     * @param rightKeys       key columns of the right stream, pairwise of the same type and width as
     *                        {@code leftKeys}.
     * @param leftTimeColumn  TIMESTAMP column of the left stream.
     * @param rightTimeColumn TIMESTAMP column of the right stream.
     * @param lowerBoundMs    lower bound of right.ts - left.ts.
     * @param upperBoundMs    upper bound of right.ts - left.ts, >= lowerBoundMs.
     * @return the joined stream.
     * @throws SchemaException if a key list is missing or the two lists differ in length (naming both), or a
     *                         column does not exist or does not fit.
     */
    public RecordStream intervalJoin(final RecordStream other, final String[] leftKeys, final String[] rightKeys,
        final String leftTimeColumn, final String rightTimeColumn, final long lowerBoundMs, final long upperBoundMs)
    {
        if (leftKeys == null || rightKeys == null || leftKeys.length != rightKeys.length)
        {
            throw new SchemaException("intervalJoin: the left keys " + java.util.Arrays.toString(leftKeys) +
                " and the right keys " + java.util.Arrays.toString(rightKeys) + " must be two lists of the same " +
                "length, paired in order (left key i equals right key i)");
        }
        return join(other, (l, r) ->
        {
            // after join()'s wiring checks, before anything is used up
            requireWatermark("intervalJoin (left input)", "its buffered records would never expire",
                "call withWatermark(\"" + leftTimeColumn + "\", delayMs) on the left input");
            other.requireWatermark("intervalJoin (right input)", "its buffered records would never expire",
                "call withWatermark(\"" + rightTimeColumn + "\", delayMs) on the right input");
            return JoinOperators.intervalJoin(
                l, r, leftTimeColumn, rightTimeColumn, leftKeys, rightKeys, lowerBoundMs, upperBoundMs);
        });
    }

    /**
     * Window join (Flink's {@code join(...).where(...).equalTo(...).window(TumblingEventTimeWindows.of(size))}):
     * every pair of a left and a right record with equal keys whose event times fall in the same tumbling window,
     * e.g. Nexmark q8's new sellers, persons who opened an auction in the 10 s window they registered in:
     * {@code persons.windowJoin(auctions, WindowSpec.tumbling("ts", 10_000), new String[]{"id"},
     * new String[]{"seller"})}. Each pair is emitted once, as soon as its second record arrives (Flink emits the
     * window's pairs when it closes: the same pairs, earlier). State is dropped as the merged watermark leaves the
     * window. Both streams come straight from a source with a watermark, as for {@link #intervalJoin}.
     * <p>
     * Output: {@code window_start}, {@code window_end} (TIMESTAMP), the left columns, then the right ones (a right
     * column named like a left one becomes {@code right_<name>}). Built from the interval join (window start added
     * to the key, bounds {@code +-(size - 1)}): allocation-free per record, state off-heap.
     *
     * @param other     the right stream (comes straight from a source, with a watermark).
     * @param window    a tumbling window; its time column is the TIMESTAMP column of both sides.
     * @param leftKeys  key columns of this stream, at least one.
     * @param rightKeys key columns of the right stream, paired in order with {@code leftKeys}.
     * @return the joined pairs.
     * @throws SchemaException       if the window is not tumbling, a column is missing or does not fit, or a side
     *                               already has a {@code window_start}/{@code window_end} column.
     * @throws IllegalStateException if a side has no watermark.
     */
    public RecordStream windowJoin(final RecordStream other, final WindowSpec window, final String[] leftKeys,
        final String[] rightKeys)
    {
        return windowJoin(other, window, leftKeys, rightKeys, window == null ? null : window.timeColumn());
    }

    /**
     * As {@link #windowJoin(RecordStream, WindowSpec, String[], String[])}, for a right stream whose event time is
     * in a column of another name, e.g. persons ({@code ts}) joined with auctions ({@code dateTime}):
     * {@code persons.windowJoin(auctions, WindowSpec.tumbling("ts", 10_000), new String[]{"id"},
     * new String[]{"seller"}, "dateTime")}.
     *
     * @param other           the right stream (comes straight from a source, with a watermark on
     *                        {@code rightTimeColumn}).
     * @param window          a tumbling window over this (left) stream's TIMESTAMP column.
     * @param leftKeys        key columns of this stream, at least one.
     * @param rightKeys       key columns of the right stream, paired in order with {@code leftKeys}.
     * @param rightTimeColumn the right stream's TIMESTAMP column, windowed the same way.
     * @return the joined pairs.
     * @throws SchemaException       as the four-argument form, naming the side whose column is missing or wrong.
     * @throws IllegalStateException if a side has no watermark.
     */
    public RecordStream windowJoin(final RecordStream other, final WindowSpec window, final String[] leftKeys,
        final String[] rightKeys, final String rightTimeColumn)
    {
        checkUnused();
        if (other == null || window == null)
        {
            throw new SchemaException("windowJoin(other, window, leftKeys, rightKeys) needs the other stream and a " +
                "window (WindowSpec.tumbling(timeColumn, sizeMs))");
        }
        other.checkUnused();
        if (!window.isTumbling())
        {
            throw new SchemaException("windowJoin supports tumbling windows, not " + window + ": for a sliding " +
                "relation use intervalJoin (bounds relative to each record)");
        }
        if (leftKeys == null || rightKeys == null || leftKeys.length == 0 || leftKeys.length != rightKeys.length)
        {
            throw new SchemaException("windowJoin: the left keys " + java.util.Arrays.toString(leftKeys) +
                " and the right keys " + java.util.Arrays.toString(rightKeys) + " must be two non-empty lists of " +
                "the same length, paired in order");
        }
        if (rightTimeColumn == null)
        {
            throw new SchemaException("windowJoin: the right stream's time column is null; give its TIMESTAMP " +
                "column's name");
        }
        final String time = window.timeColumn();
        requireWatermark("windowJoin (left input)", "its buffered records would never expire",
            "call withWatermark(\"" + time + "\", delayMs) on the left input");
        other.requireWatermark("windowJoin (right input)", "its buffered records would never expire",
            "call withWatermark(\"" + rightTimeColumn + "\", delayMs) on the right input");
        for (final RecordStream side : List.of(this, other))
        {
            final String sideTime = side == this ? time : rightTimeColumn;
            if (side.schema.field(sideTime).type() != io.rivulet.ringbuffer.FieldType.TIMESTAMP)
            {
                throw new SchemaException("windowJoin over " + window + ": the " + (side == this ? "left" : "right") +
                    " input's '" + sideTime + "' is " + side.schema.field(sideTime).typeDescription() + "; the " +
                    "window needs a TIMESTAMP column (epoch ms) on each side");
            }
            for (final String added : new String[]{WINDOW_START, WINDOW_END})
            {
                if (side.schema.hasField(added))
                {
                    throw new SchemaException("windowJoin adds the column '" + added + "', which the " +
                        (side == this ? "left" : "right") + " input already has: rename it first");
                }
            }
        }
        final RecordStream left = withColumn(WINDOW_START,
            Expr.col(time).floorDiv(window.sizeMs()).times(window.sizeMs()).toTimestamp());
        final RecordStream right = other.withColumn(WINDOW_START,
            Expr.col(rightTimeColumn).floorDiv(window.sizeMs()).times(window.sizeMs()).toTimestamp());
        final String[] leftJoinKeys = java.util.Arrays.copyOf(leftKeys, leftKeys.length + 1);
        final String[] rightJoinKeys = java.util.Arrays.copyOf(rightKeys, rightKeys.length + 1);
        leftJoinKeys[leftKeys.length] = WINDOW_START;
        rightJoinKeys[rightKeys.length] = WINDOW_START;
        final long reach = window.sizeMs() - 1;
        final RecordStream joined = left.intervalJoin(right, leftJoinKeys, rightJoinKeys, time, rightTimeColumn,
            -reach, reach);
        // window_start, window_end, then the sides' own columns (each side's copy of window_start dropped)
        final List<Expr> columns = new ArrayList<>();
        columns.add(Expr.col(WINDOW_START));
        columns.add(Expr.col(WINDOW_START).plus(window.sizeMs()).toTimestamp().as(WINDOW_END));
        final List<Field> fields = joined.schema.fields();
        final int leftCount = left.schema.fieldCount();
        for (int i = 0; i < fields.size(); i++)
        {
            if (i != leftCount - 1 && i != fields.size() - 1)
            {
                columns.add(Expr.col(fields.get(i).name()));
            }
        }
        return joined.select(columns.toArray(new Expr[0]));
    }

    /**
     * The top {@code n} records of each event-time window by a numeric column, whole records kept (SQL
     * {@code RANK() OVER (PARTITION BY window ORDER BY orderColumn DESC) <= n}): ties are kept, so {@code n = 1}
     * gives every record with the window's largest value (the argmax), e.g. Nexmark q7's highest bids:
     * {@code bids.withWatermark("ts", 0).topPerWindow(WindowSpec.tumbling("ts", 10_000), 1, "price")}. A window's
     * rows are emitted when the watermark closes it ({@code W >= end - 1}), in arrival order; end of stream emits
     * the open ones. A record whose windows are all closed is late: dropped and counted
     * ({@link StageMetrics#lateRecordsDropped()}). For the smallest values rank a negated column
     * ({@code withColumn("neg", lit(0).minus(col("px")))}).
     * <p>
     * State: per open window the candidate records (those ranked {@code <= n} so far), held on the heap in pooled
     * buffers: allocation-free in steady state.
     *
     * @param window      tumbling or sliding window over a TIMESTAMP column (not session).
     * @param n           ranks kept per window, >= 1.
     * @param orderColumn INT32, INT64, TIMESTAMP, DECIMAL or FLOAT64 column, largest first (FLOAT64 in
     *                    {@code Double.compare} order).
     * @return rows {@code window_start, window_end} (TIMESTAMP), then this stream's columns.
     * @throws SchemaException       naming the column or argument if the definition does not fit.
     * @throws IllegalStateException if no watermark is defined upstream (no window would close before end of
     *                               stream).
     */
    public RecordStream topPerWindow(final WindowSpec window, final int n, final String orderColumn)
    {
        checkUnused();
        if (window == null)
        {
            throw new SchemaException("topPerWindow(window, n, orderColumn) needs a window: WindowSpec.tumbling or " +
                "sliding; for the rows of a window aggregate use topPerWindow(n, orderColumn)");
        }
        final Operator operator = WindowOperators.top(schema, window, n, orderColumn);
        requireWatermark(operator.describe(), "no window closes before end of stream",
            "call withWatermark(timeColumn, delayMs) before it");
        return add(operator);
    }

    /**
     * The top {@code n} rows of each window among the rows of an APPEND window aggregate (which carry their window
     * in {@code window_start}/{@code window_end}), ties kept, e.g. Nexmark q5's hot items, the auctions with the
     * most bids in each sliding window:
     * {@code groupBy(WindowSpec.sliding("ts", 10_000, 2_000), "auction").agg(count().as("num")).topPerWindow(1, "num")}.
     * Semantics as {@link #topPerWindow(WindowSpec, int, String)}; the output rows are the input rows. The input
     * must hold one row per (window, key), as APPEND mode emits them: an UPDATE aggregate's superseded rows would be
     * ranked too.
     *
     * @param n           ranks kept per window, >= 1.
     * @param orderColumn numeric column of the aggregate's rows, e.g. {@code count}.
     * @return the winning rows, in this stream's schema.
     * @throws SchemaException       if this stream has no TIMESTAMP window_start/window_end columns (it is not a
     *                               window aggregate's output), or the column does not fit.
     * @throws IllegalStateException if no watermark is defined upstream.
     */
    public RecordStream topPerWindow(final int n, final String orderColumn)
    {
        checkUnused();
        final Operator operator = WindowOperators.top(schema, null, n, orderColumn);
        final OutputMode upstream = upstreamAggregateMode();
        if (upstream != null && upstream != OutputMode.APPEND)
        {
            throw new IllegalStateException("topPerWindow(" + n + ", \"" + orderColumn + "\") ranks the final " +
                "rows of an APPEND window aggregate, but the aggregate before it is in " + upstream + " mode, which " +
                "emits a (window, key) again as it changes: it would rank rows that later ones supersede, and the " +
                "winner would depend on the trigger; use outputMode(APPEND) on that aggregate");
        }
        requireWatermark(operator.describe(), "no window closes before end of stream",
            "call withWatermark(timeColumn, delayMs) before the window aggregate");
        return add(operator);
    }

    /**
     * Adds a custom operator (the operator SPI).
     *
     * @param factory creates the operator for the current schema; may throw a
     *                {@link SchemaException} if the schema does not fit.
     * @return the stream after this step, of the operator's output schema.
     */
    public RecordStream process(final Function<Schema, Operator> factory)
    {
        checkUnused();
        if (factory == null)
        {
            throw new SchemaException("process(factory) needs an operator factory, got null");
        }
        final Operator operator = factory.apply(schema);
        if (operator == null || operator.outputSchema() == null)
        {
            throw new SchemaException("process(factory): the factory returned no operator or no output schema");
        }
        return add(operator, eventTimeBy);
    }

    /**
     * Ends the current stage here: what follows runs on another thread, fed through a ring. Use it to split
     * expensive work; on a 2-core machine one fused stage is usually fastest.
     *
     * @return the stream after this step.
     */
    public RecordStream async()
    {
        use("async()");
        definition.stages.add(new StagePlan(schema));
        return new RecordStream(definition, schema, eventTimeBy);
    }

    /**
     * Ends the current stage here, as {@link #async()} does, behind a <b>conflating</b> ring: for a consumer that
     * only needs the newest value per key (the latest quote per symbol). When what follows (the next stage, its
     * sink) falls behind, a record replaces its key's pending value instead of waiting for room, so the stage
     * before never waits on a slow consumer; when it keeps up, every record passes. LMAX's coalescing ring
     * buffer, for binary records.
     * <pre>
     *   quotes.conflateBy("sym").to(slowSink)   // the sink sees each symbol's newest quote, never a backlog
     * </pre>
     * Guarantees:
     * <ul>
     *   <li>the last value of each key is always delivered: nothing after it is lost;</li>
     *   <li>order holds within a key: an older value never arrives after a newer one;</li>
     *   <li>no key starves: a key's pending value keeps the place its first pending value took, in first-pending
     *   order, and a hot key holds at most one place;</li>
     *   <li>skipped: only values of a key that a newer value of the same key replaced while they were pending
     *   (published, not yet taken by the consumer);</li>
     *   <li>markers: end of stream and epochs arrive after every record offered before them, and no record
     *   offered after one replaces a value from before it; watermarks arrive after every record pending before
     *   them, but a newer value may replace its key's value from before a watermark (it then arrives before that
     *   watermark; it was offered after it, so an on-time record stays on time), and watermarks queued back to
     *   back coalesce into the newest.</li>
     * </ul>
     * The ring has the pipeline's {@link PipelineBuilder#ringCapacity ring capacity}; the stage before it never
     * waits as long as that is at least twice the number of distinct keys pending at once, plus 4 (a watermark
     * may sit between two new keys). Beyond that it waits for room, as at a plain ring: nothing is dropped.
     * Per record: one hash of the key columns, one probe of an off-heap index, one copy; no allocation, no locks
     * (a compare-and-set per slot decides whether the producer or the consumer owns it).
     *
     * @param keyColumns columns identifying a key, e.g. {@code "sym"}: any fixed-width type but FLOAT64; keys
     *                   compare by their bytes.
     * @return the stream after this step, in a new stage.
     * @throws SchemaException if no key column is given, one is not in the stream, listed twice, or FLOAT64.
     */
    public RecordStream conflateBy(final String... keyColumns)
    {
        checkUnused();
        final Field[] keys = conflationKeys(keyColumns);
        use("conflateBy(...)");
        definition.stages.add(new StagePlan(schema, keys));
        return new RecordStream(definition, schema, eventTimeBy);
    }

    private Field[] conflationKeys(final String[] keyColumns)
    {
        if (keyColumns == null || keyColumns.length == 0)
        {
            throw new SchemaException("conflateBy needs at least one key column, e.g. conflateBy(\"sym\"); " +
                "the stream has " + schema.fields());
        }
        final Set<String> seen = new HashSet<>();
        final Field[] keys = new Field[keyColumns.length];
        for (int i = 0; i < keyColumns.length; i++)
        {
            final String name = keyColumns[i];
            if (name == null)
            {
                throw new SchemaException("conflateBy: key column #" + (i + 1) + " is null");
            }
            if (!seen.add(name))
            {
                throw new SchemaException("conflateBy: key column '" + name + "' is listed twice");
            }
            if (!schema.hasField(name))
            {
                throw new SchemaException("conflateBy: key column '" + name + "' is not in the stream; it has " +
                    schema.fields() + " (conflate after the step that produces it, or name another column)");
            }
            final Field field = schema.field(name);
            if (field.type() == FieldType.FLOAT64)
            {
                throw new SchemaException("conflateBy: key column '" + name + "' is FLOAT64, which cannot key " +
                    "conflation (0.0 and -0.0 would be two keys, every NaN pattern another): key by a SYMBOL, " +
                    "integer, TIMESTAMP, DECIMAL or BOOLEAN column");
            }
            keys[i] = field;
        }
        return keys;
    }

    /**
     * Connects the results to a sink; the sink's {@link Sink#open} checks the final schema now. If it throws,
     * this stream is used up all the same and the late-data sinks opened for it are closed.
     *
     * @param sink receives the records on the last stage's thread.
     * @return a builder for the pipeline's settings (single use: it builds one pipeline).
     */
    public PipelineBuilder to(final Sink sink)
    {
        checkUnused();
        if (sink == null)
        {
            throw new SchemaException("to(sink) needs a sink, got null");
        }
        use("to(sink)");
        try
        {
            sink.open(schema);
        }
        catch (final RuntimeException | Error ex)
        {
            definition.closeQuietly(ex);
            throw ex;
        }
        return new PipelineBuilder(plan(), sink, schema);
    }

    /** Keeps a sink the pipeline must close (a late-data side output): on failed definition or on release. */
    void closeWithPipeline(final Sink sink)
    {
        definition.closeables.add(sink);
    }

    /** @return the output mode of the nearest window aggregate before this point, null if there is none. */
    private OutputMode upstreamAggregateMode()
    {
        for (int stage = definition.stages.size() - 1; stage >= 0; stage--)
        {
            final List<Operator> operators = definition.stages.get(stage).operators;
            for (int i = operators.size() - 1; i >= 0; i--)
            {
                final OutputMode mode = WindowOperators.outputModeOf(operators.get(i));
                if (mode != null)
                {
                    return mode;
                }
            }
        }
        return null;
    }

    private RecordStream add(final Operator operator)
    {
        return add(operator, eventTimeBy);
    }

    private RecordStream add(final Operator operator, final String eventTimeByAfter)
    {
        use(operator.describe());
        definition.stages.get(definition.stages.size() - 1).operators.add(operator);
        return new RecordStream(definition, operator.outputSchema(), eventTimeByAfter);
    }

    /** Rejects a watermark-bounded operator on a stream without event time, naming the operator and the fix. */
    void requireWatermark(final String what, final String consequence, final String fix)
    {
        if (eventTimeBy == null)
        {
            throw new IllegalStateException(what + " needs a watermark upstream, else " + consequence + ": " + fix +
                " (or withSourceWatermarks() if the source publishes them)");
        }
    }

    /** One event-time definition per stream: a second one would leave it unclear which watermark applies. */
    private void requireNoEventTime(final String call)
    {
        checkUnused();
        if (eventTimeBy != null)
        {
            throw new IllegalStateException(call + ": event time is already defined upstream by " + eventTimeBy +
                "; a stream has one event-time definition (withWatermark, withProcessingTime or " +
                "withSourceWatermarks): remove one of the two calls");
        }
    }

    private void checkUnused()
    {
        if (usedBy != null)
        {
            throw new IllegalStateException("This stream was already used by " + usedBy + "; a RecordStream is " +
                "single use (fan-out is not supported): chain the calls on the stream each call returns, e.g. " +
                "Pipeline.from(source).where(...).select(...).to(sink)");
        }
    }

    private void use(final String by)
    {
        checkUnused();
        usedBy = by;
    }

    private PipelinePlan plan()
    {
        final List<Sink> closeables = List.copyOf(definition.closeables);
        if (definition.source != null)
        {
            return new PipelinePlan(List.of(definition.source), List.of(List.of()), null,
                List.copyOf(definition.stages), closeables);
        }
        return new PipelinePlan(List.of(definition.left.source, definition.right.source),
            List.of(List.copyOf(definition.left.stages.get(0).operators),
                List.copyOf(definition.right.stages.get(0).operators)),
            definition.join, List.copyOf(definition.stages), closeables);
    }

    /** What the chain of streams from one source (or one join) has defined so far; shared along the chain. */
    private static final class Definition
    {
        final Source source;
        final Definition left;
        final Definition right;
        final TwoInputOperator join;
        final List<StagePlan> stages = new ArrayList<>();
        final List<Sink> closeables = new ArrayList<>();

        Definition(final Source source, final Definition left, final Definition right, final TwoInputOperator join)
        {
            this.source = source;
            this.left = left;
            this.right = right;
            this.join = join;
        }

        void closeQuietly(final Throwable cause)
        {
            for (final Sink sink : closeables)
            {
                try
                {
                    sink.close();
                }
                catch (final RuntimeException | Error ex)
                {
                    cause.addSuppressed(ex);
                }
            }
        }
    }

    /**
     * What a pipeline is built from: its sources (source id = index), the operators each source's records go
     * through before the fan-in operator (if any), the stages after, and the side-output sinks to close.
     */
    static final class PipelinePlan
    {
        final List<Source> sources;
        final List<List<Operator>> inputChains;
        final TwoInputOperator fanIn;
        final List<StagePlan> stages;
        final List<Sink> sideSinks;

        PipelinePlan(final List<Source> sources, final List<List<Operator>> inputChains,
            final TwoInputOperator fanIn, final List<StagePlan> stages, final List<Sink> sideSinks)
        {
            this.sources = sources;
            this.inputChains = inputChains;
            this.fanIn = fanIn;
            this.stages = stages;
            this.sideSinks = sideSinks;
        }
    }

    /**
     * Operators fused on one stage thread, the schema of the ring that feeds them, and, if that ring conflates
     * ({@link #conflateBy}), its key columns.
     */
    static final class StagePlan
    {
        final Schema inputSchema;
        final Field[] conflateKeys;
        final List<Operator> operators = new ArrayList<>();

        StagePlan(final Schema inputSchema)
        {
            this(inputSchema, null);
        }

        StagePlan(final Schema inputSchema, final Field[] conflateKeys)
        {
            this.inputSchema = inputSchema;
            this.conflateKeys = conflateKeys;
        }
    }
}
