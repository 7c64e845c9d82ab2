package io.rivulet.operators;

import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rivulet.operators.Expr.col;
import static io.rivulet.operators.Expr.lit;
import static io.rivulet.operators.OperatorHarness.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link Operators#select}: output schema types follow the expression typing rules, values are computed.
 */
class SelectOperatorTest
{
    @Test
    void shouldDeriveOutputSchemaTypesFromExpressions()
    {
        final Operator select = Operators.select(Trades.SCHEMA,
            col("qty"),
            col("ts"),
            col("id"),
            col("px"),
            col("buy"),
            col("sym"),
            col("id").plus(col("qty")).as("idPlusQty"),
            col("ts").plus(1_000).as("later"),
            col("px").times(col("qty")).as("notional"),
            col("qty").plus(0.5).as("qtyAndHalf"),
            col("id").div(2).as("half"),
            col("qty").gt(100).as("big"),
            col("buy").and(col("sym").eq("AAPL")).as("aaplBuy"),
            lit("X").as("tag"),
            lit(7).as("seven"),
            lit(2.5f).as("twoAndHalf"),
            lit(true).as("yes"),
            col("alt").as("venue"));

        final Schema expected = Schema.builder()
            .int32("qty")
            .timestamp("ts")
            .int64("id")
            .float64("px")
            .bool("buy")
            .symbol("sym", 8)
            .int64("idPlusQty")
            .int64("later")
            .float64("notional")
            .float64("qtyAndHalf")
            .float64("half")
            .bool("big")
            .bool("aaplBuy")
            .symbol("tag", 1)
            .int64("seven")
            .float64("twoAndHalf")
            .bool("yes")
            .symbol("venue", 4)
            .build();
        assertEquals(expected, select.outputSchema());
    }

    @Test
    void shouldComputeEveryColumnForEveryRecord()
    {
        final Operator select = Operators.select(Trades.SCHEMA,
            col("qty"),
            col("ts").as("eventTime"),
            col("sym"),
            col("id").plus(col("qty")).as("idPlusQty"),
            col("qty").times(2).minus(1).as("oddQty"),
            col("px").times(col("qty")).as("notional"),
            col("id").div(2).as("half"),
            col("qty").gt(100).as("big"),
            col("sym").eq(col("alt")).as("sameVenue"),
            col("buy").not().as("sell"),
            lit("VENUE1").as("tag"),
            lit(-3).as("minusThree"));
        final OperatorHarness harness = Trades.pushAll(new OperatorHarness(Trades.SCHEMA, select));

        assertEquals(List.of(
            row(50, 1_000L, "AAPL", 51L, 99L, 5_000.0, 0.5, false, true, false, "VENUE1", -3L),
            row(150, 2_000L, "AAPL", 152L, 299L, 15_225.0, 1.0, true, false, true, "VENUE1", -3L),
            row(100, 3_000L, "MSFT", 103L, 199L, 9_950.0, 1.5, false, true, false, "VENUE1", -3L),
            row(101, 4_000L, "MSFTX", 105L, 201L, 25_250.0, 2.0, true, false, true, "VENUE1", -3L),
            row(-5, 5_000L, "ABCDEFGH", 0L, -11L, -0.0, 2.5, false, false, false, "VENUE1", -3L),
            row(0, 6_000L, "", 6L, -1L, 0.0, 3.0, false, true, true, "VENUE1", -3L),
            row(1000, 7_000L, "MSF", 1007L, 1999L, 10_000.0, 3.5, true, false, false, "VENUE1", -3L)),
            harness.rows());
        assertEquals(List.of(100L, 200L, 300L, 400L, 500L, 600L, 700L), harness.ingestTimes());
        assertEquals(FieldType.TIMESTAMP, select.outputSchema().field("eventTime").type());
        assertEquals(FieldType.INT32, select.outputSchema().field("qty").type());
        assertEquals(6, select.outputSchema().field("tag").lengthBytes());
    }

    @Test
    void shouldKeepInt32ValuesAtTheirExtremes()
    {
        final Schema input = Schema.builder().int32("n").build();
        final Operator select = Operators.select(input, col("n"), col("n").plus(1).as("next"));
        final OperatorHarness harness = new OperatorHarness(input, select)
            .push(0, Integer.MAX_VALUE)
            .push(0, Integer.MIN_VALUE);

        assertEquals(List.of(
            row(Integer.MAX_VALUE, (long)Integer.MAX_VALUE + 1),
            row(Integer.MIN_VALUE, (long)Integer.MIN_VALUE + 1)), harness.rows());
    }

    @Test
    void shouldWriteEmptySymbolLiteralAsOneByteColumn()
    {
        final Operator select = Operators.select(Trades.SCHEMA, col("id"), lit("").as("none"));
        final OperatorHarness harness = new OperatorHarness(Trades.SCHEMA, select).push(1, Trades.ROWS.get(0));

        assertEquals(1, select.outputSchema().field("none").lengthBytes());
        assertEquals(List.of(row(1L, "")), harness.rows());
    }

    @Test
    void shouldNameOutputColumnByAliasOrColumn()
    {
        assertEquals("qty", col("qty").name());
        assertEquals("n", col("qty").plus(1).as("n").name());
        assertNull(col("qty").plus(1).name());
        assertNull(lit(1).name());
    }

    @Test
    void shouldDescribeSelectByItsColumns()
    {
        assertEquals("select id, (px * qty) AS notional",
            Operators.select(Trades.SCHEMA, col("id"), col("px").times(col("qty")).as("notional")).describe());
    }
}
