package io.rivulet.watermark.internal;

import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A merger restored from a snapshot at any point merges the rest of the calls exactly as the original. */
class WatermarkMergerSnapshotTest
{
    private static List<String> run(final long seed, final int calls, final int cut)
    {
        final Random random = new Random(seed);
        final List<String> out = new ArrayList<>();
        WatermarkMerger merger = new WatermarkMerger(3);
        long base = 0;
        for (int i = 0; i < calls; i++)
        {
            if (i == cut)
            {
                final SnapshotWriter writer = new SnapshotWriter(16);
                merger.snapshotTo(writer);
                merger = new WatermarkMerger(3);
                merger.restoreFrom(writer.toReader());
            }
            final int input = random.nextInt(3);
            final boolean advanced;
            switch (random.nextInt(20))
            {
                case 0:
                    advanced = merger.markIdle(input);
                    break;
                case 1:
                    advanced = merger.markActive(input);
                    break;
                case 2:
                    advanced = i > calls / 2 && random.nextInt(10) == 0 && merger.markEnded(input);
                    break;
                default:
                    base += random.nextInt(3);
                    advanced = merger.onWatermark(input, base - random.nextInt(20));
            }
            out.add(advanced + " " + merger);
        }
        return out;
    }

    @Test
    void shouldMergeTheSameAfterRestoreFromAnyPoint()
    {
        for (long seed = 1; seed <= 5; seed++)
        {
            final List<String> expected = run(seed, 1_000, -1);
            assertTrue(expected.stream().anyMatch(e -> e.contains("idle")));
            for (int cut = 0; cut < 1_000; cut += 23)
            {
                assertEquals(expected, run(seed, 1_000, cut), "seed " + seed + " restored at " + cut);
            }
        }
    }

    @Test
    void shouldRefuseSnapshotOfAnotherInputCount()
    {
        final SnapshotWriter writer = new SnapshotWriter(16);
        new WatermarkMerger(2).snapshotTo(writer);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new WatermarkMerger(3).restoreFrom(writer.toReader()));
        assertTrue(ex.getMessage().contains("watermark merger input count is 2, this operator needs 3"),
            ex.getMessage());
    }
}
