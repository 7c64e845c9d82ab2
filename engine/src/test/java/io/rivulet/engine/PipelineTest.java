package io.rivulet.engine;

import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineTest extends ThreadLeakCheck
{
    static final Schema TRADES = Schema.builder()
        .int64("id").symbol("sym", 8).float64("px").int32("qty").timestamp("ts").bool("buy").build();

    private final List<Pipeline> pipelines = new ArrayList<>();

    @AfterEach
    void closePipelines()
    {
        pipelines.forEach(Pipeline::close);
    }

    private Pipeline track(final Pipeline p)
    {
        pipelines.add(p);
        return p;
    }

    private static Object[] trade(final long id, final String sym, final double px, final int qty)
    {
        return new Object[]{id, sym, px, qty, 1_000L + id, id % 2 == 0};
    }

    @Test
    void shouldBuildSameResultWithTypedAndColumnApi()
    {
        final List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            rows.add(trade(i, i % 3 == 0 ? "AAPL" : "MSFT", 100.0 + i, i % 250));
        }
        final Schema out = Schema.builder().symbol("sym", 8).float64("notional").build();

        final CollectingSink declarative = Sinks.collecting();
        track(Pipeline.from(Sources.rows(TRADES, rows))
            .where(col("qty").gt(100).and(col("sym").eq("AAPL")))
            .select(col("sym"), col("px").times(col("qty")).as("notional"))
            .to(declarative).start()).awaitCompletion(10, TimeUnit.SECONDS);

        final IntField qty = TRADES.intField("qty");
        final SymbolField sym = TRADES.symbolField("sym");
        final DoubleField px = TRADES.doubleField("px");
        final SymbolField outSym = out.symbolField("sym");
        final DoubleField notional = out.doubleField("notional");
        final CollectingSink typed = Sinks.collecting();
        track(Pipeline.from(Sources.rows(TRADES, rows))
            .filter(r -> r.getInt(qty) > 100 && r.symbolEquals(sym, "AAPL"))
            .map(out, (in, o) ->
            {
                o.setSymbol(outSym, in.getSymbol(sym));
                o.setDouble(notional, in.getDouble(px) * in.getInt(qty));
            })
            .to(typed).start()).awaitCompletion(10, TimeUnit.SECONDS);

        final List<List<Object>> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            if (i % 250 > 100 && i % 3 == 0)
            {
                expected.add(List.of("AAPL", (100.0 + i) * (i % 250)));
            }
        }
        assertFalse(expected.isEmpty());
        assertEquals(expected, declarative.rows());
        assertEquals(expected, typed.rows());
        assertTrue(declarative.ended());
    }

    @Test
    void shouldCarryRecordsAcrossAsyncBoundaryInOrder()
    {
        final LongField id = TRADES.longField("id");
        final CollectingSink sink = Sinks.collecting();
        final Pipeline p = track(Pipeline.from(Sources.generator(TRADES, 0, 200_000, (i, r) -> r.setLong(id, i)))
            .filter(r -> r.getLong(id) % 2 == 0)
            .async()
            .select(col("id"))
            .async()
            .to(sink).ringCapacity(64).waitMode(WaitMode.YIELDING).start());
        assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
        final List<List<Object>> rows = sink.rows();
        assertEquals(100_000, rows.size());
        for (int i = 0; i < rows.size(); i++)
        {
            assertEquals(2L * i, rows.get(i).get(0));
        }
        final PipelineMetrics m = p.metrics();
        assertEquals(3, m.stages().size());
        assertEquals(200_000, m.stages().get(0).recordsIn());
        assertEquals(100_000, m.stages().get(0).recordsOut());
        assertEquals(100_000, m.sinkRecords());
        assertEquals(100_000, m.latencyNs().getTotalCount());
    }

    @Test
    void shouldSurfaceOperatorFailureWithCause()
    {
        final LongField id = TRADES.longField("id");
        final Pipeline p = track(Pipeline.from(Sources.generator(TRADES, 0, Long.MAX_VALUE, (i, r) -> r.setLong(id, i)))
            .filter(r ->
            {
                if (r.getLong(id) == 5000)
                {
                    throw new IllegalStateException("boom at 5000");
                }
                return true;
            })
            .to(Sinks.discard()).start());
        final PipelineFailedException ex =
            assertThrows(PipelineFailedException.class, () -> p.awaitCompletion(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, ex.getCause());
        assertEquals("boom at 5000", ex.getCause().getMessage());
    }

    @Test
    void shouldRejectBadDefinitionsAtBuildTime()
    {
        assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(TRADES)).where(col("qyt").gt(1)));
        assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(TRADES)).where(col("sym").gt(1)));
        assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(TRADES)).where(col("qty").plus(1)));
        assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(TRADES)).select(col("px").times(2)));
        assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(TRADES)).select(col("id")).where(col("px").gt(1)));
        assertThrows(SchemaException.class,
            () -> Sources.rows(TRADES, new Object[]{1L, "AAPL", 1.0, "ten", 1L, true}));
        assertThrows(SchemaException.class,
            () -> Sources.rows(TRADES, new Object[]{1L, "AAPL", 1.0}));
        assertThrows(SchemaException.class,
            () -> Sources.rows(TRADES, new Object[]{1L, "TOOLONGSYMBOL", 1.0, 1, 1L, true}));
        final Schema other = Schema.builder().int64("x").build();
        assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.rows(TRADES)).select(col("id")).to(Sinks.callback(other, r -> { })));
    }
}
