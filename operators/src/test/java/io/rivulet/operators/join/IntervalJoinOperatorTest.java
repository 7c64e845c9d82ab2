package io.rivulet.operators.join;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.rivulet.operators.TwoInputOperator.LEFT;
import static io.rivulet.operators.TwoInputOperator.RIGHT;
import static io.rivulet.operators.join.DeduplicateOperatorTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interval join compared with a nested-loop reference on randomized, out-of-order, interleaved input for several
 * bounds, plus the late rule, state bound, output naming and definition errors.
 */
class IntervalJoinOperatorTest
{
    private static final Schema LEFT_SCHEMA = Schema.builder()
        .symbol("sym", 4).int32("k").timestamp("ts").int64("v").build();
    private static final Schema RIGHT_SCHEMA = Schema.builder()
        .symbol("rsym", 4).int32("k").timestamp("ts").float64("px").build();
    private static final String[] LEFT_KEYS = {"sym", "k"};
    private static final String[] RIGHT_KEYS = {"rsym", "k"};
    private static final SymbolField L_SYM = LEFT_SCHEMA.symbolField("sym");
    private static final IntField L_K = LEFT_SCHEMA.intField("k");
    private static final LongField L_TS = LEFT_SCHEMA.longField("ts");
    private static final LongField L_V = LEFT_SCHEMA.longField("v");
    private static final SymbolField R_SYM = RIGHT_SCHEMA.symbolField("rsym");
    private static final IntField R_K = RIGHT_SCHEMA.intField("k");
    private static final LongField R_TS = RIGHT_SCHEMA.longField("ts");
    private static final DoubleField R_PX = RIGHT_SCHEMA.doubleField("px");
    private static final long DELAY_MS = 300;
    private static final String[] SYMS = {"AA", "BBBB"};

    private final RecordFlyweight leftRecord = new RecordFlyweight(LEFT_SCHEMA)
        .wrap(new UnsafeBuffer(new byte[LEFT_SCHEMA.recordLengthBytes()]), 0);
    private final RecordFlyweight rightRecord = new RecordFlyweight(RIGHT_SCHEMA)
        .wrap(new UnsafeBuffer(new byte[RIGHT_SCHEMA.recordLengthBytes()]), 0);
    private final CollectingOutput out = new CollectingOutput();
    private IntervalJoinOperator join;

    /** One input record; {@code v} doubles as left v, right px and ingest time, so rows are distinguishable. */
    private record Event(boolean left, String sym, int k, long ts, long v)
    {
        List<Object> values()
        {
            return left ? List.of(sym, k, ts, v) : List.of(sym, k, ts, (double)v);
        }
    }

    @AfterEach
    void close()
    {
        if (join != null)
        {
            join.close();
        }
    }

