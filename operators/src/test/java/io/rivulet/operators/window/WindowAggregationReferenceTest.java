package io.rivulet.operators.window;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares the window operators with a plain-collections reference on randomized, out-of-order input with late
 * records, for tumbling, sliding and session windows in append, update and complete modes.
 */
class WindowAggregationReferenceTest
{
    private static final Schema EVENTS = Schema.builder()
        .symbol("sym", 4).int32("k").timestamp("ts").int64("v").float64("px").build();
    private static final SymbolField SYM = EVENTS.symbolField("sym");
    private static final IntField K = EVENTS.intField("k");
    private static final LongField TS = EVENTS.longField("ts");
    private static final LongField V = EVENTS.longField("v");
    private static final DoubleField PX = EVENTS.doubleField("px");
    private static final long DELAY_MS = 300;
    private static final String[] SYMS = {"AA", "BB", "CC", "DD"};

    static Stream<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final OutputMode mode : OutputMode.values())
        {
            for (final long lateness : new long[]{0, 150})
            {
                cases.add(Arguments.of("tumbling", WindowSpec.tumbling("ts", 1000), mode, lateness));
                cases.add(Arguments.of("sliding", WindowSpec.sliding("ts", 1000, 250), mode, lateness));
                if (mode != OutputMode.COMPLETE) // rejected: per-key session state would be unbounded
                {
                    cases.add(Arguments.of("session", WindowSpec.session("ts", 80), mode, lateness));
                    // one key, events ~5 ms apart, 300 ms of disorder: about 60 open sessions at once
                    cases.add(Arguments.of("session-one-key", WindowSpec.session("ts", 2), mode, lateness));
                    cases.add(Arguments.of("session-one-key-gap4", WindowSpec.session("ts", 4), mode, lateness));
                    // thousands of keys per window: firing takes many bounded steps, records arrive in between
                    cases.add(Arguments.of("tumbling-wide", WindowSpec.tumbling("ts", 1000), mode, lateness));
                    cases.add(Arguments.of("sliding-wide", WindowSpec.sliding("ts", 1000, 250), mode, lateness));
                    cases.add(Arguments.of("session-wide", WindowSpec.session("ts", 80), mode, lateness));
                }
            }
        }
        return cases.stream();
    }

    private record Event(String sym, int k, long ts, long v, double px)
    {
    }

    private static List<Event> randomEvents(final long seed, final String name)
    {
        final int keysPerSym = name.endsWith("one-key") || name.contains("one-key-") ? 1 :
            name.endsWith("wide") ? 2000 : 10;
        final int syms = keysPerSym == 1 ? 1 : SYMS.length;
        final Random random = new Random(seed);
        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < 20_000; i++)
        {
            long ts = 1_000_000 + i * 5L - random.nextInt((int)DELAY_MS);
            if (random.nextInt(100) == 0)
            {
                ts -= 3_000 + random.nextInt(3_000); // far behind the watermark: late
            }
            events.add(new Event(SYMS[random.nextInt(syms)], random.nextInt(keysPerSym), ts, 1 + random.nextInt(100),
                random.nextInt(1000)));
        }
        return events;
    }

    @ParameterizedTest(name = "{0} {2} lateness={3}")
    @MethodSource("cases")
    void shouldMatchReferenceAggregation(final String name, final WindowSpec window, final OutputMode mode,
        final long latenessMs)
    {
        final List<Event> events = randomEvents(42 + name.hashCode() + mode.ordinal() * 7L + latenessMs, name);
        final Aggregate[] aggregates = {
            Aggregate.count(), Aggregate.sum("v"), Aggregate.min("v"), Aggregate.max("px"), Aggregate.avg("v")};

        // the engine's operators, driven directly (no threads)
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", DELAY_MS);
        final Operator aggregate = WindowOperators.aggregate(EVENTS, window, new String[]{"sym", "k"}, aggregates,
            mode, latenessMs, null);
        final CollectingOutput out = new CollectingOutput();
        aggregate.open(out);
        watermark.open(aggregate);
        final RecordFlyweight record = new RecordFlyweight(EVENTS)
            .wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
        for (final Event e : events)
        {
            record.setSymbol(SYM, e.sym).setInt(K, e.k).setLong(TS, e.ts).setLong(V, e.v).setDouble(PX, e.px);
            watermark.onRecord(record);
        }
        watermark.onEndOfStream();
        assertTrue(out.ended);

        final Reference reference = window.isSession() ?
            new SessionReference(window.sizeMs, mode, latenessMs) :
            new WindowReference(window.sizeMs, window.slideMs, mode, latenessMs);
        for (final Event e : events)
        {
            reference.onEvent(e);
        }
        reference.onEnd();

        if (mode != OutputMode.COMPLETE)
        {
            assertTrue(reference.late > 50, "the input must contain late records: " + reference.late);
        }
        assertEquals(reference.late, aggregate.lateRecordsDropped());
        if (name.startsWith("session-one-key"))
        {
            // the old operator failed with "more than 16 open sessions" here
            assertTrue(((SessionReference)reference).maxOpenPerKey > 16,
                "open sessions per key: " + ((SessionReference)reference).maxOpenPerKey);
        }
        switch (mode)
        {
            case UPDATE:
                assertEquals(reference.emitted, out.rows);
                break;
            case APPEND:
                assertEquals(sorted(reference.emitted), sorted(out.rows));
                break;
            default:
                final List<List<Object>> finalTable = out.rows.subList(out.rowsAtLastWatermark, out.rows.size());
                assertEquals(sorted(reference.finalTable()), sorted(finalTable));
                assertEquals(reference.completeEmissions, countSnapshots(out));
        }
        assertTrue(out.rows.size() > 100);
        aggregate.close();
    }

    /** Complete mode emits each snapshot just before a watermark, or at end of stream after the last one. */
    private static int countSnapshots(final CollectingOutput out)
    {
        return out.snapshotsBeforeWatermarks + (out.rows.size() > out.rowsAtLastWatermark ? 1 : 0);
    }

    private static List<List<Object>> sorted(final List<List<Object>> rows)
    {
        final List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(Object::toString));
        return copy;
    }

    /** Plain-collections model of the operator semantics. */
    private abstract static class Reference
    {
        final OutputMode mode;
        final long latenessMs;
        final List<List<Object>> emitted = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        long maxTs = Long.MIN_VALUE;
        int late;
        int completeEmissions;

        Reference(final OutputMode mode, final long latenessMs)
        {
            this.mode = mode;
            this.latenessMs = latenessMs;
        }

        boolean closed(final long end)
        {
            return mode != OutputMode.COMPLETE && watermark != Long.MIN_VALUE && end - 1 + latenessMs <= watermark;
        }

        void onEvent(final Event e)
        {
            process(e);
            maxTs = Math.max(maxTs, e.ts);
            final long wm = maxTs - DELAY_MS - 1;
            if (wm > watermark)
            {
                watermark = wm;
                fire(wm - latenessMs + 1);
            }
        }

        void onEnd()
        {
            watermark = Long.MAX_VALUE;
            final int before = completeEmissions;
            fire(Long.MAX_VALUE);
            if (mode == OutputMode.COMPLETE && completeEmissions == before)
            {
                completeEmissions++;
            }
        }

        abstract void process(Event e);

        abstract void fire(long limitEnd);

        abstract List<List<Object>> finalTable();
    }

    /** Accumulators of count, sum(v), min(v), max(px), avg(v). */
    private static final class Acc
    {
        long count;
        long sum;
        long min = Long.MAX_VALUE;
        double maxPx = Double.NEGATIVE_INFINITY;

        void add(final Event e)
        {
            count++;
            sum += e.v;
            min = Math.min(min, e.v);
            maxPx = Math.max(maxPx, e.px);
        }

        void merge(final Acc o)
        {
            count += o.count;
            sum += o.sum;
            min = Math.min(min, o.min);
            maxPx = Math.max(maxPx, o.maxPx);
        }

        List<Object> row(final long start, final long end, final String sym, final int k)
        {
            return List.of(start, end, sym, k, count, sum, min, maxPx, (double)sum / count);
        }
    }

    private record Key(String sym, int k)
    {
    }

    private record WindowKey(long start, Key key)
    {
    }

    private static final class WindowReference extends Reference
    {
        private final long size;
        private final long slide;
        private final Map<WindowKey, Acc> state = new LinkedHashMap<>();
        private final TreeSet<Long> pendingEnds = new TreeSet<>();

        WindowReference(final long size, final long slide, final OutputMode mode, final long latenessMs)
        {
            super(mode, latenessMs);
            this.size = size;
            this.slide = slide;
        }

        @Override
        void process(final Event e)
        {
            boolean assigned = false;
            for (long start = Math.floorDiv(e.ts, slide) * slide; start > e.ts - size; start -= slide)
            {
                if (closed(start + size))
                {
                    continue;
                }
                assigned = true;
                final WindowKey wk = new WindowKey(start, new Key(e.sym, e.k));
                if (!state.containsKey(wk))
                {
                    pendingEnds.add(start + size); // a window's end is pending while it holds state
                }
                final Acc acc = state.computeIfAbsent(wk, x -> new Acc());
                acc.add(e);
                if (mode == OutputMode.UPDATE)
                {
                    emitted.add(acc.row(start, start + size, e.sym, e.k));
                }
            }
            if (!assigned)
            {
                late++;
            }
        }

        @Override
        void fire(final long limitEnd)
        {
            if (pendingEnds.isEmpty() || pendingEnds.first() > limitEnd)
            {
                return;
            }
            pendingEnds.headSet(limitEnd, true).clear();
            if (mode == OutputMode.COMPLETE)
            {
                completeEmissions++;
                return;
            }
            for (final Iterator<Map.Entry<WindowKey, Acc>> it = state.entrySet().iterator(); it.hasNext(); )
            {
                final Map.Entry<WindowKey, Acc> entry = it.next();
                final long end = entry.getKey().start + size;
                if (end <= limitEnd)
                {
                    if (mode == OutputMode.APPEND)
                    {
                        emitted.add(entry.getValue().row(entry.getKey().start, end, entry.getKey().key.sym,
                            entry.getKey().key.k));
                    }
                    it.remove();
                }
            }
        }

        @Override
        List<List<Object>> finalTable()
        {
            final List<List<Object>> rows = new ArrayList<>();
            state.forEach((wk, acc) -> rows.add(acc.row(wk.start, wk.start + size, wk.key.sym, wk.key.k)));
            return rows;
        }
    }

    private static final class Session
    {
        long start;
        long end;
        final Acc acc = new Acc();
    }

    private static final class SessionReference extends Reference
    {
        private final long gap;
        private final Map<Key, List<Session>> sessions = new HashMap<>();
        private final TreeSet<Long> pendingEnds = new TreeSet<>();
        int maxOpenPerKey;

        SessionReference(final long gap, final OutputMode mode, final long latenessMs)
        {
            super(mode, latenessMs);
            this.gap = gap;
        }

        @Override
        void process(final Event e)
        {
            final Key key = new Key(e.sym, e.k);
            final List<Session> list = sessions.computeIfAbsent(key, x -> new ArrayList<>());
            final long start = e.ts;
            final long end = e.ts + gap;
            final List<Session> hits = new ArrayList<>();
            for (final Session s : list)
            {
                if (s.start <= end && s.end >= start)
                {
                    hits.add(s);
                }
            }
            if (hits.isEmpty() && closed(end))
            {
                late++;
                return;
            }
            final Session merged = new Session();
            merged.start = start;
            merged.end = end;
            for (final Session s : hits)
            {
                merged.start = Math.min(merged.start, s.start);
                merged.end = Math.max(merged.end, s.end);
                merged.acc.merge(s.acc);
                list.remove(s);
            }
            merged.acc.add(e);
            list.add(merged);
            maxOpenPerKey = Math.max(maxOpenPerKey, list.size());
            pendingEnds.add(merged.end);
            if (mode == OutputMode.UPDATE)
            {
                emitted.add(merged.acc.row(merged.start, merged.end, e.sym, e.k));
            }
        }

        @Override
        void fire(final long limitEnd)
        {
            if (pendingEnds.isEmpty() || pendingEnds.first() > limitEnd)
            {
                return;
            }
            pendingEnds.headSet(limitEnd, true).clear();
            if (mode == OutputMode.COMPLETE)
            {
                completeEmissions++;
                return;
            }
            sessions.forEach((key, list) -> list.removeIf(s ->
            {
                if (s.end <= limitEnd)
                {
                    if (mode == OutputMode.APPEND)
                    {
                        emitted.add(s.acc.row(s.start, s.end, key.sym, key.k));
                    }
                    return true;
                }
                return false;
            }));
        }

        @Override
        List<List<Object>> finalTable()
        {
            final List<List<Object>> rows = new ArrayList<>();
            sessions.forEach((key, list) -> list.forEach(s -> rows.add(s.acc.row(s.start, s.end, key.sym, key.k))));
            return rows;
        }
    }
}
