package io.rivulet.operators;

import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowOperators;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.rivulet.operators.TwoInputOperator.LEFT;
import static io.rivulet.operators.TwoInputOperator.RIGHT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event time across the two inputs of a fan-in, driven on the test thread: idleness is what the stage would
 * decide on its ticks ({@link TwoInputOperator#setIdle}), so no clock or thread is needed.
 * <pre>
 *   left  -&gt; withWatermark(ts, 0) --\
 *                                     union -&gt; tumbling 1000 ms count (APPEND) -&gt; out
 *   right -&gt; withWatermark(ts, 0) --/
 * </pre>
 */
class TwoInputOperatorWatermarkTest
{
    private static final Schema EVENTS = Schema.builder().int64("id").timestamp("ts").build();
    private static final LongField ID = EVENTS.longField("id");
    private static final LongField TS = EVENTS.longField("ts");

    private final RecordFlyweight record = new RecordFlyweight(EVENTS)
        .wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
    private final CollectingOutput out = new CollectingOutput();
    private final Union union = new Union();
    private final Operator window = WindowOperators.aggregate(EVENTS, WindowSpec.tumbling("ts", 1_000),
        new String[0], new Aggregate[]{Aggregate.count()}, OutputMode.APPEND, 0, null);
    private final Operator left = Operators.withWatermark(EVENTS, "ts", 0);
    private final Operator right = Operators.withWatermark(EVENTS, "ts", 0);

    TwoInputOperatorWatermarkTest()
    {
        window.open(out);
        union.open(window);
        left.open(union.input(LEFT));
        right.open(union.input(RIGHT));
    }

    @AfterEach
    void close()
    {
        window.close();
    }

    @Test
    void shouldNotDropInOrderRecordOfIdleInputWhenTheEndedInputIsAhead()
    {
        push(left, 1, 10_000);
        left.onEndOfStream();
        push(right, 2, 1_000);
        union.setIdle(RIGHT, true); // right pauses for longer than the idle timeout

        assertTrue(out.watermarks.stream().allMatch(w -> w <= 999), () -> "watermarks " + out.watermarks);
        union.setIdle(RIGHT, false);
        push(right, 3, 1_500); // in order for the right input
        right.onEndOfStream();

        assertEquals(0, window.lateRecordsDropped());
        assertEquals(Set.of(List.of(1_000L, 2_000L, 2L), List.of(10_000L, 11_000L, 1L)), Set.copyOf(out.rows));
        assertTrue(out.ended);
    }

    @Test
    void shouldLetTheLiveInputLeadWhenTheEndedInputIsBehind()
    {
        push(left, 1, 1_000);
        left.onEndOfStream();
        push(right, 2, 5_000);
        assertEquals(4_999, union.currentWatermark(), "an ended input no longer holds event time back");
        assertEquals(List.of(List.of(1_000L, 2_000L, 1L)), out.rows);

        union.setIdle(RIGHT, true);
        assertEquals(4_999, union.currentWatermark());
        union.setIdle(RIGHT, false);
        push(right, 3, 5_500);
        right.onEndOfStream();

        assertEquals(0, window.lateRecordsDropped());
        assertEquals(List.of(List.of(1_000L, 2_000L, 1L), List.of(5_000L, 6_000L, 2L)), out.rows);
    }

    @Test
    void shouldHoldEventTimeWhileBothLiveInputsAreIdle()
    {
        push(left, 1, 3_000);
        push(right, 2, 1_000);
        union.setIdle(LEFT, true);
        assertEquals(999, union.currentWatermark());
        union.setIdle(RIGHT, true);
        assertEquals(999, union.currentWatermark(), "no input promises progress: hold, not the maximum 2999");

        union.setIdle(RIGHT, false);
        push(right, 3, 1_100); // in order for the right input
        left.onEndOfStream();
        right.onEndOfStream();

        assertEquals(0, window.lateRecordsDropped());
        assertEquals(Set.of(List.of(1_000L, 2_000L, 2L), List.of(3_000L, 4_000L, 1L)), Set.copyOf(out.rows));
    }

    private void push(final Operator input, final long id, final long ts)
    {
        record.setLong(ID, id).setLong(TS, ts);
        input.onRecord(record);
    }

    /** Forwards both inputs unchanged. */
    private static final class Union extends TwoInputOperator
    {
        @Override
        public Schema outputSchema()
        {
            return EVENTS;
        }

        @Override
        public void onRecord(final int input, final RecordFlyweight record)
        {
            output().onRecord(record);
        }

        @Override
        public String describe()
        {
            return "union";
        }
    }
}
