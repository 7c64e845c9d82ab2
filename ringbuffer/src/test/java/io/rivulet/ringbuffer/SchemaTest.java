package io.rivulet.ringbuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaTest
{
    private static final Schema MIXED = Schema.builder()
        .bool("flag")
        .symbol("ticker", 5)
        .int32("qty")
        .int64("id")
        .float64("px")
        .timestamp("ts")
        .int32("lots")
        .bool("buy")
        .symbol("venue", 3)
        .build();

    @Test
    void shouldKeepDeclarationOrderInFields()
    {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < MIXED.fieldCount(); i++)
        {
            final Field f = MIXED.fields().get(i);
            names.add(f.name());
            assertEquals(i, f.index(), f.name());
        }
        assertEquals(List.of("flag", "ticker", "qty", "id", "px", "ts", "lots", "buy", "venue"), names);
        assertEquals(9, MIXED.fieldCount());
    }

    @Test
    void shouldAlignEveryFieldNaturallyAndPadRecordToEightBytes()
    {
        assertEquals(0, MIXED.recordLengthBytes() % 8);
        final boolean[] used = new boolean[MIXED.recordLengthBytes()];
        for (final Field f : MIXED.fields())
        {
            if (f.type() != FieldType.SYMBOL)
            {
                assertEquals(f.type().lengthBytes(), f.lengthBytes(), f.name());
                assertEquals(0, f.offset() % f.lengthBytes(), f + " at offset " + f.offset() + " is misaligned");
            }
            assertTrue(f.offset() + f.lengthBytes() <= MIXED.recordLengthBytes(), f + " past the record end");
            for (int b = f.offset(); b < f.offset() + f.lengthBytes(); b++)
            {
                assertFalse(used[b], f + " overlaps another field at byte " + b);
                used[b] = true;
            }
        }
        // 3 x 8 + 2 x 4 + 5 + 3 + 2 x 1 = 42, rounded up to 48
        assertEquals(48, MIXED.recordLengthBytes());
    }

    @Test
    void shouldLayOutDocumentedExampleWidestFirst()
    {
        final Schema schema = Schema.builder().int32("qty").int64("id").symbol("ticker", 5).bool("buy").build();

        assertEquals(0, schema.field("id").offset());
        assertEquals(8, schema.field("qty").offset());
        assertEquals(12, schema.field("ticker").offset());
        assertEquals(17, schema.field("buy").offset());
        assertEquals(24, schema.recordLengthBytes());
    }

    @Test
    void shouldPadSingleBooleanRecordToEightBytes()
    {
        assertEquals(8, Schema.builder().bool("b").build().recordLengthBytes());
    }

    @Test
    void shouldResolveTypedFields()
    {
        assertEquals(FieldType.INT64, MIXED.longField("id").type());
        assertEquals(FieldType.TIMESTAMP, MIXED.longField("ts").type());
        assertEquals(FieldType.INT32, MIXED.intField("qty").type());
        assertEquals(FieldType.FLOAT64, MIXED.doubleField("px").type());
        assertEquals(FieldType.BOOLEAN, MIXED.booleanField("buy").type());
        assertEquals(5, MIXED.symbolField("ticker").lengthBytes());
        assertSame(MIXED.field("qty"), MIXED.intField("qty"));
        assertTrue(MIXED.hasField("venue"));
        assertFalse(MIXED.hasField("Venue"));
    }

    @Test
    void shouldRejectSchemaWithoutColumns()
    {
        final SchemaException ex = assertThrows(SchemaException.class, () -> Schema.builder().build());
        assertEquals("A schema needs at least one column", ex.getMessage());
    }

    @Test
    void shouldRejectDuplicateColumn()
    {
        final Schema.Builder builder = Schema.builder().int64("id");
        final SchemaException ex = assertThrows(SchemaException.class, () -> builder.symbol("id", 4));
        assertTrue(ex.getMessage().contains("Duplicate column 'id'"), ex.getMessage());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"1abc", "a-b", "a b", "é"})
    void shouldRejectInvalidColumnName(final String name)
    {
        final SchemaException ex = assertThrows(SchemaException.class, () -> Schema.builder().int64(name));
        assertTrue(ex.getMessage().startsWith("Invalid column name '" + name + "'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("letters, digits and '_'"), ex.getMessage());
    }

    @Test
    void shouldAcceptUnderscoreAndDigitsInName()
    {
        assertEquals("_a1_B2", Schema.builder().int64("_a1_B2").build().fields().get(0).name());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Schema.MAX_SYMBOL_LENGTH + 1})
    void shouldRejectSymbolLengthOutOfRange(final int lengthBytes)
    {
        final SchemaException ex = assertThrows(
            SchemaException.class, () -> Schema.builder().symbol("sym", lengthBytes));
        assertEquals("Symbol column 'sym' has length " + lengthBytes + "; use a length from 1 to 256",
            ex.getMessage());
    }

    @Test
    void shouldAcceptSymbolLengthBounds()
    {
        final Schema schema = Schema.builder().symbol("a", 1).symbol("b", Schema.MAX_SYMBOL_LENGTH).build();
        assertEquals(1, schema.field("a").lengthBytes());
        assertEquals(256, schema.field("b").lengthBytes());
        assertEquals(264, schema.recordLengthBytes());
    }

    @Test
    void shouldRejectRecordLongerThanMax()
    {
        final Schema.Builder builder = Schema.builder();
        for (int i = 0; i <= Schema.MAX_RECORD_LENGTH / Schema.MAX_SYMBOL_LENGTH; i++)
        {
            builder.symbol("s" + i, Schema.MAX_SYMBOL_LENGTH);
        }
        final SchemaException ex = assertThrows(SchemaException.class, builder::build);
        assertEquals("Record length 65792 bytes exceeds 65536; use fewer or shorter columns", ex.getMessage());
    }

    @Test
    void shouldAcceptRecordOfExactlyMaxLength()
    {
        final Schema.Builder builder = Schema.builder();
        for (int i = 0; i < Schema.MAX_RECORD_LENGTH / Schema.MAX_SYMBOL_LENGTH; i++)
        {
            builder.symbol("s" + i, Schema.MAX_SYMBOL_LENGTH);
        }
        assertEquals(Schema.MAX_RECORD_LENGTH, builder.build().recordLengthBytes());
    }

    @Test
    void shouldNameColumnAndListSchemaForUnknownColumn()
    {
        final Schema schema = Schema.builder().int64("id").symbol("sym", 8).build();
        final SchemaException ex = assertThrows(SchemaException.class, () -> schema.field("price"));
        assertEquals("Unknown column 'price'; this schema has [id:INT64, sym:SYMBOL(8)]", ex.getMessage());

        final SchemaException typed = assertThrows(SchemaException.class, () -> schema.doubleField("price"));
        assertEquals(ex.getMessage(), typed.getMessage());
    }

    @Test
    void shouldRejectNullColumnLookup()
    {
        final SchemaException ex = assertThrows(SchemaException.class, () -> MIXED.field(null));
        assertTrue(ex.getMessage().startsWith("Column name is null"), ex.getMessage());
        assertTrue(ex.getMessage().contains("ticker:SYMBOL(5)"), ex.getMessage());
    }

    @Test
    void shouldNameActualAndExpectedTypeForWrongTypedLookup()
    {
        assertEquals("Column 'ticker' is SYMBOL(5), not a 64-bit integer or timestamp",
            assertThrows(SchemaException.class, () -> MIXED.longField("ticker")).getMessage());
        assertEquals("Column 'id' is INT64, not a 32-bit integer",
            assertThrows(SchemaException.class, () -> MIXED.intField("id")).getMessage());
        assertEquals("Column 'qty' is INT32, not a float64",
            assertThrows(SchemaException.class, () -> MIXED.doubleField("qty")).getMessage());
        assertEquals("Column 'px' is FLOAT64, not a boolean",
            assertThrows(SchemaException.class, () -> MIXED.booleanField("px")).getMessage());
        assertEquals("Column 'ts' is TIMESTAMP, not a symbol",
            assertThrows(SchemaException.class, () -> MIXED.symbolField("ts")).getMessage());
    }

    @Test
    void shouldBeIllegalArgumentExceptionSoCallersCanCatchEither()
    {
        assertInstanceOf(IllegalArgumentException.class, assertThrows(SchemaException.class, () -> MIXED.field("x")));
    }

    @Test
    void shouldBeEqualWithSameHashCodeForSameDeclarations()
    {
        final Schema a = Schema.builder().int64("id").symbol("sym", 8).bool("buy").build();
        final Schema b = Schema.builder().int64("id").symbol("sym", 8).bool("buy").build();

        assertEquals(a, b);
        assertEquals(b, a);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a, a);
    }

    @Test
    void shouldNotBeEqualWhenNameTypeLengthOrOrderDiffers()
    {
        final Schema base = Schema.builder().int64("id").symbol("sym", 8).build();

        assertNotEquals(base, Schema.builder().int64("id").symbol("sym", 9).build());
        assertNotEquals(base, Schema.builder().int64("key").symbol("sym", 8).build());
        assertNotEquals(base, Schema.builder().timestamp("id").symbol("sym", 8).build());
        assertNotEquals(base, Schema.builder().symbol("sym", 8).int64("id").build());
        assertNotEquals(base, Schema.builder().int64("id").symbol("sym", 8).bool("b").build());
        assertNotEquals(base, Schema.builder().int64("id").build());
        assertNotEquals(base, null);
        assertNotEquals(base, "Schema[id:INT64, sym:SYMBOL(8)]");
    }

    @Test
    void shouldDeriveFieldWithLike()
    {
        final Schema derived = Schema.builder()
            .like("t", MIXED.field("ticker"))
            .like("time", MIXED.field("ts"))
            .build();
        assertEquals(Schema.builder().symbol("t", 5).timestamp("time").build(), derived);
    }

    @Test
    void shouldDescribeFieldsInToString()
    {
        assertEquals("Schema[id:INT64, sym:SYMBOL(8), ok:BOOLEAN]",
            Schema.builder().int64("id").symbol("sym", 8).bool("ok").build().toString());
    }
}
