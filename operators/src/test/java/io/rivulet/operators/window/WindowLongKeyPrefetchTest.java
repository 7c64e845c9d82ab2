package io.rivulet.operators.window;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A window grouped by one 8-byte column takes the table's {@code long} path, and a stage may hint records ahead
 * ({@code prefetch}): neither may change a single row. Compared with the same input grouped by that column plus
 * a constant column (the general byte-key path), with no hints, in every mode.
 */
class WindowLongKeyPrefetchTest
{
    private static final Schema EVENTS = Schema.builder()
        .int64("key").int32("zero").timestamp("ts").int64("v").build();
    private static final LongField KEY = EVENTS.longField("key");
    private static final IntField ZERO = EVENTS.intField("zero");
    private static final LongField TS = EVENTS.longField("ts");
    private static final LongField V = EVENTS.longField("v");

    static Stream<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final OutputMode mode : OutputMode.values())
        {
            cases.add(Arguments.of("tumbling", WindowSpec.tumbling("ts", 1000), mode));
            cases.add(Arguments.of("sliding", WindowSpec.sliding("ts", 1000, 250), mode));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void shouldEmitTheSameRowsWithLongKeysAndHints(final String name, final WindowSpec window, final OutputMode mode)
    {
        final Random random = new Random(7 + name.hashCode() + mode.ordinal());
        // complete mode emits the whole table at every watermark: a smaller input keeps that output small
        final boolean complete = mode == OutputMode.COMPLETE;
        final int keys = complete ? 50 : 2000;
        final long[][] events = new long[complete ? 2_000 : 30_000][];
        for (int i = 0; i < events.length; i++)
        {
            // keys spread over the whole long range, extremes included; enough of them that tables grow
            final long key = random.nextInt(50) == 0 ? (random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) :
                (random.nextInt(keys) - keys / 2) * 0x9E3779B97F4A7C15L;
            long ts = 1_000_000 + i * 2L - random.nextInt(300);
            if (random.nextInt(100) == 0)
            {
                ts -= 5_000; // late
            }
            events[i] = new long[]{key, ts, random.nextInt(100)};
        }

        final List<List<Object>> hinted = run(events, window, mode, new String[]{"key"}, true);
        final List<List<Object>> longPath = run(events, window, mode, new String[]{"key"}, false);
        final List<List<Object>> bytePath = run(events, window, mode, new String[]{"key", "zero"}, false);
        assertTrue(longPath.size() > 500, "rows: " + longPath.size());
        assertEquals(longPath, hinted, "hints change nothing, not even the order");

        final List<List<Object>> expected = new ArrayList<>();
        for (final List<Object> row : bytePath)
        {
            final List<Object> withoutConstant = new ArrayList<>(row);
            withoutConstant.remove(3); // start, end, key, zero, aggregates...
            expected.add(withoutConstant);
        }
        if (mode == OutputMode.UPDATE)
        {
            assertEquals(expected, longPath); // a row per record, in input order
        }
        else
        {
            // rows leave in table order, which follows the key's hash: the two key layouts hash differently
            assertEquals(sorted(expected), sorted(longPath));
        }
    }

    private static List<List<Object>> sorted(final List<List<Object>> rows)
    {
        final List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(Object::toString));
        return copy;
    }

    private static List<List<Object>> run(final long[][] events, final WindowSpec window, final OutputMode mode,
        final String[] keys, final boolean hint)
    {
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", 300);
        final Operator filter = Operators.filter(EVENTS, r -> r.getLong(V) != 13); // hints pass filters unfiltered
        final Operator aggregate = WindowOperators.aggregate(EVENTS, window, keys,
            new Aggregate[]{Aggregate.count(), Aggregate.sum("v")}, mode, 0, null);
        final CollectingOutput out = new CollectingOutput();
        aggregate.open(out);
        filter.open(aggregate);
        watermark.open(filter);
        assertTrue(watermark.prefetches(), "a watermark and a filter before a window pass hints on");
        final RecordFlyweight record = newRecord();
        final RecordFlyweight ahead = newRecord();
        for (int i = 0; i < events.length; i++)
        {
            if (hint)
            {
                for (int j = i; j < Math.min(events.length, i + 8); j++) // as a stage does: the next few records
                {
                    fill(ahead, events[j]);
                    watermark.prefetch(ahead);
                }
            }
            fill(record, events[i]);
            watermark.onRecord(record);
        }
        watermark.onEndOfStream();
        aggregate.close();
        return out.rows;
    }

    private static RecordFlyweight newRecord()
    {
        return new RecordFlyweight(EVENTS).wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
    }

    private static void fill(final RecordFlyweight record, final long[] event)
    {
        record.setLong(KEY, event[0]).setInt(ZERO, 0).setLong(TS, event[1]).setLong(V, event[2]);
    }
}
