package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JoinPipelineTest extends ThreadLeakCheck
{
    private static final Schema ORDERS = Schema.builder().symbol("sym", 4).int64("orderId").timestamp("ts").build();
    private static final Schema FILLS = Schema.builder().symbol("sym", 4).int64("fillId").timestamp("ts").build();

    @Test
    void shouldJoinTwoSourcesWithinIntervalLikeNestedLoops()
    {
        final Random random = new Random(7);
        final List<Object[]> orders = new ArrayList<>();
        final List<Object[]> fills = new ArrayList<>();
        final String[] syms = {"AA", "BB", "CC"};
        for (int i = 0; i < 3000; i++)
        {
            orders.add(new Object[]{syms[random.nextInt(3)], (long)i, 10_000L + i * 10L});
            fills.add(new Object[]{syms[random.nextInt(3)], (long)i, 10_000L + i * 10L + random.nextInt(40)});
        }
        final CollectingSink sink = Sinks.collecting();
        final RecordStream left = Pipeline.from(Sources.rows(ORDERS, orders)).withWatermark("ts", 0);
        final RecordStream right = Pipeline.from(Sources.rows(FILLS, fills)).withWatermark("ts", 100);
        final RecordStream joined = left.intervalJoin(right, new String[]{"sym"}, "ts", 0, 50);
        assertEquals(List.of("sym", "orderId", "ts", "right_sym", "fillId", "right_ts"),
            joined.schema().fields().stream().map(f -> f.name()).toList());
        try (Pipeline p = joined.to(sink).start())
        {
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            assertTrue(p.explain().contains("2 producers"), p.explain());
        }

        // the sources interleave nondeterministically, but each side is in order within its watermark delay,
        // so no record is late and the join must equal the nested-loop join
        final Set<List<Object>> expected = new HashSet<>();
        for (final Object[] o : orders)
        {
            for (final Object[] f : fills)
            {
                final long lts = (Long)o[2];
                final long rts = (Long)f[2];
                if (o[0].equals(f[0]) && lts <= rts && rts <= lts + 50)
                {
                    expected.add(List.of(o[0], o[1], o[2], f[0], f[1], f[2]));
                }
            }
        }
        assertTrue(expected.size() > 500);
        assertEquals(expected.size(), sink.rows().size());
        assertEquals(expected, new HashSet<>(sink.rows()));
    }

    @Test
    void shouldJoinOnKeyAndTimeColumnsNamedDifferentlyOnEachSide()
    {
        final Schema auctions = Schema.builder().int64("auctionId").int64("seller").timestamp("created").build();
        final Schema persons = Schema.builder().int64("id").symbol("name", 8).timestamp("ts").build();
        final CollectingSink sink = Sinks.collecting();
        final RecordStream left = Pipeline.from(Sources.rows(auctions,
                new Object[]{1L, 10L, 1_000L}, new Object[]{2L, 11L, 1_100L}, new Object[]{3L, 10L, 9_000L}))
            .withWatermark("created", 0);
        final RecordStream right = Pipeline.from(Sources.rows(persons,
                new Object[]{10L, "kate", 900L}, new Object[]{11L, "paul", 1_050L}, new Object[]{12L, "saul", 1_000L}))
            .withWatermark("ts", 0);
        final RecordStream joined =
            left.intervalJoin(right, new String[]{"seller"}, new String[]{"id"}, "created", "ts", -500, 0);
        try (Pipeline p = joined.to(sink).start())
        {
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            assertTrue(p.explain().contains("intervalJoin on [seller] = [id]"), p.explain());
        }
        // auction 3 (ts 9000) is 8.1 s after its seller: outside [-500, 0]
        assertEquals(Set.of(List.of(1L, 10L, 1_000L, 10L, "kate", 900L), List.of(2L, 11L, 1_100L, 11L, "paul", 1_050L)),
            new HashSet<>(sink.rows()));

        final SchemaException unpaired = assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(auctions))
            .withWatermark("created", 0).intervalJoin(Pipeline.from(Sources.rows(persons)).withWatermark("ts", 0),
                new String[]{"seller", "auctionId"}, new String[]{"id"}, "created", "ts", 0, 0));
        assertTrue(unpaired.getMessage().contains("[seller, auctionId]") &&
            unpaired.getMessage().contains("same length"), unpaired.getMessage());
    }

    @Test
    void shouldExplainAnIntervalJoinWithSignedBoundsAndEmptyInputChains()
    {
        // withSourceWatermarks adds no operator: both input chains are empty
        final PublisherSource orders = Sources.publisher(ORDERS);
        final PublisherSource fills = Sources.publisher(FILLS);
        final RecordStream left = Pipeline.from(orders).withSourceWatermarks();
        final RecordStream right = Pipeline.from(fills).withSourceWatermarks();
        try (Pipeline p = left.intervalJoin(right, new String[]{"sym"}, "ts", -100, 100).to(Sinks.discard()).start())
        {
            orders.endOfStream();
            fills.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            final String stage = p.explain().lines().filter(l -> l.contains("-stage-0: ")).findFirst().orElseThrow();
            assertEquals("[input 0: (no operators) | input 1: (no operators)] -> intervalJoin on [sym] = [sym] " +
                "where ts - 100 ms <= right_ts <= ts + 100 ms -> sink", stage.substring(stage.indexOf(": ") + 2),
                p.explain());
        }
    }

    @Test
    void shouldExplainAStageWithoutOperators()
    {
        try (Pipeline p = Pipeline.from(Sources.rows(ORDERS, List.<Object[]>of())).to(Sinks.discard()).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            final String stage = p.explain().lines().filter(l -> l.contains("-stage-0: ")).findFirst().orElseThrow();
            assertEquals("(no operators) -> sink", stage.substring(stage.indexOf(": ") + 2), p.explain());
        }
    }

    @Test
    void shouldDropDuplicatesWithinHorizon()
    {
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(Sources.rows(ORDERS,
                new Object[]{"AA", 1L, 1_000L},
                new Object[]{"AA", 1L, 1_100L},     // duplicate of (AA, 1)
                new Object[]{"AA", 2L, 1_200L},
                new Object[]{"BB", 1L, 1_300L},
                new Object[]{"CC", 1L, 8_000L},     // moves the watermark to 7999, past 1000 + 5000
                new Object[]{"AA", 1L, 9_000L}))    // (AA, 1) was forgotten: passes again
            .withWatermark("ts", 0)
            .dropDuplicates("ts", 5_000, "sym", "orderId")
            .to(sink).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(List.of("AA", 1L, 1_000L), List.of("AA", 2L, 1_200L), List.of("BB", 1L, 1_300L),
            List.of("CC", 1L, 8_000L), List.of("AA", 1L, 9_000L)), sink.rows());
    }

    @Test
    void shouldDropLateRowsBeforeDeduplicatingAndCountEverything()
    {
        final CollectingSink sink = Sinks.collecting();
        final CollectingSink late = Sinks.collecting();
        final Object[][] rows = {
            {"k1", 1L, 1_000L},
            {"k3", 2L, 500L},      // late (watermark 999): must neither pass nor suppress the next one
            {"k3", 3L, 1_100L},
            {"k3", 4L, 1_200L}};   // duplicate
        try (Pipeline p = Pipeline.from(Sources.rows(ORDERS, rows)).withWatermark("ts", 0)
            .dropDuplicates("ts", 1_000, "sym")
            .to(sink).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            final StageMetrics stage = p.metrics().stages().get(0);
            assertEquals(1, stage.lateRecordsDropped());
            assertEquals(0, stage.lateRecordsRouted());
            assertEquals(1, stage.duplicatesDropped());
            assertTrue(stage.toString().contains("lateDropped=1 duplicatesDropped=1"), stage.toString());
        }
        assertEquals(List.of(List.of("k1", 1L, 1_000L), List.of("k3", 3L, 1_100L)), sink.rows());

        final CollectingSink routedSink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(Sources.rows(ORDERS, rows)).withWatermark("ts", 0)
            .dropDuplicates("ts", 1_000, late, "sym")
            .to(routedSink).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            final StageMetrics stage = p.metrics().stages().get(0);
            assertEquals(0, stage.lateRecordsDropped());
            assertEquals(1, stage.lateRecordsRouted());
            assertEquals(1, stage.duplicatesDropped());
        }
        assertEquals(List.of(List.of("k1", 1L, 1_000L), List.of("k3", 3L, 1_100L)), routedSink.rows());
        assertEquals(List.of(List.of("k3", 2L, 500L)), late.rows());
    }

    @Test
    void shouldRejectWatermarkBoundedOperatorsWithoutWatermarkAsSparkDoes()
    {
        final IllegalStateException dedup = assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.rows(ORDERS)).dropDuplicates("ts", 1_000, "sym"));
        assertEquals("dropDuplicates needs a watermark upstream, else its state would grow without bound: " +
            "call withWatermark(\"ts\", delayMs) before dropDuplicates (or withSourceWatermarks() if the " +
            "source publishes them)", dedup.getMessage());

        final RecordStream left = Pipeline.from(Sources.rows(ORDERS)).withWatermark("ts", 0);
        final RecordStream right = Pipeline.from(Sources.rows(FILLS));
        final IllegalStateException join = assertThrows(IllegalStateException.class,
            () -> left.intervalJoin(right, new String[]{"sym"}, "ts", 0, 10));
        assertEquals("intervalJoin (right input) needs a watermark upstream, else its buffered records would " +
            "never expire: call withWatermark(\"ts\", delayMs) on the right input (or withSourceWatermarks() " +
            "if the source publishes them)", join.getMessage());

        // a join's output has event time only if both inputs have a watermark
        final RecordStream union = Pipeline.from(Sources.rows(ORDERS)).withWatermark("ts", 0)
            .join(Pipeline.from(Sources.rows(ORDERS)), (l, r) -> new PassThroughJoin(l));
        assertThrows(IllegalStateException.class, () -> union.dropDuplicates("ts", 1_000, "sym"));
        Pipeline.from(Sources.rows(ORDERS)).withWatermark("ts", 0)
            .join(Pipeline.from(Sources.rows(ORDERS)).withWatermark("ts", 0), (l, r) -> new PassThroughJoin(l))
            .dropDuplicates("ts", 1_000, "sym");

        // a publisher that publishes its own watermarks may say so; no other source can
        Pipeline.from(Sources.publisher(ORDERS)).withSourceWatermarks().dropDuplicates("ts", 1_000, "sym");
        final IllegalStateException rows = assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.rows(ORDERS)).withSourceWatermarks());
        assertTrue(rows.getMessage().startsWith("withSourceWatermarks(): only a PublisherSource or a feed " +
            "publishes watermarks"), rows.getMessage());
    }

    /** Forwards both inputs. */
    private static final class PassThroughJoin extends io.rivulet.operators.TwoInputOperator
    {
        private final Schema schema;

        PassThroughJoin(final Schema schema)
        {
            this.schema = schema;
        }

        @Override
        public Schema outputSchema()
        {
            return schema;
        }

        @Override
        public void onRecord(final int input, final io.rivulet.ringbuffer.RecordFlyweight record)
        {
            output().onRecord(record);
        }

        @Override
        public String describe()
        {
            return "union";
        }
    }

    @Test
    void shouldRejectJoinsThatCannotBeWired()
    {
        final RecordStream a = Pipeline.from(Sources.rows(ORDERS)).withWatermark("ts", 0).async();
        final RecordStream b = Pipeline.from(Sources.rows(FILLS));
        assertThrows(SchemaException.class, () -> a.intervalJoin(b, new String[]{"sym"}, "ts", 0, 10));
        final RecordStream c = Pipeline.from(Sources.rows(ORDERS));
        assertThrows(SchemaException.class, () -> c.intervalJoin(c, new String[]{"sym"}, "ts", 0, 10));
        final RecordStream d = Pipeline.from(Sources.rows(ORDERS)).withWatermark("ts", 0);
        final RecordStream e = Pipeline.from(Sources.rows(FILLS)).withWatermark("ts", 0);
        assertThrows(SchemaException.class, () -> d.intervalJoin(e, new String[]{"sym"}, "ts", 10, 0));
        assertThrows(SchemaException.class, () -> d.intervalJoin(e, new String[]{"nope"}, "ts", 0, 10));
    }
}
