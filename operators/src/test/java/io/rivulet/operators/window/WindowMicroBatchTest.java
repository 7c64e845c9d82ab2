package io.rivulet.operators.window;

import io.rivulet.operators.CollectingOutput;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Window and session aggregation in micro-batch mode ({@link Operator#microBatch()}), driven on the test thread:
 * records only update state, and the epoch marker is where rows leave (UPDATE: each changed (window, key) once
 * with its latest value; APPEND: the windows the watermark closed; COMPLETE: the table), before the marker and
 * before the watermark held back meanwhile.
 */
class WindowMicroBatchTest
{
    private static final Schema EVENTS = Schema.builder().int64("key").int64("v").timestamp("ts").build();
    private static final LongField KEY = EVENTS.longField("key");
    private static final LongField V = EVENTS.longField("v");
    private static final LongField TS = EVENTS.longField("ts");

    private final RecordFlyweight record = new RecordFlyweight(EVENTS)
        .wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
    private final CollectingOutput out = new CollectingOutput();
    /** What arrived, in order: "row", "wm <ms>", "epoch <id>". */
    private final List<String> events = new ArrayList<>();
    private final List<Operator> operators = new ArrayList<>();

    @AfterEach
    void close()
    {
        operators.forEach(Operator::close);
    }

    private Operator microBatch(final WindowSpec window, final OutputMode mode)
    {
        final Operator op = WindowOperators.aggregate(EVENTS, window, new String[]{"key"},
            new Aggregate[]{Aggregate.count(), Aggregate.sum("v")}, mode, 0, null);
        operators.add(op);
        op.microBatch();
        op.open(new Output()
        {
            @Override
            public void onRecord(final RecordFlyweight r)
            {
                out.onRecord(r);
                events.add("row");
            }

            @Override
            public void onWatermark(final long watermarkMs)
            {
                out.onWatermark(watermarkMs);
                events.add("wm " + watermarkMs);
            }

            @Override
            public void onEpoch(final long epochId)
            {
                out.onEpoch(epochId);
                events.add("epoch " + epochId);
            }

            @Override
            public void onEndOfStream()
            {
                out.onEndOfStream();
            }
        });
        return op;
    }

    private void send(final Operator op, final long key, final long v, final long ts)
    {
        send(op, key, v, ts, 0);
    }

    private void send(final Operator op, final long key, final long v, final long ts, final long ingestTimeNs)
    {
        record.setLong(KEY, key).setLong(V, v).setLong(TS, ts).ingestTimeNs(ingestTimeNs);
        op.onRecord(record);
    }

    /** @return each row's ingest time by its "window_start/key" (rows of a window aggregate: start, end, key, ...). */
    private java.util.Map<String, Long> ingestTimesByWindowAndKey()
    {
        final java.util.Map<String, Long> times = new java.util.TreeMap<>();
        for (int i = 0; i < out.rows.size(); i++)
        {
            final List<Object> row = out.rows.get(i);
            assertEquals(null, times.put(row.get(0) + "/" + row.get(2), out.ingestTimesNs.get(i)),
                "one row per (window, key) and epoch");
        }
        return times;
    }

    @Test
    void shouldEmitEachChangedKeyOncePerEpochWithItsLatestValueInUpdateMode()
    {
        final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.UPDATE);
        send(op, 1, 10, 100);
        send(op, 1, 20, 200);
        send(op, 2, 5, 300);
        send(op, 1, 1, 1_500);
        assertEquals(List.of(), out.rows, "records only update state between epochs");
        op.onEpoch(1);
        assertEquals(List.of(
            List.of(0L, 1_000L, 1L, 2L, 30L),
            List.of(0L, 1_000L, 2L, 1L, 5L),
            List.of(1_000L, 2_000L, 1L, 1L, 1L)), sorted(out.rows));
        assertEquals("epoch 1", events.get(events.size() - 1), "the rows come before their epoch's marker");
        out.rows.clear();

        send(op, 1, 7, 400);
        send(op, 1, 8, 450);
        op.onEpoch(2);
        assertEquals(List.of(List.of(0L, 1_000L, 1L, 4L, 45L)), out.rows, "only what changed, once, latest value");
        out.rows.clear();

        op.onEpoch(3);
        assertEquals(List.of(), out.rows, "nothing changed: nothing emitted");
        assertEquals(List.of(1L, 2L, 3L), out.epochs);
    }

    /**
     * What a stage asks after a tick (Output.holdsRowsForEpoch): are rows waiting that only an epoch lets out? An
     * APPEND window the watermark closed is; an UPDATE or COMPLETE one is not (UPDATE only drops it). UPDATE used to
     * answer yes, and a processing-time UPDATE window ended an empty epoch each time the clock closed one.
     */
    @Test
    void shouldHoldRowsForTheEpochOnlyForAppendWindowsTheWatermarkClosed()
    {
        for (final OutputMode mode : OutputMode.values())
        {
            final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), mode);
            send(op, 1, 10, 100);
            op.onEpoch(1); // the record's epoch ended: its rows are out
            assertFalse(op.holdsRowsForEpoch(), mode + ": nothing waits");
            op.onWatermark(1_200); // closes [0, 1000), as a tick's processing-time watermark would
            assertEquals(mode == OutputMode.APPEND, op.holdsRowsForEpoch(), mode + ": the closed window's rows wait");
            op.onEpoch(2);
            assertFalse(op.holdsRowsForEpoch(), mode + ": fired at the epoch's end");
        }
    }

    @Test
    void shouldEmitTheLastChangesOfAWindowTheWatermarkClosedBeforeDroppingItInUpdateMode()
    {
        final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.UPDATE);
        send(op, 1, 10, 100);
        op.onWatermark(1_200); // closes [0, 1000)
        send(op, 1, 99, 900); // late, exactly as in continuous mode
        assertEquals(List.of(), out.watermarks, "the watermark waits for the epoch's rows");
        op.onEpoch(1);
        assertEquals(List.of(List.of(0L, 1_000L, 1L, 1L, 10L)), out.rows);
        assertEquals(List.of("row", "wm 1200", "epoch 1"), events);
        assertEquals(1, op.lateRecordsDropped());
        op.onEpoch(2);
        assertEquals(1, out.rows.size(), "the closed window is gone");
    }

    @Test
    void shouldEmitClosedWindowsAtTheEpochInAppendMode()
    {
        final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.APPEND);
        send(op, 1, 10, 100);
        send(op, 2, 3, 200);
        send(op, 1, 4, 1_100);
        op.onWatermark(1_000); // closes [0, 1000)
        send(op, 1, 5, 1_200);
        assertEquals(List.of(), out.rows, "the firing waits for the epoch");
        op.onEpoch(1);
        assertEquals(List.of(List.of(0L, 1_000L, 1L, 1L, 10L), List.of(0L, 1_000L, 2L, 1L, 3L)), sorted(out.rows));
        assertEquals(List.of("row", "row", "wm 1000", "epoch 1"), events);
        op.onEpoch(2);
        assertEquals(2, out.rows.size(), "an open window is not emitted in APPEND mode");
        op.onEndOfStream();
        assertEquals(List.of(1_000L, 2_000L, 1L, 2L, 9L), out.rows.get(2));
    }

    @Test
    void shouldEmitTheTableOncePerEpochInCompleteMode()
    {
        final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.COMPLETE);
        send(op, 1, 10, 100);
        send(op, 1, 5, 1_100);
        op.onEpoch(1);
        assertEquals(2, out.rows.size());
        send(op, 2, 1, 150);
        op.onEpoch(2);
        assertEquals(5, out.rows.size(), "the whole table, changed rows and unchanged ones");
        op.onEpoch(3);
        assertEquals(5, out.rows.size(), "an unchanged table is not emitted again");
        op.onEndOfStream();
        assertEquals(5, out.rows.size(), "nor at end of stream");
    }

    @Test
    void shouldEmitAMergedSessionOncePerEpochInUpdateMode()
    {
        final Operator op = microBatch(WindowSpec.session("ts", 100), OutputMode.UPDATE);
        send(op, 1, 1, 1_000);
        send(op, 1, 1, 1_180);
        send(op, 1, 1, 1_090); // bridges [1000, 1100) and [1180, 1280) into [1000, 1280)
        send(op, 2, 1, 1_000);
        op.onEpoch(1);
        assertEquals(List.of(List.of(1_000L, 1_100L, 2L, 1L, 1L), List.of(1_000L, 1_280L, 1L, 3L, 3L)),
            sorted(out.rows));
        send(op, 1, 1, 1_250);
        op.onEpoch(2);
        assertEquals(List.of(1_000L, 1_350L, 1L, 4L, 4L), out.rows.get(2));
        assertEquals(3, out.rows.size());
    }

    @Test
    void shouldNotMergeARecordIntoASessionTheWatermarkClosedBeforeTheEpochsEnd()
    {
        final Operator op = microBatch(WindowSpec.session("ts", 30), OutputMode.APPEND);
        send(op, 1, 1, 100);
        send(op, 2, 1, 150);
        send(op, 1, 1, 200);
        op.onWatermark(199); // closes [100, 130) and [150, 180); they fire at the epoch's end
        send(op, 1, 1, 125); // [125, 155) is closed too: late, as in continuous mode, not merged into [100, 130)
        send(op, 2, 1, 175); // [175, 205) is open: a session of its own, as if [150, 180) had fired already
        op.onEpoch(1);
        assertEquals(List.of(List.of(100L, 130L, 1L, 1L, 1L), List.of(150L, 180L, 2L, 1L, 1L)), sorted(out.rows));
        op.onEndOfStream();
        assertEquals(List.of(List.of(100L, 130L, 1L, 1L, 1L), List.of(150L, 180L, 2L, 1L, 1L),
            List.of(175L, 205L, 2L, 1L, 1L), List.of(200L, 230L, 1L, 1L, 1L)), sorted(out.rows));
    }

    @Test
    void shouldRestoreUnemittedChangesFromASnapshot()
    {
        final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.UPDATE);
        send(op, 1, 10, 100);
        op.onEpoch(1);
        send(op, 1, 5, 200);
        send(op, 2, 7, 300);
        final SnapshotWriter snapshot = new SnapshotWriter(256);
        op.snapshotState(snapshot);
        out.rows.clear();

        final Operator restored = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.UPDATE);
        restored.restoreState(new SnapshotReader(snapshot.buffer(), 0, snapshot.length()));
        restored.onEpoch(2);
        assertEquals(List.of(List.of(0L, 1_000L, 1L, 2L, 15L), List.of(0L, 1_000L, 2L, 1L, 7L)), sorted(out.rows),
            "the dirty flags are part of the state");
    }

    @Test
    void shouldStampAnUpdateRowWithTheIngestTimeOfTheLastRecordThatChangedItInTheEpoch()
    {
        final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.UPDATE);
        send(op, 1, 10, 100, 1_001);
        send(op, 2, 5, 300, 2_002);
        send(op, 1, 20, 200, 3_003);
        send(op, 1, 1, 1_500, 4_004);
        op.onEpoch(1);
        assertEquals(java.util.Map.of("0/1", 3_003L, "0/2", 2_002L, "1000/1", 4_004L), ingestTimesByWindowAndKey(),
            "a row waited in the state since its last change: the sink measures its latency from there");
        out.rows.clear();
        out.ingestTimesNs.clear();

        send(op, 1, 7, 400, 9_000);
        send(op, 1, 8, 450, 8_000); // last, not largest: the row continuous mode would emit last carries this
        send(op, 2, 1, 310, -5); // nanoTime may be negative
        send(op, 1, 2, 1_600, 0); // 0 still marks the row changed; it reads back as 1 ns
        op.onEpoch(2);
        assertEquals(java.util.Map.of("0/1", 8_000L, "0/2", -5L, "1000/1", 1L), ingestTimesByWindowAndKey());
        out.rows.clear();

        op.onEpoch(3);
        assertEquals(List.of(), out.rows, "emitting clears the mark, whatever the ingest time was");
    }

    @Test
    void shouldStampEveryWindowARecordChangedWithItsIngestTime()
    {
        final Operator op = microBatch(WindowSpec.sliding("ts", 1_000, 500), OutputMode.UPDATE);
        send(op, 1, 1, 400, 111);
        send(op, 1, 1, 700, 222); // in [0, 1000) and [500, 1500)
        op.onEpoch(1);
        assertEquals(java.util.Map.of("-500/1", 111L, "0/1", 222L, "500/1", 222L), ingestTimesByWindowAndKey());
    }

    @Test
    void shouldStampAnUpdatedSessionWithTheIngestTimeOfItsLastChange()
    {
        final Operator op = microBatch(WindowSpec.session("ts", 100), OutputMode.UPDATE);
        send(op, 1, 1, 1_000, 11);
        send(op, 1, 1, 1_050, 12);
        send(op, 2, 1, 1_000, 13);
        send(op, 1, 1, 1_180, 14); // a second session of key 1, [1180, 1280)
        op.onEpoch(1);
        assertEquals(java.util.Map.of("1000/1", 12L, "1180/1", 14L, "1000/2", 13L), ingestTimesByWindowAndKey());
        out.rows.clear();
        out.ingestTimesNs.clear();

        send(op, 1, 1, 1_140, 15); // bridges [1000, 1150) and [1180, 1280) into [1000, 1280)
        send(op, 2, 1, 1_020, 0);
        op.onEpoch(2);
        assertEquals(java.util.Map.of("1000/1", 15L, "1000/2", 1L), ingestTimesByWindowAndKey());
        out.rows.clear();
        op.onEpoch(3);
        assertEquals(List.of(), out.rows);
    }

    @Test
    void shouldRestoreTheIngestTimesOfUnemittedChanges()
    {
        final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.UPDATE);
        send(op, 1, 10, 100, 70);
        send(op, 2, 7, 300, 80);
        send(op, 1, 5, 200, 90);
        final SnapshotWriter snapshot = new SnapshotWriter(256);
        op.snapshotState(snapshot);

        final Operator restored = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.UPDATE);
        restored.restoreState(new SnapshotReader(snapshot.buffer(), 0, snapshot.length()));
        restored.onEpoch(1);
        assertEquals(java.util.Map.of("0/1", 90L, "0/2", 80L), ingestTimesByWindowAndKey());
    }

    @Test
    void shouldStampAppendRowsWithTheTimeTheWatermarkClosedTheirWindowNotTheEpochEnd()
    {
        final Operator op = microBatch(WindowSpec.tumbling("ts", 1_000), OutputMode.APPEND);
        send(op, 1, 10, 100, 5);
        send(op, 2, 3, 200, 6);
        final long beforeNs = System.nanoTime();
        op.onWatermark(1_000); // closes [0, 1000): the rows are due now, they leave at the epoch
        final long afterNs = System.nanoTime();
        send(op, 1, 4, 1_100, 7);
        while (System.nanoTime() <= afterNs)
        {
            Thread.onSpinWait(); // the epoch ends at a later clock reading than the watermark's
        }
        op.onEpoch(1);
        assertEquals(2, out.rows.size());
        for (final long ingestTimeNs : out.ingestTimesNs)
        {
            assertTrue(ingestTimeNs - beforeNs >= 0 && afterNs - ingestTimeNs >= 0,
                "stamped when the watermark closed the window (" + (ingestTimeNs - afterNs) + " ns after)");
        }
    }

    /**
     * The rows an epoch changed are found from their tracked offsets, or by a scan of the tables after a restore
     * (or a growth, or a window closing): both must emit the same rows in the same order, or a replay from a
     * checkpoint would number the outputs differently than the run it replays.
     */
    @Test
    void shouldEmitAnEpochsRowsInTheSameOrderWhetherTrackedOrScanned()
    {
        final java.util.Random random = new java.util.Random(3);
        final long[][] events = new long[40_000][];
        for (int i = 0; i < events.length; i++)
        {
            events[i] = new long[]{random.nextInt(3_000) * 0x9E3779B97F4A7C15L, random.nextInt(100),
                1_000 + i - random.nextInt(300)};
        }
        final CollectingOutput tracked = new CollectingOutput();
        final CollectingOutput scanned = new CollectingOutput();
        Operator a = newMicroBatchUpdate(tracked);
        Operator b = newMicroBatchUpdate(scanned);
        long epoch = 0;
        for (int i = 0; i < events.length; i++)
        {
            for (final Operator op : new Operator[]{a, b})
            {
                record.setLong(KEY, events[i][0]).setLong(V, events[i][1]).setLong(TS, events[i][2]).ingestTimeNs(i);
                op.onRecord(record);
            }
            if (i % 500 == 250)
            {
                // mid-epoch: b continues as a restored copy, which finds this epoch's rows by a scan
                final SnapshotWriter snapshot = new SnapshotWriter(1 << 16);
                b.snapshotState(snapshot);
                final Operator restored = newMicroBatchUpdate(scanned);
                restored.restoreState(new SnapshotReader(snapshot.buffer(), 0, snapshot.length()));
                b = restored;
            }
            if (i % 500 == 499)
            {
                epoch++;
                a.onWatermark(events[i][2] - 300);
                b.onWatermark(events[i][2] - 300);
                a.onEpoch(epoch);
                b.onEpoch(epoch);
            }
        }
        assertEquals(0, ((WindowAggregateOperator)b).trackedEpochs, "the restored copy scans");
        a.onEndOfStream();
        b.onEndOfStream();
        assertTrue(tracked.rows.size() > 10_000, "rows: " + tracked.rows.size());
        assertTrue(((WindowAggregateOperator)a).trackedEpochs > 40, "epochs found from tracked offsets: " +
            ((WindowAggregateOperator)a).trackedEpochs);
        assertEquals(tracked.rows, scanned.rows);
        assertEquals(tracked.ingestTimesNs, scanned.ingestTimesNs);
    }

    /**
     * Tracking an epoch's changed rows allocates nothing while running, however many rows a later epoch changes:
     * the lists are allocated when the operator opens (growing them in a busier epoch allocated on the stage
     * thread).
     */
    @Test
    void shouldNotAllocateWhenAnEpochChangesMoreRowsThanTheOnesBefore()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final Operator op = WindowOperators.aggregate(EVENTS, WindowSpec.tumbling("ts", 3_600_000),
            new String[]{"key"}, new Aggregate[]{Aggregate.count()}, OutputMode.UPDATE, 0, null);
        operators.add(op);
        op.microBatch();
        op.open(new Output()
        {
            @Override
            public void onRecord(final RecordFlyweight row)
            {
            }

            @Override
            public void onWatermark(final long watermarkMs)
            {
            }

            @Override
            public void onEpoch(final long epochId)
            {
            }

            @Override
            public void onEndOfStream()
            {
            }
        });
        // warm-up: every key in the table in the first epoch (scanned), then small epochs only (tracked)
        long epoch = 0;
        for (long k = 0; k < 12_000; k++)
        {
            send(op, k, 1, 1_000);
        }
        op.onEpoch(++epoch);
        for (int round = 0; round < 20; round++)
        {
            for (long k = 0; k < 10; k++)
            {
                send(op, k, 1, 1_000);
            }
            op.onEpoch(++epoch);
        }
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        long epochs = 0;
        for (final int changed : new int[]{10, 100, 1_000, 10_000, 12_000, 10, 12_000})
        {
            for (long k = 0; k < changed; k++)
            {
                send(op, k, 1, 1_000);
            }
            op.onEpoch(++epoch);
            epochs++;
        }
        final long bytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(((WindowAggregateOperator)op).trackedEpochs >= epochs, "epochs tracked");
        // growing the lists took 395 KB here; the test thread's own first runs of these paths take about 1 KB
        assertTrue(bytes < 16_384, "allocated over " + epochs + " epochs: " + bytes + " B");
    }

    private Operator newMicroBatchUpdate(final CollectingOutput output)
    {
        final Operator op = WindowOperators.aggregate(EVENTS, WindowSpec.tumbling("ts", 10_000), new String[]{"key"},
            new Aggregate[]{Aggregate.count(), Aggregate.sum("v")}, OutputMode.UPDATE, 0, null);
        operators.add(op);
        op.microBatch();
        op.open(output);
        return op;
    }

    @Test
    void shouldRefuseMicroBatchAfterOpen()
    {
        final Operator op = WindowOperators.aggregate(EVENTS, WindowSpec.tumbling("ts", 1_000), new String[]{"key"},
            new Aggregate[]{Aggregate.count()}, OutputMode.UPDATE, 0, null);
        operators.add(op);
        op.open(out);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, op::microBatch);
        assertTrue(ex.getMessage().contains("before open"), ex.getMessage());
    }

    private static List<List<Object>> sorted(final List<List<Object>> rows)
    {
        final List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(java.util.Comparator.comparing(Object::toString));
        return copy;
    }
}
