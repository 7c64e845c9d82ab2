package io.rivulet.readme;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PublisherSource;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Embedding it" example, as written there, against the public API only. */
class ReadmeEmbeddingExampleTest
{
    @Test
    @Timeout(30)
    void shouldRunTheReadmeEmbeddingExample()
    {
        final List<Double> notionalsSeen = new ArrayList<>();
        // --- as in the README ---
        Schema trades = Schema.builder()
            .int64("id").symbol("sym", 8).float64("px").int32("qty").timestamp("ts").build();
        LongField ID = trades.longField("id");
        SymbolField SYM = trades.symbolField("sym");
        DoubleField PX = trades.doubleField("px");
        IntField QTY = trades.intField("qty");
        LongField TS = trades.longField("ts");

        PublisherSource source = Sources.publisher(trades);
        RecordStream notionals = Pipeline.from(source)
            .where(col("qty").gt(100))
            .select(col("sym"), col("px").times(col("qty")).as("notional"), col("ts"));
        DoubleField NOTIONAL = notionals.schema().doubleField("notional");
        try (Pipeline pipeline = notionals
                .filter(r -> r.getDouble(NOTIONAL) > 1e6)
                .to(record -> notionalsSeen.add(record.getDouble(NOTIONAL)))
                .waitMode(WaitMode.YIELDING)
                .start())
        {
            RecordFlyweight r = source.claim();
            try {
                r.setLong(ID, 1).setSymbol(SYM, "AAPL").setDouble(PX, 101.5).setInt(QTY, 20_000)
                 .setLong(TS, System.currentTimeMillis());
                source.commit();
            } catch (IllegalArgumentException ex) {
                source.abort();
            }
            // --- end of the README's lines; what follows checks them ---
            r = source.claim();
            try {
                r.setLong(ID, 2).setSymbol(SYM, "TOO_LONG_SYMBOL");
                source.commit();
            } catch (IllegalArgumentException ex) {
                source.abort();
            }
            source.endOfStream();
            assertTrue(pipeline.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(List.of(101.5 * 20_000), notionalsSeen);
        }
    }
}
