package io.rivulet.engine;

import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.rivulet.operators.window.Aggregate.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** windowJoin and topPerWindow through real pipelines: results against nested loops, definition errors. */
class WindowJoinAndTopPipelineTest extends ThreadLeakCheck
{
    private static final Schema PERSONS = Schema.builder().int64("id").symbol("name", 8).timestamp("ts").build();
    private static final Schema AUCTIONS = Schema.builder().int64("auction").int64("seller").timestamp("ts").build();

    private static List<List<Object>> run(final RecordStream stream)
    {
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = stream.to(sink).start())
        {
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
        }
        return sink.rows();
    }

    @Test
    void shouldJoinPairsOfEqualKeysInTheSameTumblingWindowLikeNestedLoops()
    {
        final Random random = new Random(3);
        final List<Object[]> persons = new ArrayList<>();
        final List<Object[]> auctions = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            persons.add(new Object[]{(long)random.nextInt(50), "p" + i, i * 25L});
            auctions.add(new Object[]{(long)i, (long)random.nextInt(50), i * 25L + random.nextInt(30)});
        }
        final RecordStream joined = Pipeline.from(Sources.rows(PERSONS, persons)).withWatermark("ts", 0)
            .windowJoin(Pipeline.from(Sources.rows(AUCTIONS, auctions)).withWatermark("ts", 30),
                WindowSpec.tumbling("ts", 1_000), new String[]{"id"}, new String[]{"seller"});
        assertEquals(List.of("window_start", "window_end", "id", "name", "ts", "auction", "seller", "right_ts"),
            joined.schema().fields().stream().map(f -> f.name()).toList());
        assertEquals(FieldType.TIMESTAMP, joined.schema().field("window_end").type());
        final List<List<Object>> rows = run(joined);

        final Set<List<Object>> expected = new HashSet<>();
        for (final Object[] p : persons)
        {
            for (final Object[] a : auctions)
            {
                final long window = Math.floorDiv((Long)p[2], 1_000L) * 1_000;
                if (p[0].equals(a[1]) && window == Math.floorDiv((Long)a[2], 1_000L) * 1_000)
                {
                    expected.add(List.of(window, window + 1_000, p[0], p[1], p[2], a[0], a[1], a[2]));
                }
            }
        }
        assertTrue(expected.size() > 100, "pairs: " + expected.size());
        assertEquals(expected.size(), rows.size(), "each pair once");
        assertEquals(expected, new HashSet<>(rows));
    }

    @Test
    void shouldJoinARightStreamWhoseTimeColumnHasAnotherName()
    {
        final Schema auctionsByDateTime = Schema.builder().int64("auction").int64("seller").timestamp("dateTime")
            .build();
        final Random random = new Random(5);
        final List<Object[]> persons = new ArrayList<>();
        final List<Object[]> auctions = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            persons.add(new Object[]{(long)random.nextInt(50), "p" + i, i * 25L});
            auctions.add(new Object[]{(long)i, (long)random.nextInt(50), i * 25L + random.nextInt(30)});
        }
        final List<List<Object>> sameName = run(Pipeline.from(Sources.rows(PERSONS, persons)).withWatermark("ts", 0)
            .windowJoin(Pipeline.from(Sources.rows(AUCTIONS, auctions)).withWatermark("ts", 30),
                WindowSpec.tumbling("ts", 1_000), new String[]{"id"}, new String[]{"seller"}));
        final RecordStream joined = Pipeline.from(Sources.rows(PERSONS, persons)).withWatermark("ts", 0)
            .windowJoin(Pipeline.from(Sources.rows(auctionsByDateTime, auctions)).withWatermark("dateTime", 30),
                WindowSpec.tumbling("ts", 1_000), new String[]{"id"}, new String[]{"seller"}, "dateTime");
        assertEquals(List.of("window_start", "window_end", "id", "name", "ts", "auction", "seller", "dateTime"),
            joined.schema().fields().stream().map(f -> f.name()).toList());
        final List<List<Object>> rows = run(joined);
        assertTrue(rows.size() > 100, "pairs: " + rows.size());
        assertEquals(new HashSet<>(sameName), new HashSet<>(rows), "the same pairs as with one column name");
        assertEquals(sameName.size(), rows.size());

        final String notTime = assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(PERSONS))
            .withWatermark("ts", 0).windowJoin(Pipeline.from(Sources.rows(auctionsByDateTime))
                .withWatermark("dateTime", 0), WindowSpec.tumbling("ts", 10), new String[]{"id"},
                new String[]{"seller"}, "seller")).getMessage();
        assertTrue(notTime.contains("right input's 'seller'") && notTime.contains("TIMESTAMP"), notTime);
        final String missing = assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(PERSONS))
            .withWatermark("ts", 0).windowJoin(Pipeline.from(Sources.rows(auctionsByDateTime))
                .withWatermark("dateTime", 0), WindowSpec.tumbling("ts", 10), new String[]{"id"},
                new String[]{"seller"})).getMessage();
        assertTrue(missing.contains("ts"), missing);
    }

    @Test
    void shouldRejectWindowJoinMistakesNamingTheFix()
    {
        final String sliding = assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(PERSONS))
            .withWatermark("ts", 0).windowJoin(Pipeline.from(Sources.rows(AUCTIONS)).withWatermark("ts", 0),
                WindowSpec.sliding("ts", 10, 5), new String[]{"id"}, new String[]{"seller"})).getMessage();
        assertTrue(sliding.contains("supports tumbling windows") && sliding.contains("intervalJoin"), sliding);
        final String keys = assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(PERSONS))
            .withWatermark("ts", 0).windowJoin(Pipeline.from(Sources.rows(AUCTIONS)).withWatermark("ts", 0),
                WindowSpec.tumbling("ts", 10), new String[]{"id"}, new String[0])).getMessage();
        assertTrue(keys.contains("same length"), keys);
        final String watermark = assertThrows(IllegalStateException.class, () -> Pipeline.from(Sources.rows(PERSONS))
            .withWatermark("ts", 0).windowJoin(Pipeline.from(Sources.rows(AUCTIONS)),
                WindowSpec.tumbling("ts", 10), new String[]{"id"}, new String[]{"seller"})).getMessage();
        assertTrue(watermark.contains("windowJoin (right input) needs a watermark"), watermark);
    }

    @Test
    void shouldKeepTheTopRowsOfEachWindowWithTies()
    {
        final Schema bids = Schema.builder().int64("auction").int64("price").timestamp("ts").build();
        final List<List<Object>> rows = run(Pipeline.from(Sources.rows(bids,
                new Object[]{1L, 10L, 0L}, new Object[]{2L, 30L, 100L}, new Object[]{3L, 30L, 900L},
                new Object[]{4L, 5L, 1_000L}, new Object[]{5L, 7L, 1_500L}))
            .withWatermark("ts", 0)
            .topPerWindow(WindowSpec.tumbling("ts", 1_000), 1, "price"));
        assertEquals(List.of(List.of(0L, 1_000L, 2L, 30L, 100L), List.of(0L, 1_000L, 3L, 30L, 900L),
            List.of(1_000L, 2_000L, 5L, 7L, 1_500L)), rows);

        // the auctions with the most bids per window, from a window aggregate's rows
        final List<List<Object>> hot = run(Pipeline.from(Sources.rows(bids,
                new Object[]{1L, 1L, 0L}, new Object[]{1L, 1L, 10L}, new Object[]{2L, 1L, 20L},
                new Object[]{2L, 1L, 30L}, new Object[]{3L, 1L, 40L}, new Object[]{3L, 1L, 1_200L}))
            .withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "auction").agg(count().as("num"))
            .topPerWindow(1, "num"));
        assertEquals(Set.of(List.of(0L, 1_000L, 1L, 2L), List.of(0L, 1_000L, 2L, 2L), List.of(1_000L, 2_000L, 3L, 1L)),
            new HashSet<>(hot));
        assertEquals(3, hot.size());
    }

    @Test
    void shouldRejectTopPerWindowMistakesNamingTheFix()
    {
        final String noWatermark = assertThrows(IllegalStateException.class, () -> Pipeline.from(
            Sources.rows(AUCTIONS)).topPerWindow(WindowSpec.tumbling("ts", 10), 1, "auction")).getMessage();
        assertTrue(noWatermark.contains("topPerWindow(tumbling(ts, 10 ms), 1, auction) needs a watermark"),
            noWatermark);
        final String notAggregate = assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(AUCTIONS))
            .withWatermark("ts", 0).topPerWindow(1, "auction")).getMessage();
        assertTrue(notAggregate.contains("window_start"), notAggregate);
        assertThrows(SchemaException.class, () -> Pipeline.from(Sources.rows(AUCTIONS)).withWatermark("ts", 0)
            .topPerWindow(null, 1, "auction"));
        // an UPDATE aggregate's rows are superseded by later ones: ranking them gave a stale winner that depended
        // on the trigger; a filter in between changes nothing
        for (final OutputMode mode : new OutputMode[] {OutputMode.UPDATE, OutputMode.COMPLETE})
        {
            final String updating = assertThrows(IllegalStateException.class, () -> Pipeline.from(
                    Sources.rows(AUCTIONS)).withWatermark("ts", 0)
                .groupBy(WindowSpec.tumbling("ts", 100), "auction").outputMode(mode).agg(count().as("num"))
                .filter(r -> true).topPerWindow(1, "num")).getMessage();
            assertTrue(updating.contains("the aggregate before it is in " + mode + " mode") &&
                updating.contains("use outputMode(APPEND)"), updating);
        }
    }
}
