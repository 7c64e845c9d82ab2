package io.rivulet.operators.window;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

/**
 * Creates event-time aggregation operators. Output rows: {@code window_start, window_end} (TIMESTAMP), the
 * key columns, then one column per aggregate. All checks happen here, when the pipeline is defined.
 * <p>
 * Internal: the engine's factory, public only across modules. Applications define pipelines with
 * {@code io.rivulet.engine.RecordStream}; this class may change in any release.
 */
public final class WindowOperators
{
    private WindowOperators()
    {
    }

    /**
     * @param input             input schema.
     * @param window            tumbling, sliding or session window over a TIMESTAMP column.
     * @param keyColumns        group-by columns (none for one global group per window).
     * @param aggregates        at least one aggregate.
     * @param mode              when rows are emitted.
     * @param allowedLatenessMs extra time after the watermark passes a window's end during which late records
     *                          still update it, >= 0.
     * @param lateOutput        receives records too late for any window, or null to drop and count them.
     * @return the aggregation operator.
     */
    public static Operator aggregate(final Schema input, final WindowSpec window, final String[] keyColumns,
        final Aggregate[] aggregates, final OutputMode mode, final long allowedLatenessMs, final Output lateOutput)
    {
        if (window == null)
        {
            throw new SchemaException("groupBy needs a window: WindowSpec.tumbling/sliding/session");
        }
        if (window.isSession() && mode == OutputMode.COMPLETE)
        {
            throw new SchemaException("Complete output mode is not supported for session windows: a key's " +
                "closed sessions would accumulate without bound; use APPEND or UPDATE");
        }
        return window.isSession() ?
            new SessionAggregateOperator(input, window, keyColumns, aggregates, mode, allowedLatenessMs, lateOutput) :
            new WindowAggregateOperator(input, window, keyColumns, aggregates, mode, allowedLatenessMs, lateOutput);
    }

    /**
     * The top {@code n} rows of each window by a numeric column, ties kept (SQL {@code RANK() <= n}).
     *
     * @param input       input schema.
     * @param window      a tumbling or sliding window to put raw records in (output: {@code window_start},
     *                    {@code window_end}, then the input columns); null if the input rows are an APPEND window
     *                    aggregate's, whose {@code window_start}/{@code window_end} columns say their window
     *                    (output: the input rows).
     * @param n           ranks kept per window, >= 1 (1: the rows with the largest value).
     * @param orderColumn INT32, INT64, TIMESTAMP, DECIMAL or FLOAT64 column; larger ranks first.
     * @return the operator.
     */
    public static Operator top(final Schema input, final WindowSpec window, final int n, final String orderColumn)
    {
        return new WindowTopOperator(input, window, n, orderColumn);
    }

    /**
     * @param operator any operator.
     * @return the output mode of a window or session aggregate, null for any other operator.
     */
    public static OutputMode outputModeOf(final Operator operator)
    {
        return operator instanceof EventTimeAggregateOperator aggregate ? aggregate.mode : null;
    }
}
