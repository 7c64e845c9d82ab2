package io.rivulet.operators.join;

import io.rivulet.operators.CheckpointReplay;
import io.rivulet.operators.CheckpointReplay.Event;
import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once recovery of the interval join: buffered records of both sides (logs past their first chunk
 * array), indexes, the merged watermark (one input ending early) and the tail moves survive a snapshot taken
 * anywhere; the rest of the input then gives the uninterrupted output byte for byte.
 */
class IntervalJoinCheckpointTest
{
    private static final Schema LEFT = Schema.builder().int64("k").timestamp("ts").int64("lv").build();
    private static final Schema RIGHT = Schema.builder().int64("k").timestamp("ts").int64("rv").build();
    private static final long DELAY_MS = 200;

    private static TwoInputOperator join()
    {
        return JoinOperators.intervalJoin(LEFT, RIGHT, "ts", "ts", new String[]{"k"}, new String[]{"k"}, -50, 100);
    }

    /**
     * Both sides interleaved, 4,000 keys, about 7 records per ms of event time out of order by up to 200 ms (so
     * thousands stay buffered), outliers far ahead (moved to the head at retiring), late records, per-side
     * watermarks, the left input ending first.
     */
    private static List<Event> input(final long seed, final int count)
    {
        final Random random = new Random(seed);
        final RecordFlyweight[] r = {
            new RecordFlyweight(LEFT).wrap(new UnsafeBuffer(new byte[LEFT.recordLengthBytes()]), 0),
            new RecordFlyweight(RIGHT).wrap(new UnsafeBuffer(new byte[RIGHT.recordLengthBytes()]), 0)};
        final LongField[] k = {LEFT.longField("k"), RIGHT.longField("k")};
        final LongField[] ts = {LEFT.longField("ts"), RIGHT.longField("ts")};
        final LongField[] v = {LEFT.longField("lv"), RIGHT.longField("rv")};
        final List<Event> events = new ArrayList<>();
        final long[] maxMs = {10_000, 10_000};
        boolean leftEnded = false;
        for (int i = 0; i < count; i++)
        {
            if (!leftEnded && i > count * 85 / 100)
            {
                events.add(CheckpointReplay.end(TwoInputOperator.LEFT));
                leftEnded = true;
            }
            final int side = leftEnded ? 1 : random.nextInt(2);
            maxMs[side] += random.nextInt(7) == 0 ? 1 : 0;
            long tsMs = maxMs[side] - random.nextInt((int)DELAY_MS);
            if (random.nextInt(500) == 0)
            {
                tsMs += 5_000; // outlier: outlives everything behind it
            }
            else if (random.nextInt(100) == 0)
            {
                tsMs -= 1_000; // late
            }
            r[side].setLong(k[side], random.nextInt(4_000)).setLong(ts[side], tsMs).setLong(v[side], i);
            events.add(CheckpointReplay.record(side, CheckpointReplay.bytes(r[side]), i));
            if (random.nextInt(10) == 0)
            {
                events.add(CheckpointReplay.watermark(side, maxMs[side] - DELAY_MS));
            }
        }
        events.add(CheckpointReplay.end(TwoInputOperator.RIGHT));
        return events;
    }

    @Test
    void shouldEmitExactlyTheUninterruptedOutputAfterRecoveryFromAnyCutPoint()
    {
        final List<Event> events = input(31, 60_000);
        final List<String> expected = CheckpointReplay.assertRecoveryIsExact(
            recorder -> CheckpointReplay.twoInput(LEFT, RIGHT, join()), events, 31, 12);
        assertTrue(expected.stream().filter(e -> e.startsWith("row")).count() > 3_000);
        assertTrue(expected.stream().filter(e -> e.startsWith("watermark")).count() > 1_000);
    }

    @Test
    void shouldExerciseGrowthAndTailMovesInThatInput()
    {
        final IntervalJoinOperator join = (IntervalJoinOperator)join();
        final CheckpointReplay.Subject subject = CheckpointReplay.twoInput(LEFT, RIGHT, join);
        subject.open(new CheckpointReplay.Recorder(new ArrayList<>()));
        try
        {
            int maxBuffered = 0;
            for (final Event e : input(31, 60_000))
            {
                subject.feed(e);
                maxBuffered = Math.max(maxBuffered, join.bufferedRecords());
            }
            assertTrue(maxBuffered > 4_096, "logs outgrow their first chunk array: " + maxBuffered);
            assertTrue(join.relocations() > 10, "live tail entries moved: " + join.relocations());
        }
        finally
        {
            subject.close();
        }
    }

    @Test
    void shouldRefuseSnapshotOfAnotherDefinition()
    {
        final TwoInputOperator written = join();
        final TwoInputOperator other = JoinOperators.intervalJoin(LEFT, RIGHT, "ts", "ts", new String[]{"k"},
            new String[]{"k"}, -50, 200);
        written.open(new CollectingOutput());
        other.open(new CollectingOutput());
        try
        {
            final SnapshotWriter out = new SnapshotWriter(64);
            written.snapshotState(out);
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> other.restoreState(out.toReader()));
            assertTrue(ex.getMessage().contains("ts + 100 ms") && ex.getMessage().contains("ts + 200 ms") &&
                ex.getMessage().contains("definition changed"), ex.getMessage());
        }
        finally
        {
            written.close();
            other.close();
        }
    }

    @Test
    void shouldIgnoreIdleMarksInExactlyOnceMode()
    {
        final TwoInputOperator join = join();
        final CollectingOutput out = new CollectingOutput();
        join.requireDeterminism();
        join.open(out);
        try
        {
            join.input(TwoInputOperator.LEFT).onWatermark(1_000);
            join.setIdle(TwoInputOperator.RIGHT, true); // the stage's wall-clock idle detection
            assertEquals(List.of(), out.watermarks, "a quiet input holds event time: no replay would see the mark");
            join.input(TwoInputOperator.RIGHT).onWatermark(500);
            assertEquals(List.of(500L), out.watermarks);
        }
        finally
        {
            join.close();
        }
    }
}
