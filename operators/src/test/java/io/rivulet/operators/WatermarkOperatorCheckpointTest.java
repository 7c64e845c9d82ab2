package io.rivulet.operators;

import io.rivulet.operators.CheckpointReplay.Event;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once recovery of event-time assignment: a restored withWatermark operator emits no watermark twice and
 * skips none; withProcessingTime refuses exactly-once.
 */
class WatermarkOperatorCheckpointTest
{
    private static final Schema EVENTS = Schema.builder().int64("k").timestamp("ts").build();
    private static final LongField K = EVENTS.longField("k");
    private static final LongField TS = EVENTS.longField("ts");

    private static List<Event> input(final long seed, final int count)
    {
        final Random random = new Random(seed);
        final RecordFlyweight r = new RecordFlyweight(EVENTS)
            .wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
        final List<Event> events = new ArrayList<>();
        long maxMs = 1_000;
        for (int i = 0; i < count; i++)
        {
            maxMs += random.nextInt(4);
            r.setLong(K, random.nextInt(100)).setLong(TS, maxMs - random.nextInt(500));
            events.add(CheckpointReplay.record(0, CheckpointReplay.bytes(r), i));
            if (random.nextInt(20) == 0)
            {
                events.add(CheckpointReplay.watermark(0, maxMs)); // from upstream: replaced, not forwarded
            }
        }
        events.add(CheckpointReplay.end(0));
        return events;
    }

    @Test
    void shouldEmitExactlyTheUninterruptedWatermarksAfterRecoveryFromAnyCutPoint()
    {
        final List<String> expected = CheckpointReplay.assertRecoveryIsExact(
            recorder -> CheckpointReplay.chain(EVENTS, Operators.withWatermark(EVENTS, "ts", 200)),
            input(3, 20_000), 3, 20);
        assertTrue(expected.stream().filter(e -> e.startsWith("watermark")).count() > 500);
        // watermarks strictly increase: none emitted twice across a recovery
        long previous = Long.MIN_VALUE;
        for (final String e : expected)
        {
            if (e.startsWith("watermark"))
            {
                final long w = Long.parseLong(e.substring("watermark ".length()));
                assertTrue(w > previous, e);
                previous = w;
            }
        }
    }

    @Test
    void shouldRefuseProcessingTimeInExactlyOnceMode()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> Operators.withProcessingTime(EVENTS, "ts").requireDeterminism());
        assertEquals("exactly-once needs event time from the records: withProcessingTime(ts) stamps records with " +
            "the wall clock and advances event time on ticks, so a replay would see other times; use " +
            "withWatermark(column, delay) over an event-time column", ex.getMessage());
        assertDoesNotThrow(() -> Operators.withWatermark(EVENTS, "ts", 10).requireDeterminism());
    }

    @Test
    void shouldRefuseSnapshotOfAnotherDefinition()
    {
        final Operator written = Operators.withWatermark(EVENTS, "ts", 200);
        written.open(new CollectingOutput());
        final SnapshotWriter out = new SnapshotWriter(16);
        written.snapshotState(out);

        final Operator other = Operators.withWatermark(EVENTS, "ts", 100);
        other.open(new CollectingOutput());
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> other.restoreState(out.toReader()));
        assertTrue(ex.getMessage().contains("withWatermark(ts, 200 ms)") &&
            ex.getMessage().contains("withWatermark(ts, 100 ms)") && ex.getMessage().contains("definition changed"),
            ex.getMessage());
    }
}
