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
 * Decimal aggregates against a BigDecimal reference: sum/min/max/first/last keep the column's scale, avg has four
 * more digits (rounded half up), and an overflowing sum fails with the aggregate's name. Also the public output
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
            .decimal("sum_px", 4).decimal("min_px", 4).decimal("max_px", 4).decimal("avg_px", 8)
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
                sum.divide(BigDecimal.valueOf(values.size()), 8, RoundingMode.HALF_UP),
                values.get(0), values.get(values.size() - 1), (long)values.size()));
        });
        final List<List<Object>> actual = new ArrayList<>(out.rows);
        actual.sort((a, b) -> ((String)a.get(2)).compareTo((String)b.get(2)));
        assertEquals(expected, actual);
    }

    @Test
    void shouldRoundAvgHalfAwayFromZeroAndCapItsScaleAt18()
    {
        final Schema fine = Schema.builder().symbol("sym", 4).timestamp("ts").decimal("px", 16).build();
        final Operator op = WindowOperators.aggregate(fine, WindowSpec.tumbling("ts", 1_000), new String[]{"sym"},
            new Aggregate[]{Aggregate.avg("px")}, OutputMode.APPEND, 0, null);
        assertEquals(18, op.outputSchema().decimalField("avg_px").scale());

        final CollectingOutput out = new CollectingOutput();
        final Operator coarse = aggregate(out, Aggregate.avg("px"));
        // -1, -1, 0 (scale 4 mantissas): mean -0.66666..., at scale 8 -0.00006667
        for (final String px : new String[]{"-0.0001", "-0.0001", "0"})
        {
            record.setSymbol(SYM, "A").setLong(TS, 1).setDecimal(PX, px);
            coarse.onRecord(record);
        }
        coarse.onEndOfStream();
        assertEquals(List.of(List.of(0L, 1_000L, "A", new BigDecimal("-0.00006667"))), out.rows);
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
        assertEquals("DECIMAL(4) overflow in sum(px) (column 'total'): the result does not fit 64 bits",
            e.getMessage());
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
