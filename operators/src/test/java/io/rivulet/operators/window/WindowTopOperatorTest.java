package io.rivulet.operators.window;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Top-n per window (RANK <= n, ties kept): assigned and given windows, firing, lateness, checks, snapshot. */
class WindowTopOperatorTest
{
    private static final Schema BIDS = Schema.builder().int64("id").int64("price").timestamp("ts").build();
    private static final Schema ROWS = Schema.builder().timestamp("window_start").timestamp("window_end")
        .int64("auction").int64("num").build();

    private final CollectingOutput out = new CollectingOutput();

    private static RecordFlyweight record(final Schema schema)
    {
        return new RecordFlyweight(schema).wrap(new UnsafeBuffer(new byte[schema.recordLengthBytes()]), 0);
    }

    private Operator top(final Schema input, final WindowSpec window, final int n, final String column)
    {
        final Operator op = WindowOperators.top(input, window, n, column);
        op.open(out);
        return op;
    }

    @Test
    void shouldKeepEveryRowTiedForTheTopPricePerTumblingWindowAndEmitItWhenTheWatermarkCloses()
    {
        final Operator op = top(BIDS, WindowSpec.tumbling("ts", 10), 1, "price");
        assertEquals(List.of("window_start", "window_end", "id", "price", "ts"),
            op.outputSchema().fields().stream().map(f -> f.name()).toList());
        final RecordFlyweight r = record(BIDS);
        final long[][] bids = {{1, 5, 0}, {2, 7, 3}, {3, 7, 4}, {4, 2, 9}, {5, 1, 10}, {6, 9, 12}};
        for (final long[] b : bids)
        {
            op.onRecord(r.setLong(BIDS.longField("id"), b[0]).setLong(BIDS.longField("price"), b[1])
                .setLong(BIDS.longField("ts"), b[2]));
        }
        assertEquals(0, out.rows.size());
        op.onWatermark(8);
        assertEquals(0, out.rows.size(), "[0, 10) closes at watermark 9");
        op.onWatermark(9);
        assertEquals(List.of(List.of(0L, 10L, 2L, 7L, 3L), List.of(0L, 10L, 3L, 7L, 4L)), out.rows);
        assertEquals(List.of(8L, 9L), out.watermarks);
        op.onRecord(r.setLong(BIDS.longField("id"), 7).setLong(BIDS.longField("price"), 100).setLong(
            BIDS.longField("ts"), 5));
        assertEquals(1, op.lateRecordsDropped(), "its window already closed");
        op.onEndOfStream();
        assertEquals(List.of(10L, 20L, 6L, 9L, 12L), out.rows.get(2));
        assertEquals(3, out.rows.size());
        assertTrue(out.ended);
    }

    @Test
    void shouldMatchRankWithTiesOverSlidingWindowsOnRandomData()
    {
        for (final int n : new int[]{1, 2, 3})
        {
            out.rows.clear();
            final WindowSpec window = WindowSpec.sliding("ts", 40, 10);
            final Operator op = top(BIDS, window, n, "price");
            final RecordFlyweight r = record(BIDS);
            final Random random = new Random(n);
            final List<long[]> bids = new ArrayList<>();
            for (int i = 0; i < 3000; i++)
            {
                final long[] b = {i, random.nextInt(20), i / 7};
                bids.add(b);
                op.onRecord(r.setLong(BIDS.longField("id"), b[0]).setLong(BIDS.longField("price"), b[1])
                    .setLong(BIDS.longField("ts"), b[2]));
                if (i % 50 == 0)
                {
                    op.onWatermark(b[2] - 1);
                }
            }
            op.onEndOfStream();
            // reference: per window, keep rows with fewer than n strictly larger prices in the window
            final TreeMap<Long, List<long[]>> windows = new TreeMap<>();
            for (final long[] b : bids)
            {
                for (long start = Math.floorDiv(b[2], 10) * 10; start > b[2] - 40; start -= 10)
                {
                    windows.computeIfAbsent(start, k -> new ArrayList<>()).add(b);
                }
            }
            final List<List<Object>> expected = new ArrayList<>();
            windows.forEach((start, rows) ->
            {
                for (final long[] b : rows)
                {
                    final long above = rows.stream().filter(o -> o[1] > b[1]).count();
                    if (above < n)
                    {
                        expected.add(List.of(start, start + 40, b[0], b[1], b[2]));
                    }
                }
            });
            final Comparator<List<Object>> order = Comparator.<List<Object>>comparingLong(l -> (Long)l.get(1))
                .thenComparingLong(l -> (Long)l.get(2));
            expected.sort(order);
            final List<List<Object>> actual = new ArrayList<>(out.rows);
            actual.sort(order);
            assertEquals(expected, actual, "n = " + n);
            assertEquals(0, op.lateRecordsDropped());
        }
    }

