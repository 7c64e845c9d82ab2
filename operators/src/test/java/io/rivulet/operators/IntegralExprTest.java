package io.rivulet.operators;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Random;

import static io.rivulet.operators.Expr.col;
import static io.rivulet.operators.Expr.lit;
import static io.rivulet.operators.OperatorHarness.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * floorDiv, mod, round and hash in column expressions: results as Math.floorDiv / Math.floorMod / SQL ROUND,
 * INT64 output, named failures for a zero divisor or an unroundable double, and definition errors for wrong types.
 */
class IntegralExprTest
{
    private static final Schema S = Schema.builder()
        .int64("a").int32("b").float64("d").decimal("px", 2).timestamp("ts").symbol("sym", 12).build();

    @Test
    void shouldFloorDivideAndModLikeMathFloorDivAndFloorMod()
    {
        final Operator select = Operators.select(S, col("a").floorDiv(col("b")).as("q"), col("a").mod(col("b")).as("m"),
            col("ts").floorDiv(10_000).times(10_000).as("bucket"));
        assertEquals(Schema.builder().int64("q").int64("m").int64("bucket").build(), select.outputSchema());
        final OperatorHarness harness = new OperatorHarness(S, select);
        final long[][] cases = {{7, 3}, {-7, 3}, {7, -3}, {-7, -3}, {0, 5}, {Long.MIN_VALUE, 7}, {123 * 45, 123}};
        for (final long[] c : cases)
        {
            harness.push(0, c[0], (int)c[1], 0.0, "0", time(c[0]), "x");
        }
        for (int i = 0; i < cases.length; i++)
        {
            final long a = cases[i][0];
            final long b = cases[i][1];
            assertEquals(row(Math.floorDiv(a, b), Math.floorMod(a, b), Math.floorDiv(time(a), 10_000L) * 10_000),
                harness.rows().get(i), a + " op " + b);
        }
        assertEquals(row(-3L, 2L, -10_000L), harness.rows().get(1)); // not Java's -7 / 3 = -2, -7 % 3 = -1
    }

    /** A time for the bucket column that the bucket's multiplication cannot overflow. */
    private static long time(final long a)
    {
        return a == Long.MIN_VALUE ? -15_001 : a;
    }

    @Test
    void shouldFailTheRecordWithTheExpressionOnAZeroDivisorOrOverflow()
    {
        final OperatorHarness mod = new OperatorHarness(S, Operators.where(S, col("a").mod(col("b")).eq(0)));
        final ArithmeticException zero = assertThrows(ArithmeticException.class,
            () -> mod.push(0, 5L, 0, 0.0, "0", 0L, "x"));
        assertTrue(zero.getMessage().contains("Division by zero in (a mod b)"), zero.getMessage());

        final OperatorHarness div = new OperatorHarness(S, Operators.select(S, col("a").floorDiv(-1).as("q")));
        final ArithmeticException overflow = assertThrows(ArithmeticException.class,
            () -> div.push(0, Long.MIN_VALUE, 0, 0.0, "0", 0L, "x"));
        assertTrue(overflow.getMessage().contains("INT64 overflow in (a floorDiv -1)"), overflow.getMessage());
    }

    @Test
    void shouldRejectNonIntegralOperandsOfFloorDivAndModWhenDefined()
    {
        for (final Expr bad : new Expr[]{col("d").mod(2), col("px").floorDiv(2), col("a").mod(2.5), col("sym").mod(3)})
        {
            final SchemaException e = assertThrows(SchemaException.class, () -> Operators.where(S, bad.eq(0)));
            assertTrue(e.getMessage().contains("needs two integral operands") &&
                e.getMessage().contains(".round()"), e.getMessage());
        }
    }

