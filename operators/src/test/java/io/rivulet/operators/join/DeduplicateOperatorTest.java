package io.rivulet.operators.join;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.SymbolField;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deduplication within the watermark: compared with a plain-collections reference on randomized out-of-order
 * input with duplicates and late records, plus the expiry boundary, state bound and definition errors.
 */
class DeduplicateOperatorTest
{
    private static final Schema EVENTS = Schema.builder()
        .symbol("sym", 4).int32("k").timestamp("ts").int64("v").build();
    private static final SymbolField SYM = EVENTS.symbolField("sym");
    private static final IntField K = EVENTS.intField("k");
    private static final LongField TS = EVENTS.longField("ts");
    private static final LongField V = EVENTS.longField("v");
    private static final long DELAY_MS = 300;
    private static final String[] SYMS = {"AA", "BB", "CC", "DDDD"};

    private final RecordFlyweight record = new RecordFlyweight(EVENTS)
        .wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
    private final CollectingOutput out = new CollectingOutput();
    private DeduplicateOperator dedup;

    private record Event(String sym, int k, long ts, long v)
    {
        List<Object> row()
        {
            return List.of(sym, k, ts, v);
        }

        List<Object> key(final boolean withSym)
        {
            return withSym ? List.of(sym, k) : List.of(k);
        }
    }

    @AfterEach
    void close()
    {
        if (dedup != null)
        {
            dedup.close();
        }
    }

