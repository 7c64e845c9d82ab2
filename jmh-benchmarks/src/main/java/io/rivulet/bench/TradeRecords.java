package io.rivulet.bench;

import io.rivulet.operators.Expr;
import io.rivulet.operators.RecordPredicate;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

import static io.rivulet.operators.Expr.col;

/**
 * The trade schema and the 3-operator chain shared by the benchmarks, so JMH and the latency rig measure the
 * same work: where(qty > 0) -> select(id, sym, px, qty, notional = px * qty, sched) -> filter(notional > 0).
 * Every record passes, so every record is measured.
 */
final class TradeRecords
{
    static final Schema TRADES = Schema.builder()
        .int64("id").symbol("sym", 8).float64("px").int32("qty").int64("sched").build();

    private static final LongField ID = TRADES.longField("id");
    private static final SymbolField SYM = TRADES.symbolField("sym");
    private static final DoubleField PX = TRADES.doubleField("px");
    private static final IntField QTY = TRADES.intField("qty");
    private static final LongField SCHED = TRADES.longField("sched");

    static final Expr WHERE = col("qty").gt(0);
    static final Expr[] SELECT = {
        col("id"), col("sym"), col("px"), col("qty"), col("px").times(col("qty")).as("notional"), col("sched")};

    private TradeRecords()
    {
    }

    static RecordPredicate positiveNotional(final Schema selected)
    {
        final DoubleField notional = selected.doubleField("notional");
        return r -> r.getDouble(notional) > 0;
    }

    static void fill(final RecordFlyweight r, final long id, final long scheduledNs)
    {
        r.setLong(ID, id);
        r.setSymbol(SYM, (id & 1) == 0 ? "AAPL" : "MSFT");
        r.setDouble(PX, 100.0 + (id & 63));
        r.setInt(QTY, 1 + (int)(id & 255));
        r.setLong(SCHED, scheduledNs);
    }
}
