package io.rivulet.operators.join;

import io.rivulet.operators.CheckpointReplay;
import io.rivulet.operators.CheckpointReplay.Event;
import io.rivulet.operators.Operator;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.rivulet.operators.CheckpointReplay.record;
import static io.rivulet.operators.CheckpointReplay.watermark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once recovery of dropDuplicates: a snapshot taken anywhere (mid-growth of the table, mid-sweep,
 * between a record and its watermark), restored into a fresh operator and fed the rest of the input, gives the
 * uninterrupted output byte for byte.
 */
class DeduplicateCheckpointTest
{
    private static final Schema EVENTS = Schema.builder()
        .symbol("sym", 4).int32("k").timestamp("ts").int64("v").build();
    private static final SymbolField SYM = EVENTS.symbolField("sym");
    private static final IntField K = EVENTS.intField("k");
    private static final LongField TS = EVENTS.longField("ts");
    private static final LongField V = EVENTS.longField("v");
    private static final long DELAY_MS = 300;
    private static final String[] SYMS = {"AA", "BB", "CC", "DDDD"};

    /**
     * Many keys (the table grows several times mid-run), a third of records duplicates of recent keys,
     * out-of-order event time, watermarks every few records (some repeated or behind), late records.
     */
    static List<Event> input(final long seed, final int count)
    {
        final Random random = new Random(seed);
        final RecordFlyweight r = new RecordFlyweight(EVENTS)
            .wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
        final List<Event> events = new ArrayList<>();
        final int[] recentK = new int[512];
        final String[] recentSym = new String[512];
        int recent = 0;
        long maxTsMs = 1_000_000;
        long watermarkMs = Long.MIN_VALUE;
        for (int i = 0; i < count; i++)
        {
            final long tsMs;
            if (watermarkMs != Long.MIN_VALUE && random.nextInt(50) == 0)
            {
                tsMs = watermarkMs - random.nextInt(400); // late
            }
            else
            {
                maxTsMs += random.nextInt(3) == 0 ? 1 : 0;
                tsMs = maxTsMs - random.nextInt((int)DELAY_MS);
            }
            final int k;
            final String sym;
            if (recent > 0 && random.nextInt(3) == 0)
            {
                final int j = random.nextInt(Math.min(recent, recentK.length));
                k = recentK[j];
                sym = recentSym[j];
            }
            else
            {
                k = random.nextInt(200_000);
                sym = SYMS[random.nextInt(SYMS.length)];
                recentK[recent % recentK.length] = k;
                recentSym[recent % recentSym.length] = sym;
                recent++;
            }
            r.setSymbol(SYM, sym).setInt(K, k).setLong(TS, tsMs).setLong(V, i);
            events.add(record(0, CheckpointReplay.bytes(r), i));
            if (random.nextInt(8) == 0)
            {
                final long w = random.nextInt(10) == 0 ? watermarkMs - 5 : maxTsMs - DELAY_MS;
                watermarkMs = Math.max(watermarkMs, w);
                events.add(watermark(0, w));
            }
        }
        events.add(CheckpointReplay.end(0));
        return events;
    }

    private static CheckpointReplay.Factory dedup(final long horizonMs, final boolean lateOutput)
    {
        return recorder -> CheckpointReplay.chain(EVENTS, lateOutput ?
            JoinOperators.dropDuplicates(EVENTS, "ts", horizonMs, recorder.late(), "sym", "k") :
            JoinOperators.dropDuplicates(EVENTS, "ts", horizonMs, "sym", "k"));
    }

