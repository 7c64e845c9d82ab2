package io.rivulet.watermark.internal;

import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerQueueSnapshotTest
{
    private static void randomOp(final TimerQueue queue, final Random random, final List<Long> fired)
    {
        final int action = random.nextInt(10);
        final long ts = random.nextInt(200) + (random.nextInt(50) == 0 ? Long.MAX_VALUE - 300 : 0);
        final long key = random.nextInt(40) - 20;
        if (action < 6)
        {
            queue.register(ts, key);
        }
        else if (action < 8)
        {
            queue.delete(ts, key);
        }
        else
        {
            queue.advanceTo(random.nextInt(150), (t, k) ->
            {
                fired.add(t);
                fired.add(k);
            }, 1 + random.nextInt(5));
        }
    }

    @Test
    void shouldFireTheSameTimersInTheSameOrderAfterRestore()
    {
        final Random cuts = new Random(3);
        for (int trial = 0; trial < 50; trial++)
        {
            final long seed = 500 + trial;
            final int totalOps = 5_000;
            final int cut = cuts.nextInt(totalOps);

            final List<Long> expected = new ArrayList<>();
            final TimerQueue uninterrupted = new TimerQueue(1);
            final Random random = new Random(seed);
            for (int op = 0; op < totalOps; op++)
            {
                randomOp(uninterrupted, random, expected);
            }
            uninterrupted.advanceTo(Long.MAX_VALUE, (t, k) ->
            {
                expected.add(t);
                expected.add(k);
            });

            final List<Long> actual = new ArrayList<>();
            final TimerQueue before = new TimerQueue(1);
            final Random replay = new Random(seed);
            for (int op = 0; op < cut; op++)
            {
                randomOp(before, replay, actual);
            }
            final SnapshotWriter writer = new SnapshotWriter(16);
            before.snapshotTo(writer);
            final TimerQueue after = new TimerQueue(1000);
            after.restoreFrom(writer.toReader());
            assertEquals(before.size(), after.size());
            for (int op = cut; op < totalOps; op++)
            {
                randomOp(after, replay, actual);
            }
            after.advanceTo(Long.MAX_VALUE, (t, k) ->
            {
                actual.add(t);
                actual.add(k);
            });
            assertEquals(expected, actual, "cut at op " + cut);
        }
    }

    @Test
    void shouldRestoreAnEmptyQueue()
    {
        final SnapshotWriter writer = new SnapshotWriter(16);
        new TimerQueue().snapshotTo(writer);
        final TimerQueue restored = new TimerQueue();
        restored.register(5, 5);
        restored.restoreFrom(writer.toReader());
        assertTrue(restored.isEmpty());
        assertEquals(TimerQueue.NO_TIMER, restored.peekTimestamp());
    }

    @Test
    void shouldRejectASnapshotThatIsNotAHeap()
    {
        final SnapshotWriter writer = new SnapshotWriter(16);
        writer.putInt(1).putInt(4);
        writer.putLongs(new long[]{ 10, 5 }, 2);
        writer.putLongs(new long[]{ 0, 0 }, 2);
        final IllegalStateException e =
            assertThrows(IllegalStateException.class, () -> new TimerQueue().restoreFrom(writer.toReader()));
        assertTrue(e.getMessage().contains("heap order"), e.getMessage());
    }

    @Test
    void shouldRejectASnapshotOfAnotherVersion()
    {
        final SnapshotWriter writer = new SnapshotWriter(16);
        writer.putInt(99).putInt(4);
        final IllegalStateException e =
            assertThrows(IllegalStateException.class, () -> new TimerQueue().restoreFrom(writer.toReader()));
        assertTrue(e.getMessage().contains("timer queue snapshot version is 99"), e.getMessage());
    }
}
