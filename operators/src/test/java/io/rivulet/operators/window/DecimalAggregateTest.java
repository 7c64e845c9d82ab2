package io.rivulet.operators.window;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decimal aggregates against a BigDecimal reference: sum/min/max/first/last/avg keep the column's scale (avg rounded
 * half up, never overflowing on values the column holds), and an overflowing sum fails with the aggregate's name. Also the public output
 * column names.
 */
class DecimalAggregateTest
{
    private static final Schema FILLS = Schema.builder().symbol("sym", 4).timestamp("ts").decimal("px", 4).build();
    private static final SymbolField SYM = FILLS.symbolField("sym");
    private static final LongField TS = FILLS.longField("ts");
    private static final DecimalField PX = FILLS.decimalField("px");

    private final RecordFlyweight record =
        new RecordFlyweight(FILLS).wrap(new UnsafeBuffer(new byte[FILLS.recordLengthBytes()]), 0);

    private Operator aggregate(final CollectingOutput out, final Aggregate... aggregates)
    {
        final Operator op = WindowOperators.aggregate(FILLS, WindowSpec.tumbling("ts", 1_000), new String[]{"sym"},
            aggregates, OutputMode.APPEND, 0, null);
        op.open(out);
        return op;
    }

    @Test
    void shouldMatchBigDecimalReferenceWithDocumentedScales()
    {
        final CollectingOutput out = new CollectingOutput();
        final Operator op = aggregate(out, Aggregate.sum("px"), Aggregate.min("px"), Aggregate.max("px"),
            Aggregate.avg("px"), Aggregate.first("px"), Aggregate.last("px"), Aggregate.count());

        assertEquals(Schema.builder().timestamp("window_start").timestamp("window_end").symbol("sym", 4)
            .decimal("sum_px", 4).decimal("min_px", 4).decimal("max_px", 4).decimal("avg_px", 4)
            .decimal("first_px", 4).decimal("last_px", 4).int64("count").build(), op.outputSchema());

        final Random random = new Random(5);
        final TreeMap<String, List<BigDecimal>> reference = new TreeMap<>();
        final String[] syms = {"A", "B", "C"};
        for (int i = 0; i < 3_000; i++)
        {
            final String sym = syms[random.nextInt(syms.length)];
            final BigDecimal px = BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, 4);
            record.setSymbol(SYM, sym).setLong(TS, 500).setDecimal(PX, px);
            op.onRecord(record);
            reference.computeIfAbsent(sym, k -> new ArrayList<>()).add(px);
        }
        op.onEndOfStream();

