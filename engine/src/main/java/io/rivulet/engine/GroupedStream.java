package io.rivulet.engine;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowOperators;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

/**
 * Records grouped by an event-time window and key columns, waiting for their aggregates (Spark's
 * {@code groupBy(window(...), cols).agg(...)}). Set the output mode, allowed lateness and late-data output,
 * then call {@link #agg}. Defaults: {@link OutputMode#APPEND}, no extra lateness, late records dropped and
 * counted ({@link StageMetrics#lateRecordsDropped()}; routed ones in {@link StageMetrics#lateRecordsRouted()}).
 * APPEND needs a watermark upstream ({@link RecordStream#withWatermark}), as in Spark: without one no window
 * would close before end of stream, so {@link #agg} rejects it.
 */
public final class GroupedStream
{
    private final RecordStream stream;
    private final WindowSpec window;
    private final String[] keyColumns;
    private OutputMode mode = OutputMode.APPEND;
    private long allowedLatenessMs;
    private Sink lateSink;

    GroupedStream(final RecordStream stream, final WindowSpec window, final String[] keyColumns)
    {
        if (window == null)
        {
            throw new SchemaException("groupBy needs a window: WindowSpec.tumbling/sliding/session(...)");
        }
        this.stream = stream;
        this.window = window;
        this.keyColumns = keyColumns == null ? new String[0] : keyColumns.clone();
        for (final String key : this.keyColumns)
        {
            stream.schema().field(key);
        }
    }

    /**
     * @return schema of the records being grouped (to resolve fields for typed aggregates such as
     *         {@link Aggregate#ofLong}); the output schema is {@code agg(...).schema()}.
     */
    public Schema schema()
    {
        return stream.schema();
    }

    /**
     * @param mode append (final rows once), update (changed rows), or complete (whole table).
     * @return this.
     */
    public GroupedStream outputMode(final OutputMode mode)
    {
        if (mode == null)
        {
            throw new SchemaException("outputMode is null; use APPEND, UPDATE or COMPLETE");
        }
        this.mode = mode;
        return this;
    }

    /**
     * @param allowedLatenessMs how long after the watermark passes a window's end late records still update it.
     * @return this.
     */
    public GroupedStream allowedLateness(final long allowedLatenessMs)
    {
        if (allowedLatenessMs < 0)
        {
            throw new SchemaException("allowedLateness must be >= 0 ms, got " + allowedLatenessMs);
        }
        this.allowedLatenessMs = allowedLatenessMs;
        return this;
    }

    /**
     * Routes records too late for any window to a side output instead of dropping them.
     *
     * @param sink receives the late records (input schema) on the stage thread.
     * @return this.
     */
    public GroupedStream lateData(final Sink sink)
    {
        if (sink == null)
        {
            throw new SchemaException("lateData(sink) needs a sink");
        }
        sink.open(stream.schema());
        this.lateSink = sink;
        return this;
    }

    /**
     * Aggregates each (window, key) group incrementally.
     *
     * @param aggregates e.g. {@code count(), sum("qty"), avg("px")}.
     * @return the stream of result rows: {@link Aggregate#WINDOW_START}, {@link Aggregate#WINDOW_END} (TIMESTAMP),
     *         the key columns, then one column per aggregate named {@link Aggregate#columnName()} ({@code count},
     *         {@code sum_qty}, ...); read them through {@link RecordStream#schema()} of the returned stream.
     */
    public RecordStream agg(final Aggregate... aggregates)
    {
        final Schema input = stream.schema();
        final Output late = lateSink == null ? null : new SinkAdapter(lateSink);
        try
        {
            // the definition's own checks first (columns, types), then the watermark: name the first mistake
            final Operator operator =
                WindowOperators.aggregate(input, window, keyColumns, aggregates, mode, allowedLatenessMs, late);
            if (mode == OutputMode.APPEND)
            {
                stream.requireWatermark("APPEND output of " + window,
                    "no window ever closes and nothing is emitted before end of stream",
                    "call withWatermark(timeColumn, delayMs) (or withProcessingTime) before groupBy, " +
                    "or use outputMode(UPDATE) or outputMode(COMPLETE)");
            }
            final RecordStream result = stream.process(schema -> operator);
            if (lateSink != null)
            {
                stream.closeWithPipeline(lateSink);
            }
            return result;
        }
        catch (final RuntimeException | Error ex)
        {
            if (lateSink != null)
            {
                try
                {
                    lateSink.close(); // opened by lateData(sink); no pipeline will own it now
                }
                catch (final RuntimeException | Error closeFailure)
                {
                    ex.addSuppressed(closeFailure);
                }
            }
            throw ex;
        }
    }

    /** Lets a sink serve as an operator's side output; its exceptions fail the pipeline (never skipped). */
    static final class SinkAdapter implements Output
    {
        private final Sink sink;

        SinkAdapter(final Sink sink)
        {
            this.sink = sink;
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            try
            {
                sink.onRecord(record);
            }
            catch (final Throwable t)
            {
                throw new SinkFailure(t);
            }
        }

        @Override
        public void onWatermark(final long watermarkMs)
        {
            sink.onWatermark(watermarkMs);
        }

        @Override
        public void onEpoch(final long epochId)
        {
            sink.onEpoch(epochId);
        }

        @Override
        public void onEndOfStream()
        {
            sink.onEndOfStream();
        }
    }
}