    static Stream<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final long horizonMs : new long[]{0, 500, 5_000})
        {
            cases.add(Arguments.of(horizonMs, true));
            cases.add(Arguments.of(horizonMs, false));
        }
        return cases.stream();
    }

    /**
     * 50k events 2 ms apart, up to {@link #DELAY_MS} out of order; 20% re-send a recent event's key a little
     * later (duplicates), 1% are far behind the watermark.
     */
    private static List<Event> randomEvents(final long seed, final int keys)
    {
        final Random random = new Random(seed);
        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < 50_000; i++)
        {
            final long ts = 1_000_000 + i * 2L - random.nextInt((int)DELAY_MS);
            final int pick = random.nextInt(100);
            if (pick < 20 && events.size() > 200)
            {
                final Event recent = events.get(events.size() - 1 - random.nextInt(200));
                events.add(new Event(recent.sym, recent.k, recent.ts + random.nextInt(600), i));
            }
            else if (pick == 20)
            {
                events.add(new Event(SYMS[random.nextInt(SYMS.length)], random.nextInt(keys),
                    ts - 3_000 - random.nextInt(3_000), i));
            }
            else
            {
                events.add(new Event(SYMS[random.nextInt(SYMS.length)], random.nextInt(keys), ts, i));
            }
        }
        return events;
    }

    @ParameterizedTest(name = "horizon={0} ms, keys (sym, k)={1}")
    @MethodSource("cases")
    void shouldMatchReferenceDeduplication(final long horizonMs, final boolean keyWithSym)
    {
        final List<Event> events = randomEvents(7 + horizonMs * 31 + (keyWithSym ? 1 : 0), 1_000);
        final String[] keyColumns = keyWithSym ? new String[]{"sym", "k"} : new String[]{"k"};
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", DELAY_MS);
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", horizonMs, keyColumns);
        dedup.open(out);
        watermark.open(dedup);

        // reference: key -> expiry of its first passed record; watermark as withWatermark computes it
        final Map<List<Object>, Long> expiryByKey = new HashMap<>();
        final Set<List<Object>> passedBefore = new HashSet<>();
        final List<List<Object>> expected = new ArrayList<>();
        long watermarkMs = Long.MIN_VALUE;
        long maxTs = Long.MIN_VALUE;
        int duplicates = 0;
        int late = 0;
        int passedAgainAfterExpiry = 0;
        int maxLiveKeys = 0;
        int maxStateSize = 0;
        for (final Event e : events)
        {
            final List<Object> key = e.key(keyWithSym);
            final Long expiry = expiryByKey.get(key);
            if (e.ts <= watermarkMs)
            {
                late++; // behind the watermark: out before the state is looked at (Spark)
            }
            else if (expiry != null && expiry > watermarkMs)
            {
                duplicates++;
            }
            else
            {
                if (!passedBefore.add(key))
                {
                    passedAgainAfterExpiry++;
                }
                expiryByKey.put(key, e.ts + horizonMs);
                expected.add(e.row());
            }
            maxTs = Math.max(maxTs, e.ts);
            watermarkMs = Math.max(watermarkMs, maxTs - DELAY_MS - 1);
            final long wm = watermarkMs;
            expiryByKey.values().removeIf(x -> x <= wm);
            maxLiveKeys = Math.max(maxLiveKeys, expiryByKey.size());

            push(watermark, e);
            maxStateSize = Math.max(maxStateSize, dedup.stateSize());
        }
        watermark.onEndOfStream();

        assertTrue(out.ended);
        assertEquals(expected, out.rows);
        assertEquals(duplicates, dedup.duplicatesDropped());
        assertEquals(late, dedup.lateRecordsDropped());
        assertEquals(events.size(), out.rows.size() + dedup.duplicatesDropped() + dedup.lateRecordsDropped());
        assertTrue(late > 300, "the input must contain late records: " + late);
        assertTrue(duplicates > 500, "the input must contain duplicates: " + duplicates);
        assertTrue(passedAgainAfterExpiry > 100, "keys must come back after expiry: " + passedAgainAfterExpiry);
        // expired keys linger until a sweep pays for itself (capacity/8 = 256 new keys at the initial capacity)
        // and the watermark passes the earliest expiry, not beyond
        assertTrue(maxStateSize <= maxLiveKeys + 512,
            "state " + maxStateSize + " vs at most " + maxLiveKeys + " live keys");
    }

    @Test
    void shouldBoundStateByWatermarkWhenEveryKeyIsNew()
    {
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", DELAY_MS);
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", 1_000, "k");
        dedup.open(out);
        watermark.open(dedup);
        final Random random = new Random(3);
        final int n = 200_000;
        int maxStateSize = 0;
        for (int i = 0; i < n; i++)
        {
            push(watermark, new Event("AA", i, 1_000_000 + i - random.nextInt((int)DELAY_MS), i));
            maxStateSize = Math.max(maxStateSize, dedup.stateSize());
        }
        assertEquals(n, out.rows.size());
        // 1 key per ms, remembered for horizon + out-of-orderness ~ 1.3 s: ~1300 live keys, plus unswept ones
        assertTrue(maxStateSize < 4_000, "state must follow the watermark, peaked at " + maxStateSize);
        assertTrue(dedup.stateMemoryBytes() < 1 << 20, "table grew to " + dedup.stateMemoryBytes() + " bytes");
    }

    @Test
    void shouldSweepExpiredKeysInBoundedStepsNotOneWholeTablePass()
    {
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", 10, "k");
        dedup.open(out);
        final int keys = 200_000;
        for (int k = 0; k < keys; k++)
        {
            push(dedup, new Event("AA", k, 1_000, k)); // all expire at watermark 1010
        }
        dedup.onWatermark(2_000);
        // one watermark sweeps one step of the table, not all of it (that was one O(capacity) pause)
        assertTrue(dedup.stateSize() > keys / 2, "one step removed " + (keys - dedup.stateSize()));
        assertTrue(dedup.stateSize() < keys, "the sweep started");
        int watermarks = 1;
        while (dedup.stateSize() > 0)
        {
            dedup.onWatermark(2_000 + watermarks++);
            assertTrue(watermarks < 1_000, "the sweep does not progress");
        }
        assertTrue(watermarks > 5, "watermarks: " + watermarks);
        push(dedup, new Event("AA", 7, 3_000, 1)); // forgotten: passes again
        assertEquals(keys + 1, out.rows.size());
    }

    @Test
    void shouldForgetKeyOnceWatermarkReachesFirstEventTimePlusHorizon()
    {
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", 500, "sym", "k");
        dedup.open(out);

        push(dedup, new Event("AA", 1, 1_000, 1));     // passes: remembered until watermark 1500
        push(dedup, new Event("AA", 2, 1_000, 2));     // another key
        push(dedup, new Event("BB", 1, 1_000, 3));     // another key (multi-column)
        push(dedup, new Event("AA", 1, 1_400, 4));     // duplicate: does not extend the expiry
        dedup.onWatermark(1_499);
        push(dedup, new Event("AA", 1, 1_700, 5));     // still remembered
        dedup.onWatermark(1_500);
        push(dedup, new Event("AA", 1, 1_800, 6));     // forgotten: passes, remembered until 2300
        push(dedup, new Event("AA", 1, 1_900, 7));     // duplicate again

        assertEquals(List.of(1L, 2L, 3L, 6L), values());
        assertEquals(3, dedup.duplicatesDropped());
        assertEquals(List.of(1_499L, 1_500L), out.watermarks);
    }

    @Test
    void shouldTakeExpiryFromFirstArrivalNotSmallestEventTime()
    {
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", 100, "k");
        dedup.open(out);

        push(dedup, new Event("AA", 1, 1_000, 1));    // expiry 1100
        push(dedup, new Event("AA", 1, 900, 2));      // earlier event time, still a duplicate
        dedup.onWatermark(1_099);
        push(dedup, new Event("AA", 1, 1_150, 3));
        dedup.onWatermark(1_100);
        push(dedup, new Event("AA", 1, 1_160, 4));

        assertEquals(List.of(1L, 4L), values());
    }

    @Test
    void shouldDropLateRecordsBeforeLookingAtState()
    {
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", 500, "k");
        dedup.open(out);
        dedup.onWatermark(10_000);

        push(dedup, new Event("AA", 1, 100, 1));    // late: never passes, whether or not its key is remembered
        push(dedup, new Event("AA", 1, 10_000, 2)); // at the watermark: late too
        push(dedup, new Event("AA", 1, 10_001, 3)); // on time, not suppressed by the late ones: passes
        push(dedup, new Event("AA", 1, 9_000, 4));  // late, not counted as a duplicate

        assertEquals(List.of(3L), values());
        assertEquals(0, dedup.duplicatesDropped());
        assertEquals(3, dedup.lateRecordsDropped());
        assertEquals(0, dedup.lateRecordsRouted());
    }

    @Test
    void shouldNotLetALateRowPassNorSuppressALaterOnTimeDuplicateAsSparkDoes()
    {
        // delay 0, horizon 1000: Spark's dropDuplicatesWithinWatermark passes rows 1 and 3
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", 0);
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", 1_000, "sym");
        dedup.open(out);
        watermark.open(dedup);

        push(watermark, new Event("k1", 0, 1_000, 1));
        push(watermark, new Event("k3", 0, 500, 2));   // late: the watermark is 999
        push(watermark, new Event("k3", 0, 1_100, 3));

        assertEquals(List.of(1L, 3L), values());
        assertEquals(1, dedup.lateRecordsDropped());
        assertEquals(0, dedup.duplicatesDropped());
    }

    @Test
    void shouldRouteLateRecordsToTheLateDataOutput()
    {
        final CollectingOutput late = new CollectingOutput();
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", 0);
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", 1_000, late, "sym");
        dedup.open(out);
        watermark.open(dedup);

        push(watermark, new Event("k1", 0, 1_000, 1));
        push(watermark, new Event("k3", 0, 500, 2));
        push(watermark, new Event("k1", 0, 1_001, 3)); // duplicate: dropped, not late
        watermark.onEndOfStream();

        assertEquals(List.of(1L), values());
        assertEquals(List.of(List.of("k3", 0, 500L, 2L)), late.rows);
        assertTrue(late.ended, "the late-data output is told the stream ended");
        assertEquals(1, dedup.lateRecordsRouted());
        assertEquals(0, dedup.lateRecordsDropped());
        assertEquals(1, dedup.duplicatesDropped());
        assertTrue(dedup.describe().contains("lateData"), dedup.describe());
    }

    @Test
    void shouldForwardMarkersAndKeepSchema()
    {
        dedup = (DeduplicateOperator)JoinOperators.dropDuplicates(EVENTS, "ts", 500, "k");
        dedup.open(out);
        dedup.onWatermark(5);
        dedup.onEpoch(7);
        dedup.onEndOfStream();

        assertSame(EVENTS, dedup.outputSchema());
        assertEquals(List.of(5L), out.watermarks);
        assertEquals(List.of(7L), out.epochs);
        assertTrue(out.ended);
        assertTrue(dedup.describe().contains("dropDuplicates"), dedup.describe());
    }

    @Test
    void shouldRejectBadDefinitions()
    {
        assertMessage("dropDuplicates key column 'nope' is not in the input",
            () -> JoinOperators.dropDuplicates(EVENTS, "ts", 10, "k", "nope"));
        assertMessage("dropDuplicates time column 'when' is not in the input",
            () -> JoinOperators.dropDuplicates(EVENTS, "when", 10, "k"));
        assertMessage("dropDuplicates: column 'v' is INT64; event time must come from a TIMESTAMP column",
            () -> JoinOperators.dropDuplicates(EVENTS, "v", 10, "k"));
        assertMessage("dropDuplicates horizon must be >= 0 ms, got -1",
            () -> JoinOperators.dropDuplicates(EVENTS, "ts", -1, "k"));
        assertMessage("dropDuplicates needs at least one key column",
            () -> JoinOperators.dropDuplicates(EVENTS, "ts", 10));
        assertMessage("dropDuplicates needs at least one key column",
            () -> JoinOperators.dropDuplicates(EVENTS, "ts", 10, (String[])null));
        assertMessage("dropDuplicates key column 'k' is listed twice",
            () -> JoinOperators.dropDuplicates(EVENTS, "ts", 10, "k", "k"));
        assertMessage("dropDuplicates key column #1 is null",
            () -> JoinOperators.dropDuplicates(EVENTS, "ts", 10, (String)null));
    }

    private List<Long> values()
    {
        final List<Long> values = new ArrayList<>();
        out.rows.forEach(r -> values.add((Long)r.get(3)));
        return values;
    }

    private void push(final Operator operator, final Event e)
    {
        record.setSymbol(SYM, e.sym).setInt(K, e.k).setLong(TS, e.ts).setLong(V, e.v);
        operator.onRecord(record);
    }

    static void assertMessage(final String expectedStart, final Executable definition)
    {
        final SchemaException e = assertThrows(SchemaException.class, definition);
        assertTrue(e.getMessage().startsWith(expectedStart), "message was: " + e.getMessage());
    }
}
