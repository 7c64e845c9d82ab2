package io.rivulet.operators;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;


import static io.rivulet.operators.Expr.col;
import static io.rivulet.operators.Expr.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mistakes in a pipeline definition fail when the operator is created (expressions bound), with a
 * {@link SchemaException} naming the column or operator, never later on the stage thread.
 */
class OperatorDefinitionErrorTest
{
    private static final Schema IN = Trades.SCHEMA;
    private static final String COLUMNS =
        "[id:INT64, sym:SYMBOL(8), px:FLOAT64, qty:INT32, ts:TIMESTAMP, buy:BOOLEAN, alt:SYMBOL(4)]";

    @Test
    void shouldNameUnknownColumnAndListSchemaInWhere()
    {
        assertMessage("Unknown column 'price'; this schema has " + COLUMNS,
            () -> Operators.where(IN, col("price").gt(1)));
    }

    @Test
    void shouldNameUnknownColumnNestedInCondition()
    {
        assertMessage("Unknown column 'nope'; this schema has " + COLUMNS,
            () -> Operators.where(IN, col("qty").gt(1).and(col("nope").eq(2))));
    }

    @Test
    void shouldNameUnknownColumnInSelect()
    {
        assertMessage("Unknown column 'nope'; this schema has " + COLUMNS,
            () -> Operators.select(IN, col("id"), col("nope").plus(1).as("x")));
    }

    @Test
    void shouldResolveColumnsOnlyWhenBound()
    {
        final Expr unresolved = col("nope").gt(1);
        assertEquals("(nope > 1)", unresolved.toString());
    }

    @Test
    void shouldRejectNumericComparisonOfSymbol()
    {
        assertMessage("Cannot apply > to sym (SYMBOL) and 1 (LONG) in (sym > 1): it needs numeric operands",
            () -> Operators.where(IN, col("sym").gt(1)));
    }

    @Test
    void shouldRejectArithmeticOnSymbolOrBoolean()
    {
        assertMessage("Cannot apply + to sym (SYMBOL) and 1 (LONG) in (sym + 1): it needs numeric operands",
            () -> Operators.select(IN, col("sym").plus(1).as("x")));
        assertMessage("Cannot apply * to buy (BOOL) and 2 (LONG) in (buy * 2): it needs numeric operands",
            () -> Operators.select(IN, col("buy").times(2).as("x")));
    }

    @Test
    void shouldRejectNonBooleanWhereCondition()
    {
        assertMessage("where((qty + 1)) needs a boolean expression, but (qty + 1) is LONG",
            () -> Operators.where(IN, col("qty").plus(1)));
        assertMessage("where(sym) needs a boolean expression, but sym is SYMBOL",
            () -> Operators.where(IN, col("sym")));
    }

    @Test
    void shouldRejectAndOrOfNonBooleans()
    {
        assertMessage("Cannot apply AND to qty (LONG) and (px > 1) (BOOL) in (qty AND (px > 1)): " +
            "it needs boolean operands", () -> Operators.where(IN, col("qty").and(col("px").gt(1))));
        assertMessage("Cannot apply OR to buy (BOOL) and px (DOUBLE) in (buy OR px): it needs boolean operands",
            () -> Operators.where(IN, col("buy").or(col("px"))));
    }

    @Test
    void shouldRejectNotOfNonBoolean()
    {
        assertMessage("NOT needs a boolean expression, but qty is LONG",
            () -> Operators.where(IN, col("qty").not()));
    }

    @Test
    void shouldRejectSymbolComparedWithNumberOrBoolean()
    {
        assertMessage("Cannot apply == to sym (SYMBOL) and 1 (LONG) in (sym == 1): it needs two symbols",
            () -> Operators.where(IN, col("sym").eq(1)));
        assertMessage("Cannot apply != to qty (LONG) and 'AAPL' (SYMBOL) in (qty != 'AAPL'): it needs two symbols",
            () -> Operators.where(IN, col("qty").ne("AAPL")));
        assertMessage("Cannot apply == to sym (SYMBOL) and buy (BOOL) in (sym == buy): it needs two symbols",
            () -> Operators.where(IN, col("sym").eq(col("buy"))));
    }

