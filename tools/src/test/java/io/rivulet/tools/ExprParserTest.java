package io.rivulet.tools;

import io.rivulet.operators.Expr;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExprParserTest
{
    private static final Schema SCHEMA = Schema.builder()
        .int64("id").symbol("sym", 8).int64("qty").decimal("px", 4).timestamp("ts").bool("ok").float64("ratio")
        .int32("n").build();

    private final RecordFlyweight record = new RecordFlyweight(SCHEMA)
        .wrap(new UnsafeBuffer(ByteBuffer.allocateDirect(SCHEMA.recordLengthBytes())), 0);

    private static String parsed(final String text)
    {
        return ExprParser.parse(text, SCHEMA).toString();
    }

    private boolean matches(final String text)
    {
        final boolean[] matched = {false};
        final Operator where = Operators.where(SCHEMA, ExprParser.parse(text, SCHEMA));
        where.open(new Output()
        {
            @Override
            public void onRecord(final RecordFlyweight r)
            {
                matched[0] = true;
            }

            @Override
            public void onWatermark(final long watermarkMs)
            {
            }

            @Override
            public void onEpoch(final long epochId)
            {
            }

            @Override
            public void onEndOfStream()
            {
            }
        });
        where.onRecord(record);
        return matched[0];
    }

    private static ExprParser.ParseError error(final String text)
    {
        return assertThrows(ExprParser.ParseError.class, () -> ExprParser.parse(text, SCHEMA));
    }

    private void fill()
    {
        record.setLong(SCHEMA.longField("id"), 7).setSymbol(SCHEMA.symbolField("sym"), "AAPL")
            .setLong(SCHEMA.longField("qty"), 150).setDecimal(SCHEMA.decimalField("px"), "101.25")
            .setLong(SCHEMA.longField("ts"), Instant.parse("2026-11-27T10:00:00Z").toEpochMilli())
            .setBoolean(SCHEMA.booleanField("ok"), true).setDouble(SCHEMA.doubleField("ratio"), 0.5)
            .setInt(SCHEMA.intField("n"), -3);
    }

    @Test
    void shouldBindAndTighterThanOrAndNotTighterThanAnd()
    {
        assertEquals("((qty > 1) OR ((qty < 5) AND (id == 2)))", parsed("qty > 1 or qty < 5 and id = 2"));
        assertEquals("(NOT (qty > 1) AND ok)", parsed("not qty > 1 and ok"));
        assertEquals("((qty > 1) OR (qty < 5))", parsed("qty > 1 || qty < 5"));
        assertEquals("(NOT ok AND NOT NOT ok)", parsed("!ok && not not ok"));
    }

    @Test
    void shouldBindProductTighterThanSumAndSumTighterThanComparison()
    {
        assertEquals("((qty + (id * 2)) > ((qty - id) - 1))", parsed("qty + id * 2 > qty - id - 1"));
        assertEquals("(((qty + id) * 2) >= 10)", parsed("(qty + id) * 2 >= 10"));
        assertEquals("((qty / 2) <= 3.5)", parsed("qty / 2 <= 3.5"));
    }

    @Test
    void shouldHonourParenthesesAroundConditions()
    {
        assertEquals("(((qty > 1) OR (qty < 5)) AND (id == 2))", parsed("(qty > 1 or qty < 5) and id = 2"));
        assertEquals("NOT ((qty > 1) OR ok)", parsed("not (qty > 1 or ok)"));
    }

    @Test
    void shouldAcceptEveryComparisonOperatorAndKeywordsInAnyCase()
    {
        assertEquals("((((id == 1) AND (id != 2)) AND (id != 3)) OR (id == 4))",
            parsed("id == 1 AND id != 2 And id <> 3 OR id = 4"));
        assertEquals("(((id < 1) OR (id <= 2)) OR (id >= 3))", parsed("id < 1 or id <= 2 or id >= 3"));
    }

    @Test
    void shouldTypeLiteralsByTheOtherOperand()
    {
        assertEquals("(px > 101.5)", parsed("px > 101.5"), "a fraction next to a DECIMAL is an exact decimal");
        assertEquals("(px == 101.25)", parsed("px = '101.25'"), "quoted text next to a DECIMAL is a decimal");
        assertEquals("(ratio > 0.25)", parsed("ratio > 0.25"));
        assertEquals("(ratio < 1000.0)", parsed("ratio < 1e3"));
        assertEquals("(sym == 'AAPL')", parsed("sym = 'AAPL'"));
        assertEquals("(sym != 'O'Brien')", parsed("sym != \"O'Brien\""));
        assertEquals("(sym == 'it''s')".replace("''", "'"), parsed("sym = 'it''s'"));
        assertEquals("(ts >= " + Instant.parse("2026-11-27T10:00:00Z").toEpochMilli() + ")",
            parsed("ts >= '2026-11-27T10:00:00Z'"), "quoted text next to a TIMESTAMP is an instant");
        assertEquals("(ok == true)", parsed("ok = TRUE"));
        assertEquals("(qty > -5)", parsed("qty > -5"));
        assertEquals("(px > -0.5)", parsed("px > -.5"));
        assertEquals("((0 - qty) < -9223372036854775808)", parsed("-qty < -9223372036854775808"));
    }

    @Test
    void shouldEvaluateAgainstRecordsExactlyForDecimals()
    {
        fill();
        assertTrue(matches("qty > 100 and sym = 'AAPL'"));
        assertFalse(matches("qty > 100 and sym = 'MSFT'"));
        assertTrue(matches("px = 101.25 and px = 101.2500 and px > 101.249999"));
        assertFalse(matches("px > 101.25"));
        assertTrue(matches("px * qty = 15187.5"), "exact decimal product");
        assertTrue(matches("px / 2 > 50.6 and px > ratio"), "decimal divided or mixed with a double is a double");
        assertTrue(matches("ts >= '2026-11-27T10:00:00Z' and ts < '2026-11-27T10:00:00.001Z'"));
        assertTrue(matches("ts + 1000 > '2026-11-27T10:00:00.999Z'"));
        assertTrue(matches("ok and not (n > 0) and n * 2 = -6 and -n = 3"));
        assertTrue(matches("ratio * 4 = 2 and qty / 4 = 37.5"));
        assertTrue(matches("(id + 1) * 2 = 16 and id + 1 * 2 = 9"));
    }

    @Test
    void shouldNameUnknownColumnsWithTheirPositionAndTheSchemaColumns()
    {
        assertEquals("unknown column 'qtty' at position 1; columns: id, sym, qty, px, ts, ok, ratio, n",
            error("qtty > 100").getMessage());
        final ExprParser.ParseError e = error("qty > 100 and Sym = 'A'");
        assertEquals(15, e.position());
    }

    @Test
    void shouldNameThePositionOfSyntaxMistakes()
    {
        assertEquals("expected a column, a number or a quoted text, found end of the condition at position 7",
            error("qty > ").getMessage());
        assertEquals("expected ')' to close the '(' at position 1, found end of the condition at position 25",
            error("(qty > 100 and sym = 'A'").getMessage());
        assertEquals("unterminated text (no closing ') at position 7; double a quote to put it inside the text: " +
            "'O''Brien'", error("sym = 'AAPL").getMessage());
        assertEquals(5, error("qty # 1").position());
        assertEquals("unexpected '<' at position 9; comparisons do not chain: use 'and'",
            error("1 < qty < 5").getMessage());
        assertEquals("unexpected 'sym' at position 9; expected 'and', 'or' or the end of the condition",
            error("qty > 1 sym = 'A'").getMessage());
        assertEquals(1, error("").position());
        assertEquals("malformed number '12a' at position 7; a column name starts with a letter",
            error("qty > 12abc").getMessage());
        assertEquals(7, error("qty > 99999999999999999999").position());
    }

    @Test
    void shouldNameThePositionOfTypeMistakes()
    {
        assertEquals("'>' needs numbers; sym (SYMBOL(8)) can only be compared with = or != at position 5",
            error("sym > 'A'").getMessage());
        assertEquals("cannot compare sym (SYMBOL(8)) with 5 at position 5", error("sym = 5").getMessage());
        assertEquals("'+' needs numbers, but sym (SYMBOL(8)) is not a number at position 7",
            error("qty + sym > 1").getMessage());
        assertEquals("qty (INT64) is not a condition at position 1; compare it, e.g. id > 0",
            error("qty").getMessage());
        assertEquals("'and' needs a condition, but qty (INT64) is not one at position 13",
            error("qty > 1 and qty").getMessage());
        assertEquals("'2026-13-01' is not an ISO-8601 instant at position 6; write a time as e.g. " +
            "'2026-11-27T10:00:00Z' or '2026-11-27T10:00:00.250Z'", error("ts > '2026-13-01'").getMessage());
        assertEquals("'abc' is not a decimal number at position 6; write e.g. 101.25",
            error("px > 'abc'").getMessage());
    }

    @Test
    void shouldBuildTheSameTreeAsTheJavaApi()
    {
        final Expr api = Expr.col("qty").gt(100).and(Expr.col("sym").eq("AAPL"));
        assertEquals(api.toString(), parsed("qty > 100 and sym = 'AAPL'"));
    }

    @Test
    void shouldParseModuloFloorDivisionRoundAndHash()
    {
        fill();
        assertEquals("((id mod 123) == 0)", parsed("id % 123 = 0"));
        assertEquals("(((ts floorDiv 10000) * 10000) > 0)", parsed("ts // 10000 * 10000 > 0"));
        assertTrue(matches("qty % 7 = 3 and n % 2 = 1 and n // 2 = -2 and qty // 7 = 21"), "floor semantics");
        assertTrue(matches("round(px) = 101 and round(ratio) = 1 and round(px * 3) = 304 and ROUND(qty) = 150"));
        assertTrue(matches("hash(sym) = hash('AAPL') and hash(sym) % 1 = 0"));
        assertFalse(matches("hash(sym) = hash('MSFT')"));
        assertEquals("'%' needs integers, but px (DECIMAL(4)) is not one at position 1; round it first: round(x) % n",
            error("px % 2 = 0").getMessage());
        assertEquals("'//' needs integers, but ratio (FLOAT64) is not one at position 1; round it first: " +
            "round(x) // n", error("ratio // 2 = 0").getMessage());
        assertEquals("hash( needs a symbol, but qty (INT64) is not one at position 6", error("hash(qty) = 1").getMessage());
        assertEquals("expected ')' to close round(, found end of the condition at position 10",
            error("round(px ").getMessage());
    }
}
