package io.rivulet.ringbuffer;

import io.rivulet.ringbuffer.internal.SlotDescriptor;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordFlyweightTest
{
    private static final Schema SCHEMA = Schema.builder()
        .int64("id")
        .int32("qty")
        .float64("px")
        .bool("buy")
        .timestamp("ts")
        .symbol("sym", 8)
        .symbol("venue", 4)
        .build();
    private static final LongField ID = SCHEMA.longField("id");
    private static final IntField QTY = SCHEMA.intField("qty");
    private static final DoubleField PX = SCHEMA.doubleField("px");
    private static final BooleanField BUY = SCHEMA.booleanField("buy");
    private static final LongField TS = SCHEMA.longField("ts");
    private static final SymbolField SYM = SCHEMA.symbolField("sym");
    private static final SymbolField VENUE = SCHEMA.symbolField("venue");

    /** Records are wrapped at a non-zero offset to catch offset arithmetic that assumes 0. */
    private static final int RECORD_OFFSET = 24;
    private static final byte GARBAGE = (byte)0xA5;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[RECORD_OFFSET + SCHEMA.recordLengthBytes() + 16]);
    private final RecordFlyweight record = new RecordFlyweight(SCHEMA);

    @BeforeEach
    void fillWithGarbage()
    {
        buffer.setMemory(0, buffer.capacity(), GARBAGE);
        record.wrap(buffer, RECORD_OFFSET);
    }

    @Test
    void shouldHaveNoSourceIndexUntilSetAndCopyItWithTheRecord()
    {
        assertEquals(RecordFlyweight.NO_SOURCE_INDEX, new RecordFlyweight(SCHEMA).sourceIndex());
        record.setLong(ID, 5).ingestTimeNs(11).sourceIndex(0x1_0000_0002L);
        final RecordFlyweight copy = new RecordFlyweight(SCHEMA)
            .wrap(new UnsafeBuffer(new byte[SCHEMA.recordLengthBytes()]), 0).copyFrom(record);
        assertEquals(5, copy.getLong(ID));
        assertEquals(11, copy.ingestTimeNs());
        assertEquals(0x1_0000_0002L, copy.sourceIndex());
        // the slot header keeps every field, and so the record after it, 8-byte aligned
        assertEquals(0, SlotDescriptor.SOURCE_INDEX_OFFSET % 8);
        assertEquals(SlotDescriptor.SOURCE_INDEX_OFFSET + 8, SlotDescriptor.HEADER_LENGTH);
        assertEquals(0, SlotDescriptor.HEADER_LENGTH % 8);
    }

    @Test
    void shouldRoundTripInt64()
    {
        for (final long v : new long[]{0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102030405060708L})
        {
            assertSame(record, record.setLong(ID, v));
            assertEquals(v, record.getLong(ID));
        }
    }

    @Test
    void shouldRoundTripInt32()
    {
        for (final int v : new int[]{0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE})
        {
            record.setInt(QTY, v);
            assertEquals(v, record.getInt(QTY));
        }
    }

    @Test
    void shouldRoundTripFloat64()
    {
        for (final double v : new double[]{0.0, -0.0, 1.5, -123.456, Double.MIN_VALUE, Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NaN})
        {
            record.setDouble(PX, v);
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(record.getDouble(PX)));
        }
    }

    @Test
    void shouldRoundTripBoolean()
    {
        record.setBoolean(BUY, true);
        assertTrue(record.getBoolean(BUY));
        assertEquals(1, buffer.getByte(RECORD_OFFSET + BUY.offset()));
        record.setBoolean(BUY, false);
        assertFalse(record.getBoolean(BUY));
        assertEquals(0, buffer.getByte(RECORD_OFFSET + BUY.offset()));
    }

    @Test
    void shouldRoundTripTimestamp()
    {
        final long epochMs = 1_717_171_717_171L;
        record.setLong(TS, epochMs);
        assertEquals(epochMs, record.getLong(TS));
        record.setLong(TS, -1L);
        assertEquals(-1L, record.getLong(TS));
    }

    @Test
    void shouldKeepEveryFieldWhenAllAreWritten()
    {
        writeAll(record, 42L, 7, 101.25, true, 1_000L, "AAPL", "XNAS");

        assertEquals(42L, record.getLong(ID));
        assertEquals(7, record.getInt(QTY));
        assertEquals(101.25, record.getDouble(PX));
        assertTrue(record.getBoolean(BUY));
        assertEquals(1_000L, record.getLong(TS));
        assertEquals("AAPL", record.getSymbol(SYM));
        assertEquals("XNAS", record.getSymbol(VENUE));
        assertEquals(GARBAGE, buffer.getByte(RECORD_OFFSET - 1), "byte before the record was written");
        assertEquals(GARBAGE, buffer.getByte(RECORD_OFFSET + SCHEMA.recordLengthBytes()),
            "byte after the record was written");
    }

    @Test
    void shouldRoundTripEmptySymbol()
    {
        record.setSymbol(SYM, "");

        assertEquals(0, record.symbolLength(SYM));
        assertEquals("", record.getSymbol(SYM));
        assertTrue(record.symbolEquals(SYM, ""));
        assertFalse(record.symbolEquals(SYM, "A"));
        for (int i = 0; i < SYM.lengthBytes(); i++)
        {
            assertEquals(0, buffer.getByte(RECORD_OFFSET + SYM.offset() + i), "padding byte " + i);
        }
    }

    @Test
    void shouldRoundTripFullLengthSymbolWithoutTouchingNeighbours()
    {
        record.setSymbol(VENUE, "XNYS");
        record.setSymbol(SYM, "ABCDEFGH");

        assertEquals(8, record.symbolLength(SYM));
        assertEquals("ABCDEFGH", record.getSymbol(SYM));
        assertTrue(record.symbolEquals(SYM, "ABCDEFGH"));
        assertFalse(record.symbolEquals(SYM, "ABCDEFG"));
        assertFalse(record.symbolEquals(SYM, "ABCDEFGHI"));
        assertEquals('A', record.symbolCharAt(SYM, 0));
        assertEquals('H', record.symbolCharAt(SYM, 7));
        assertEquals("XNYS", record.getSymbol(VENUE));
    }

    @Test
    void shouldClearOldCharactersWhenShorterSymbolOverwritesLonger()
    {
        record.setSymbol(SYM, "ABCDEFGH");
        record.setSymbol(SYM, "XY");

        assertEquals(2, record.symbolLength(SYM));
        assertEquals("XY", record.getSymbol(SYM));
        assertTrue(record.symbolEquals(SYM, "XY"));
        assertFalse(record.symbolEquals(SYM, "XYCDEFGH"));
    }

    @Test
    void shouldCompareSymbolsCaseSensitively()
    {
        record.setSymbol(SYM, "msft");
        assertTrue(record.symbolEquals(SYM, "msft"));
        assertFalse(record.symbolEquals(SYM, "MSFT"));
        assertFalse(record.symbolEquals(SYM, "msf"));
        assertFalse(record.symbolEquals(SYM, "msfte"));
    }

    @Test
    void shouldAppendSymbolToExistingContent()
    {
        record.setSymbol(SYM, "IBM");
        final StringBuilder out = new StringBuilder("ticker=");

        assertSame(out, record.appendSymbol(SYM, out));
        assertEquals("ticker=IBM", out.toString());
        record.setSymbol(SYM, "");
        assertEquals("ticker=IBM", record.appendSymbol(SYM, out).toString());
    }

    @Test
    void shouldAcceptCharSequenceSymbol()
    {
        record.setSymbol(SYM, new StringBuilder("VOD"));
        assertTrue(record.symbolEquals(SYM, new StringBuilder("VOD")));
        assertEquals("VOD", record.getSymbol(SYM));
    }

    @Test
    void shouldRejectTooLongSymbolWithoutTruncating()
    {
        record.setSymbol(VENUE, "XLON");
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> record.setSymbol(VENUE, "XLONX"));

        assertEquals("Symbol 'XLONX' (5 characters) does not fit column 'venue' (SYMBOL(4)); shorten it, or " +
            "declare the column wider: Schema.builder().symbol(\"venue\", 5)", ex.getMessage());
        assertEquals("XLON", record.getSymbol(VENUE), "a rejected symbol must leave the old value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "ABé", "AB\u0000C", "\u20ac", "AAPL\u00ff"})
    void shouldRejectNonAsciiOrNulSymbolAndKeepOldValue(final String value)
    {
        record.setSymbol(SYM, "MSFT");
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> record.setSymbol(SYM, value));

        assertTrue(ex.getMessage().startsWith("Symbol for column 'sym' must be ASCII without NUL"), ex.getMessage());
        assertEquals("MSFT", record.getSymbol(SYM), "a rejected symbol must leave the old value, not a mix");
    }

    @Test
    void shouldCopyBytesAndIngestTime()
    {
        record.ingestTimeNs(123_456_789L);
        writeAll(record, 9L, -3, 2.5, true, 77L, "ABCDEFGH", "X");

        final UnsafeBuffer targetBuffer = new UnsafeBuffer(new byte[SCHEMA.recordLengthBytes() + 16]);
        targetBuffer.setMemory(0, targetBuffer.capacity(), (byte)0x5A);
        final RecordFlyweight target = new RecordFlyweight(SCHEMA).wrap(targetBuffer, 8);

        assertSame(target, target.copyFrom(record));

        assertEquals(123_456_789L, target.ingestTimeNs());
        for (int i = 0; i < SCHEMA.recordLengthBytes(); i++)
        {
            assertEquals(buffer.getByte(RECORD_OFFSET + i), targetBuffer.getByte(8 + i), "byte " + i);
        }
        assertEquals((byte)0x5A, targetBuffer.getByte(7));
        assertEquals((byte)0x5A, targetBuffer.getByte(8 + SCHEMA.recordLengthBytes()));
        assertEquals("ABCDEFGH", target.getSymbol(SYM));
        assertEquals("X", target.getSymbol(VENUE));
        assertEquals(-3, target.getInt(QTY));
    }

    @Test
    void shouldBoxValuesWithTheRightTypes()
    {
        writeAll(record, 5L, 6, 7.5, true, 8L, "SYM", "");

        assertEquals(Long.valueOf(5L), assertInstanceOf(Long.class, record.getValue(ID)));
        assertEquals(Integer.valueOf(6), assertInstanceOf(Integer.class, record.getValue(QTY)));
        assertEquals(Double.valueOf(7.5), assertInstanceOf(Double.class, record.getValue(PX)));
        assertEquals(Boolean.TRUE, assertInstanceOf(Boolean.class, record.getValue(BUY)));
        assertEquals(Long.valueOf(8L), assertInstanceOf(Long.class, record.getValue(TS)));
        assertEquals("SYM", assertInstanceOf(String.class, record.getValue(SYM)));
        assertEquals("", record.getValue(VENUE));
    }

    @Test
    void shouldPrintFieldsInDeclarationOrder()
    {
        writeAll(record, 1L, 2, 3.0, false, 4L, "AB", "V");
        assertEquals("{id=1, qty=2, px=3.0, buy=false, ts=4, sym=AB, venue=V}", record.toString());
        assertEquals("RecordFlyweight(unwrapped)", new RecordFlyweight(SCHEMA).toString());
    }

    @Test
    void shouldExposeWrappedBufferAndOffset()
    {
        assertSame(buffer, record.buffer());
        assertEquals(RECORD_OFFSET, record.offset());
        assertSame(SCHEMA, record.schema());
        record.setLong(ID, 99L);
        assertEquals(99L, buffer.getLong(RECORD_OFFSET + ID.offset()));
    }

    private static void writeAll(final RecordFlyweight r, final long id, final int qty, final double px,
        final boolean buy, final long ts, final String sym, final String venue)
    {
        r.setLong(ID, id).setInt(QTY, qty).setDouble(PX, px).setBoolean(BUY, buy).setLong(TS, ts)
            .setSymbol(SYM, sym).setSymbol(VENUE, venue);
    }
}
