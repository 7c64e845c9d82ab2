package io.rivulet.operators.internal.state;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffHeapHashTableTest
{
    private final List<OffHeapHashTable> tables = new ArrayList<>();

    @AfterEach
    void closeTables()
    {
        tables.forEach(OffHeapHashTable::close);
    }

    private OffHeapHashTable newTable(
        final int keyLengthBytes, final int valueLengthBytes, final int initialCapacity, final float loadFactor)
    {
        final OffHeapHashTable table =
            new OffHeapHashTable(keyLengthBytes, valueLengthBytes, initialCapacity, loadFactor);
        tables.add(table);
        return table;
    }

    @Test
    void shouldMatchHashMapUnderRandomLongKeyOperations()
    {
        final OffHeapHashTable table = newTable(8, 16, 4, 0.65f);
        final Map<Long, Long> reference = new HashMap<>();
        final Random random = new Random(42);
        final UnsafeBuffer values = table.valueBuffer();
        int resizesSeen = 0;

        for (int op = 0; op < 400_000; op++)
        {
            // Key range grows over time so the table goes through many resizes while still seeing hits.
            final long key = random.nextInt(1 + op / 4) * 0x9E37_79B9L - 50_000;
            final int action = random.nextInt(10);
            if (action < 5)
            {
                final long value = random.nextLong();
                final int offset = table.getOrInsert(key);
                assertEquals(!reference.containsKey(key), table.wasInserted(), "wasInserted for " + key);
                if (table.wasInserted())
                {
                    assertEquals(0L, values.getLong(offset));
                    assertEquals(0L, values.getLong(offset + 8));
                }
                values.putLong(offset, value);
                values.putLong(offset + 8, ~value);
                reference.put(key, value);
            }
            else if (action < 8)
            {
                final int offset = table.find(key);
                final Long expected = reference.get(key);
                if (null == expected)
                {
                    assertEquals(OffHeapHashTable.MISSING, offset, "find of absent key " + key);
                }
                else
                {
                    assertNotEquals(OffHeapHashTable.MISSING, offset, "find of present key " + key);
                    assertEquals(expected.longValue(), values.getLong(offset));
                    assertEquals(~expected, values.getLong(offset + 8));
                }
            }
            else
            {
                assertEquals(null != reference.remove(key), table.remove(key), "remove of " + key);
            }
            assertEquals(reference.size(), table.size());
            if (table.isResizing())
            {
                resizesSeen++;
            }
        }

        assertTrue(resizesSeen > 0, "the run should have exercised incremental resizes");
        assertSameContents(reference, table);
    }

    @Test
    void shouldMatchHashMapUnderRandomMultiFieldKeyOperations()
    {
        // Key: int64 account + int32 region + 1 byte side = 13 bytes, deliberately not a multiple of 8.
        final int keyLength = 13;
        final OffHeapHashTable table = newTable(keyLength, 8, 16, 0.7f);
        final Map<String, Long> reference = new HashMap<>();
        final Random random = new Random(7);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[keyLength + 3]);
        final int keyOffset = 3;
        final UnsafeBuffer values = table.valueBuffer();

        for (int op = 0; op < 300_000; op++)
        {
            final long account = random.nextInt(2_000);
            final int region = random.nextInt(20);
            final byte side = (byte)random.nextInt(2);
            key.putLong(keyOffset, account);
            key.putInt(keyOffset + 8, region);
            key.putByte(keyOffset + 12, side);
            final String refKey = account + "/" + region + "/" + side;

            final int action = random.nextInt(10);
            if (action < 5)
            {
                final int offset = table.getOrInsert(key, keyOffset);
                assertEquals(!reference.containsKey(refKey), table.wasInserted());
                final long value = values.getLong(offset) + op;
                values.putLong(offset, value);
                reference.merge(refKey, (long)op, Long::sum);
                assertEquals(reference.get(refKey).longValue(), value);
            }
            else if (action < 8)
            {
                final int offset = table.find(key, keyOffset);
                final Long expected = reference.get(refKey);
                assertEquals(null == expected, OffHeapHashTable.MISSING == offset, refKey);
                if (null != expected)
                {
                    assertEquals(expected.longValue(), values.getLong(offset));
                }
            }
            else
            {
                assertEquals(null != reference.remove(refKey), table.remove(key, keyOffset), refKey);
            }
            assertEquals(reference.size(), table.size());
        }

        final Map<String, Long> seen = new HashMap<>();
        table.forEach((buffer, kOffset, vOffset) ->
            assertEquals(null, seen.put(
                buffer.getLong(kOffset) + "/" + buffer.getInt(kOffset + 8) + "/" + buffer.getByte(kOffset + 12),
                buffer.getLong(vOffset))));
        assertEquals(reference, seen);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // unzeroed garbage would make probes spin
    void shouldZeroTheNextTableBeforeUsingIt()
    {
        // Native memory is allocated unzeroed (recycled memory can hold anything) and zeroed in chunks.
        final OffHeapHashTable table = newTable(8, 8, 4, 0.5f);
        table.poisonNewMemory = true;
        final Map<Long, Long> reference = new HashMap<>();
        final Random random = new Random(5);
        for (int i = 0; i < 200_000; i++)
        {
            final long key = random.nextInt(100_000);
            if (random.nextInt(4) == 0)
            {
                assertEquals(null != reference.remove(key), table.remove(key));
            }
            else
            {
                final int offset = table.getOrInsert(key);
                assertEquals(!reference.containsKey(key), table.wasInserted());
                table.valueBuffer().putLong(offset, i);
                reference.put(key, (long)i);
            }
        }
        assertTrue(table.capacity() >= 65_536, "should have grown many times: " + table.capacity());
        assertEquals(reference.size(), table.size());
        assertSameContents(reference, table);
    }

    @Test
    void shouldKeepAllEntriesAcrossSeveralDoublings()
    {
        final OffHeapHashTable table = newTable(8, 8, 1, 0.5f);
        final int initialCapacity = table.capacity();
        final int count = 100_000;
        for (long key = 0; key < count; key++)
        {
            table.valueBuffer().putLong(table.getOrInsert(key), key * 3);
        }

        assertTrue(table.capacity() >= initialCapacity << 10, "capacity " + table.capacity());
        assertEquals(count, table.size());
        for (long key = 0; key < count; key++)
        {
            final int offset = table.find(key);
            assertNotEquals(OffHeapHashTable.MISSING, offset, "key " + key);
            assertEquals(key * 3, table.valueBuffer().getLong(offset));
        }
        assertFalse(table.isResizing(), "finds during a resize move entries over, so it should be done");
        assertEquals(OffHeapHashTable.MISSING, table.find(count));
    }

    @Test
    void shouldKeepInsertingIntoCurrentTableWhileTheNextOneIsZeroedInChunks()
    {
        final OffHeapHashTable table = newTable(8, 8, 600, 0.65f);
        final int capacity = table.capacity();
        final int threshold = (int)(capacity * 0.65);
        final int hardLimit = threshold + (capacity - 1 - threshold) / 2;
        final long oneTableBytes = table.memoryBytes();
        long key = 0;
        while (table.size() < threshold)
        {
            table.getOrInsert(key++);
        }
        assertEquals(capacity, table.capacity());
        assertEquals(oneTableBytes, table.memoryBytes());

        table.getOrInsert(key++); // crosses the threshold: next table allocated, not yet zeroed
        assertEquals(capacity, table.capacity(), "growth waits for the next table to be zeroed");
        assertEquals(3 * oneTableBytes, table.memoryBytes());
        assertFalse(table.isResizing());

        while (table.capacity() == capacity)
        {
            assertTrue(table.size() <= hardLimit, "size " + table.size() + " passed the hard limit " + hardLimit);
            table.getOrInsert(key++);
        }
        assertEquals(2 * capacity, table.capacity());
        assertTrue(table.isResizing());
        for (long k = 0; k < key; k++)
        {
            assertNotEquals(OffHeapHashTable.MISSING, table.find(k), "key " + k);
        }
        assertFalse(table.isResizing());
        assertEquals(2 * oneTableBytes, table.memoryBytes());
    }

    @Test
    void shouldKeepEarlierOffsetsValidWhileResizeDrainsAndLookupsMoveEntries()
    {
        final OffHeapHashTable table = newTable(8, 8, 64, 0.5f);
        long key = 0;
        while (!table.isResizing())
        {
            table.valueBuffer().putLong(table.getOrInsert(key), key);
            key++;
        }
        final long lastInserted = key - 1;
        final int pinnedOffset = table.getOrInsert(lastInserted); // in the new table
        final int capacity = table.capacity();

        // Lookups of existing keys drain the old table but never grow the current one.
        for (long k = 0; k < lastInserted; k++)
        {
            table.getOrInsert(k);
            assertEquals(k, table.valueBuffer().getLong(table.find(k)));
        }
        assertFalse(table.isResizing());
        assertEquals(capacity, table.capacity());
        assertEquals(lastInserted, table.valueBuffer().getLong(pinnedOffset));
    }

    @Test
    void shouldReinsertRemovedKeyWithZeroedValue()
    {
        final OffHeapHashTable table = newTable(8, 24, 16, 0.6f);
        final UnsafeBuffer values = table.valueBuffer();
        int offset = table.getOrInsert(99L);
        values.putLong(offset, 1L);
        values.putDouble(offset + 8, 2.5);
        values.putLong(offset + 16, 3L);

        assertTrue(table.remove(99L));
        assertFalse(table.remove(99L));
        assertEquals(OffHeapHashTable.MISSING, table.find(99L));
        assertEquals(0, table.size());

        offset = table.getOrInsert(99L);
        assertTrue(table.wasInserted());
        assertEquals(0L, values.getLong(offset));
        assertEquals(0.0, values.getDouble(offset + 8));
        assertEquals(0L, values.getLong(offset + 16));
        assertEquals(1, table.size());
    }

    @Test
    void shouldKeepCollidingKeysFindableAfterBackwardShiftDeletes()
    {
        final OffHeapHashTable table = newTable(8, 8, 40, 0.7f);
        final int capacity = table.capacity();
        final int mask = capacity - 1;

        // Cluster wrapping the end of the table: 6 keys homed at the last slot, 3 at slot 0, 2 at slot 2.
        final List<Long> cluster = new ArrayList<>();
        cluster.addAll(keysWithHome(mask, mask, 6, 0));
        cluster.addAll(keysWithHome(0, mask, 3, 0));
        cluster.addAll(keysWithHome(2, mask, 2, 0));
        for (final long key : cluster)
        {
            table.valueBuffer().putLong(table.getOrInsert(key), key + 1);
        }
        assertEquals(capacity, table.capacity(), "test needs no resize");

        // Remove in an order that punches holes at the start, middle and end of the cluster.
        final int[] removalOrder = {0, 7, 3, 10, 6, 1, 9, 2, 8, 4, 5};
        final Set<Long> remaining = new HashSet<>(cluster);
        for (final int i : removalOrder)
        {
            final long removed = cluster.get(i);
            assertTrue(table.remove(removed));
            remaining.remove(removed);
            assertEquals(OffHeapHashTable.MISSING, table.find(removed));
            for (final long key : remaining)
            {
                final int offset = table.find(key);
                assertNotEquals(OffHeapHashTable.MISSING, offset, "lost " + key + " after removing " + removed);
                assertEquals(key + 1, table.valueBuffer().getLong(offset));
            }
            assertEquals(remaining.size(), table.size());
            assertEntriesSitBetweenHomeAndFirstEmptySlot(table, mask);
        }
        assertEquals(0, countEntries(table));
    }

    @Test
    void shouldLeaveNoTombstonesSoTheTableEmptiesCompletely()
    {
        final OffHeapHashTable table = newTable(8, 8, 1_000, 0.9f);
        final int capacity = table.capacity();
        final Random random = new Random(3);
        final Set<Long> live = new HashSet<>();
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 800; i++)
            {
                final long key = random.nextInt(5_000);
                table.getOrInsert(key);
                live.add(key);
            }
            for (final long key : new ArrayList<>(live))
            {
                if (random.nextBoolean())
                {
                    assertTrue(table.remove(key));
                    live.remove(key);
                }
            }
            assertEntriesSitBetweenHomeAndFirstEmptySlot(table, table.capacity() - 1);
        }
        for (final long key : live)
        {
            assertTrue(table.remove(key));
        }
        assertEquals(0, table.size());
        assertEquals(capacity, table.capacity());
        final UnsafeBuffer buffer = table.valueBuffer();
        final int slotLength = (int)StateEntryDescriptor.slotLength(8, 8);
        for (int i = 0; i < capacity; i++)
        {
            assertEquals(0, buffer.getInt(i * slotLength + StateEntryDescriptor.TAG_OFFSET), "slot " + i);
        }
    }

    @Test
    void shouldVisitEachEntryExactlyOnce()
    {
        final OffHeapHashTable table = newTable(8, 8, 8, 0.75f);
        final int count = 10_000;
        for (long key = 0; key < count; key++)
        {
            table.valueBuffer().putLong(table.getOrInsert(key * 7), key);
        }
        for (long key = 0; key < count; key += 3)
        {
            assertTrue(table.remove(key * 7));
        }

        final int[] visits = new int[count];
        table.forEach((buffer, keyOffset, valueOffset) ->
        {
            final long key = buffer.getLong(keyOffset);
            assertEquals(key / 7, buffer.getLong(valueOffset));
            visits[(int)(key / 7)]++;
        });
        for (int i = 0; i < count; i++)
        {
            assertEquals(i % 3 == 0 ? 0 : 1, visits[i], "visits of key " + i * 7);
        }
    }

    @Test
    void shouldLetForEachUpdateValuesInPlace()
    {
        final OffHeapHashTable table = newTable(8, 8, 100, 0.5f);
        for (long key = 1; key <= 100; key++)
        {
            table.valueBuffer().putLong(table.getOrInsert(key), key);
        }
        table.forEach((buffer, keyOffset, valueOffset) -> buffer.putLong(valueOffset, buffer.getLong(valueOffset) * 2));
        for (long key = 1; key <= 100; key++)
        {
            assertEquals(key * 2, table.valueBuffer().getLong(table.find(key)));
        }
    }

    /** Reused across sweeps: the threshold is a field, so a sweep allocates nothing. */
    private static final class ExpiredBefore implements OffHeapHashTable.EntryPredicate
    {
        long thresholdMs;
        int calls;

        public boolean test(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            calls++;
            return buffer.getLong(valueOffset) < thresholdMs;
        }
    }

    @Test
    void shouldExpireExactlyTheEntriesOlderThanTheThreshold()
    {
        // Value slot: int64 last-seen ms, int64 count. High load factor makes long, wrapping clusters.
        final OffHeapHashTable table = newTable(8, 16, 5_000, 0.9f);
        final Random random = new Random(11);
        final Map<Long, Long> lastSeenMs = new HashMap<>();
        for (int i = 0; i < 5_000; i++)
        {
            final long key = random.nextLong();
            final long timeMs = random.nextInt(10_000);
            final int offset = table.getOrInsert(key);
            table.valueBuffer().putLong(offset, timeMs);
            table.valueBuffer().putLong(offset + 8, i);
            lastSeenMs.put(key, timeMs);
        }

        final ExpiredBefore expired = new ExpiredBefore();
        for (long thresholdMs = 1_000; thresholdMs <= 10_000; thresholdMs += 3_000)
        {
            expired.thresholdMs = thresholdMs;
            expired.calls = 0;
            final int sizeBefore = table.size();
            final long bound = thresholdMs;
            final long expectedRemoved = lastSeenMs.values().stream().filter(t -> t < bound).count();
            lastSeenMs.values().removeIf(t -> t < bound);

            final int removed = table.removeIf(expired);

            assertEquals(expectedRemoved, removed);
            assertEquals(sizeBefore, expired.calls, "each entry tested exactly once");
            assertEquals(lastSeenMs.size(), table.size());
            for (final Map.Entry<Long, Long> e : lastSeenMs.entrySet())
            {
                final int offset = table.find(e.getKey());
                assertNotEquals(OffHeapHashTable.MISSING, offset);
                assertEquals(e.getValue().longValue(), table.valueBuffer().getLong(offset));
            }
            assertEquals(lastSeenMs.size(), countEntries(table));
        }
        assertEquals(0, table.size());
    }

    @Test
    void shouldSweepAndIterateDuringResizeWithoutFinishingIt()
    {
        final OffHeapHashTable table = newTable(8, 8, 4096, 0.5f);
        long key = 0;
        while (!table.isResizing())
        {
            table.valueBuffer().putLong(table.getOrInsert(key), key);
            key++;
        }
        final long count = key;
        final long[] seen = new long[2];
        table.forEach((buffer, keyOffset, valueOffset) ->
        {
            seen[0]++;
            seen[1] += buffer.getLong(valueOffset);
        });
        assertEquals(count, seen[0]);
        assertEquals(count * (count - 1) / 2, seen[1]);
        assertTrue(table.isResizing(), "forEach must not pay for the whole migration");

        final ExpiredBefore expired = new ExpiredBefore();
        expired.thresholdMs = count / 2;
        assertEquals(count / 2, table.removeIf(expired));
        assertTrue(table.isResizing(), "removeIf must not pay for the whole migration");
        assertEquals(count - count / 2, table.size());
        for (long k = 0; k < count; k++)
        {
            assertEquals(k < count / 2, OffHeapHashTable.MISSING == table.find(k), "key " + k);
        }
        for (long k = count; k < 4 * count; k++) // the drain goes on with later inserts and completes
        {
            table.valueBuffer().putLong(table.getOrInsert(k), k);
        }
        assertFalse(table.isResizing());
        for (long k = 0; k < 4 * count; k++)
        {
            final int offset = table.find(k);
            assertEquals(k < count / 2, OffHeapHashTable.MISSING == offset, "key " + k);
            if (offset != OffHeapHashTable.MISSING)
            {
                assertEquals(k, table.valueBuffer().getLong(offset));
            }
        }
    }

    @Test
    void shouldSweepInBoundedStepsWhileTheTableKeepsChanging()
    {
        final OffHeapHashTable table = newTable(8, 8, 1 << 16, 0.7f);
        final Random random = new Random(11);
        final Map<Long, Long> reference = new HashMap<>();
        for (int i = 0; i < 40_000; i++)
        {
            final long key = random.nextLong();
            final long value = random.nextInt(1000);
            table.valueBuffer().putLong(table.getOrInsert(key), value);
            reference.put(key, value);
        }
        final ExpiredBefore expired = new ExpiredBefore();
        expired.thresholdMs = 500;
        int cursor = 0;
        int steps = 0;
        while (cursor < table.capacity())
        {
            final int callsBefore = expired.calls;
            cursor = table.removeIfStep(expired, cursor, 1000);
            assertTrue(expired.calls - callsBefore <= 1000, "a step looks at no more than its slots");
            steps++;
            // inserts and removes between steps
            final long key = random.nextLong();
            table.valueBuffer().putLong(table.getOrInsert(key), 600 + random.nextInt(400));
            reference.put(key, table.valueBuffer().getLong(table.find(key)));
        }
        assertTrue(steps > 50, "steps " + steps);
        reference.values().removeIf(v -> v < 500);
        assertEquals(reference.size(), table.size());
        for (final Map.Entry<Long, Long> e : reference.entrySet())
        {
            final int offset = table.find(e.getKey());
            assertNotEquals(OffHeapHashTable.MISSING, offset);
            assertEquals(e.getValue(), table.valueBuffer().getLong(offset));
        }
    }

    @Test
    void shouldTreatAnEightByteKeyTheSameThroughBothApis()
    {
        final OffHeapHashTable table = newTable(8, 8, 16, 0.5f);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        key.putLong(0, 123456789L);

        final int offset = table.getOrInsert(123456789L);
        table.valueBuffer().putLong(offset, 5L);

        assertEquals(offset, table.find(key, 0));
        assertEquals(offset, table.getOrInsert(key, 0));
        assertFalse(table.wasInserted());
        assertTrue(table.remove(key, 0));
        assertEquals(OffHeapHashTable.MISSING, table.find(123456789L));
    }

    @Test
    void shouldDistinguishKeysDifferingOnlyInTheirLastByte()
    {
        final OffHeapHashTable table = newTable(3, 4, 300, 0.5f);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[3]);
        for (int i = 0; i < 256; i++)
        {
            key.putByte(0, (byte)1);
            key.putByte(1, (byte)2);
            key.putByte(2, (byte)i);
            table.valueBuffer().putInt(table.getOrInsert(key, 0), i);
        }
        assertEquals(256, table.size());
        for (int i = 0; i < 256; i++)
        {
            key.putByte(2, (byte)i);
            assertEquals(i, table.valueBuffer().getInt(table.find(key, 0)));
        }
    }

    @Test
    void shouldWorkAsASetWithZeroLengthValues()
    {
        final OffHeapHashTable table = newTable(8, 0, 4, 0.5f);
        for (long key = 0; key < 1_000; key++)
        {
            table.getOrInsert(key);
        }
        assertEquals(1_000, table.size());
        assertNotEquals(OffHeapHashTable.MISSING, table.find(999L));
        assertEquals(OffHeapHashTable.MISSING, table.find(1_000L));
    }

    @Test
    void shouldClearAndStayUsable()
    {
        final OffHeapHashTable table = newTable(8, 8, 8, 0.5f);
        for (long key = 0; key < 1_000; key++)
        {
            table.getOrInsert(key);
        }
        table.clear();
        assertEquals(0, table.size());
        assertFalse(table.isResizing());
        assertEquals(OffHeapHashTable.MISSING, table.find(5L));
        assertEquals(0, countEntries(table));
        table.getOrInsert(5L);
        assertTrue(table.wasInserted());
        assertEquals(1, table.size());
    }

    @Test
    void shouldFreeMemoryOnCloseAndRejectLaterUse()
    {
        final OffHeapHashTable table = new OffHeapHashTable(8, 8, 1_000, 0.5f);
        table.getOrInsert(1L);
        assertTrue(table.memoryBytes() > 0);

        table.close();
        table.close();

        assertTrue(table.isClosed());
        assertEquals(0, table.memoryBytes());
        assertEquals(0, table.size());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> table.find(1L));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
        assertThrows(IllegalStateException.class, () -> table.getOrInsert(1L));
        assertThrows(IllegalStateException.class, () -> table.forEach((b, k, v) -> { }));
    }

    @Test
    void shouldRejectBadArgumentsWithMessagesNamingThem()
    {
        assertBadArgument("initialCapacity", () -> new OffHeapHashTable(8, 8, 0, 0.5f));
        assertBadArgument("initialCapacity", () -> new OffHeapHashTable(8, 8, -1, 0.5f));
        assertBadArgument("keyLengthBytes", () -> new OffHeapHashTable(0, 8, 16, 0.5f));
        assertBadArgument("keyLengthBytes", () -> new OffHeapHashTable(-8, 8, 16, 0.5f));
        assertBadArgument("keyLengthBytes", () -> new OffHeapHashTable(OffHeapHashTable.MAX_KEY_LENGTH + 1, 8, 16, 0.5f));
        assertBadArgument("valueLengthBytes", () -> new OffHeapHashTable(8, -1, 16, 0.5f));
        assertBadArgument("loadFactor", () -> new OffHeapHashTable(8, 8, 16, 0.0f));
        assertBadArgument("loadFactor", () -> new OffHeapHashTable(8, 8, 16, 1.0f));
        assertBadArgument("loadFactor", () -> new OffHeapHashTable(8, 8, 16, -0.5f));
        assertBadArgument("loadFactor", () -> new OffHeapHashTable(8, 8, 16, Float.NaN));
        assertBadArgument("initialCapacity", () -> new OffHeapHashTable(8, 8, Integer.MAX_VALUE, 0.5f));
    }

    @Test
    void shouldRejectLongKeyMethodsOnWiderKeys()
    {
        final OffHeapHashTable table = newTable(16, 8, 16, 0.5f);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> table.getOrInsert(1L));
        assertTrue(ex.getMessage().contains("keyLengthBytes 8"), ex.getMessage());
        assertThrows(IllegalStateException.class, () -> table.find(1L));
        assertThrows(IllegalStateException.class, () -> table.remove(1L));
    }

    @Test
    void shouldNotAllocateInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final OffHeapHashTable longTable = newTable(8, 16, 200_000, 0.6f);
        final OffHeapHashTable bytesTable = newTable(12, 8, 200_000, 0.6f);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[12]);
        final ExpiredBefore expired = new ExpiredBefore();
        final int capacityBefore = longTable.capacity();

        runMixedOperations(longTable, bytesTable, key, expired, 300_000); // warm up, reach steady state
        final long tid = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(tid);
        runMixedOperations(longTable, bytesTable, key, expired, 1_000_000);
        final long allocatedBytes = threads.getThreadAllocatedBytes(tid) - before;

        assertEquals(capacityBefore, longTable.capacity(), "steady state means no growth");
        assertTrue(allocatedBytes < 1024, "allocated " + allocatedBytes + " bytes over 1M operations");
    }

    private static void runMixedOperations(
        final OffHeapHashTable longTable,
        final OffHeapHashTable bytesTable,
        final UnsafeBuffer key,
        final ExpiredBefore expired,
        final int operations)
    {
        long seed = 12345;
        for (int i = 0; i < operations; i++)
        {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            final long k = (seed >>> 33) % 150_000;
            final UnsafeBuffer values = longTable.valueBuffer();
            final int offset = longTable.getOrInsert(k);
            values.putLong(offset, values.getLong(offset) + 1);
            values.putDouble(offset + 8, i);
            longTable.find(k + 1);
            if ((i & 7) == 0)
            {
                longTable.remove(k + 2);
            }

            key.putLong(0, k);
            key.putInt(8, 7);
            bytesTable.getOrInsert(key, 0);
            bytesTable.find(key, 0);
            if ((i & 7) == 0)
            {
                bytesTable.remove(key, 0);
            }
            if ((i & 0xFFFF) == 0)
            {
                expired.thresholdMs = Long.MIN_VALUE;
                longTable.removeIf(expired);
            }
        }
    }

    private static void assertBadArgument(final String name, final Runnable construction)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(ex.getMessage().contains(name), "message should name " + name + ": " + ex.getMessage());
    }

    private static List<Long> keysWithHome(final int home, final int mask, final int count, final long from)
    {
        final List<Long> keys = new ArrayList<>();
        for (long key = from; keys.size() < count; key++)
        {
            if ((StateEntryDescriptor.tag(OffHeapHashTable.hash(key)) & mask) == home)
            {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * The linear-probing invariant backward-shift deletion must keep: every slot from an entry's home up to the
     * entry is occupied.
     */
    private static void assertEntriesSitBetweenHomeAndFirstEmptySlot(final OffHeapHashTable table, final int mask)
    {
        final UnsafeBuffer buffer = table.valueBuffer();
        final int slotLength = (int)StateEntryDescriptor.slotLength(table.keyLength(), table.valueLength());
        for (int i = 0; i <= mask; i++)
        {
            final int tag = buffer.getInt(i * slotLength + StateEntryDescriptor.TAG_OFFSET);
            if (0 != tag)
            {
                for (int j = tag & mask; j != i; j = (j + 1) & mask)
                {
                    assertNotEquals(0, buffer.getInt(j * slotLength + StateEntryDescriptor.TAG_OFFSET),
                        "empty slot " + j + " between home " + (tag & mask) + " and entry at " + i);
                }
            }
        }
    }

    private static int countEntries(final OffHeapHashTable table)
    {
        final int[] count = new int[1];
        table.forEach((buffer, keyOffset, valueOffset) -> count[0]++);
        return count[0];
    }

    private static void assertSameContents(final Map<Long, Long> reference, final OffHeapHashTable table)
    {
        final Map<Long, Long> seen = new HashMap<>();
        table.forEach((buffer, keyOffset, valueOffset) ->
            assertEquals(null, seen.put(buffer.getLong(keyOffset), buffer.getLong(valueOffset)), "duplicate"));
        assertEquals(reference, seen);
    }
}