    @Test
    void shouldRejectBooleanComparedWithNumber()
    {
        assertMessage("Cannot apply == to buy (BOOL) and 1 (LONG) in (buy == 1): it needs numeric operands",
            () -> Operators.where(IN, col("buy").eq(1)));
    }

    @Test
    void shouldRejectSelectExpressionWithoutName()
    {
        assertMessage("select column #2 (qty + 1) needs a name: add .as(\"name\")",
            () -> Operators.select(IN, col("id"), col("qty").plus(1)));
        assertMessage("select column #1 7 needs a name: add .as(\"name\")", () -> Operators.select(IN, lit(7)));
    }

    @Test
    void shouldRejectDuplicateOutputColumn()
    {
        assertMessage("select produces column 'qty' twice; rename one with .as(...)",
            () -> Operators.select(IN, col("qty"), col("id").as("qty")));
        assertMessage("select produces column 'id' twice; rename one with .as(...)",
            () -> Operators.select(IN, col("id"), col("id")));
    }

    @Test
    void shouldRejectNullOrMissingExpressions()
    {
        assertMessage("select column #2 is null", () -> Operators.select(IN, col("id"), null));
        assertMessage("select(...) needs at least one column expression", () -> Operators.select(IN));
        assertMessage("select(...) needs at least one column expression", () -> Operators.select(IN, (Expr[])null));
        assertMessage("where condition is null", () -> Operators.where(IN, null));
        assertMessage("Operand of AND is null in buy AND null", () -> col("buy").and(null));
    }

    @Test
    void shouldRejectNullTypedFunctionsAndSchemas()
    {
        final Schema out = Schema.builder().int64("id").build();
        assertMessage("filter predicate is null", () -> Operators.filter(IN, null));
        assertMessage("map output schema is null", () -> Operators.map(IN, null, (in, o) -> { }));
        assertMessage("map function is null", () -> Operators.map(IN, out, null));
        assertMessage("flatMap output schema is null", () -> Operators.flatMap(IN, null, (in, o) -> { }));
        assertMessage("flatMap function is null", () -> Operators.flatMap(IN, out, null));
    }

    @Test
    void shouldRejectUnsupportedLiteralType()
    {
        assertMessage("Unsupported literal 15 of type BigInteger; use a long, int, double, boolean, BigDecimal or " +
            "String", () -> col("qty").gt(java.math.BigInteger.valueOf(15)));
        assertMessage("Unsupported literal x of type Character; use a long, int, double, boolean, BigDecimal or " +
            "String", () -> col("sym").eq('x'));
        assertMessage("Unsupported literal null; use a long, int, double, boolean, BigDecimal or String",
            () -> lit(null));
    }

    @Test
    void shouldRejectNonAsciiSymbolLiteral()
    {
        assertMessage("Symbol literal \"caf\u00e9\" must be ASCII without NUL", () -> col("sym").eq("caf\u00e9"));
    }

    @Test
    void shouldRejectMissingColumnOrAliasName()
    {
        assertMessage("col(name) needs a column name, got null", () -> col(null));
        assertMessage("col(name) needs a column name, got \"\"", () -> col(""));
        assertMessage("as(name) needs a column name for (qty + 1)", () -> col("qty").plus(1).as(""));
        assertMessage("as(name) needs a column name for qty", () -> col("qty").as(null));
    }

    @Test
    void shouldRejectInvalidOutputColumnNameFromAlias()
    {
        final SchemaException ex = assertThrows(SchemaException.class,
            () -> Operators.select(IN, col("qty").as("my-qty")));
        assertTrue(ex.getMessage().startsWith("Invalid column name 'my-qty'"), ex.getMessage());
    }

    private static void assertMessage(final String expected, final Executable definition)
    {
        assertEquals(expected, assertThrows(SchemaException.class, definition).getMessage());
    }
}
