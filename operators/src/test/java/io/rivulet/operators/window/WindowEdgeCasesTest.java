package io.rivulet.operators.window;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session windows with many open sessions per key, window arithmetic at the ends of the {@code long} range and
 * with huge allowed lateness, and firing spread over bounded steps.
 */
class WindowEdgeCasesTest
{
    private static final Schema EVENTS = Schema.builder().int64("key").timestamp("ts").build();
    private static final LongField KEY = EVENTS.longField("key");
    private static final LongField TS = EVENTS.longField("ts");

    private final RecordFlyweight record = new RecordFlyweight(EVENTS)
        .wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
    private final CollectingOutput out = new CollectingOutput();
    private final List<Operator> operators = new ArrayList<>();

    @AfterEach
    void close()
    {
        operators.forEach(Operator::close);
    }

    private Operator aggregate(final WindowSpec window, final OutputMode mode, final long latenessMs)
    {
        final Operator op = WindowOperators.aggregate(EVENTS, window, new String[]{"key"},
            new Aggregate[]{Aggregate.count()}, mode, latenessMs, null);
        op.open(out);
        operators.add(op);
        return op;
    }

    private void send(final Operator op, final long key, final long ts)
    {
        record.setLong(KEY, key).setLong(TS, ts);
        op.onRecord(record);
    }

    /** Rows as [start, end, key, count]. */
    private List<List<Object>> rows()
    {
        final List<List<Object>> rows = new ArrayList<>(out.rows);
        rows.sort(Comparator.comparing(Object::toString));
        return rows;
    }

    @Test
    void shouldKeepAsManyOpenSessionsAsTheWatermarkDelayAllows()
    {
        // 10 s watermark delay, 100 ms gap, events 200 ms apart: every event opens a session and ~50 stay open.
        // This used to fail the pipeline: "a key has more than 16 open sessions".
        final Operator session = aggregate(WindowSpec.session("ts", 100), OutputMode.APPEND, 0);
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", 10_000);
        watermark.open(session);
        for (int i = 0; i < 17; i++)
        {
            record.setLong(KEY, 7).setLong(TS, 1_000 + i * 200L);
            watermark.onRecord(record);
        }
        assertEquals(17, ((SessionAggregateOperator)session).openSessions());
        watermark.onEndOfStream();
        assertEquals(17, out.rows.size());
        for (int i = 0; i < 17; i++)
        {
            assertEquals(List.of(1_000 + i * 200L, 1_100 + i * 200L, 7L, 1L), out.rows.get(i));
        }
        assertEquals(0, session.lateRecordsDropped());
    }

    @Test
    void shouldMergeAcrossManyOpenSessionsOfOneKey()
    {
        final Operator session = aggregate(WindowSpec.session("ts", 10), OutputMode.APPEND, 0);
        for (int i = 0; i < 1000; i++)
        {
            send(session, 1, i * 20L); // 1000 separate sessions [20i, 20i + 10)
        }
        assertEquals(1000, ((SessionAggregateOperator)session).openSessions());
        for (int i = 0; i < 999; i++)
        {
            send(session, 1, i * 20L + 10); // bridges session i and i + 1: all merge into one
        }
        assertEquals(1, ((SessionAggregateOperator)session).openSessions());
        session.onEndOfStream();
        assertEquals(List.of(List.of(0L, 19_990L, 1L, 1999L)), out.rows);
    }

    @Test
    void shouldNotOverflowTheCloseTimeWithMaxAllowedLateness()
    {
        // end - 1 + lateness used to wrap: the second record was reported late and the window had one record
        final Operator tumbling = aggregate(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, Long.MAX_VALUE);
        send(tumbling, 1, 1000);
        tumbling.onWatermark(999);
        send(tumbling, 1, 1001);
        tumbling.onWatermark(5_000_000);
        assertEquals(0, out.rows.size(), "lateness MAX_VALUE: never closed before end of stream");
        tumbling.onEndOfStream();
        assertEquals(List.of(List.of(1000L, 2000L, 1L, 2L)), out.rows);
        assertEquals(0, tumbling.lateRecordsDropped());
    }

    @Test
    void shouldEmitANegativeTimeWindowOnceWithHugeLateness()
    {
        final Operator tumbling = aggregate(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, Long.MAX_VALUE - 5);
        send(tumbling, 1, -5000);
        tumbling.onWatermark(-4500);
        send(tumbling, 1, -4999);
        tumbling.onWatermark(-100);
        send(tumbling, 1, -4998);
        tumbling.onEndOfStream();
        assertEquals(List.of(List.of(-5000L, -4000L, 1L, 3L)), out.rows);
        assertEquals(0, tumbling.lateRecordsDropped());
    }

    @Test
    void shouldCloseWindowsExactlyAtLatenessNearTheLimits()
    {
        final long lateness = Long.MAX_VALUE - 1000;
        final Operator tumbling = aggregate(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, lateness);
        send(tumbling, 1, Long.MIN_VALUE + 10);
        // window [MIN, MIN + 808): closes when watermark >= end - 1 + lateness = MIN + 807 + MAX - 1000 = -194
        tumbling.onWatermark(-195);
        assertEquals(0, out.rows.size());
        tumbling.onWatermark(-194);
        assertEquals(1, out.rows.size());
        send(tumbling, 1, Long.MIN_VALUE + 11);
        assertEquals(1, tumbling.lateRecordsDropped());
    }

