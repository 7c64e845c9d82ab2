package io.rivulet.operators.window;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pins the window behaviour the README's "Semantics in brief" states, with its exact examples. */
class DocumentedWindowSemanticsTest
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

    private void send(final Operator op, final long ts)
    {
        op.onRecord(record.setLong(KEY, 1).setLong(TS, ts));
    }

    @Test
    void shouldEmitAMergedSessionInUpdateModeAsARowSupersedingTheRowsItCoversWithoutRetraction()
    {
        final Operator session = aggregate(WindowSpec.session("ts", 100), OutputMode.UPDATE, 0);
        send(session, 0);
        send(session, 200);
        send(session, 100); // [100, 200) touches both: they merge into [0, 300)
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
        send(tumbling, 0);
        send(tumbling, 5_000);
        tumbling.onWatermark(Long.MAX_VALUE - 1);
        assertEquals(List.of(), out.rows, "every window stays open");
        tumbling.onEndOfStream();
        assertEquals(List.of(List.of(0L, 1_000L, 1L, 1L), List.of(5_000L, 6_000L, 1L, 1L)), out.rows);
    }
}
