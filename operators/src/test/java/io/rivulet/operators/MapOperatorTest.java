package io.rivulet.operators;

import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rivulet.operators.OperatorHarness.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * {@link Operators#map} and {@link Operators#flatMap} through the typed API.
 */
class MapOperatorTest
{
    private static final LongField ID = Trades.SCHEMA.longField("id");
    private static final SymbolField SYM = Trades.SCHEMA.symbolField("sym");
    private static final DoubleField PX = Trades.SCHEMA.doubleField("px");
    private static final IntField QTY = Trades.SCHEMA.intField("qty");
    private static final LongField TS = Trades.SCHEMA.longField("ts");

    private static final Schema MAPPED = Schema.builder()
        .int64("key").symbol("ticker", 8).float64("notional").timestamp("eventTime").build();
    private static final LongField KEY = MAPPED.longField("key");
    private static final SymbolField TICKER = MAPPED.symbolField("ticker");
    private static final DoubleField NOTIONAL = MAPPED.doubleField("notional");
    private static final LongField EVENT_TIME = MAPPED.longField("eventTime");

    private static final Schema EXPANDED = Schema.builder().int64("id").int32("part").build();
    private static final LongField OUT_ID = EXPANDED.longField("id");
    private static final IntField PART = EXPANDED.intField("part");

    @Test
    void shouldMapEveryRecordAndCarryIngestTime()
    {
        final Operator map = Operators.map(Trades.SCHEMA, MAPPED, (in, out) -> out
            .setLong(KEY, in.getLong(ID) * 10)
            .setSymbol(TICKER, in.getSymbol(SYM))
            .setDouble(NOTIONAL, in.getDouble(PX) * in.getInt(QTY))
            .setLong(EVENT_TIME, in.getLong(TS) + 1));
        final OperatorHarness harness = new OperatorHarness(Trades.SCHEMA, map)
            .push(111, Trades.ROWS.get(0))
            .push(222, Trades.ROWS.get(4))
            .push(333, Trades.ROWS.get(5));

        assertSame(MAPPED, map.outputSchema());
        assertEquals(List.of(
            row(10L, "AAPL", 5_000.0, 1_001L),
            row(50L, "ABCDEFGH", -0.0, 5_001L),
            row(60L, "", 0.0, 6_001L)), harness.rows());
        assertEquals(List.of(111L, 222L, 333L), harness.ingestTimes());
    }

    @Test
    void shouldStartEveryMapFromAZeroedRecord()
    {
        final Operator map = Operators.map(Trades.SCHEMA, MAPPED, (in, out) ->
        {
            if (in.getLong(ID) == 1)
            {
                out.setLong(KEY, 1).setSymbol(TICKER, "FIRST").setDouble(NOTIONAL, 1.5).setLong(EVENT_TIME, 9);
            }
        });
        final OperatorHarness harness = new OperatorHarness(Trades.SCHEMA, map)
            .push(1, Trades.ROWS.get(0))
            .push(2, Trades.ROWS.get(1));

        assertEquals(List.of(row(1L, "FIRST", 1.5, 9L), row(0L, "", 0.0, 0L)), harness.rows());
    }

    @Test
    void shouldEmitZeroOneOrManyRecordsPerInputWithItsIngestTime()
    {
        // emits qty records per input: 0, 1 and 3
        final Operator flatMap = Operators.flatMap(Trades.SCHEMA, EXPANDED, (in, out) ->
        {
            for (int part = 0; part < in.getInt(QTY); part++)
            {
                out.record().setLong(OUT_ID, in.getLong(ID)).setInt(PART, part);
                out.emit();
            }
        });
        final OperatorHarness harness = new OperatorHarness(Trades.SCHEMA, flatMap)
            .push(10, 1L, "A", 1.0, 0, 1L, true, "V")
            .push(20, 2L, "B", 1.0, 1, 2L, true, "V")
            .push(30, 3L, "C", 1.0, 3, 3L, true, "V")
            .push(40, 4L, "D", 1.0, 0, 4L, true, "V");

        assertSame(EXPANDED, flatMap.outputSchema());
        assertEquals(List.of(row(2L, 0), row(3L, 0), row(3L, 1), row(3L, 2)), harness.rows());
        assertEquals(List.of(20L, 30L, 30L, 30L), harness.ingestTimes());
    }

    @Test
    void shouldDescribeMapAndFlatMapByOutputSchema()
    {
        assertEquals("map -> " + MAPPED, Operators.map(Trades.SCHEMA, MAPPED, (in, out) -> { }).describe());
        assertEquals("flatMap -> " + EXPANDED,
            Operators.flatMap(Trades.SCHEMA, EXPANDED, (in, out) -> { }).describe());
    }
}
