package io.rivulet.engine;

import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedding ergonomics end to end: withColumn, schema access after agg with public column names, DECIMAL through
 * sources, expressions, aggregates and the console sink, overflow failing the pipeline, stale typed fields.
 */
class ApiErgonomicsTest extends ThreadLeakCheck
{
    private static final Schema FILLS = Schema.builder()
        .int64("id").symbol("sym", 4).decimal("px", 4).int32("qty").timestamp("ts").build();

    private final List<Pipeline> pipelines = new ArrayList<>();

    @AfterEach
    void closePipelines()
    {
        pipelines.forEach(Pipeline::close);
    }

    private Pipeline track(final Pipeline p)
    {
        pipelines.add(p);
        return p;
    }

    private static List<Object[]> fills()
    {
        return List.of(
            new Object[]{1L, "AAPL", "101.25", 200, 100L},
            new Object[]{2L, "AAPL", new BigDecimal("-0.005"), 10, 200L},
            new Object[]{3L, "MSFT", 0L, 5, 300L},
            new Object[]{4L, "MSFT", "250.5", 3, 1_500L});
    }

    @Test
    void shouldReplaceOneColumnInPlaceAndAppendANewOneKeepingTheOthers()
    {
        final CollectingSink sink = Sinks.collecting();
        final RecordStream stream = Pipeline.from(Sources.rows(FILLS, fills()))
            .withColumn("px", col("px").toDecimal(2))
            .withColumn("notional", col("px").times(col("qty")));

        assertEquals(Schema.builder().int64("id").symbol("sym", 4).decimal("px", 2).int32("qty").timestamp("ts")
            .decimal("notional", 2).build(), stream.schema());
        track(stream.to(sink).start()).awaitCompletion(10, TimeUnit.SECONDS);

        assertEquals(List.of(
            List.of(1L, "AAPL", new BigDecimal("101.25"), 200, 100L, new BigDecimal("20250.00")),
            List.of(2L, "AAPL", new BigDecimal("-0.01"), 10, 200L, new BigDecimal("-0.10")),
            List.of(3L, "MSFT", new BigDecimal("0.00"), 5, 300L, new BigDecimal("0.00")),
            List.of(4L, "MSFT", new BigDecimal("250.50"), 3, 1_500L, new BigDecimal("751.50"))), sink.rows());
    }

    @Test
    void shouldResolveAggregateColumnsFromTheStreamSchemaWithoutRestatingIt()
    {
        final CollectingSink sink = Sinks.collecting();
        final RecordStream windows = Pipeline.from(Sources.rows(FILLS, fills()))
            .where(col("px").ge("0"))
            .withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "sym")
            .agg(Aggregate.count(), Aggregate.sum("px"), Aggregate.avg("px"));
        final LongField count = windows.schema().longField(Aggregate.count().columnName());
        final LongField start = windows.schema().longField(Aggregate.WINDOW_START);
        final DecimalField sum = windows.schema().decimalField(Aggregate.sum("px").columnName());
        assertEquals(4, windows.schema().decimalField("avg_px").scale());

        track(windows.filter(r -> r.getLong(count) >= 1 && r.getLong(start) == 0 && r.getMantissa(sum) > 0)
            .to(sink).start()).awaitCompletion(10, TimeUnit.SECONDS);

        final List<List<Object>> rows = new ArrayList<>(sink.rows());
        rows.sort((a, b) -> ((String)a.get(2)).compareTo((String)b.get(2)));
        assertEquals(List.of(
            List.of(0L, 1_000L, "AAPL", 1L, new BigDecimal("101.2500"), new BigDecimal("101.2500"))), rows);
    }

    @Test
    void shouldPrintDecimalsExactlyWithTheColumnScale()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        track(Pipeline.from(Sources.rows(FILLS, fills())).select(col("sym"), col("px"))
            .to(Sinks.console(out, 10)).start()).awaitCompletion(10, TimeUnit.SECONDS);

        final String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("| sym  | px                    | ", lines[0]);
        assertEquals("| AAPL | 101.2500              | ", lines[1]);
        assertEquals("| AAPL | -0.0050               | ", lines[2]);
        assertEquals("| MSFT | 0.0000                | ", lines[3]);
        assertEquals("| MSFT | 250.5000              | ", lines[4]);
    }

    @Test
    void shouldFailThePipelineWithANamedArithmeticExceptionOnDecimalOverflow()
    {
        final Pipeline p = track(Pipeline.from(Sources.rows(FILLS,
                new Object[]{1L, "AAPL", "900000000000000", 1_000_000, 1L}))
            .select(col("px").times(col("qty")).as("notional"))
            .to(Sinks.discard()).start());

        final PipelineFailedException e =
            assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
        assertInstanceOf(ArithmeticException.class, e.getCause());
        assertEquals("DECIMAL(4) overflow in (px * qty): the result does not fit 64 bits at scale 4 " +
            "(rescale with .toDecimal(n))", e.getCause().getMessage());
    }

    @Test
    void shouldRejectATypedFilterUsingAFieldFromBeforeTheSelect()
    {
        final Schema trades = Schema.builder().int64("id").float64("px").int32("qty").build();
        final DoubleField px = trades.doubleField("px");

        final SchemaException e = assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(trades))
            .select(col("qty"), col("px"))
            .filter(r -> r.getDouble(px) > 100));
        assertTrue(e.getMessage().startsWith("filter(<lambda>) uses field 'px:FLOAT64' resolved from " + trades),
            e.getMessage());
    }

    @Test
    void shouldRejectDoublesAndInexactValuesForDecimalColumnsInRows()
    {
        assertEquals("Row 0: Decimal 1.00001 has more digits after the point than column 'px' (scale 4); round " +
            "it first (never rounded silently)", assertThrows(SchemaException.class,
            () -> Sources.rows(FILLS, new Object[]{1L, "A", "1.00001", 1, 1L})).getMessage());
        assertTrue(assertThrows(SchemaException.class,
            () -> Sources.rows(FILLS, new Object[]{1L, "A", 1.5, 1, 1L})).getMessage().contains("not exact"));
    }
}