    @ParameterizedTest(name = "horizon {0} ms, late output {1}, seed {2}")
    @CsvSource({"0, false, 1", "500, true, 2", "500, false, 3", "5000, true, 4"})
    void shouldEmitExactlyTheUninterruptedOutputAfterRecoveryFromAnyCutPoint(final long horizonMs,
        final boolean lateOutput, final long seed)
    {
        final List<Event> events = input(seed, 60_000);
        final List<String> expected =
            CheckpointReplay.assertRecoveryIsExact(dedup(horizonMs, lateOutput), events, seed, 12);

        final long rows = expected.stream().filter(e -> e.startsWith("row")).count();
        assertTrue(rows > 20_000 && rows < 60_000, "some pass, some are dropped: " + rows);
        assertTrue(expected.stream().filter(e -> e.startsWith("watermark")).count() > 1_000);
        assertEquals(lateOutput, expected.stream().anyMatch(e -> e.startsWith("late ")));
    }

    @Test
    void shouldRecoverFromSnapshotsTakenMidGrowthAndMidSweep()
    {
        // a horizon long enough that the table outgrows one sweep step (SWEEP_STEP_SLOTS): sweeps span watermarks
        final long horizonMs = 10_000;
        final List<Event> events = input(7, 120_000);
        final List<Integer> resizing = new ArrayList<>();
        final List<Integer> sweeping = new ArrayList<>();
        final DeduplicateOperator probe = new DeduplicateOperator(EVENTS, "ts", horizonMs, new String[]{"sym", "k"});
        final CheckpointReplay.Subject subject = CheckpointReplay.chain(EVENTS, probe);
        subject.open(new CheckpointReplay.Recorder(new ArrayList<>()));
        try
        {
            for (int i = 0; i < events.size(); i++)
            {
                subject.feed(events.get(i));
                if (probe.stateResizing() && resizing.size() < 3 && (resizing.isEmpty() ||
                    i > resizing.get(resizing.size() - 1) + 50))
                {
                    resizing.add(i + 1);
                }
                if (probe.sweeping() && sweeping.size() < 3 && (sweeping.isEmpty() ||
                    i > sweeping.get(sweeping.size() - 1) + 50))
                {
                    sweeping.add(i + 1);
                }
            }
        }
        finally
        {
            subject.close();
        }
        assertEquals(3, resizing.size(), "cut points inside a growth of the table");
        assertEquals(3, sweeping.size(), "cut points inside a sweep");

        final List<Integer> cuts = new ArrayList<>(resizing);
        cuts.addAll(sweeping);
        CheckpointReplay.assertRecoveryIsExactAt(dedup(horizonMs, false), events,
            cuts.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void shouldRefuseSnapshotOfAnotherDefinition()
    {
        final Operator written = JoinOperators.dropDuplicates(EVENTS, "ts", 500, "sym", "k");
        final Operator other = JoinOperators.dropDuplicates(EVENTS, "ts", 600, "sym", "k");
        final Operator otherKeys = JoinOperators.dropDuplicates(EVENTS, "ts", 500, "k");
        written.open(new io.rivulet.operators.CollectingOutput());
        other.open(new io.rivulet.operators.CollectingOutput());
        otherKeys.open(new io.rivulet.operators.CollectingOutput());
        try
        {
            final SnapshotWriter out = new SnapshotWriter(64);
            written.snapshotState(out);

            final IllegalStateException horizon = assertThrows(IllegalStateException.class,
                () -> other.restoreState(out.toReader()));
            assertTrue(horizon.getMessage().contains("horizon=500ms") &&
                horizon.getMessage().contains("horizon=600ms") &&
                horizon.getMessage().contains("definition changed"), horizon.getMessage());

            final IllegalStateException keys = assertThrows(IllegalStateException.class,
                () -> otherKeys.restoreState(out.toReader()));
            assertTrue(keys.getMessage().contains("keys=[sym, k]") && keys.getMessage().contains("keys=[k]"),
                keys.getMessage());

            final IllegalStateException truncated = assertThrows(IllegalStateException.class,
                () -> other.restoreState(new SnapshotReader(out.buffer(), 0, 3)));
            assertTrue(truncated.getMessage().contains("another pipeline, or a corrupt one"),
                truncated.getMessage());
        }
        finally
        {
            written.close();
            other.close();
            otherKeys.close();
        }
    }
}