    @Test
    void shouldSaturateTumblingWindowsAtTheEndsOfTime()
    {
        final Operator tumbling = aggregate(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, 0);
        send(tumbling, 1, Long.MIN_VALUE);
        send(tumbling, 1, Long.MIN_VALUE + 807);
        send(tumbling, 1, Long.MIN_VALUE + 808);
        send(tumbling, 1, Long.MAX_VALUE);
        send(tumbling, 1, Long.MAX_VALUE - 807);
        tumbling.onWatermark(Long.MAX_VALUE - 1000);
        final long minEnd = Math.floorDiv(Long.MIN_VALUE, 1000) * 1000 + 1000; // -9223372036854775000
        final List<List<Object>> expected = new ArrayList<>(List.of(
            List.of(Long.MIN_VALUE, minEnd, 1L, 2L), List.of(minEnd, minEnd + 1000, 1L, 1L)));
        expected.sort(Comparator.comparing(Object::toString));
        assertEquals(expected, rows());
        tumbling.onEndOfStream();
        assertEquals(List.of(Long.MAX_VALUE - 807, Long.MAX_VALUE, 1L, 2L), out.rows.get(2));
        assertEquals(3, out.rows.size());
    }

    @Test
    void shouldAssignSlidingWindowsAtTheEndsOfTimeAsExactArithmeticWould()
    {
        final long size = 1000;
        final long slide = 300;
        final Operator sliding = aggregate(WindowSpec.sliding("ts", size, slide), OutputMode.APPEND, 0);
        final long[] timestamps = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE + 299, Long.MIN_VALUE + 1234,
            -1, 0, 1, Long.MAX_VALUE - 1234, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        final List<List<Object>> expected = new ArrayList<>();
        for (int i = 0; i < timestamps.length; i++)
        {
            send(sliding, i, timestamps[i]);
            // exact windows containing ts: starts k * slide with start <= ts < start + size, then saturated
            final BigInteger ts = BigInteger.valueOf(timestamps[i]);
            final BigInteger s = BigInteger.valueOf(slide);
            BigInteger start = ts.subtract(ts.mod(s));
            while (start.add(BigInteger.valueOf(size)).compareTo(ts) > 0)
            {
                expected.add(List.of(saturate(start), saturate(start.add(BigInteger.valueOf(size))), (long)i, 1L));
                start = start.subtract(s);
            }
        }
        sliding.onEndOfStream();
        expected.sort(Comparator.comparing(Object::toString));
        assertEquals(expected, rows());
        assertEquals(0, sliding.lateRecordsDropped());
    }

