package io.rivulet.ringbuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Defect 11: a field resolved against one schema must not silently read another layout's bytes. Surefire runs
 * with {@code -ea}, so the flyweight's assertions are live here.
 */
class FieldSchemaCheckTest
{
    private static final Schema TRADES = Schema.builder().int64("id").float64("px").int32("qty").build();
    /** What {@code select(col("qty"), col("px"))} produces: px moves to offset 0, qty to 8. */
    private static final Schema PROJECTED = Schema.builder().int32("qty").float64("px").build();

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);

    @Test
    void shouldKnowTheSchemaAFieldWasResolvedFrom()
    {
        assertSame(TRADES, TRADES.longField("id").schema());
        assertSame(PROJECTED, PROJECTED.doubleField("px").schema());
    }

    @Test
    void shouldFailNamingFieldAndBothSchemasWhenAStaleFieldReadsAProjectedRecord()
    {
        final DoubleField staleTradesPx = TRADES.doubleField("px");
        final RecordFlyweight projected = new RecordFlyweight(PROJECTED).wrap(buffer, 0);
        projected.setDouble(PROJECTED.doubleField("px"), 101.5).setInt(PROJECTED.intField("qty"), 200);

        // before the fix this returned the bytes of qty and the padding after it, as a double
        final AssertionError e = assertThrows(AssertionError.class, () -> projected.getDouble(staleTradesPx));

        assertEquals("Field 'px:FLOAT64' was resolved from " + TRADES + " but the record has " + PROJECTED +
            ": column 'px' moved (index 1 -> 1, offset 8 -> 0): the field would read another column's bytes. " +
            "Resolve the field from the schema of the records at this " +
            "point of the pipeline (e.g. stream.schema().doubleField(\"px\") after the select/map that changed it)",
            e.getMessage());
    }

    @Test
    void shouldNameTheSameColumnAtAnotherScaleOrTypeAccurately()
    {
        // withColumn("px", col("px").toDecimal(2)) replaces px in place: same column, same offset, another scale
        final Schema scale4 = Schema.builder().int64("id").decimal("px", 4).build();
        final Schema scale2 = Schema.builder().int64("id").decimal("px", 2).build();
        final DecimalField stalePx = scale4.decimalField("px");
        final RecordFlyweight rescaled = new RecordFlyweight(scale2).wrap(buffer, 0);

        final AssertionError e = assertThrows(AssertionError.class, () -> rescaled.getMantissa(stalePx));
        assertEquals("Field 'px:DECIMAL(4)' was resolved from " + scale4 + " but the record has " + scale2 +
            ": column 'px' is DECIMAL(2) there, not DECIMAL(4): the field would read it at the wrong scale. " +
            "Resolve the field from the schema of the records at this point of the pipeline (e.g. " +
            "stream.schema().decimalField(\"px\") after the select/map that changed it)", e.getMessage());

        final Schema asLong = Schema.builder().int64("id").int64("px").build();
        assertEquals("column 'px' is INT64 there, not DECIMAL(4): the field would read it as the wrong type",
            stalePx.mismatchReason(asLong));
        assertEquals("it has no column 'px': the field would read another column's bytes",
            stalePx.mismatchReason(Schema.builder().int64("id").int64("qty").build()));
    }

    @Test
    void shouldFailWhenAStaleFieldWritesOrReadsAnyType()
    {
        final Schema a = Schema.builder().int64("id").int32("qty").symbol("sym", 4).bool("buy").decimal("px", 2)
            .build();
        final Schema b = Schema.builder().decimal("px", 2).int64("id").bool("buy").int32("qty").symbol("sym", 4)
            .build();
        final RecordFlyweight r = new RecordFlyweight(b).wrap(buffer, 0);

        assertThrows(AssertionError.class, () -> r.getLong(a.longField("id")));
        assertThrows(AssertionError.class, () -> r.setLong(a.longField("id"), 1));
        assertThrows(AssertionError.class, () -> r.getInt(a.intField("qty")));
        assertThrows(AssertionError.class, () -> r.setInt(a.intField("qty"), 1));
        assertThrows(AssertionError.class, () -> r.getBoolean(a.booleanField("buy")));
        assertThrows(AssertionError.class, () -> r.setBoolean(a.booleanField("buy"), true));
        assertThrows(AssertionError.class, () -> r.setSymbol(a.symbolField("sym"), "X"));
        assertThrows(AssertionError.class, () -> r.symbolEquals(a.symbolField("sym"), "X"));
        assertThrows(AssertionError.class, () -> r.getSymbol(a.symbolField("sym")));
        assertThrows(AssertionError.class, () -> r.getMantissa(a.decimalField("px")));
        assertThrows(AssertionError.class, () -> r.setMantissa(a.decimalField("px"), 1));
    }

    @Test
    void shouldAcceptAFieldOfAnEqualSchemaBuiltTwice()
    {
        final Schema twin = Schema.builder().int64("id").float64("px").int32("qty").build();
        assertNotSame(TRADES, twin);
        assertEquals(TRADES, twin);
        final RecordFlyweight r = new RecordFlyweight(twin).wrap(buffer, 0);

        r.setLong(TRADES.longField("id"), 7).setDouble(TRADES.doubleField("px"), 1.5);

        assertEquals(7, r.getLong(twin.longField("id")));
        assertEquals(1.5, r.getDouble(twin.doubleField("px")));
    }

    @Test
    void shouldAcceptAFieldWhoseColumnKeptItsPlaceInAnotherSchema()
    {
        // a projection that appends a column keeps id, px and qty where they were
        final Schema widened = Schema.builder().int64("id").float64("px").int32("qty").int32("extra").build();
        assertTrue(TRADES.longField("id").isValidFor(widened));
        assertTrue(TRADES.intField("qty").isValidFor(widened));
        assertFalse(TRADES.intField("qty").isValidFor(PROJECTED));
        // same position and offset but another type or scale is not the same column
        final Schema otherScale = Schema.builder().decimal("px", 2).build();
        assertFalse(Schema.builder().decimal("px", 4).build().decimalField("px").isValidFor(otherScale));
    }

    @Test
    void shouldRejectCopyFromARecordOfAnotherLayout()
    {
        final RecordFlyweight target = new RecordFlyweight(PROJECTED).wrap(buffer, 0);
        final RecordFlyweight source = new RecordFlyweight(TRADES).wrap(new UnsafeBuffer(new byte[32]), 0);

        final AssertionError e = assertThrows(AssertionError.class, () -> target.copyFrom(source));

        assertTrue(e.getMessage().startsWith("copyFrom: the source record has " + TRADES), e.getMessage());
    }
}
