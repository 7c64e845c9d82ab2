package io.rivulet.operators.internal.state;

import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffHeapHashTableSnapshotTest
{
    private final List<OffHeapHashTable> tables = new ArrayList<>();

    @AfterEach
    void closeTables()
    {
        tables.forEach(OffHeapHashTable::close);
    }

    private OffHeapHashTable newTable(final int keyLengthBytes, final int valueLengthBytes, final int initialCapacity)
    {
        final OffHeapHashTable table = new OffHeapHashTable(keyLengthBytes, valueLengthBytes, initialCapacity, 0.6f);
        tables.add(table);
        return table;
    }

    /** One random operation, applied identically to a table by the same seeded generator state. */
    private static void randomOp(final OffHeapHashTable table, final Random random, final int keyRange)
    {
        final long key = random.nextInt(keyRange) * 0x9E37_79B9L;
        final int action = random.nextInt(10);
        if (action < 7)
        {
            final int offset = table.getOrInsert(key);
            table.valueBuffer().putLong(offset, table.valueBuffer().getLong(offset) + key + 1);
        }
        else if (action < 9)
        {
            final int offset = table.find(key);
            if (OffHeapHashTable.MISSING != offset)
            {
                table.valueBuffer().putLong(offset + 8, random.nextLong());
            }
        }
        else
        {
            table.remove(key);
        }
    }

    /** forEach visits, in order, as key/value words. */
    private static List<Long> contents(final OffHeapHashTable table)
    {
        final List<Long> out = new ArrayList<>();
        table.forEach((buffer, keyOffset, valueOffset) ->
        {
            out.add(buffer.getLong(keyOffset));
            out.add(buffer.getLong(valueOffset));
            out.add(buffer.getLong(valueOffset + 8));
        });
        return out;
    }

    private static void assertSameState(final OffHeapHashTable expected, final OffHeapHashTable actual, final String at)
    {
        assertEquals(expected.size(), actual.size(), "size " + at);
        assertEquals(expected.capacity(), actual.capacity(), "capacity " + at);
        assertEquals(expected.isResizing(), actual.isResizing(), "resizing " + at);
        assertEquals(expected.isDraining(), actual.isDraining(), "draining " + at);
        assertEquals(expected.memoryBytes(), actual.memoryBytes(), "memory " + at);
        assertEquals(contents(expected), contents(actual), "forEach order and contents " + at);
    }

    @Test
    void shouldContinueIdenticallyAfterRestoreAtEveryPhaseOfAGrowth()
    {
        final Random cuts = new Random(7);
        int cutsMidPrepare = 0;
        int cutsMidMigration = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            final long seed = 1000 + trial;
            final int totalOps = 60_000;
            final int cut = cuts.nextInt(totalOps);

            final OffHeapHashTable uninterrupted = newTable(8, 16, 4);
            final Random random = new Random(seed);
            for (int op = 0; op < totalOps; op++)
            {
                randomOp(uninterrupted, random, 1 + op / 3);
            }

            final OffHeapHashTable before = newTable(8, 16, 4);
            final Random replay = new Random(seed);
            for (int op = 0; op < cut; op++)
            {
                randomOp(before, replay, 1 + op / 3);
            }
            final SnapshotWriter writer = new SnapshotWriter(64);
            before.snapshotTo(writer);
            cutsMidMigration += before.isResizing() ? 1 : 0;
            cutsMidPrepare += before.memoryBytes() > (long)before.capacity() * 32 && !before.isResizing() ? 1 : 0;

            final OffHeapHashTable after = newTable(8, 16, 1000); // another initial capacity: restore reallocates
            after.restoreFrom(writer.toReader());
            assertSameState(before, after, "right after restore at op " + cut);
            before.close();
            for (int op = cut; op < totalOps; op++)
            {
                randomOp(after, replay, 1 + op / 3);
            }
            assertSameState(uninterrupted, after, "at the end, cut at op " + cut);
        }
        assertTrue(cutsMidMigration > 0, "some cut fell inside a migration");
        assertTrue(cutsMidPrepare > 0, "some cut fell while a next table was being zeroed");
    }

    @Test
    void shouldRestoreAMigrationInProgressExactly()
    {
        final OffHeapHashTable table = newTable(8, 16, 1000);
        long key = 0;
        while (!table.isResizing())
        {
            table.getOrInsert(++key);
        }
        table.getOrInsert(++key); // one migration step done: the cursor and old size are mid-way
        final SnapshotWriter writer = new SnapshotWriter(64);
        table.snapshotTo(writer);

        final OffHeapHashTable restored = newTable(8, 16, 1);
        restored.restoreFrom(writer.toReader());
        assertSameState(table, restored, "mid-migration");
        while (table.isResizing())
        {
            table.getOrInsert(++key);
            restored.getOrInsert(key);
            assertSameState(table, restored, "migrating at key " + key);
        }
        assertFalse(restored.isResizing());
    }

    @Test
    void shouldRestoreADrainInProgressAndDrainTheSameEntriesInTheSameOrder()
    {
        final OffHeapHashTable table = newTable(8, 16, 8);
        long key = 0;
        while (!table.isResizing())
        {
            table.getOrInsert(++key);
        }
        final List<Long> expected = new ArrayList<>();
        final List<Long> actual = new ArrayList<>();
        table.drainStep((buffer, keyOffset, valueOffset) -> expected.add(buffer.getLong(keyOffset)), 5, 1);
        final SnapshotWriter writer = new SnapshotWriter(64);
        table.snapshotTo(writer);
        final OffHeapHashTable restored = newTable(8, 16, 8);
        restored.restoreFrom(writer.toReader());
        assertTrue(restored.isDraining());
        while (table.isDraining())
        {
            table.drainStep((buffer, keyOffset, valueOffset) -> expected.add(buffer.getLong(keyOffset)), 5, 1);
        }
        while (restored.isDraining())
        {
            restored.drainStep((buffer, keyOffset, valueOffset) -> actual.add(buffer.getLong(keyOffset)), 5, 1);
        }
        assertEquals(expected.subList(expected.size() - actual.size(), expected.size()), actual);
        assertEquals(key, expected.size());
        assertEquals(0, restored.size());
    }

    @Test
    void shouldRestoreBufferKeysOfAnyWidth()
    {
        final OffHeapHashTable table = newTable(13, 5, 4);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[13]);
        for (int i = 0; i < 500; i++)
        {
            key.putLong(0, i * 31L);
            key.putByte(12, (byte)i);
            table.valueBuffer().putByte(table.getOrInsert(key, 0), (byte)(i * 7));
        }
        final SnapshotWriter writer = new SnapshotWriter(64);
        table.snapshotTo(writer);
        final OffHeapHashTable restored = newTable(13, 5, 4);
        restored.restoreFrom(writer.toReader());
        for (int i = 0; i < 500; i++)
        {
            key.putLong(0, i * 31L);
            key.putByte(12, (byte)i);
            final int offset = restored.find(key, 0);
            assertTrue(offset >= 0);
            assertEquals((byte)(i * 7), restored.valueBuffer().getByte(offset));
        }
        assertEquals(500, restored.size());
    }

    @Test
    void shouldRejectASnapshotOfATableWithOtherWidths()
    {
        final OffHeapHashTable table = newTable(8, 16, 4);
        for (long key = 0; key < 100; key++)
        {
            table.getOrInsert(key);
        }
        final SnapshotWriter writer = new SnapshotWriter(64);
        table.snapshotTo(writer);

        final IllegalStateException wrongKey =
            assertThrows(IllegalStateException.class, () -> newTable(16, 16, 4).restoreFrom(writer.toReader()));
        assertTrue(wrongKey.getMessage().contains("key width (bytes) is 8, this operator needs 16"),
            wrongKey.getMessage());
        final IllegalStateException wrongValue =
            assertThrows(IllegalStateException.class, () -> newTable(8, 24, 4).restoreFrom(writer.toReader()));
        assertTrue(wrongValue.getMessage().contains("value width (bytes) is 16, this operator needs 24"),
            wrongValue.getMessage());
    }

    @Test
    void shouldRejectATruncatedSnapshotAndKeepTheTableUsable()
    {
        final OffHeapHashTable table = newTable(8, 16, 4);
        for (long key = 0; key < 100; key++)
        {
            table.getOrInsert(key);
        }
        final SnapshotWriter writer = new SnapshotWriter(64);
        table.snapshotTo(writer);
        final OffHeapHashTable target = newTable(8, 16, 4);
        target.getOrInsert(5L);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> target.restoreFrom(
            new io.rivulet.ringbuffer.internal.SnapshotReader(writer.buffer(), 0, writer.length() - 8)));
        assertTrue(e.getMessage().startsWith("snapshot does not fit this operator"), e.getMessage());
        assertEquals(1, target.size()); // checked before anything was freed
        assertTrue(target.find(5L) >= 0);
    }

    @Test
    void shouldReportSnapshotSizeAndTimeForAMillionLongKeys()
    {
        final OffHeapHashTable table = newTable(8, 16, 16);
        for (long key = 0; key < 1_000_000; key++)
        {
            table.valueBuffer().putLong(table.getOrInsert(key), key);
        }
        final SnapshotWriter writer = new SnapshotWriter(64);
        table.snapshotTo(writer); // first one grows the writer's buffer
        long bestSnapshotNs = Long.MAX_VALUE;
        long bestRestoreNs = Long.MAX_VALUE;
        final OffHeapHashTable restored = newTable(8, 16, 16);
        for (int i = 0; i < 5; i++)
        {
            final long t0 = System.nanoTime();
            table.snapshotTo(writer.reset());
            final long t1 = System.nanoTime();
            restored.restoreFrom(writer.toReader());
            final long t2 = System.nanoTime();
            bestSnapshotNs = Math.min(bestSnapshotNs, t1 - t0);
            bestRestoreNs = Math.min(bestRestoreNs, t2 - t1);
        }
        assertEquals(1_000_000, restored.size());
        System.out.printf("OffHeapHashTable 1M long keys (16-byte values): capacity %d, resizing %b, snapshot " +
            "%.1f MiB, snapshot %.2f ms, restore %.2f ms (best of 5, reused writer)%n",
            table.capacity(), table.isResizing(), writer.length() / 1048576.0, bestSnapshotNs / 1e6,
            bestRestoreNs / 1e6);
    }
}
