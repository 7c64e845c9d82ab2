package io.rivulet.operators;

import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.agrona.concurrent.UnsafeBuffer;
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
 * DECIMAL in column expressions: exact arithmetic with documented result scales, comparisons with BigDecimal and
 * String literals, explicit mixing with doubles, overflow as a named ArithmeticException.
 */
class DecimalExprTest
{
    private static final Schema ORDERS = Schema.builder()
        .decimal("px", 4).decimal("fx", 6).int32("qty").float64("dbl").int64("big").symbol("sym", 4).build();

    @Test
    void shouldProjectArithmeticWithDocumentedScales()
    {
        final Operator select = Operators.select(ORDERS,
            col("px").plus(col("fx")).as("sum"),
            col("px").minus(1).as("less"),
            col("px").times(col("qty")).as("notional"),
            col("px").times(col("fx")).as("converted"),
            col("px").times(col("fx")).toDecimal(4).as("rounded"),
            col("px").times(new BigDecimal("0.5")).as("half"),
            col("px").toDouble().times(col("dbl")).as("mixed"),
            col("qty").toDecimal(2).as("qty2"));

        assertEquals(Schema.builder().decimal("sum", 6).decimal("less", 4).decimal("notional", 4)
            .decimal("converted", 10).decimal("rounded", 4).decimal("half", 5).float64("mixed").decimal("qty2", 2)
            .build(), select.outputSchema());

        final OperatorHarness harness = new OperatorHarness(ORDERS, select)
            .push(1, "101.2500", "1.084321", 200, 2.0, 0L, "A")
            .push(2, "-0.0050", "0.000001", -3, 0.5, 0L, "B");

        assertEquals(List.of(
            row(bd("102.334321"), bd("100.2500"), bd("20250.0000"), bd("109.7875012500"), bd("109.7875"),
                bd("50.62500"), 202.5, bd("200.00")),
            row(bd("-0.004999"), bd("-1.0050"), bd("0.0150"), bd("-0.0000000050"), bd("0.0000"),
                bd("-0.00250"), -0.0025, bd("-3.00"))), harness.rows());
    }

    @Test
    void shouldRoundHalfAwayFromZeroWhenTheScaleShrinks()
    {
        final Operator select = Operators.select(ORDERS, col("px").toDecimal(2).as("p2"));
        final OperatorHarness harness = new OperatorHarness(ORDERS, select);
        final String[] inputs = {"1.0050", "1.0049", "-1.0050", "-1.0049", "0.0000", "-0.0051"};
        for (final String in : inputs)
        {
            harness.push(0, in, "0", 0, 0.0, 0L, "");
        }
        for (int i = 0; i < inputs.length; i++)
        {
            assertEquals(bd(inputs[i]).setScale(2, RoundingMode.HALF_UP), harness.rows().get(i).get(0), inputs[i]);
        }
    }

