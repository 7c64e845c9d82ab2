package io.rivulet.operators;

import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every built-in operator forwards watermarks, epochs and end of stream unchanged and in stream order
 * relative to the records it emits.
 */
class MarkerForwardingTest
{
    private static final Schema OUT = Schema.builder().int64("id").build();
    private static final LongField ID = Trades.SCHEMA.longField("id");
    private static final IntField QTY = Trades.SCHEMA.intField("qty");
    private static final LongField OUT_ID = OUT.longField("id");

    private static final List<String> ONE_OUT_PER_RECORD = List.of(
        "watermark:5", "row:1", "watermark:10", "row:2", "epoch:1", "watermark:20", "row:3", "epoch:2",
        "endOfStream:0");
    private static final List<String> SECOND_RECORD_DROPPED = List.of(
        "watermark:5", "row:1", "watermark:10", "epoch:1", "watermark:20", "row:3", "epoch:2", "endOfStream:0");
    /** flatMap emits qty copies: 1, 0 and 2. */
    private static final List<String> QTY_COPIES = List.of(
        "watermark:5", "row:1", "watermark:10", "epoch:1", "watermark:20", "row:3", "row:3", "epoch:2",
        "endOfStream:0");

    static Stream<Arguments> operators()
    {
        return Stream.of(
            Arguments.of("filter", (Supplier<Operator>)() ->
                Operators.filter(Trades.SCHEMA, r -> r.getInt(QTY) > 0), SECOND_RECORD_DROPPED),
            Arguments.of("where", (Supplier<Operator>)() ->
                Operators.where(Trades.SCHEMA, col("qty").gt(0)), SECOND_RECORD_DROPPED),
            Arguments.of("select", (Supplier<Operator>)() ->
                Operators.select(Trades.SCHEMA, col("id")), ONE_OUT_PER_RECORD),
            Arguments.of("map", (Supplier<Operator>)() ->
                Operators.map(Trades.SCHEMA, OUT, (in, out) -> out.setLong(OUT_ID, in.getLong(ID))),
                ONE_OUT_PER_RECORD),
            Arguments.of("flatMap", (Supplier<Operator>)() ->
                Operators.flatMap(Trades.SCHEMA, OUT, (in, out) ->
                {
                    for (int i = 0; i < in.getInt(QTY); i++)
                    {
                        out.record().setLong(OUT_ID, in.getLong(ID));
                        out.emit();
                    }
                }), QTY_COPIES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operators")
    void shouldForwardMarkersInStreamOrder(final String name, final Supplier<Operator> factory,
        final List<String> expected)
    {
        final OperatorHarness harness = new OperatorHarness(Trades.SCHEMA, factory.get());
        driveStandardStream(harness);

        assertEquals(expected, signature(harness.events()), name);
    }

    @Test
    void shouldForwardMarkersInOrderThroughAFusedChain()
    {
        final Operator where = Operators.where(Trades.SCHEMA, col("qty").gt(0));
        final Operator select = Operators.select(where.outputSchema(), col("id"), col("qty"));
        final Operator map = Operators.map(select.outputSchema(), OUT,
            (in, out) -> out.setLong(OUT_ID, in.getLong(select.outputSchema().longField("id")) * 100));
        where.open(select);
        select.open(map);
        final OperatorHarness harness = new OperatorHarness(Trades.SCHEMA, where, map);
        driveStandardStream(harness);

        assertEquals(List.of("watermark:5", "row:100", "watermark:10", "epoch:1", "watermark:20", "row:300",
            "epoch:2", "endOfStream:0"), signature(harness.events()));
    }

    /** Records with id 1, 2, 3 and qty 1, 0, 2, interleaved with markers. */
    private static void driveStandardStream(final OperatorHarness harness)
    {
        harness.watermark(5)
            .push(1, 1L, "A", 1.0, 1, 10L, true, "V")
            .watermark(10)
            .push(2, 2L, "B", 2.0, 0, 20L, false, "V")
            .epoch(1)
            .watermark(20)
            .push(3, 3L, "C", 3.0, 2, 30L, true, "V")
            .epoch(2)
            .endOfStream();
    }

    private static List<String> signature(final List<Object> events)
    {
        final List<String> signature = new ArrayList<>();
        for (final Object e : events)
        {
            if (e instanceof OperatorHarness.Row)
            {
                signature.add("row:" + ((OperatorHarness.Row)e).values().get(0));
            }
            else
            {
                final OperatorHarness.Marker m = (OperatorHarness.Marker)e;
                signature.add(m.kind() + ":" + m.value());
            }
        }
        return signature;
    }
}
