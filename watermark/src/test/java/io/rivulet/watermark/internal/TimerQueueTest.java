package io.rivulet.watermark.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerQueueTest
{
    /** Records fired timers as (timestamp, key) pairs; test-side allocation is fine. */
    private static final class Recorder implements TimerHandler
    {
        final List<long[]> fired = new ArrayList<>();

        public void onTimer(final long timestampMs, final long key)
        {
            fired.add(new long[]{ timestampMs, key });
        }
    }

    private static final Comparator<long[]> BY_TIME_THEN_KEY =
        Comparator.<long[]>comparingLong(t -> t[0]).thenComparingLong(t -> t[1]);

    @Test
    void shouldFireDueTimersInTimestampThenKeyOrder()
    {
        final TimerQueue queue = new TimerQueue(2);
        queue.register(300, 1);
        queue.register(100, 9);
        queue.register(200, 5);
        queue.register(100, -3);
        queue.register(100, 4);
        assertEquals(5, queue.size());
        assertEquals(100, queue.peekTimestamp());
        assertEquals(-3, queue.peekKey());

        final Recorder recorder = new Recorder();
        assertEquals(4, queue.advanceTo(200, recorder));
        assertArrayEquals(new long[]{ 100, -3 }, recorder.fired.get(0));
        assertArrayEquals(new long[]{ 100, 4 }, recorder.fired.get(1));
        assertArrayEquals(new long[]{ 100, 9 }, recorder.fired.get(2));
        assertArrayEquals(new long[]{ 200, 5 }, recorder.fired.get(3));
        assertEquals(1, queue.size());
        assertEquals(300, queue.peekTimestamp());

        assertEquals(0, queue.advanceTo(299, recorder));
        assertEquals(1, queue.advanceTo(Long.MAX_VALUE, recorder));
        assertTrue(queue.isEmpty());
        assertEquals(TimerQueue.NO_TIMER, queue.peekTimestamp());
    }

    @Test
    void shouldDedupeIdenticalTimers()
    {
        final TimerQueue queue = new TimerQueue();
        assertTrue(queue.register(100, 7));
        assertFalse(queue.register(100, 7));
        assertTrue(queue.register(100, 8));
        assertTrue(queue.register(101, 7));
        assertEquals(3, queue.size());
        assertTrue(queue.contains(100, 7));

        final Recorder recorder = new Recorder();
        assertEquals(3, queue.advanceTo(101, recorder));
        assertFalse(queue.contains(100, 7));
        assertTrue(queue.register(100, 7), "a fired timer may be registered again");
    }

    @Test
    void shouldDeleteTimers()
    {
        final TimerQueue queue = new TimerQueue();
        queue.register(100, 1);
        queue.register(200, 2);
        queue.register(300, 3);
        assertTrue(queue.delete(100, 1));
        assertFalse(queue.delete(100, 1));
        assertFalse(queue.delete(200, 3), "same time, other key");
        assertEquals(2, queue.size());
        assertEquals(200, queue.peekTimestamp());

        final Recorder recorder = new Recorder();
        queue.advanceTo(1_000, recorder);
        assertEquals(2, recorder.fired.size());
        assertArrayEquals(new long[]{ 200, 2 }, recorder.fired.get(0));
        assertArrayEquals(new long[]{ 300, 3 }, recorder.fired.get(1));
    }

    @Test
    void shouldFireTimersRegisteredDuringFiringInTheSameCall()
    {
        final TimerQueue queue = new TimerQueue();
        final List<long[]> fired = new ArrayList<>();
        queue.register(100, 1);
        queue.register(150, 9);
        queue.register(400, 2);

        final TimerHandler handler = (timestampMs, key) ->
        {
            fired.add(new long[]{ timestampMs, key });
            if (key == 1)
            {
                queue.register(timestampMs + 100, 1); // 200, then 300, then 400 (> 300: stays)
                queue.delete(150, 9);
            }
        };
        assertEquals(3, queue.advanceTo(300, handler));
        assertEquals(3, fired.size());
        assertArrayEquals(new long[]{ 100, 1 }, fired.get(0));
        assertArrayEquals(new long[]{ 200, 1 }, fired.get(1));
        assertArrayEquals(new long[]{ 300, 1 }, fired.get(2));
        assertEquals(2, queue.size(), "(400, 1) and (400, 2) remain");
        assertEquals(400, queue.peekTimestamp());
        assertEquals(1, queue.peekKey());
    }

    @Test
    void shouldRejectReentrantAdvance()
    {
        final TimerQueue queue = new TimerQueue();
        queue.register(1, 1);
        assertThrows(IllegalStateException.class, () -> queue.advanceTo(10, (t, k) -> queue.advanceTo(10, (t2, k2) -> { })));
        queue.register(5, 5);
        assertEquals(1, queue.advanceTo(10, (t, k) -> { }), "usable again after the failed call");
    }

    @Test
    void shouldMatchSortedReferenceFor100kRandomTimersWithDeletes()
    {
        final Random random = new Random(12345);
        final TimerQueue queue = new TimerQueue(16);
        final TreeSet<long[]> reference = new TreeSet<>(BY_TIME_THEN_KEY);
        final List<long[]> registered = new ArrayList<>();

        for (int i = 0; i < 100_000; i++)
        {
            // Narrow ranges so timestamp ties and duplicate pairs are frequent.
            final long timestampMs = 1_700_000_000_000L + random.nextInt(20_000);
            final long key = random.nextInt(64) - 32;
            final boolean added = reference.add(new long[]{ timestampMs, key });
            assertEquals(added, queue.register(timestampMs, key), "register " + i);
            registered.add(new long[]{ timestampMs, key });

            if (random.nextInt(4) == 0)
            {
                final long[] victim = registered.get(random.nextInt(registered.size()));
                assertEquals(reference.remove(victim), queue.delete(victim[0], victim[1]), "delete " + i);
            }
            if (random.nextInt(10) == 0)
            {
                final long[] absent = { timestampMs, 1_000 + random.nextInt(1_000) };
                assertFalse(queue.delete(absent[0], absent[1]));
            }
        }
        assertEquals(reference.size(), queue.size());

        final Recorder recorder = new Recorder();
        long watermarkMs = 1_700_000_000_000L - 1;
        final List<long[]> expected = new ArrayList<>(reference);
        int expectedIndex = 0;
        while (!queue.isEmpty())
        {
            watermarkMs += 1 + random.nextInt(500);
            recorder.fired.clear();
            final int fired = queue.advanceTo(watermarkMs, recorder);
            assertEquals(recorder.fired.size(), fired);
            for (final long[] timer : recorder.fired)
            {
                assertTrue(timer[0] <= watermarkMs);
                assertArrayEquals(expected.get(expectedIndex++), timer, "fired #" + expectedIndex);
            }
            assertTrue(queue.isEmpty() || queue.peekTimestamp() > watermarkMs);
        }
        assertEquals(expected.size(), expectedIndex);
    }

    @Test
    void shouldStayConsistentUnderInterleavedOperations()
    {
        final Random random = new Random(99);
        final TimerQueue queue = new TimerQueue(4);
        final TreeSet<long[]> reference = new TreeSet<>(BY_TIME_THEN_KEY);
        final Recorder recorder = new Recorder();
        long watermarkMs = 0;

        for (int i = 0; i < 200_000; i++)
        {
            final int op = random.nextInt(10);
            final long timestampMs = watermarkMs + random.nextInt(1_000);
            final long key = random.nextInt(16);
            if (op < 6)
            {
                assertEquals(reference.add(new long[]{ timestampMs, key }), queue.register(timestampMs, key));
            }
            else if (op < 9)
            {
                assertEquals(reference.remove(new long[]{ timestampMs, key }), queue.delete(timestampMs, key));
            }
            else
            {
                watermarkMs += random.nextInt(200);
                recorder.fired.clear();
                queue.advanceTo(watermarkMs, recorder);
                for (final long[] timer : recorder.fired)
                {
                    assertArrayEquals(reference.pollFirst(), timer, "step " + i);
                }
                assertTrue(reference.isEmpty() || reference.first()[0] > watermarkMs, "step " + i);
            }
            assertEquals(reference.size(), queue.size());
            if (!reference.isEmpty())
            {
                assertEquals(reference.first()[0], queue.peekTimestamp());
                assertEquals(reference.first()[1], queue.peekKey());
            }
        }
    }

    @Test
    void shouldFireAtMostTheGivenNumberOfTimersPerCall()
    {
        final TimerQueue queue = new TimerQueue(4);
        queue.register(Long.MAX_VALUE, 1);
        queue.register(Long.MIN_VALUE, 2);
        for (long t = 0; t < 100; t++)
        {
            queue.register(t, 3);
        }
        final List<Long> fired = new ArrayList<>();
        final TimerHandler handler = (timestampMs, key) -> fired.add(timestampMs);
        assertEquals(10, queue.advanceTo(50, handler, 10));
        assertEquals(Long.MIN_VALUE, fired.get(0));
        assertEquals(8L, fired.get(9));
        int calls = 1;
        while (queue.peekTimestamp() <= 50)
        {
            assertTrue(queue.advanceTo(50, handler, 10) <= 10);
            calls++;
        }
        assertEquals(6, calls);
        assertEquals(52, fired.size());
        assertEquals(0, queue.advanceTo(50, handler, 10));
        assertEquals(0, queue.advanceTo(Long.MAX_VALUE, handler, 0));
        assertEquals(50, queue.advanceTo(Long.MAX_VALUE, handler, Integer.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, fired.get(fired.size() - 1));
        assertTrue(queue.isEmpty());
    }

    @Test
    void shouldClear()
    {
        final TimerQueue queue = new TimerQueue();
        for (int i = 0; i < 1_000; i++)
        {
            queue.register(i, i);
        }
        queue.clear();
        assertEquals(0, queue.size());
        assertFalse(queue.contains(5, 5));
        assertTrue(queue.register(5, 5));
        assertEquals(1, queue.size());
    }

    @Test
    void shouldRejectBadCapacity()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TimerQueue(0));
        assertTrue(e.getMessage().contains("initialCapacity"), e.getMessage());
    }
}