    @Test
    void shouldRankTheRowsOfAWindowAggregateByTheirWindowColumns()
    {
        final Operator op = top(ROWS, null, 1, "num");
        assertEquals(ROWS, op.outputSchema());
        final RecordFlyweight r = record(ROWS);
        final long[][] rows = {{0, 10, 1, 3}, {0, 10, 2, 5}, {0, 10, 3, 5}, {5, 15, 1, 4}, {5, 15, 2, 1}};
        for (final long[] row : rows)
        {
            op.onRecord(r.setLong(ROWS.longField("window_start"), row[0]).setLong(ROWS.longField("window_end"), row[1])
                .setLong(ROWS.longField("auction"), row[2]).setLong(ROWS.longField("num"), row[3]));
        }
        op.onWatermark(9);
        assertEquals(List.of(List.of(0L, 10L, 2L, 5L), List.of(0L, 10L, 3L, 5L)), out.rows);
        op.onWatermark(14);
        assertEquals(List.of(5L, 15L, 1L, 4L), out.rows.get(2));
    }

    @Test
    void shouldRankDoublesInDoubleCompareOrder()
    {
        final Schema s = Schema.builder().float64("x").timestamp("ts").build();
        final Operator op = top(s, WindowSpec.tumbling("ts", 100), 2, "x");
        final RecordFlyweight r = record(s);
        final DoubleField x = s.doubleField("x");
        final LongField ts = s.longField("ts");
        for (final double v : new double[]{-1.5, -0.0, 0.0, -7, 3.25, Double.NEGATIVE_INFINITY})
        {
            op.onRecord(r.setDouble(x, v).setLong(ts, 1));
        }
        op.onEndOfStream();
        assertEquals(List.of(List.of(0L, 100L, 0.0, 1L), List.of(0L, 100L, 3.25, 1L)), out.rows);
    }

    @Test
    void shouldRejectMistakesWithTheFix()
    {
        assertTrue(assertThrows(SchemaException.class, () -> WindowOperators.top(BIDS, WindowSpec.tumbling("ts", 10), 0,
            "price")).getMessage().contains(">= 1; got 0"));
        assertTrue(assertThrows(SchemaException.class, () -> WindowOperators.top(BIDS, WindowSpec.session("ts", 10), 1,
            "price")).getMessage().contains("session windows are not supported"));
        assertTrue(assertThrows(SchemaException.class, () -> WindowOperators.top(
            Schema.builder().symbol("s", 4).timestamp("ts").build(), WindowSpec.tumbling("ts", 10), 1, "s"))
            .getMessage().contains("rank by an INT32, INT64, TIMESTAMP, DECIMAL or FLOAT64 column"));
        final String noWindows = assertThrows(SchemaException.class, () -> WindowOperators.top(BIDS, null, 1, "price"))
            .getMessage();
        assertTrue(noWindows.contains("window_start") && noWindows.contains("topPerWindow(WindowSpec.tumbling"),
            noWindows);
        assertTrue(assertThrows(SchemaException.class, () -> WindowOperators.top(ROWS, WindowSpec.tumbling(
            "window_end", 10), 1, "num")).getMessage().contains("which the input already has"));
    }

    @Test
    void shouldRestoreFromItsSnapshotAndEmitTheSameRows()
    {
        final Operator first = top(BIDS, WindowSpec.tumbling("ts", 10), 2, "price");
        final RecordFlyweight r = record(BIDS);
        for (long i = 0; i < 25; i++)
        {
            first.onRecord(r.setLong(BIDS.longField("id"), i).setLong(BIDS.longField("price"), i % 4)
                .setLong(BIDS.longField("ts"), i));
        }
        first.onWatermark(9);
        assertTrue(first.isStateful());
        final SnapshotWriter snapshot = new SnapshotWriter(64);
        first.snapshotState(snapshot);
        first.onEndOfStream();
        final List<List<Object>> expected = new ArrayList<>(out.rows);

        assertEquals(7, expected.size(), "2 threes of [0, 10) at watermark 9, then 3 threes of [10, 20) and " +
            "the 3 and the 2 of [20, 25) at end of stream");
        out.rows.clear();
        final Operator second = top(BIDS, WindowSpec.tumbling("ts", 10), 2, "price");
        second.restoreState(snapshot.toReader());
        second.onEndOfStream();
        assertEquals(expected.subList(2, 7), out.rows);
    }
}
