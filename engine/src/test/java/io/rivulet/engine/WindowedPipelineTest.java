package io.rivulet.engine;

import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.Expr.col;
import static io.rivulet.operators.window.Aggregate.avg;
import static io.rivulet.operators.window.Aggregate.count;
import static io.rivulet.operators.window.Aggregate.max;
import static io.rivulet.operators.window.Aggregate.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowedPipelineTest extends ThreadLeakCheck
{
    private static final Schema TRADES = Schema.builder()
        .symbol("sym", 4).int32("qty").float64("px").timestamp("ts").int64("seq").build();

    private static Object[] trade(final String sym, final int qty, final double px, final long ts)
    {
        return new Object[]{sym, qty, px, ts, 0L};
    }

    @Test
    void shouldEmitTumblingWindowRowsOnceWatermarkPassesAndRouteLateRecords()
    {
        final CollectingSink sink = Sinks.collecting();
        final CollectingSink late = Sinks.collecting();
        final Pipeline p = Pipeline.from(Sources.rows(TRADES,
                trade("AA", 10, 1.0, 1_000),
                trade("BB", 5, 2.0, 1_500),
                trade("AA", 20, 3.0, 1_900),
                trade("AA", 1, 4.0, 2_100),     // window [2000,3000)
                trade("BB", 7, 5.0, 1_200),     // out of order, still within the 500 ms delay
                trade("AA", 3, 6.0, 3_600),     // watermark -> 3099
                trade("BB", 9, 7.0, 1_100)))    // late: its window has closed
            .where(col("qty").gt(0))
            .withWatermark("ts", 500)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "sym")
            .lateData(late)
            .agg(count(), sum("qty"), max("px"), avg("px").as("avg_px"))
            .to(sink).start();
        try (p)
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
        final List<List<Object>> rows = sink.rows();
        assertEquals(4, rows.size(), rows::toString);
        // the watermark 3099 closes [1000,2000) and [2000,3000); [3000,4000) closes at end of stream.
        // Within one firing, row order is the state table's, not specified.
        assertTrue(rows.subList(0, 3).containsAll(List.of(
            List.of(1_000L, 2_000L, "AA", 2L, 30L, 3.0, 2.0),
            List.of(1_000L, 2_000L, "BB", 2L, 12L, 5.0, 3.5),
            List.of(2_000L, 3_000L, "AA", 1L, 1L, 4.0, 4.0))), rows::toString);
        assertEquals(List.of(3_000L, 4_000L, "AA", 1L, 3L, 6.0, 6.0), rows.get(3));
        assertEquals(List.of(List.of("BB", 9, 7.0, 1_100L, 0L)), late.rows());
        assertEquals(0, p.metrics().stages().get(0).lateRecordsDropped());
        assertEquals(1, p.metrics().stages().get(0).lateRecordsRouted(), "routed, not dropped, and counted");
    }

    @Test
    void shouldCountDroppedLateRecordsAndEmitUpdates()
    {
        final CollectingSink sink = Sinks.collecting();
        final Pipeline p = Pipeline.from(Sources.rows(TRADES,
                trade("AA", 1, 1.0, 10_000),
                trade("AA", 2, 1.0, 10_400),
                trade("AA", 4, 1.0, 12_000),
                trade("AA", 8, 1.0, 10_100)))   // late: watermark 11_999 closed [10000,11000)
            .withWatermark("ts", 0)
            .groupBy(WindowSpec.sliding("ts", 1_000, 500))
            .outputMode(OutputMode.UPDATE)
            .agg(sum("qty"))
            .to(sink).start();
        try (p)
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(1, p.metrics().stages().get(0).lateRecordsDropped());
        }
        assertEquals(List.of(
            List.of(10_000L, 11_000L, 1L), List.of(9_500L, 10_500L, 1L),
            List.of(10_000L, 11_000L, 3L), List.of(9_500L, 10_500L, 3L),
            List.of(12_000L, 13_000L, 4L), List.of(11_500L, 12_500L, 4L)), sink.rows());
    }

    @Test
    void shouldComputeTypedLambdaAggregatesLikeBuiltInOnes()
    {
        final java.util.Random random = new java.util.Random(3);
        final java.util.List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++)
        {
            rows.add(trade(random.nextBoolean() ? "AA" : "BB", 1 + random.nextInt(50), random.nextInt(1000),
                10_000L + i * 7L - random.nextInt(200)));
        }
        final io.rivulet.ringbuffer.IntField qty = TRADES.intField("qty");
        final io.rivulet.ringbuffer.DoubleField px = TRADES.doubleField("px");
        for (final WindowSpec window : List.of(WindowSpec.sliding("ts", 500, 100), WindowSpec.session("ts", 20)))
        {
            final CollectingSink sink = Sinks.collecting();
            try (Pipeline p = Pipeline.from(Sources.rows(TRADES, rows))
                .withWatermark("ts", 200)
                .groupBy(window, "sym")
                .outputMode(OutputMode.UPDATE)
                .agg(sum("qty"), max("px"),
                    io.rivulet.operators.window.Aggregate.ofLong("typed_sum", 0, (acc, r) -> acc + r.getInt(qty)),
                    io.rivulet.operators.window.Aggregate.ofDouble("typed_max", Double.NEGATIVE_INFINITY,
                        new io.rivulet.operators.window.DoubleAggregator()
                        {
                            public double add(final double acc, final io.rivulet.ringbuffer.RecordFlyweight r)
                            {
                                return Math.max(acc, r.getDouble(px));
                            }

                            public double merge(final double a, final double b)
                            {
                                return Math.max(a, b);
                            }
                        }))
                .to(sink).start())
            {
                assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            }
            assertTrue(sink.rows().size() > 1_000, window + ": " + sink.rows().size());
            for (final List<Object> row : sink.rows())
            {
                assertEquals(row.get(3), row.get(5), () -> window + " " + row);
                assertEquals(row.get(4), row.get(6), () -> window + " " + row);
            }
        }
    }

    @Test
    void shouldRejectAppendAggregationWithoutWatermarkAsSparkDoes()
    {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.rows(TRADES)).groupBy(WindowSpec.tumbling("ts", 1000), "sym").agg(count()));
        assertEquals("APPEND output of tumbling(ts, 1000 ms) needs a watermark upstream, else no window ever closes " +
            "and nothing is emitted before end of stream: call withWatermark(timeColumn, delayMs) (or " +
            "withProcessingTime) before groupBy, or use outputMode(UPDATE) or outputMode(COMPLETE) (or " +
            "withSourceWatermarks() if the source publishes them)", e.getMessage());
        assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.rows(TRADES)).groupBy(WindowSpec.session("ts", 1000)).agg(count()));

        // accepted: a watermark upstream (also across async()), processing time, or a mode that needs none
        Pipeline.from(Sources.rows(TRADES)).withWatermark("ts", 0).async().where(col("qty").gt(0))
            .groupBy(WindowSpec.tumbling("ts", 1000)).agg(count());
        Pipeline.from(Sources.rows(TRADES)).withProcessingTime("ts").groupBy(WindowSpec.tumbling("ts", 1000))
            .agg(count());
        Pipeline.from(Sources.rows(TRADES)).groupBy(WindowSpec.tumbling("ts", 1000))
            .outputMode(OutputMode.UPDATE).agg(count());
        Pipeline.from(Sources.rows(TRADES)).groupBy(WindowSpec.tumbling("ts", 1000))
            .outputMode(OutputMode.COMPLETE).agg(count());
    }

    @Test
    void shouldRejectBadWindowDefinitionsWhenBuilt()
    {
        final Schema s = TRADES;
        assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(s)).withWatermark("qty", 10));
        assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(s)).withWatermark("nope", 10));
        assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(s)).withWatermark("ts", -1));
        assertThrows(SchemaException.class, () -> WindowSpec.tumbling("ts", 0));
        assertThrows(SchemaException.class, () -> WindowSpec.sliding("ts", 1000, 2000));
        assertThrows(SchemaException.class, () -> WindowSpec.sliding("ts", 1000, 0));
        assertThrows(SchemaException.class, () -> WindowSpec.session("ts", -5));
        assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(s)).groupBy(WindowSpec.tumbling("px", 1000)).agg(count()));
        assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(s)).groupBy(WindowSpec.tumbling("ts", 1000)).agg(sum("sym")));
        assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(s)).groupBy(WindowSpec.tumbling("ts", 1000), "nope").agg(count()));
        assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(s)).groupBy(WindowSpec.tumbling("ts", 1000)).agg());
        assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(s)).groupBy(WindowSpec.tumbling("ts", 1000)).agg(count(), count()));
        assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(s))
            .groupBy(WindowSpec.session("ts", 1000)).outputMode(OutputMode.COMPLETE).agg(count()));
        final SchemaException e = assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(s)).groupBy(WindowSpec.tumbling("ts", 1000)).agg(avg("sym")));
        assertTrue(e.getMessage().contains("'sym'") && e.getMessage().contains("not numeric"), e.getMessage());
    }
}
