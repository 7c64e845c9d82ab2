package io.rivulet.engine.samples;

import io.rivulet.engine.CollectingSink;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineMetrics;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sink;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.engine.StageMetrics;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;

import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.window.Aggregate.avg;
import static io.rivulet.operators.window.Aggregate.count;
import static io.rivulet.operators.window.Aggregate.sum;

/**
 * Event time, read top to bottom: trades arrive up to 200 ms out of order (and a few much later); a
 * 1-second tumbling window per symbol counts them, sums quantity and averages price; rows leave once the
 * watermark passes the window (append mode); records too late for their window go to a side output.
 * <p>
 * {@link #INPUT} and {@link #operators} are the pipeline without its source and sink: {@code main} feeds it
 * generated trades, {@code rivulet replay --pipeline windows} a journal of {@link #INPUT} records.
 */
public final class WindowedTradesSample
{
    /** The trades this sample reads: symbol, quantity, price, event time. */
    public static final Schema INPUT = Schema.builder()
        .symbol("sym", 4).int32("qty").float64("px").timestamp("ts").build();

    private WindowedTradesSample()
    {
    }

    /**
     * The sample's operators: watermark 200 ms behind the newest trade, 1 s tumbling windows per symbol, count,
     * sum of quantity, average price, rows in append mode.
     *
     * @param trades   a stream of {@link #INPUT} records.
     * @param lateData receives the trades that arrive after their window closed.
     * @return the window rows.
     */
    public static RecordStream operators(final RecordStream trades, final Sink lateData)
    {
        return trades
            .withWatermark("ts", 200)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "sym")
            .outputMode(OutputMode.APPEND)
            .lateData(lateData)
            .agg(count(), sum("qty"), avg("px"));
    }

    /**
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        final Schema trades = INPUT;
        final SymbolField sym = trades.symbolField("sym");
        final IntField qty = trades.intField("qty");
        final DoubleField px = trades.doubleField("px");
        final LongField ts = trades.longField("ts");
        final String[] symbols = {"AAPL", "MSFT", "IBM"};
        final long startMs = 1_700_000_000_000L;

        final CollectingSink late = Sinks.collecting();
        final Pipeline pipeline = operators(Pipeline.from(Sources.generator(trades, 20_000, 100_000, (i, r) ->
            {
                // 10 trades per event-time millisecond, up to 200 ms out of order; every 1000th is 3 s late
                final long disorderMs = (i * 7919) % 200 + (i % 1000 == 999 ? 3_000 : 0);
                r.setSymbol(sym, symbols[(int)(i % 3)]).setInt(qty, 1 + (int)(i % 100))
                    .setDouble(px, 100 + (i % 50) / 10.0).setLong(ts, startMs + i / 10 - disorderMs);
            })), late)
            .to(Sinks.console(System.out, 12))
            .name("windowed-trades")
            .build();

        System.out.println(pipeline.explain());
        try (Pipeline p = pipeline.start())
        {
            p.awaitCompletion(60, TimeUnit.SECONDS);
            final PipelineMetrics metrics = p.metrics();
            for (final StageMetrics stage : metrics.stages())
            {
                System.out.println(stage);
            }
        }
        System.out.println(late.rows().size() + " records arrived after the watermark closed their window " +
            "and went to the late-data output, e.g. " + late.rows().get(0));
    }
}
