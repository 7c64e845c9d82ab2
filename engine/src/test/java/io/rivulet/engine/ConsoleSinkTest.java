package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The console sink's exact text: faithful doubles, and columns as wide as their type's widest value. */
class ConsoleSinkTest
{
    private static String format(final double value)
    {
        final StringBuilder out = new StringBuilder();
        ConsoleSink.appendDouble(value, out);
        return out.toString();
    }

    @Test
    void shouldPrintDoublesWithTheirShortestRoundTripDigitsInPlainNotationForNormalMagnitudes()
    {
        assertEquals("1.08345", format(1.08345));
        assertEquals("0.000012", format(0.000012));
        assertEquals("-0.000012", format(-0.000012));
        assertEquals("0.001", format(0.001));
        assertEquals("0.000001", format(1e-6));
        assertEquals("1.0E-7", format(1e-7));
        assertEquals("0.0", format(0.0));
        assertEquals("-0.0", format(-0.0));
        assertEquals("1.0", format(1.0));
        assertEquals("10000000.0", format(1e7));
        assertEquals("12345678901.23", format(12345678901.23));
        assertEquals("-123456789012345.0", format(-123456789012345.0));
        assertEquals("1.0E15", format(1e15));
        assertEquals("0.1", format(0.1));
        assertEquals("0.30000000000000004", format(0.1 + 0.2));
        assertEquals("NaN", format(Double.NaN));
        assertEquals("-Infinity", format(Double.NEGATIVE_INFINITY));
        assertEquals("-4.9E-324", format(-Double.MIN_VALUE));
        for (final double d : new double[]{1.08345, 0.000012, 1e-6, 12345678901.23, 0.1 + 0.2, -1.2345678901234567E-6})
        {
            assertEquals(d, Double.parseDouble(format(d)), "reads back as the same double");
        }
        assertEquals(ConsoleSink.FLOAT64_WIDTH, format(-1.2345678901234567E-6).length(), "the widest plain value");
    }

    @Test
    void shouldKeepColumnsAlignedForEachTypesWidestValue()
    {
        final Schema schema = Schema.builder().int64("id").int32("n").float64("px").bool("ok").timestamp("ts")
            .symbol("sym", 4).decimal("d", 4).decimal("d0", 0).build();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final ConsoleSink sink = new ConsoleSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), 10);
        sink.open(schema);
        final RecordFlyweight r =
            new RecordFlyweight(schema).wrap(new UnsafeBuffer(new byte[schema.recordLengthBytes()]), 0);
        sink.onRecord(r.setLong(schema.longField("id"), Long.MIN_VALUE).setInt(schema.intField("n"), Integer.MIN_VALUE)
            .setDouble(schema.doubleField("px"), -1.2345678901234567E-6).setBoolean(schema.booleanField("ok"), false)
            .setLong(schema.longField("ts"), Long.MIN_VALUE).setSymbol(schema.symbolField("sym"), "ABCD")
            .setMantissa(schema.decimalField("d"), Long.MIN_VALUE).setMantissa(schema.decimalField("d0"), Long.MIN_VALUE));
        sink.onRecord(r.setLong(schema.longField("id"), 1).setInt(schema.intField("n"), 2)
            .setDouble(schema.doubleField("px"), 1.08345).setBoolean(schema.booleanField("ok"), true)
            .setLong(schema.longField("ts"), 0).setSymbol(schema.symbolField("sym"), "A")
            .setMantissa(schema.decimalField("d"), 0).setMantissa(schema.decimalField("d0"), 7));
        sink.onEndOfStream();

        final String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        assertEquals("| id                   | n           | px                        | ok    | ts                   " +
            "| sym  | d                     | d0                   | ", lines[0]);
        assertEquals("| -9223372036854775808 | -2147483648 | -0.0000012345678901234567 | false | -9223372036854775808 " +
            "| ABCD | -922337203685477.5808 | -9223372036854775808 | ", lines[1]);
        assertEquals("| 1                    | 2           | 1.08345                   | true  | 0                    " +
            "| A    | 0.0000                | 7                    | ", lines[2]);
    }
}
