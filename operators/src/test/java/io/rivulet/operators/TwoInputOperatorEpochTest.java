package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rivulet.operators.TwoInputOperator.LEFT;
import static io.rivulet.operators.TwoInputOperator.RIGHT;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
