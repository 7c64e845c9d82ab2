package io.rivulet.operators.internal.state;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Child-JVM program for {@link OffHeapHashTableMemoryTest}: inserts 10M distinct long keys with an 8-byte value
 * each into a table that starts small (so it grows through many incremental resizes), checks size and a sample
 * of lookups, and prints one {@code OK ...} line with timings. Exits 1 on any mismatch. Run it with a small heap
 * ({@code -Xmx256m}) to show the heap does not grow with the key count.
 */
public final class TenMillionKeysMain
{
    /** Keys inserted. */
    public static final int KEY_COUNT = 10_000_000;

    private TenMillionKeysMain()
    {
    }

    /**
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        final OffHeapHashTable table = new OffHeapHashTable(8, 8, 1024, 0.65f);
        final UnsafeBuffer values = table.valueBuffer();

        long maxInsertNs = 0;
        final long startNs = System.nanoTime();
        for (int i = 0; i < KEY_COUNT; i++)
        {
            final long key = keyOf(i);
            final long opStartNs = System.nanoTime();
            final int offset = table.getOrInsert(key);
            final long opNs = System.nanoTime() - opStartNs;
            values.putLong(offset, ~key);
            if (opNs > maxInsertNs)
            {
                maxInsertNs = opNs;
            }
        }
        final long insertNs = System.nanoTime() - startNs;

        if (table.size() != KEY_COUNT)
        {
            fail("size " + table.size() + " != " + KEY_COUNT);
        }

        final long findStartNs = System.nanoTime();
        for (int i = 0; i < KEY_COUNT; i += 7)
        {
            final long key = keyOf(i);
            final int offset = table.find(key);
            if (OffHeapHashTable.MISSING == offset || values.getLong(offset) != ~key)
            {
                fail("lookup of key " + key + " gave offset " + offset);
            }
        }
        final long findNs = System.nanoTime() - findStartNs;
        for (int i = 1; i <= 1000; i++)
        {
            if (OffHeapHashTable.MISSING != table.find(keyOf(KEY_COUNT + i)))
            {
                fail("absent key " + keyOf(KEY_COUNT + i) + " found");
            }
        }

        final Runtime runtime = Runtime.getRuntime();
        System.gc();
        final long heapUsedBytes = runtime.totalMemory() - runtime.freeMemory();
        System.out.println("OK size=" + table.size() +
            " capacity=" + table.capacity() +
            " offHeapMB=" + (table.memoryBytes() >> 20) +
            " heapUsedMB=" + (heapUsedBytes >> 20) +
            " maxHeapMB=" + (runtime.maxMemory() >> 20) +
            " insertMs=" + insertNs / 1_000_000 +
            " maxInsertUs=" + maxInsertNs / 1_000 +
            " findNsPerOp=" + findNs / (KEY_COUNT / 7 + 1));
        table.close();
    }

    private static long keyOf(final int i)
    {
        // Spread out and non-sequential so hashing matters; distinct for distinct i (odd multiplier).
        return i * 0x9E37_79B9_7F4A_7C15L;
    }

    private static void fail(final String message)
    {
        System.out.println("FAIL " + message);
        System.exit(1);
    }
}