    @Test
    void shouldRoundDoublesHalfAwayFromZeroLikeBigDecimalHalfUp()
    {
        final OperatorHarness harness = new OperatorHarness(S, Operators.select(S, col("d").round().as("r"),
            col("px").round().as("p"), col("a").round().as("same"), col("d").times(0.908).round().as("eur")));
        assertEquals(Schema.builder().int64("r").int64("p").int64("same").int64("eur").build(),
            Operators.select(S, col("d").round().as("r"), col("px").round().as("p"), col("a").round().as("same"),
                col("d").times(0.908).round().as("eur")).outputSchema());
        final Random random = new Random(7);
        final double[] doubles = new double[1000];
        for (int i = 0; i < doubles.length; i++)
        {
            doubles[i] = i < 10 ? new double[]{2.5, -2.5, 0.49999999999999994, -0.5, 0.0, 1e15 + 0.5, -1e18,
                4503599627370497.0, 0.5, 9.2e18}[i] : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(12));
            harness.push(0, 1L, 0, doubles[i], "-2.50", 0L, "x");
        }
        for (int i = 0; i < doubles.length; i++)
        {
            final long expected = new BigDecimal(doubles[i]).setScale(0, RoundingMode.HALF_UP).longValueExact();
            final long eur = new BigDecimal(doubles[i] * 0.908).setScale(0, RoundingMode.HALF_UP).longValueExact();
            assertEquals(row(expected, -3L, 1L, eur), harness.rows().get(i), "round(" + doubles[i] + ")");
        }
        assertEquals(3L, harness.rows().get(0).get(0));
        assertEquals(-3L, harness.rows().get(1).get(0));
        assertEquals(0L, harness.rows().get(2).get(0));
    }

    @Test
    void shouldFailToRoundNaNInfinityAndValuesOutsideInt64()
    {
        final OperatorHarness harness = new OperatorHarness(S, Operators.select(S, col("d").round().as("r")));
        harness.push(0, 0L, 0, -0x1p63, "0", 0L, "x");
        assertEquals(row(Long.MIN_VALUE), harness.rows().get(0));
        for (final double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, 0x1p63, -0x1p64})
        {
            final ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> harness.push(0, 0L, 0, bad, "0", 0L, "x"));
            assertTrue(e.getMessage().contains("Cannot round d.round()"), e.getMessage());
        }
        final SchemaException symbol = assertThrows(SchemaException.class,
            () -> Operators.select(S, col("sym").round().as("r")));
        assertTrue(symbol.getMessage().contains("needs a numeric operand"), symbol.getMessage());
    }

    @Test
    void shouldHashSymbolsByTheirCharactersWhateverTheColumnWidth()
    {
        final Schema narrow = Schema.builder().symbol("s", 3).build();
        final OperatorHarness wide = new OperatorHarness(S, Operators.select(S, col("sym").hash().as("h"),
            lit("IBM").as("named").hash().as("c"), col("sym").hash().mod(16).as("bucket")));
        final OperatorHarness small = new OperatorHarness(narrow, Operators.select(narrow, col("s").hash().as("h")));
        final String[] values = {"", "IBM", "ABCDEFGH", "ABCDEFGHIJ", "ABCDEFGHIJKL"};
        for (final String v : values)
        {
            wide.push(0, 0L, 0, 0.0, "0", 0L, v);
        }
        small.push(0, "IBM");
        for (int i = 0; i < values.length; i++)
        {
            final long h = io.rivulet.ringbuffer.RecordFlyweight.symbolHash(values[i]);
            assertEquals(row(h, io.rivulet.ringbuffer.RecordFlyweight.symbolHash("IBM"), Math.floorMod(h, 16L)),
                wide.rows().get(i), values[i]);
        }
        assertEquals(wide.rows().get(1).get(0), small.rows().get(0).get(0));
        assertEquals(values.length, wide.rows().stream().map(r -> r.get(0)).distinct().count());
        final SchemaException e = assertThrows(SchemaException.class, () -> Operators.select(S, col("a").hash().as("h")));
        assertTrue(e.getMessage().contains("hash() takes a SYMBOL column"), e.getMessage());
    }

    @Test
    void shouldNameTheNewOperatorsInToString()
    {
        assertEquals("((a floorDiv 10) mod 3)", col("a").floorDiv(10).mod(3).toString());
        assertEquals(List.of("d.round()", "sym.hash()"), List.of(col("d").round().toString(), col("sym").hash().toString()));
    }

    @Test
    void shouldTypeAComputedTimeAsTimestamp()
    {
        final Operator select = Operators.select(S, col("ts").floorDiv(1_000).times(1_000).toTimestamp().as("start"),
            col("ts").toTimestamp().as("same"));
        assertEquals(Schema.builder().timestamp("start").timestamp("same").build(), select.outputSchema());
        final OperatorHarness harness = new OperatorHarness(S, select);
        harness.push(0, 0L, 0, 0.0, "0", -1_500L, "x");
        assertEquals(row(-2_000L, -1_500L), harness.rows().get(0));
        final SchemaException e = assertThrows(SchemaException.class,
            () -> Operators.select(S, col("d").toTimestamp().as("t")));
        assertTrue(e.getMessage().contains("as a TIMESTAMP") && e.getMessage().contains(".round()"), e.getMessage());
    }
}
