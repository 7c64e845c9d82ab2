package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rivulet.operators.TwoInputOperator.LEFT;
import static io.rivulet.operators.TwoInputOperator.RIGHT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fan-in forwards each micro-batch epoch once, when every live input has reached it, and in order. */
class TwoInputOperatorEpochTest
{
    private static final Schema EVENTS = Schema.builder().int64("id").build();

    private final CollectingOutput out = new CollectingOutput();
    private final TwoInputOperator union = new TwoInputOperator()
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
    };

    TwoInputOperatorEpochTest()
    {
        union.open(out);
    }

    @Test
    void shouldForwardAnEpochOnceBothInputsReachedIt()
    {
        union.input(LEFT).onEpoch(1);
        assertEquals(List.of(), out.epochs);
        union.input(LEFT).onEpoch(2);
        union.input(RIGHT).onEpoch(1);
        assertEquals(List.of(1L), out.epochs);
        union.input(RIGHT).onEpoch(1); // never twice
        union.input(RIGHT).onEpoch(2);
        assertEquals(List.of(1L, 2L), out.epochs);
    }

    @Test
    void shouldNotLetAnEndedInputHoldEpochsBack()
    {
        union.input(LEFT).onEpoch(1);
        union.input(RIGHT).onEpoch(1);
        union.input(RIGHT).onEpoch(2);
        union.input(LEFT).onEndOfStream();
        assertEquals(List.of(1L, 2L), out.epochs);
        union.input(RIGHT).onEpoch(3);
        assertEquals(List.of(1L, 2L, 3L), out.epochs);
    }

    /**
     * availableNow(n) ends epochs per source, by count: inputs of different lengths end after different numbers
     * of epochs. The ids the longer input ran ahead with, when the shorter one ends, went on as one jump (3 then
     * 5: no 4), or not at all once both had ended; each now goes on once, in order, before the end of stream.
     */
    @Test
    void shouldForwardEveryIdInOrderWhenTheInputThatRanAheadIsLeftAlone()
    {
        union.input(LEFT).onEpoch(1);
        union.input(LEFT).onEpoch(2);
        union.input(LEFT).onEpoch(3);
        union.input(RIGHT).onEpoch(1);
        union.input(RIGHT).onEndOfStream();
        assertEquals(List.of(1L, 2L, 3L), out.epochs);
        union.input(LEFT).onEpoch(5); // an id only a fan-in further up could skip
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), out.epochs);
    }

    @Test
    void shouldForwardTheEndedInputsLastEpochsBeforeTheEndOfStream()
    {
        union.input(LEFT).onEpoch(1);
        union.input(LEFT).onEpoch(2);
        union.input(LEFT).onEpoch(3);
        union.input(LEFT).onEndOfStream(); // the longer input ended first
        union.input(RIGHT).onEpoch(1);
        assertEquals(List.of(1L), out.epochs);
        union.input(RIGHT).onEndOfStream();
        assertEquals(List.of(1L, 2L, 3L), out.epochs, "epochs 2 and 3 were never forwarded");
        assertTrue(out.ended);
    }
}