    @Test
    void shouldMatchBigDecimalOnRandomArithmetic()
    {
        final Operator select = Operators.select(ORDERS,
            col("px").plus(col("fx")).as("a"), col("px").minus(col("fx")).as("b"), col("px").times(col("fx")).as("c"),
            col("px").times(col("qty")).as("d"));
        final OperatorHarness harness = new OperatorHarness(ORDERS, select);
        final Random random = new Random(11);
        final List<BigDecimal[]> inputs = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++)
        {
            final BigDecimal px = BigDecimal.valueOf(random.nextInt(2_000_000_000) - 1_000_000_000L, 4);
            final BigDecimal fx = BigDecimal.valueOf(random.nextInt(), 6);
            final int qty = random.nextInt(20_001) - 10_000;
            inputs.add(new BigDecimal[]{px, fx, BigDecimal.valueOf(qty)});
            harness.push(0, px, fx, qty, 0.0, 0L, "");
        }
        for (int i = 0; i < inputs.size(); i++)
        {
            final BigDecimal px = inputs.get(i)[0];
            final BigDecimal fx = inputs.get(i)[1];
            final BigDecimal qty = inputs.get(i)[2];
            assertEquals(row(px.add(fx).setScale(6), px.subtract(fx).setScale(6), px.multiply(fx),
                px.multiply(qty).setScale(4)), harness.rows().get(i));
        }
    }

    @Test
    void shouldCompareWithBigDecimalStringAndIntegralLiteralsAcrossScales()
    {
        final Operator where = Operators.where(ORDERS,
            col("px").gt(new BigDecimal("101.5")).and(col("px").le("102")).and(col("px").ne(102))
                .and(col("fx").lt(col("px"))));
        final OperatorHarness harness = new OperatorHarness(ORDERS, where);
        for (final String px : new String[]{"101.5000", "101.5001", "101.7500", "102.0000", "102.0001", "101.9999"})
        {
            harness.push(0, px, "1.5", 0, 0.0, 0L, "");
        }
        assertEquals(List.of(bd("101.5001"), bd("101.7500"), bd("101.9999")),
            harness.rows().stream().map(r -> r.get(0)).toList());
    }

    @Test
    void shouldCompareExactlyWhereRescalingWouldOverflow()
    {
        final Schema s = Schema.builder().decimal("a", 0).decimal("b", 18).build();
        final Operator where = Operators.where(s, col("a").gt(col("b")));
        final OperatorHarness harness = new OperatorHarness(s, where)
            .push(0, String.valueOf(Long.MAX_VALUE), "9.223372036854775807")  // a * 10^18 overflows: a is larger
            .push(0, String.valueOf(-Long.MAX_VALUE), "-9.223372036854775807")
            .push(0, "9", "9.000000000000000001")
            .push(0, "9", "8.999999999999999999");
        assertEquals(List.of(row(bd(String.valueOf(Long.MAX_VALUE)), bd("9.223372036854775807")),
            row(bd("9"), bd("8.999999999999999999"))), harness.rows());
    }

    @Test
    void shouldFailTheRecordWithANamedArithmeticExceptionOnOverflow()
    {
        final Operator select = Operators.select(ORDERS, col("px").times(col("big")).as("x"));
        final OperatorHarness harness = new OperatorHarness(ORDERS, select);

        final ArithmeticException e = assertThrows(ArithmeticException.class,
            () -> harness.push(0, "900000000000.0000", "0", 0, 0.0, 1_000_000L, ""));
        assertEquals("DECIMAL(4) overflow in (px * big): the result does not fit 64 bits at scale 4 " +
            "(rescale with .toDecimal(n))", e.getMessage());
    }

    @Test
    void shouldFailIntegralOverflowInsteadOfWrapping()
    {
        final Operator select = Operators.select(ORDERS, col("big").plus(1).as("next"), col("big").div(0).as("inf"),
            col("big").div(-1).as("neg"));
        final OperatorHarness harness = new OperatorHarness(ORDERS, select)
            .push(0, "0", "0", 0, 0.0, Long.MIN_VALUE, "");
        // div is FLOAT64 (IEEE): Long.MIN_VALUE / 0 is -Infinity, Long.MIN_VALUE / -1 is 2^63
        assertEquals(List.of(row(Long.MIN_VALUE + 1, Double.NEGATIVE_INFINITY, 9.223372036854775808E18)),
            harness.rows());

        final ArithmeticException e = assertThrows(ArithmeticException.class,
            () -> harness.push(0, "0", "0", 0, 0.0, Long.MAX_VALUE, ""));
        assertEquals("INT64 overflow in (big + 1): the result does not fit 64 bits", e.getMessage());
    }

    @Test
    void shouldRejectImplicitMixingWithDoublesAndInexactOperations()
    {
        assertEquals("Cannot apply > to px (DECIMAL(4)) and 101.5 (DOUBLE) in (px > 101.5): mixing DECIMAL and " +
            "FLOAT64 must be explicit; use a decimal literal (new BigDecimal(\"101.5\") or \"101.5\") or convert " +
            "the decimal with .toDouble()",
            assertThrows(SchemaException.class, () -> Operators.where(ORDERS, col("px").gt(101.5))).getMessage());
        assertThrows(SchemaException.class, () -> Operators.select(ORDERS, col("px").plus(col("dbl")).as("x")));
        assertTrue(assertThrows(SchemaException.class,
            () -> Operators.select(ORDERS, col("px").div(2).as("x"))).getMessage().contains(".toDouble()"));
        assertTrue(assertThrows(SchemaException.class,
            () -> Operators.select(ORDERS, col("fx").times(col("fx")).times(col("fx")).times(col("px")).as("x")))
            .getMessage().contains("would have scale 22, more than 18"));
        assertEquals("'abc' is not a decimal number, in (px > 'abc'); write it like \"101.5\" or " +
            "new BigDecimal(\"101.5\")",
            assertThrows(SchemaException.class, () -> Operators.where(ORDERS, col("px").gt("abc"))).getMessage());
        assertThrows(SchemaException.class, () -> Operators.where(ORDERS, col("px").eq(col("sym"))));
        assertThrows(SchemaException.class, () -> Operators.select(ORDERS, col("dbl").toDecimal(2).as("x")));
        assertThrows(SchemaException.class, () -> col("px").toDecimal(19));
        assertThrows(SchemaException.class, () -> lit(new BigDecimal("1e-19")));
        assertThrows(SchemaException.class, () -> lit(new BigDecimal("1e30")));
    }

    @Test
    void shouldNotAllocateWhenEvaluatingDecimalExpressions()
    {
        final Operator select = Operators.select(ORDERS, col("px").times(col("qty")).plus("0.5").as("x"));
        final Operator where = Operators.where(select.outputSchema(), col("x").gt(new BigDecimal("10")));
        select.open(where);
        final long[] seen = new long[1];
        final DecimalField x = select.outputSchema().decimalField("x");
        where.open(new CountingOutput(r -> seen[0] += r.getMantissa(x)));
        final RecordFlyweight in = new RecordFlyweight(ORDERS).wrap(new UnsafeBuffer(new byte[64]), 0);
        in.setDecimal(ORDERS.decimalField("px"), "1.25").setInt(ORDERS.intField("qty"), 10);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 100_000; i++)
        {
            select.onRecord(in);
        }
        // 1M records against a fixed 10 KB: one-off allocations (a late JIT compile on a loaded machine measured
        // 4 KB once) pass, anything per record (>= 8 B each) fails by far
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++)
        {
            select.onRecord(in);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes");
        assertEquals(1_100_000L * 130_000, seen[0]);
        assertEquals(FieldType.DECIMAL, x.type());
    }

    private static BigDecimal bd(final String s)
    {
        return new BigDecimal(s);
    }

    /** Calls back for each record, nothing else. */
    private static final class CountingOutput implements Output
    {
        private final java.util.function.Consumer<RecordFlyweight> onRecord;

        CountingOutput(final java.util.function.Consumer<RecordFlyweight> onRecord)
        {
            this.onRecord = onRecord;
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            onRecord.accept(record);
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
    }
}
