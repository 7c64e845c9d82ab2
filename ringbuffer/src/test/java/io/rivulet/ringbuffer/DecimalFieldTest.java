package io.rivulet.ringbuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * DECIMAL columns: schema rules, exact setters from long+scale / String / BigDecimal with clear errors, plain
 * formatting, and exact comparison across scales.
 */
class DecimalFieldTest
{
    private static final Schema SCHEMA = Schema.builder().int32("qty").decimal("px", 4).decimal("fee", 0).build();
    private static final DecimalField PX = SCHEMA.decimalField("px");

    private final RecordFlyweight record = new RecordFlyweight(SCHEMA).wrap(new UnsafeBuffer(new byte[32]), 0);

    @Test
    void shouldLayOutDecimalsAsAlignedEightByteMantissas()
    {
        assertEquals(FieldType.DECIMAL, PX.type());
        assertEquals(4, PX.scale());
        assertEquals(8, PX.lengthBytes());
        assertEquals(0, PX.offset());
        assertEquals(16, SCHEMA.field("qty").offset());
        assertEquals("Schema[qty:INT32, px:DECIMAL(4), fee:DECIMAL(0)]", SCHEMA.toString());
        assertEquals(Schema.builder().decimal("px", 2).build(), Schema.builder().decimal("px", 2).build());
        assertEquals(false, Schema.builder().decimal("px", 2).build().equals(Schema.builder().decimal("px", 3).build()));
        assertEquals(Schema.builder().decimal("copy", 4).build(), Schema.builder().like("copy", PX).build());
    }

    @Test
    void shouldRejectScalesOutsideZeroToEighteen()
    {
        assertEquals("Decimal scale 19 for 'px' is out of range; use 0 to 18 digits after the point (a 64-bit " +
            "mantissa holds 18 digits)",
            assertThrows(SchemaException.class, () -> Schema.builder().decimal("px", 19)).getMessage());
        assertThrows(SchemaException.class, () -> Schema.builder().decimal("px", -1));
        assertEquals(18, Schema.builder().decimal("px", 18).build().decimalField("px").scale());
        assertEquals("Column 'qty' is INT32, not a decimal",
            assertThrows(SchemaException.class, () -> SCHEMA.decimalField("qty")).getMessage());
        assertEquals("Column 'px' is DECIMAL(4), not a 64-bit integer or timestamp",
            assertThrows(SchemaException.class, () -> SCHEMA.longField("px")).getMessage());
    }

    @Test
    void shouldSetExactlyFromLongAndScaleStringAndBigDecimal()
    {
        assertEquals(1_012_500, record.setDecimal(PX, 10125, 2).getMantissa(PX));
        assertEquals(1_012_500, record.setDecimal(PX, 1_012_500_000, 7).getMantissa(PX));
        assertEquals(-50, record.setDecimal(PX, "-0.005").getMantissa(PX));
        assertEquals(1_015_000, record.setDecimal(PX, new BigDecimal("101.5")).getMantissa(PX));
        assertEquals(new BigDecimal("101.5000"), record.getDecimal(PX));
        assertEquals(1_000_000, record.setDecimal(PX, new BigDecimal("1E+2")).getMantissa(PX));
        assertEquals(1_012_500, PX.mantissaOf("101.25"));
        assertEquals(1_012_500, PX.mantissaOf(new BigDecimal("101.25")));
        assertEquals(1_012_500, PX.mantissaOf(10125, 2));
    }

    @Test
    void shouldRejectLostDigitsOverflowAndNonNumbersLeavingTheFieldUnchanged()
    {
        record.setMantissa(PX, 42);
        assertEquals("Decimal 101.00005 has more digits after the point than column 'px' (scale 4); round it " +
            "first (never rounded silently)",
            assertThrows(IllegalArgumentException.class, () -> record.setDecimal(PX, "101.00005")).getMessage());
        assertEquals("Decimal 1.00005 has more digits after the point than column 'px' (scale 4); round it " +
            "first (never rounded silently)",
            assertThrows(IllegalArgumentException.class, () -> record.setDecimal(PX, 100_005, 5)).getMessage());
        assertEquals("Decimal 1000000000000000 does not fit column 'px' (a 64-bit mantissa at scale 4: at most " +
            "922337203685477.5807)", assertThrows(IllegalArgumentException.class,
            () -> record.setDecimal(PX, new BigDecimal("1000000000000000"))).getMessage());
        assertEquals("Decimal 1000000000000000 does not fit column 'px' (a 64-bit mantissa at scale 4)",
            assertThrows(IllegalArgumentException.class, () -> record.setDecimal(PX, 1_000_000_000_000_000L, 0))
                .getMessage());
        assertEquals("'12,5' is not a decimal number for column 'px'; write it like 101.25 or -0.005",
            assertThrows(IllegalArgumentException.class, () -> record.setDecimal(PX, "12,5")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> record.setDecimal(PX, (String)null));
        assertEquals(42, record.getMantissa(PX));
    }

    @Test
    void shouldFormatPlainWithTheFieldsScale()
    {
        assertEquals("101.2500", format(1_012_500, 4));
        assertEquals("-0.0050", format(-50, 4));
        assertEquals("0.0000", format(0, 4));
        assertEquals("-1.0000", format(-10_000, 4));
        assertEquals("0.0001", format(1, 4));
        assertEquals("-922337203685477.5808", format(Long.MIN_VALUE, 4));
        assertEquals("-9.223372036854775808", format(Long.MIN_VALUE, 18));
        assertEquals("0.000000000000000001", format(1, 18));
        assertEquals("-9223372036854775808", format(Long.MIN_VALUE, 0));
        assertEquals("7", format(7, 0));
        final Random random = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            final long m = random.nextLong() >> random.nextInt(64);
            final int scale = random.nextInt(19);
            assertEquals(BigDecimal.valueOf(m, scale).toPlainString(), format(m, scale));
        }
        record.setDecimal(PX, "-0.005");
        assertEquals("qty=0, px=-0.0050, fee=0", record.appendTo(new StringBuilder()).toString());
        assertEquals(new BigDecimal("-0.0050"), record.getValue(PX));
    }

    @Test
    void shouldCompareExactlyAcrossScales()
    {
        final Random random = new Random(9);
        for (int i = 0; i < 100_000; i++)
        {
            final long a = random.nextLong() >> random.nextInt(64);
            final long b = random.nextLong() >> random.nextInt(64);
            final int sa = random.nextInt(19);
            final int sb = random.nextInt(19);
            assertEquals(Integer.signum(BigDecimal.valueOf(a, sa).compareTo(BigDecimal.valueOf(b, sb))),
                Integer.signum(Decimals.compare(a, sa, b, sb)), a + "e-" + sa + " vs " + b + "e-" + sb);
        }
    }

    private static String format(final long mantissa, final int scale)
    {
        return Decimals.append(new StringBuilder(), mantissa, scale).toString();
    }
}
