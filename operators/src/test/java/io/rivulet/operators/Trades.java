package io.rivulet.operators;

import io.rivulet.ringbuffer.Schema;

import java.util.List;

/**
 * The input schema and data set the operator tests share.
 */
final class Trades
{
    /** Two symbol columns of different lengths, so symbol-vs-symbol comparison crosses lengths. */
    static final Schema SCHEMA = Schema.builder()
        .int64("id")
        .symbol("sym", 8)
        .float64("px")
        .int32("qty")
        .timestamp("ts")
        .bool("buy")
        .symbol("alt", 4)
        .build();

    /** id, sym, px, qty, ts, buy, alt. */
    static final List<Object[]> ROWS = List.of(
        new Object[]{1L, "AAPL", 100.0, 50, 1_000L, true, "AAPL"},
        new Object[]{2L, "AAPL", 101.5, 150, 2_000L, false, "MSFT"},
        new Object[]{3L, "MSFT", 99.5, 100, 3_000L, true, "MSFT"},
        new Object[]{4L, "MSFTX", 250.0, 101, 4_000L, false, "MSFT"},
        new Object[]{5L, "ABCDEFGH", 0.0, -5, 5_000L, true, ""},
        new Object[]{6L, "", 100.0, 0, 6_000L, false, ""},
        new Object[]{7L, "MSF", 10.0, 1000, 7_000L, true, "MSFT"});

    private Trades()
    {
    }

    /** Pushes every row of {@link #ROWS}, with ingest time {@code 100 * id}. */
    static OperatorHarness pushAll(final OperatorHarness harness)
    {
        for (final Object[] row : ROWS)
        {
            harness.push(100L * (Long)row[0], row);
        }
        return harness;
    }
}