    private IntervalJoinOperator join(final long lowerMs, final long upperMs)
    {
        join = (IntervalJoinOperator)JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", LEFT_KEYS,
            RIGHT_KEYS, lowerMs, upperMs);
        join.open(out);
        return join;
    }

    /**
     * One event-time sequence 3 ms apart shared by both sides (each event goes to a random side), up to
     * {@code delayMs} out of order, {@code keys} keys; 1% are far behind the watermark.
     */
    private static List<Event> randomEvents(final long seed, final int n, final int keys, final long delayMs)
    {
        final Random random = new Random(seed);
        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            long ts = 1_000_000 + i * 3L - random.nextInt((int)delayMs);
            if (random.nextInt(100) == 0)
            {
                ts -= delayMs + 2_000 + random.nextInt(2_000);
            }
            events.add(new Event(random.nextBoolean(), SYMS[random.nextInt(SYMS.length)], random.nextInt(keys / 2),
                ts, i));
        }
        return events;
    }

    @ParameterizedTest(name = "lower={0} upper={1}")
    @CsvSource({"-100, 100", "0, 0", "0, 150", "-250, -50", "50, 400", "-1000, 1000"})
    void shouldMatchNestedLoopReference(final long lowerMs, final long upperMs)
    {
        final List<Event> events = randomEvents(11 + lowerMs * 7 + upperMs, 40_000, 16, DELAY_MS);
        final Reference reference = new Reference(lowerMs, upperMs, DELAY_MS);
        final int maxBuffered = runAgainstReference(reference, events);

        assertTrue(reference.late > 100, "the input must contain late records: " + reference.late);
        assertTrue(out.rows.size() > (lowerMs == upperMs ? 50 : 5_000), "too few matches: " + out.rows.size());
        // retention ~ (out-of-orderness + bound width) / 3 ms per event, far below the input size
        final long spanMs = DELAY_MS * 2 + Math.max(Math.abs(lowerMs), Math.abs(upperMs));
        assertTrue(maxBuffered < spanMs + 200 && maxBuffered < events.size() / 10,
            "buffered up to " + maxBuffered + " of " + events.size() + " records");
        assertTrue(join.indexedKeys() <= 32, "indexed keys: " + join.indexedKeys());
    }

    @Test
    void shouldMatchReferenceWhileBuffersGrowAndWrap()
    {
        // 10 s out of order: thousands of records buffered per side, beyond the logs' initial 1024 entries, with
        // the tail moving all along so appends wrap around the circular arena before each growth
        final long delayMs = 10_000;
        final List<Event> events = randomEvents(99, 40_000, 4, delayMs);
        final Reference reference = new Reference(-500, 500, delayMs);
        final int maxBuffered = runAgainstReference(reference, events);

        assertTrue(maxBuffered > 3 * 1024, "at least one log must grow past 1024 entries: " + maxBuffered);
        assertTrue(out.rows.size() > 5_000, "too few matches: " + out.rows.size());
    }

    /** Feeds the events through a withWatermark operator per side into the join and the reference, then compares. */
    private int runAgainstReference(final Reference reference, final List<Event> events)
    {
        final IntervalJoinOperator join = join(reference.lowerMs, reference.upperMs);
        final Operator leftWatermark = Operators.withWatermark(LEFT_SCHEMA, "ts", reference.delayMs);
        final Operator rightWatermark = Operators.withWatermark(RIGHT_SCHEMA, "ts", reference.delayMs);
        leftWatermark.open(join.input(LEFT));
        rightWatermark.open(join.input(RIGHT));

        int maxBuffered = 0;
        for (final Event e : events)
        {
            reference.onEvent(e);
            push(e.left ? leftWatermark : rightWatermark, e);
            maxBuffered = Math.max(maxBuffered, join.bufferedRecords());
        }
        leftWatermark.onEndOfStream();
        rightWatermark.onEndOfStream();

        assertTrue(out.ended);
        assertSameMultiset(reference.emitted, out.rows);
        assertEquals(reference.late, join.lateRecordsDropped());
        return maxBuffered;
    }

    @Test
    void shouldBoundStateWhenEveryKeyIsNew()
    {
        final IntervalJoinOperator join = join(-50, 50);
        final Operator leftWatermark = Operators.withWatermark(LEFT_SCHEMA, "ts", DELAY_MS);
        final Operator rightWatermark = Operators.withWatermark(RIGHT_SCHEMA, "ts", DELAY_MS);
        leftWatermark.open(join.input(LEFT));
        rightWatermark.open(join.input(RIGHT));
        final Random random = new Random(5);
        final int n = 200_000;
        int maxBuffered = 0;
        int maxIndexed = 0;
        for (int i = 0; i < n; i++)
        {
            // each key once per side, the right record 10 ms after the left one
            final long ts = 1_000_000 + i - random.nextInt((int)DELAY_MS);
            push(leftWatermark, new Event(true, "AA", i, ts, i));
            push(rightWatermark, new Event(false, "AA", i, ts + 10, i));
            maxBuffered = Math.max(maxBuffered, join.bufferedRecords());
            maxIndexed = Math.max(maxIndexed, join.indexedKeys());
        }
        assertEquals(n, out.rows.size());
        // ~ (2 x out-of-orderness + bound) ms of records per side, 1 per ms
        assertTrue(maxBuffered < 3_000, "buffered up to " + maxBuffered);
        // dead keys wait for a sweep paid for by capacity/8 retirements
        assertTrue(maxIndexed < 6_000, "indexed up to " + maxIndexed);
    }

    @Test
    void shouldNotLetOneLongLivedEntryPinTheDeadOnesBehindIt()
    {
        join(0, 10);
        // far ahead in event time: live until watermark 1_000_010, and buffered first, at the log's tail
        push(join.input(LEFT), new Event(true, "AA", 1, 1_000_000, 1));
        push(join.input(LEFT), new Event(true, "AA", 1, 100, 2)); // same key, newer in the chain
        int maxBuffered = 0;
        for (int i = 0; i < 100_000; i++)
        {
            push(join.input(LEFT), new Event(true, "BBBB", i % 50, 1_000 + i, 10 + i));
            watermark(1_000 + i - 20);
            maxBuffered = Math.max(maxBuffered, join.bufferedRecords());
        }
        // it used to hold all 100k: the live entry at the tail kept every dead one behind it
        assertTrue(maxBuffered < 100, "buffered up to " + maxBuffered);
        assertEquals(31, join.bufferedRecords(), "the far-future record + the last 30 ms");
        // the moved entry is still found through its key's chain, and matched once
        push(join.input(RIGHT), new Event(false, "AA", 1, 1_000_005, 7));
        assertEquals(List.of(List.of("AA", 1, 1_000_000L, 1L, "AA", 1, 1_000_005L, 7.0)), out.rows);
    }

    @Test
    void shouldMoveLongLivedTailEntriesInBoundedStepsPerWatermark()
    {
        join(0, 10);
        // 2,000 far-future records of one hot key at the log's tail, then one short-lived newer record: every
        // far-future entry outlives the newest, so each is moved to the head, each move walking the hot chain
        final int farFuture = 2_000;
        for (int i = 0; i < farFuture; i++)
        {
            push(join.input(LEFT), new Event(true, "AA", 1, 1_000_000 + i, i));
        }
        push(join.input(LEFT), new Event(true, "BBBB", 2, 100, -1));
        watermark(50);
        final long firstStep = join.relocations();
        assertTrue(firstStep > 0 && firstStep < farFuture, "moved " + firstStep + " in one watermark");
        for (int w = 51; join.relocations() < farFuture && w < 1_000_000; w++)
        {
            watermark(w); // the rest move at the following watermarks
        }
        assertEquals(farFuture, join.relocations());
        // nothing lost: a right record still finds, through the key's relinked chain, each of the 11 far-future
        // left records within its bounds (left ts in [right ts - 10, right ts])
        push(join.input(RIGHT), new Event(false, "AA", 1, 1_000_000 + farFuture - 1, 7));
        assertEquals(11, out.rows.size());
    }

    @Test
    void shouldEmitEachMatchOnArrivalOfItsSecondRecord()
    {
        join(0, 100);
        push(join.input(LEFT), new Event(true, "AA", 1, 1_000, 1));
        push(join.input(LEFT), new Event(true, "AA", 2, 1_000, 2));    // other key
        assertEquals(0, out.rows.size());
        push(join.input(RIGHT), new Event(false, "AA", 1, 1_050, 3));  // matches left 1
        push(join.input(RIGHT), new Event(false, "AA", 1, 1_101, 4));  // beyond upper bound
        push(join.input(RIGHT), new Event(false, "AA", 1, 999, 5));    // below lower bound
        push(join.input(LEFT), new Event(true, "AA", 1, 1_001, 6));    // matches right 3 and 4, not 5

        assertEquals(List.of(
            List.of("AA", 1, 1_000L, 1L, "AA", 1, 1_050L, 3.0),
            List.of("AA", 1, 1_001L, 6L, "AA", 1, 1_101L, 4.0),
            List.of("AA", 1, 1_001L, 6L, "AA", 1, 1_050L, 3.0)), out.rows);
        // a row carries the ingest time of the record whose arrival produced it
        assertEquals(List.of(3L, 6L, 6L), out.ingestTimesNs);
        assertEquals(6, join.bufferedRecords());
    }

    @Test
    void shouldExpireBufferedRecordsOnceNoOnTimeRecordCanMatch()
    {
        join(-20, 30);
        push(join.input(LEFT), new Event(true, "AA", 1, 1_000, 1));   // dead at watermark 1030
        push(join.input(RIGHT), new Event(false, "AA", 9, 1_000, 2)); // dead at watermark 1020
        watermark(1_019);
        assertEquals(2, join.bufferedRecords());
        watermark(1_020);
        assertEquals(1, join.bufferedRecords());
        watermark(1_029);
        push(join.input(RIGHT), new Event(false, "AA", 1, 1_030, 3));  // on time, matches the left one
        assertEquals(1, out.rows.size());
        watermark(1_030);
        assertEquals(1, join.bufferedRecords()); // the right one at 1030 lives until watermark 1050
        assertEquals(List.of(1_019L, 1_020L, 1_029L, 1_030L), out.watermarks);
    }

    @Test
    void shouldNotDropOnTimeRecordWhoseOwnIntervalIsBehindTheWatermark()
    {
        // right must be 10..20 ms before left: an on-time left can still match buffered rights
        join(-20, -10);
        push(join.input(RIGHT), new Event(false, "AA", 1, 995, 1));   // dead at watermark 1015
        watermark(1_000);
        push(join.input(LEFT), new Event(true, "AA", 1, 1_005, 2));   // l.ts + upper = 995 <= watermark
        assertEquals(List.of(List.of("AA", 1, 1_005L, 2L, "AA", 1, 995L, 1.0)), out.rows);
        assertEquals(0, join.lateRecordsDropped());
        assertEquals(1, join.bufferedRecords(), "the left record cannot match a future right: not buffered");
    }

    @Test
    void shouldDropAndCountOnlyRecordsThatCanMatchNothing()
    {
        join(0, 100);
        watermark(1_000);
        push(join.input(LEFT), new Event(true, "AA", 1, 900, 1));     // l.ts + upper <= watermark: late
        push(join.input(LEFT), new Event(true, "AA", 1, 901, 2));     // a right at 1001 may still come
        push(join.input(RIGHT), new Event(false, "AA", 1, 900, 3));   // r.ts + upper <= watermark: late
        push(join.input(RIGHT), new Event(false, "AA", 1, 950, 4));   // behind, but matches live left 901
        assertEquals(2, join.lateRecordsDropped());
        assertEquals(List.of(List.of("AA", 1, 901L, 2L, "AA", 1, 950L, 4.0)), out.rows);
        assertEquals(1, join.bufferedRecords(), "the right at 950 cannot match a future left: not buffered");
    }

    @Test
    void shouldForwardCombinedWatermarkAndEndOfBothInputs()
    {
        join(0, 10);
        join.input(LEFT).onWatermark(100);
        assertEquals(List.of(), out.watermarks);
        join.input(RIGHT).onWatermark(50);
        join.input(RIGHT).onWatermark(200);
        join.input(LEFT).onEndOfStream();
        assertEquals(List.of(50L, 100L, 200L), out.watermarks);
        assertTrue(!out.ended);
        join.input(RIGHT).onEndOfStream();
        assertTrue(out.ended);
    }

    @Test
    void shouldPutLeftColumnsFirstAndRenameClashingRightColumns()
    {
        final Schema schema = join(0, 0).outputSchema();
        final List<String> columns = new ArrayList<>();
        for (final Field f : schema.fields())
        {
            columns.add(f.toString());
        }
        assertEquals(List.of("sym:SYMBOL(4)", "k:INT32", "ts:TIMESTAMP", "v:INT64",
            "rsym:SYMBOL(4)", "right_k:INT32", "right_ts:TIMESTAMP", "px:FLOAT64"), columns);
        assertTrue(join.describe().contains("right_ts"), join.describe());
    }

    @Test
    void shouldDescribeBoundsWithTheirSign()
    {
        assertEquals("intervalJoin on [sym, k] = [rsym, k] where ts - 100 ms <= right_ts <= ts + 100 ms",
            JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", LEFT_KEYS, RIGHT_KEYS, -100, 100)
                .describe());
        assertEquals("intervalJoin on [sym, k] = [rsym, k] where ts <= right_ts <= ts + 50 ms",
            JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", LEFT_KEYS, RIGHT_KEYS, 0, 50)
                .describe());
        assertEquals("intervalJoin on [sym, k] = [rsym, k] where ts - 9223372036854775808 ms <= right_ts <= ts - 5 ms",
            JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", LEFT_KEYS, RIGHT_KEYS, Long.MIN_VALUE, -5)
                .describe());
    }

    @Test
    void shouldRejectBadDefinitions()
    {
        final Schema longKey = Schema.builder().int64("k").symbol("rsym", 4).timestamp("ts").build();
        final Schema wideSym = Schema.builder().symbol("rsym", 8).int32("k").timestamp("ts").build();
        final Schema clash = Schema.builder().symbol("sym", 4).int32("k").timestamp("ts").int64("right_k").build();
        assertMessage("intervalJoin key #2: left k:INT32 and right k:INT64 differ",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, longKey, "ts", "ts", LEFT_KEYS, RIGHT_KEYS, 0, 1));
        assertMessage("intervalJoin key #1: left sym:SYMBOL(4) and right rsym:SYMBOL(8) differ",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, wideSym, "ts", "ts", LEFT_KEYS, RIGHT_KEYS, 0, 1));
        assertMessage("intervalJoin needs as many right key columns as left ones",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", LEFT_KEYS, new String[]{"k"},
                0, 1));
        assertMessage("intervalJoin lower bound 10 ms is above upper bound 5 ms",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", LEFT_KEYS, RIGHT_KEYS, 10, 5));
        assertMessage("intervalJoin left key column 'nope' is not in the input",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", new String[]{"sym", "nope"},
                RIGHT_KEYS, 0, 1));
        assertMessage("intervalJoin right key column 'sym' is not in the input",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", LEFT_KEYS, LEFT_KEYS, 0, 1));
        assertMessage("intervalJoin right time column 'when' is not in the input",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "when", LEFT_KEYS, RIGHT_KEYS, 0, 1));
        assertMessage("intervalJoin left: column 'v' is INT64; event time must come from a TIMESTAMP column",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "v", "ts", LEFT_KEYS, RIGHT_KEYS, 0, 1));
        assertMessage("intervalJoin left needs at least one key column",
            () -> JoinOperators.intervalJoin(LEFT_SCHEMA, RIGHT_SCHEMA, "ts", "ts", new String[0], RIGHT_KEYS, 0,
                1));
        assertMessage("intervalJoin output would have column 'right_k' twice",
            () -> JoinOperators.intervalJoin(clash, RIGHT_SCHEMA, "ts", "ts", LEFT_KEYS, RIGHT_KEYS, 0, 1));
    }

    private void watermark(final long watermarkMs)
    {
        join.input(LEFT).onWatermark(watermarkMs);
        join.input(RIGHT).onWatermark(watermarkMs);
    }

    private void push(final io.rivulet.operators.Output input, final Event e)
    {
        if (e.left)
        {
            leftRecord.setSymbol(L_SYM, e.sym).setInt(L_K, e.k).setLong(L_TS, e.ts).setLong(L_V, e.v);
            input.onRecord(leftRecord.ingestTimeNs(e.v));
        }
        else
        {
            rightRecord.setSymbol(R_SYM, e.sym).setInt(R_K, e.k).setLong(R_TS, e.ts).setDouble(R_PX, e.v);
            input.onRecord(rightRecord.ingestTimeNs(e.v));
        }
    }

    /** Compares as multisets; on a mismatch names a few rows missing from or extra in {@code actual}. */
    private static void assertSameMultiset(final List<List<Object>> expected, final List<List<Object>> actual)
    {
        final Map<List<Object>, Integer> counts = new HashMap<>();
        expected.forEach(row -> counts.merge(row, 1, Integer::sum));
        actual.forEach(row -> counts.merge(row, -1, Integer::sum));
        final List<String> differences = new ArrayList<>();
        counts.forEach((row, count) ->
        {
            if (count != 0 && differences.size() < 5)
            {
                differences.add((count > 0 ? "missing " : "extra ") + Math.abs(count) + "x " + row);
            }
        });
        assertEquals(List.of(), differences, "expected " + expected.size() + " rows, got " + actual.size());
        assertEquals(expected.size(), actual.size());
    }

    /**
     * Plain-collections model: per-side watermark = max event time - delay - 1, merged by min; buffered records
     * pruned when dead; each arrival scanned against every buffered record of the other side.
     */
    private static final class Reference
    {
        final long lowerMs;
        final long upperMs;
        final long delayMs;
        final List<List<Object>> emitted = new ArrayList<>();
        final List<Event> lefts = new ArrayList<>();
        final List<Event> rights = new ArrayList<>();
        final long[] maxTs = {Long.MIN_VALUE, Long.MIN_VALUE};
        long watermark = Long.MIN_VALUE;
        int late;

        Reference(final long lowerMs, final long upperMs, final long delayMs)
        {
            this.lowerMs = lowerMs;
            this.upperMs = upperMs;
            this.delayMs = delayMs;
        }

        boolean leftLive(final Event l)
        {
            return l.ts + upperMs > watermark;
        }

        boolean rightLive(final Event r)
        {
            return r.ts - lowerMs > watermark;
        }

        void onEvent(final Event e)
        {
            final boolean hasWatermark = watermark != Long.MIN_VALUE;
            if (e.left)
            {
                // can match neither a live buffered right (r.ts > w + lower) nor an on-time one (r.ts > w)
                if (hasWatermark && e.ts + upperMs <= watermark + Math.min(0, lowerMs))
                {
                    late++;
                }
                else
                {
                    for (final Event r : rights)
                    {
                        if (sameKey(e, r) && rightLive(r) && e.ts + lowerMs <= r.ts && r.ts <= e.ts + upperMs)
                        {
                            emitted.add(row(e, r));
                        }
                    }
                    if (leftLive(e))
                    {
                        lefts.add(e);
                    }
                }
            }
            else
            {
                if (hasWatermark && e.ts - lowerMs <= watermark - Math.max(0, upperMs))
                {
                    late++;
                }
                else
                {
                    for (final Event l : lefts)
                    {
                        if (sameKey(l, e) && leftLive(l) && l.ts + lowerMs <= e.ts && e.ts <= l.ts + upperMs)
                        {
                            emitted.add(row(l, e));
                        }
                    }
                    if (rightLive(e))
                    {
                        rights.add(e);
                    }
                }
            }

            final int side = e.left ? 0 : 1;
            maxTs[side] = Math.max(maxTs[side], e.ts);
            if (maxTs[0] != Long.MIN_VALUE && maxTs[1] != Long.MIN_VALUE)
            {
                final long combined = Math.min(maxTs[0], maxTs[1]) - delayMs - 1;
                if (combined > watermark)
                {
                    watermark = combined;
                    lefts.removeIf(l -> !leftLive(l));
                    rights.removeIf(r -> !rightLive(r));
                }
            }
        }

        private static boolean sameKey(final Event l, final Event r)
        {
            return l.sym.equals(r.sym) && l.k == r.k;
        }

        private static List<Object> row(final Event l, final Event r)
        {
            final List<Object> row = new ArrayList<>(l.values());
            row.addAll(r.values());
            return row;
        }
    }
}
