package io.rivulet.operators;

import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rivulet.operators.Expr.col;
import static io.rivulet.operators.OperatorHarness.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Defect 11 at the operator level: a typed lambda using a field resolved before a {@code select} changed the
 * layout fails when the pipeline is defined (captured fields) or at the first record (static constants, -ea),
 * instead of reading a neighbouring column.
 */
class StaleFieldTest
{
    /** A constant resolved from the input schema: not captured by lambdas, so only the flyweight can see it. */
    private static final DoubleField TRADES_PX = Trades.SCHEMA.doubleField("px");

    @Test
    void shouldRejectAFilterCapturingAFieldOfTheSchemaBeforeTheSelect()
    {
        final Operator select = Operators.select(Trades.SCHEMA, col("qty"), col("px"));
        final DoubleField px = Trades.SCHEMA.doubleField("px"); // stale: select moved px

        final SchemaException e = assertThrows(SchemaException.class,
            () -> Operators.filter(select.outputSchema(), r -> r.getDouble(px) > 100));

        assertEquals("filter(<lambda>) uses field 'px:FLOAT64' resolved from " + Trades.SCHEMA +
            ", but its records have " + select.outputSchema() + ": column 'px' moved (index 2 -> 1, offset " +
            Trades.SCHEMA.field("px").offset() + " -> " + select.outputSchema().field("px").offset() + "): the " +
            "field would read another column's bytes. Resolve the field from the schema at this point of the " +
            "pipeline, e.g. stream.schema().doubleField(\"px\")", e.getMessage());
    }

    @Test
    void shouldNameAnInPlaceRescaleAsTheSameColumnAtAnotherScale()
    {
        final Schema fills = Schema.builder().symbol("sym", 4).decimal("px", 4).build();
        // what withColumn("px", col("px").toDecimal(2)) plans: px replaced in place
        final Operator rescale = Operators.select(fills, col("sym"), col("px").toDecimal(2).as("px"));
        final DecimalField px4 = fills.decimalField("px");

        final SchemaException e = assertThrows(SchemaException.class,
            () -> Operators.filter(rescale.outputSchema(), r -> r.getMantissa(px4) > 0));

        assertEquals("filter(<lambda>) uses field 'px:DECIMAL(4)' resolved from " + fills +
            ", but its records have " + rescale.outputSchema() + ": column 'px' is DECIMAL(2) there, not " +
            "DECIMAL(4): the field would read it at the wrong scale. Resolve the field from the schema at this " +
            "point of the pipeline, e.g. stream.schema().decimalField(\"px\")", e.getMessage());
    }

    @Test
    void shouldAcceptAFilterAndMapCapturingFieldsOfTheirOwnSchemas()
    {
        final Operator select = Operators.select(Trades.SCHEMA, col("qty"), col("px"));
        final Schema projected = select.outputSchema();
        final DoubleField px = projected.doubleField("px");
        final Schema out = Schema.builder().float64("double_px").build();
        final DoubleField doublePx = out.doubleField("double_px");

        final Operator filter = Operators.filter(projected, r -> r.getDouble(px) > 100);
        final Operator map = Operators.map(projected, out, (in, o) -> o.setDouble(doublePx, 2 * in.getDouble(px)));
        select.open(filter);
        filter.open(map);

        final OperatorHarness harness = Trades.pushAll(new OperatorHarness(Trades.SCHEMA, select, map));
        assertEquals(List.of(row(203.0), row(500.0)), harness.rows());
    }

    @Test
    void shouldRejectAMapCapturingAFieldOfNeitherItsInputNorItsOutput()
    {
        final Schema projected = Operators.select(Trades.SCHEMA, col("qty"), col("px")).outputSchema();
        final Schema out = Schema.builder().int32("q").build();
        final IntField staleQty = Trades.SCHEMA.intField("qty");

        final SchemaException e = assertThrows(SchemaException.class,
            () -> Operators.map(projected, out, (in, o) -> o.setInt(out.intField("q"), in.getInt(staleQty))));
        assertTrue(e.getMessage().startsWith("map(<lambda>) uses field 'qty:INT32'"), e.getMessage());
    }

    @Test
    void shouldLeaveAloneCapturedFieldsOfAnUnrelatedSchema()
    {
        final Schema limits = Schema.builder().float64("limit").build();
        final DoubleField limit = limits.doubleField("limit");
        final io.rivulet.ringbuffer.RecordFlyweight reference = new io.rivulet.ringbuffer.RecordFlyweight(limits)
            .wrap(new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0).setDouble(limit, 100);
        final DoubleField px = Trades.SCHEMA.doubleField("px");

        final Operator filter = Operators.filter(Trades.SCHEMA, r -> r.getDouble(px) > reference.getDouble(limit));

        assertEquals(List.of(101.5, 250.0),
            Trades.pushAll(new OperatorHarness(Trades.SCHEMA, filter)).rows().stream().map(r -> r.get(2)).toList());
    }

    @Test
    void shouldFailAtTheFirstRecordWhenAStaticStaleFieldReadsAProjectedRecord()
    {
        final Operator select = Operators.select(Trades.SCHEMA, col("qty"), col("px"));
        final Operator filter = Operators.filter(select.outputSchema(), r -> r.getDouble(TRADES_PX) > 100);
        select.open(filter);
        final OperatorHarness harness = new OperatorHarness(Trades.SCHEMA, select, filter);

        // before the fix this compared qty's bytes, as a double, with 100 and silently dropped every record
        final AssertionError e = assertThrows(AssertionError.class, () -> Trades.pushAll(harness));
        assertTrue(e.getMessage().startsWith("Field 'px:FLOAT64' was resolved from " + Trades.SCHEMA +
            " but the record has " + select.outputSchema()), e.getMessage());
    }
}
