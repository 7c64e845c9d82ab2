package io.rivulet.ringbuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RecordFlyweight.copySymbol between schemas of other widths, and symbolHash over a column's characters. */
class SymbolCopyAndHashTest
{
    private static final Schema WIDE = Schema.builder().int64("id").symbol("name", 20).build();
    private static final Schema NARROW = Schema.builder().symbol("city", 6).int32("n").symbol("who", 10).build();

    private static RecordFlyweight record(final Schema schema)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[schema.recordLengthBytes() + 40]);
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A); // garbage around and inside the record
        return new RecordFlyweight(schema).wrap(buffer, 16);
    }

    @Test
    void shouldCopySymbolsBetweenSchemasOfOtherWidthsWithZeroPadding()
    {
        final RecordFlyweight wide = record(WIDE);
        final RecordFlyweight narrow = record(NARROW);
        wide.setSymbol(WIDE.symbolField("name"), "Kate Smith");
        narrow.copySymbol(NARROW.symbolField("who"), wide, WIDE.symbolField("name"));
        assertEquals("Kate Smith", narrow.getSymbol(NARROW.symbolField("who")));

        narrow.setSymbol(NARROW.symbolField("city"), "Boise");
        wide.setSymbol(WIDE.symbolField("name"), "a much longer name!");
        wide.copySymbol(WIDE.symbolField("name"), narrow, NARROW.symbolField("city"));
        assertEquals("Boise", wide.getSymbol(WIDE.symbolField("name"))); // the old tail is zeroed
        assertEquals(5, wide.symbolLength(WIDE.symbolField("name")));

        wide.setSymbol(WIDE.symbolField("name"), "Seattle");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> narrow.copySymbol(NARROW.symbolField("city"), wide, WIDE.symbolField("name")));
        assertTrue(e.getMessage().contains("'Seattle'") && e.getMessage().contains("SYMBOL(6)") &&
            e.getMessage().contains("symbol(\"city\", 20)"), e.getMessage());
        assertEquals("Boise", narrow.getSymbol(NARROW.symbolField("city"))); // nothing written
    }

    @Test
    void shouldHashEqualSymbolsEquallyWhateverTheWidthAndMatchTheTextHash()
    {
        final RecordFlyweight wide = record(WIDE);
        final RecordFlyweight narrow = record(NARROW);
        final Set<Long> hashes = new HashSet<>();
        for (final String v : new String[]{"", "a", "Boise", "ABCDEFGH", "ABCDEFGHI", "ABCDEFGHIJ"})
        {
            wide.setSymbol(WIDE.symbolField("name"), v);
            narrow.setSymbol(NARROW.symbolField("who"), v);
            final long h = wide.symbolHash(WIDE.symbolField("name"));
            assertEquals(h, narrow.symbolHash(NARROW.symbolField("who")), v);
            assertEquals(h, RecordFlyweight.symbolHash(v), v);
            hashes.add(h);
        }
        assertEquals(6, hashes.size());
        // well mixed: 10k similar names spread evenly over 16 buckets
        final int[] buckets = new int[16];
        for (int i = 0; i < 10_000; i++)
        {
            buckets[(int)(RecordFlyweight.symbolHash("person" + i) & 15)]++;
        }
        for (final int count : buckets)
        {
            assertTrue(count > 500 && count < 750, java.util.Arrays.toString(buckets));
        }
    }
}
