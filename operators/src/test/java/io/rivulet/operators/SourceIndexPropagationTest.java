package io.rivulet.operators;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stateless operators pass a record's source index (its journal index) on with its ingest time, so a sink or a
 * checkpoint downstream of where/select/map/flatMap still knows which input record a result came from.
 */
class SourceIndexPropagationTest
{
    private static final Schema IN = Schema.builder().int64("id").int64("v").build();
    private static final LongField ID = IN.longField("id");
    private static final Schema OUT = Schema.builder().int64("id").build();
    private static final LongField OUT_ID = OUT.longField("id");

    private static List<Long> run(final Operator op)
    {
        final CollectingOutput output = new CollectingOutput();
        op.open(output);
        final RecordFlyweight record = new RecordFlyweight(IN).wrap(new UnsafeBuffer(new byte[64]), 0);
        for (long i = 0; i < 3; i++)
        {
            record.setLong(ID, i);
            op.onRecord(record.ingestTimeNs(100 + i).sourceIndex(7_000 + i));
        }
        assertEquals(output.sourceIndexes.stream().map(index -> index - 6_900).toList(), output.ingestTimesNs,
            "ingest time travels with the source index");
        return output.sourceIndexes;
    }

    @Test
    void shouldPassTheSourceIndexThroughSelectMapAndFlatMap()
    {
        assertEquals(List.of(7_000L, 7_001L, 7_002L), run(Operators.select(IN, col("id"))));
        assertEquals(List.of(7_000L, 7_001L, 7_002L),
            run(Operators.map(IN, OUT, (in, out) -> out.setLong(OUT_ID, in.getLong(ID)))));
        assertEquals(List.of(7_000L, 7_000L, 7_001L, 7_001L, 7_002L, 7_002L),
            run(Operators.flatMap(IN, OUT, (in, out) ->
            {
                for (int k = 0; k < 2; k++)
                {
                    out.record().setLong(OUT_ID, in.getLong(ID));
                    out.emit();
                }
            })));
    }
}
