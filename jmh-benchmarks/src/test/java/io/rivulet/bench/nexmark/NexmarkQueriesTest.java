package io.rivulet.bench.nexmark;

import io.rivulet.engine.CollectingSink;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sinks;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each Nexmark query on the engine gives exactly the rows of its plain-Java reference over the same 50k events
 * (as multisets where the query does not define an order).
 */
class NexmarkQueriesTest
{
    static final long EVENTS = 50_000;
    /** 1,000 events per second of event time: 50 s, so the 10 s windows close several times. */
    static final NexmarkGenerator GENERATOR =
        new NexmarkGenerator(2026, 1_000, NexmarkGenerator.DEFAULT_BASE_TIME_MS);

    /**
     * Runs a query to completion. The joins' inputs are never marked idle: a source thread starved of CPU for the
     * idle timeout on a loaded machine would otherwise let the other input move event time past its partners.
     */
    static List<List<Object>> run(final RecordStream stream) throws InterruptedException
    {
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = stream.to(sink).name("nexmark-test").waitMode(WaitMode.BACKOFF)
            .idleTimeout(0).start())
        {
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS), "query did not complete");
        }
        return sink.rows();
    }

    static List<List<Object>> reference(final NexmarkQuery q)
    {
        final List<List<Object>> rows = new ArrayList<>();
        q.reference(GENERATOR, EVENTS, row -> rows.add(row.values()));
        return rows;
    }

    static void assertSameRows(final NexmarkQuery q, final List<List<Object>> expected,
        final List<List<Object>> actual)
    {
        assertEquals(expected.size(), actual.size(), q.name() + " row count");
        if (q.ordered())
        {
            assertEquals(expected, actual, q.name());
            return;
        }
        final Comparator<List<Object>> byText = Comparator.comparing(Object::toString);
        final List<List<Object>> e = new ArrayList<>(expected);
        final List<List<Object>> a = new ArrayList<>(actual);
        e.sort(byText);
        a.sort(byText);
        assertEquals(e, a, q.name());
    }

    static void check(final String name) throws InterruptedException
    {
        final NexmarkQuery q = NexmarkQuery.named(name);
        final List<List<Object>> expected = reference(q);
        assertFalse(expected.isEmpty(), name + " has results on " + EVENTS + " events");
        assertSameRows(q, expected, run(q.define(GENERATOR, EVENTS)));
    }

    @Test
    void q0ShouldPassEveryEventThroughInOrder() throws InterruptedException
    {
        final List<List<Object>> rows = run(NexmarkQuery.named("q0").define(GENERATOR, EVENTS));
        assertEquals(EVENTS, rows.size());
        final RecordFlyweight r = NexmarkQueries.scratch();
        for (int n = 0; n < EVENTS; n += 7)
        {
            r.buffer().setMemory(0, r.buffer().capacity(), (byte)0);
            GENERATOR.event(n, r);
            final List<Object> expected = new ArrayList<>();
            for (final Field f : NexmarkEvents.EVENT.fields())
            {
                expected.add(r.getValue(f));
            }
            assertEquals(expected, rows.get(n), "event " + n);
        }
        final long[] count = new long[1];
        NexmarkQuery.named("q0").reference(GENERATOR, EVENTS, row -> count[0]++);
        assertEquals(EVENTS, count[0]);
    }

    @Test
    void q1ShouldMatchTheReference() throws InterruptedException
    {
        check("q1");
    }

    @Test
    void q2ShouldMatchTheReference() throws InterruptedException
    {
        check("q2");
    }

    @Test
    void q3ShouldMatchTheReference() throws InterruptedException
    {
        check("q3");
    }

    @Test
    void q5ShouldMatchTheReference() throws InterruptedException
    {
        check("q5");
    }

    @Test
    void q7ShouldMatchTheReference() throws InterruptedException
    {
        check("q7");
        final long windows = reference(NexmarkQuery.named("q7")).stream().map(r -> r.get(0)).distinct().count();
        assertEquals(5, windows, "50 s of bids from a base time at a multiple of 10 s: five windows");
    }

    @Test
    void q8ShouldMatchTheReference() throws InterruptedException
    {
        check("q8");
    }

    @Test
    void shouldNameTheQueriesForAnUnknownOneAndRefuseOneSourceForAJoin()
    {
        final IllegalArgumentException unknown =
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> NexmarkQuery.named("q4"));
        assertEquals("No Nexmark query 'q4'; the queries are [q0, q1, q2, q3, q5, q7, q8]", unknown.getMessage());
        final UnsupportedOperationException join = org.junit.jupiter.api.Assertions.assertThrows(
            UnsupportedOperationException.class, () -> NexmarkQuery.named("q3").define(GENERATOR.source(10)));
        assertTrue(join.getMessage().contains("joins two sources"), join.getMessage());
    }
}