    private static long saturate(final BigInteger v)
    {
        return v.max(BigInteger.valueOf(Long.MIN_VALUE)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
    }

    @Test
    void shouldSaturateSessionEndsNearMaxTime()
    {
        final Operator session = aggregate(WindowSpec.session("ts", 100), OutputMode.APPEND, Long.MAX_VALUE);
        send(session, 1, Long.MAX_VALUE - 10);
        send(session, 1, Long.MAX_VALUE);
        send(session, 2, Long.MIN_VALUE);
        session.onWatermark(97);
        assertEquals(0, out.rows.size());
        session.onWatermark(Long.MAX_VALUE - 1); // closes [MIN, MIN + 100): MIN + 99 + MAX_VALUE = 98 <= watermark
        assertEquals(List.of(List.of(Long.MIN_VALUE, Long.MIN_VALUE + 100, 2L, 1L)), out.rows);
        session.onEndOfStream();
        assertEquals(List.of(Long.MAX_VALUE - 10, Long.MAX_VALUE, 1L, 2L), out.rows.get(1));
        assertEquals(2, out.rows.size());
    }

    @Test
    void shouldRejectTooManySlidingWindowsPerRecordEvenForHugeSizes()
    {
        // size + slide - 1 used to wrap negative and let through size/slide = 2^62 windows per record
        final io.rivulet.ringbuffer.SchemaException e = org.junit.jupiter.api.Assertions.assertThrows(
            io.rivulet.ringbuffer.SchemaException.class, () -> WindowSpec.sliding("ts", Long.MAX_VALUE, 2));
        assertTrue(e.getMessage().contains("windows per record"), e.getMessage());
        WindowSpec.sliding("ts", Long.MAX_VALUE, Long.MAX_VALUE / 999); // 1000 windows: allowed
    }

    @Test
    void shouldComputeTheClosedEndLimitWithoutOverflow()
    {
        assertEquals(1, EventTimeAggregateOperator.closedEndLimit(0, 0));
        assertEquals(Long.MAX_VALUE, EventTimeAggregateOperator.closedEndLimit(Long.MAX_VALUE, 5));
        assertEquals(Long.MIN_VALUE + 1, EventTimeAggregateOperator.closedEndLimit(-1, Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, EventTimeAggregateOperator.closedEndLimit(-2, Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, EventTimeAggregateOperator.closedEndLimit(Long.MIN_VALUE + 5, 6));
        assertEquals(Long.MIN_VALUE + 1, EventTimeAggregateOperator.closedEndLimit(Long.MIN_VALUE + 5, 5));
        assertEquals(1, EventTimeAggregateOperator.closedEndLimit(Long.MAX_VALUE - 1, Long.MAX_VALUE - 1));
        assertEquals(Long.MAX_VALUE, EventTimeAggregateOperator.closedEndLimit(Long.MAX_VALUE - 1, 0));
    }

    @Test
    void shouldSpreadALargeFiringOverBoundedStepsAndHoldTheWatermarkUntilDone()
    {
        final int keys = 20_000;
        final Operator tumbling = aggregate(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, 0);
        for (int k = 0; k < keys; k++)
        {
            send(tumbling, k, 500);
        }
        tumbling.onWatermark(999);
        final int maxRowsPerStep = EventTimeAggregateOperator.FIRE_BUDGET_UNITS /
            EventTimeAggregateOperator.ROW_COST_UNITS + 1;
        assertTrue(out.rows.size() <= maxRowsPerStep, "one step emitted " + out.rows.size());
        assertEquals(List.of(), out.watermarks, "the watermark waits for the rows of the windows it closed");

        int steps = 1;
        int before = out.rows.size();
        while (out.watermarks.isEmpty())
        {
            send(tumbling, 1, 1500); // records keep coming: each moves the firing on by one bounded step
            assertTrue(out.rows.size() - before <= maxRowsPerStep);
            before = out.rows.size();
            steps++;
            assertTrue(steps < keys, "firing does not progress");
        }
        assertEquals(keys, out.rows.size());
        assertEquals(keys, out.rowsAtLastWatermark, "every row precedes the watermark");
        assertEquals(List.of(999L), out.watermarks);
        assertTrue(steps > 10, "steps: " + steps);
        assertEquals(0, tumbling.lateRecordsDropped());

        // a late record for the closing window is late even while its rows are still being emitted
        tumbling.onWatermark(1999);
        send(tumbling, 1, 10);
        assertEquals(1, tumbling.lateRecordsDropped());
        tumbling.onProcessingTime(0);
        tumbling.onProcessingTime(1); // no record since the last tick: the idle stage finishes the firing
        assertEquals(List.of(999L, 1999L), out.watermarks);
        assertEquals(keys + 1, out.rows.size());
        assertEquals(List.of(1000L, 2000L, 1L, (long)steps - 1), out.rows.get(keys));
    }

    @Test
    void shouldFinishAPendingFiringAtEndOfStreamAndAtAnEpoch()
    {
        final Operator tumbling = aggregate(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, 0);
        for (int k = 0; k < 5000; k++)
        {
            send(tumbling, k, 500);
            send(tumbling, k, 1500);
        }
        tumbling.onWatermark(999);
        assertTrue(out.rows.size() < 5000);
        tumbling.onEpoch(3);
        assertEquals(5000, out.rows.size());
        assertEquals(List.of(999L), out.watermarks);
        assertEquals(List.of(3L), out.epochs);
        tumbling.onWatermark(1999);
        assertTrue(out.rows.size() < 10_000);
        tumbling.onEndOfStream();
        assertEquals(10_000, out.rows.size());
        assertEquals(List.of(999L, 1999L), out.watermarks);
        assertTrue(out.ended);
    }

    // The window behaviour the README's "Semantics in brief" states, with its exact examples.

    @Test
    void shouldEmitAMergedSessionInUpdateModeAsARowSupersedingTheRowsItCoversWithoutRetraction()
    {
        final Operator session = aggregate(WindowSpec.session("ts", 100), OutputMode.UPDATE, 0);
        send(session, 1, 0);
        send(session, 1, 200);
        send(session, 1, 100); // [100, 200) touches both: they merge into [0, 300)
        // rows are [window_start, window_end, key, count]
        assertEquals(List.of(
            List.of(0L, 100L, 1L, 1L),
            List.of(200L, 300L, 1L, 1L),
            List.of(0L, 300L, 1L, 3L)), out.rows);
        session.onWatermark(1_000);
        session.onEndOfStream();
        assertEquals(3, out.rows.size(), "no retraction of [0,100) or [200,300), no further row: " + out.rows);
    }

    @Test
    void shouldEmitNothingBeforeEndOfStreamInAppendModeWithMaxAllowedLateness()
    {
        final Operator tumbling = aggregate(WindowSpec.tumbling("ts", 1_000), OutputMode.APPEND, Long.MAX_VALUE);
        send(tumbling, 1, 0);
        send(tumbling, 1, 5_000);
        tumbling.onWatermark(Long.MAX_VALUE - 1);
        assertEquals(List.of(), out.rows, "every window stays open");
        tumbling.onEndOfStream();
        assertEquals(List.of(List.of(0L, 1_000L, 1L, 1L), List.of(5_000L, 6_000L, 1L, 1L)), out.rows);
    }
}