        final List<List<Object>> expected = new ArrayList<>();
        reference.forEach((sym, values) ->
        {
            final BigDecimal sum = values.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            expected.add(List.of(0L, 1_000L, sym, sum, values.stream().min(BigDecimal::compareTo).get(),
                values.stream().max(BigDecimal::compareTo).get(),
                sum.divide(BigDecimal.valueOf(values.size()), 4, RoundingMode.HALF_UP),
                values.get(0), values.get(values.size() - 1), (long)values.size()));
        });
        final List<List<Object>> actual = new ArrayList<>(out.rows);
        actual.sort((a, b) -> ((String)a.get(2)).compareTo((String)b.get(2)));
        assertEquals(expected, actual);
    }

    @Test
    void shouldRoundAvgHalfAwayFromZeroAtTheColumnsScale()
    {
        final CollectingOutput out = new CollectingOutput();
        final Operator op = aggregate(out, Aggregate.avg("px"));
        assertEquals(4, op.outputSchema().decimalField("avg_px").scale());
        // A: -1, -1, 0 (scale 4 mantissas): mean -0.666.. -> -0.0001; B: -1, 0: -0.5 -> -0.0001 (away from zero);
        // C: 1, 0: 0.5 -> 0.0001; D: 1, 0, 0: 0.333.. -> 0
        final String[][] rows = {{"A", "-0.0001"}, {"A", "-0.0001"}, {"A", "0"}, {"B", "-0.0001"}, {"B", "0"},
            {"C", "0.0001"}, {"C", "0"}, {"D", "0.0001"}, {"D", "0"}, {"D", "0"}};
        for (final String[] row : rows)
        {
            record.setSymbol(SYM, row[0]).setLong(TS, 1).setDecimal(PX, row[1]);
            op.onRecord(record);
        }
        op.onEndOfStream();
        final List<List<Object>> actual = new ArrayList<>(out.rows);
        actual.sort((a, b) -> ((String)a.get(2)).compareTo((String)b.get(2)));
        assertEquals(List.of(
            List.of(0L, 1_000L, "A", new BigDecimal("-0.0001")),
            List.of(0L, 1_000L, "B", new BigDecimal("-0.0001")),
            List.of(0L, 1_000L, "C", new BigDecimal("0.0001")),
            List.of(0L, 1_000L, "D", new BigDecimal("0.0000"))), actual);
    }

    @Test
    void shouldAverageLargeValuesTheColumnHolds()
    {
        // the user's report: 1e11 at scale 4 did not fit a DECIMAL(8) average (max ~9.2e10)
        final CollectingOutput out = new CollectingOutput();
        final Operator op = aggregate(out, Aggregate.avg("px"), Aggregate.sum("px"));
        record.setSymbol(SYM, "A").setLong(TS, 1).setDecimal(PX, "100000000000.0000");
        op.onRecord(record);
        op.onRecord(record);
        op.onEndOfStream();
        assertEquals(List.of(List.of(0L, 1_000L, "A", new BigDecimal("100000000000.0000"),
            new BigDecimal("200000000000.0000"))), out.rows);
    }

    @Test
    void shouldAverageTheExtremeMantissasExactlyWhereA64BitSumWouldOverflow()
    {
        final CollectingOutput out = new CollectingOutput();
        final Operator op = aggregate(out, Aggregate.avg("px"));
        final TreeMap<String, List<Long>> groups = new TreeMap<>();
        groups.put("MAX", List.of(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1));
        groups.put("MIN", List.of(Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        groups.put("MIX", List.of(Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE));
        groups.put("NEG", List.of(Long.MIN_VALUE, Long.MIN_VALUE, -1L));
        final List<List<Object>> expected = new ArrayList<>();
        groups.forEach((sym, mantissas) ->
        {
            BigDecimal sum = BigDecimal.ZERO;
            for (final long m : mantissas)
            {
                op.onRecord(record.setSymbol(SYM, sym).setLong(TS, 1).setMantissa(PX, m));
                sum = sum.add(BigDecimal.valueOf(m, 4));
            }
            expected.add(List.of(0L, 1_000L, sym, sum.divide(BigDecimal.valueOf(mantissas.size()), 4,
                RoundingMode.HALF_UP)));
        });
        op.onEndOfStream();
        final List<List<Object>> actual = new ArrayList<>(out.rows);
        actual.sort((a, b) -> ((String)a.get(2)).compareTo((String)b.get(2)));
        assertEquals(expected, actual);
        assertEquals(BigDecimal.valueOf(Long.MAX_VALUE, 4), actual.get(0).get(3), "MAX - 1/3 rounds to MAX");
        assertEquals(BigDecimal.valueOf(Long.MIN_VALUE, 4), actual.get(1).get(3), "MIN + 1/3 rounds to MIN");
    }

    @Test
    void shouldFailAnOverflowingSumNamingTheAggregate()
    {
        final CollectingOutput out = new CollectingOutput();
        final Operator op = aggregate(out, Aggregate.sum("px").as("total"));
        record.setSymbol(SYM, "A").setLong(TS, 1).setMantissa(PX, Long.MAX_VALUE - 1);
        op.onRecord(record);
        record.setMantissa(PX, 2);

        // an aggregate failing mid-update leaves the window's state partly updated: never skippable (error policy)
        final io.rivulet.operators.OperatorStateException state =
            assertThrows(io.rivulet.operators.OperatorStateException.class, () -> op.onRecord(record));
        final ArithmeticException e = assertInstanceOf(ArithmeticException.class, state.getCause());
        assertEquals("DECIMAL(4) overflow in sum(px) (column 'total'): the sum exceeds +/-922337203685477.5807, " +
            "the 64-bit range of DECIMAL(4); sum fewer rows per group (smaller windows or more keys), or sum a " +
            "converted copy: withColumn(\"px_d\", col(\"px\").toDouble()) (FLOAT64, inexact) or " +
            "col(\"px\").toDecimal(n) with n < 4", e.getMessage());
    }

    @Test
    void shouldNameTheLimitAndTheWayOutOfAnOverflowingIntegralSum()
    {
        final Schema counts = Schema.builder().symbol("sym", 4).timestamp("ts").int64("qty").build();
        final Operator op = WindowOperators.aggregate(counts, WindowSpec.tumbling("ts", 1_000), new String[]{"sym"},
            new Aggregate[]{Aggregate.sum("qty")}, OutputMode.APPEND, 0, null);
        op.open(new CollectingOutput());
        final RecordFlyweight r =
            new RecordFlyweight(counts).wrap(new UnsafeBuffer(new byte[counts.recordLengthBytes()]), 0);
        op.onRecord(r.setSymbol(counts.symbolField("sym"), "A").setLong(counts.longField("ts"), 1)
            .setLong(counts.longField("qty"), Long.MAX_VALUE));

        final io.rivulet.operators.OperatorStateException state =
            assertThrows(io.rivulet.operators.OperatorStateException.class, () -> op.onRecord(r));
        final ArithmeticException e = assertInstanceOf(ArithmeticException.class, state.getCause());
        assertEquals("INT64 overflow in sum(qty) (column 'sum_qty'): the sum exceeds +/-9223372036854775807, the " +
            "64-bit range of INT64; sum fewer rows per group (smaller windows or more keys), or sum a converted " +
            "copy: withColumn(\"qty_d\", col(\"qty\").toDouble()) (FLOAT64, inexact)", e.getMessage());
        op.close();
    }

    @Test
    void shouldExposeOutputColumnNames()
    {
        assertEquals("count", Aggregate.count().columnName());
        assertEquals("sum_px", Aggregate.sum("px").columnName());
        assertEquals("avg_qty", Aggregate.avg("qty").columnName());
        assertEquals("total", Aggregate.sum("px").as("total").columnName());

        final Operator op = aggregate(new CollectingOutput(), Aggregate.count(), Aggregate.max("px"));
        final Schema output = op.outputSchema();
        assertTrue(output.hasField(Aggregate.WINDOW_START));
        assertTrue(output.hasField(Aggregate.WINDOW_END));
        assertEquals(0, output.longField(Aggregate.WINDOW_START).index());
        assertEquals(1, output.longField(Aggregate.WINDOW_END).index());
        output.longField(Aggregate.count().columnName());
        assertEquals(4, output.decimalField(Aggregate.max("px").columnName()).scale());
    }
}
