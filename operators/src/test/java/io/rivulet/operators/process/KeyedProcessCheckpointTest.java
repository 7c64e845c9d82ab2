package io.rivulet.operators.process;

import io.rivulet.operators.CheckpointReplay;
import io.rivulet.operators.CheckpointReplay.Event;
import io.rivulet.operators.CollectingOutput;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.rivulet.operators.CheckpointReplay.record;
import static io.rivulet.operators.CheckpointReplay.watermark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once recovery of a keyed process function: the 2-then-10-then-5 pattern per key with an event-time
 * timeout (the sample detector's logic, plus a row per timeout so timers show in the output), over many keys,
 * out-of-order event time and interleaved watermarks. A snapshot anywhere, restored into a fresh operator, gives
 * the uninterrupted output byte for byte.
 */
class KeyedProcessCheckpointTest
{
    static final Schema INPUT = Schema.builder().int64("k").int64("value").timestamp("ts").build();
    static final Schema STATE = Schema.builder().int32("matched").timestamp("startTs").build();
    static final Schema OUTPUT = Schema.builder()
        .int64("k").timestamp("startTs").timestamp("endTs").int32("kind").build();
    private static final LongField K = INPUT.longField("k");
    private static final LongField VALUE = INPUT.longField("value");
    private static final LongField TS = INPUT.longField("ts");
    private static final long TIMEOUT_MS = 3_000;
    private static final long DELAY_MS = 100;

    /** Kind of an output row. */
    static final int MATCHED = 1;
    static final int TIMED_OUT = 2;

    /**
     * The sample's SequencePatternDetector, with the key from the context and a row for each timeout. All state
     * is in the context: the function's fields are configuration only.
     */
    static final class PatternFunction implements KeyedProcessFunction
    {
        private static final long[] PATTERN = {2, 10, 5};
        private final IntField matched = STATE.intField("matched");
        private final LongField startTs = STATE.longField("startTs");
        private final LongField keyOut = OUTPUT.longField("k");
        private final LongField keyOfKey;
        private final LongField outStart = OUTPUT.longField("startTs");
        private final LongField outEnd = OUTPUT.longField("endTs");
        private final IntField outKind = OUTPUT.intField("kind");

        PatternFunction(final Schema keySchema)
        {
            keyOfKey = keySchema.longField("k");
        }

        @Override
        public void processRecord(final RecordFlyweight record, final KeyedContext ctx)
        {
            final RecordFlyweight state = ctx.state();
            final long v = record.getLong(VALUE);
            final long tsMs = record.getLong(TS);
            final int progress = state.getInt(matched);
            if (v == PATTERN[progress])
            {
                if (progress == 0)
                {
                    state.setLong(startTs, tsMs);
                    ctx.registerEventTimeTimer(tsMs + TIMEOUT_MS);
                }
                if (progress + 1 == PATTERN.length)
                {
                    emit(ctx, state.getLong(startTs), tsMs, MATCHED);
                    ctx.deleteEventTimeTimer(state.getLong(startTs) + TIMEOUT_MS);
                    ctx.clearState();
                    return;
                }
                state.setInt(matched, progress + 1);
            }
            else if (progress > 0)
            {
                ctx.deleteEventTimeTimer(state.getLong(startTs) + TIMEOUT_MS);
                if (v == PATTERN[0])
                {
                    state.setInt(matched, 1).setLong(startTs, tsMs);
                    ctx.registerEventTimeTimer(tsMs + TIMEOUT_MS);
                }
                else
                {
                    ctx.clearState();
                }
            }
            else
            {
                ctx.clearState();
            }
        }

        @Override
        public void onTimer(final long timestampMs, final KeyedContext ctx)
        {
            emit(ctx, ctx.state().getLong(startTs), timestampMs, TIMED_OUT);
            ctx.clearState();
        }

        private void emit(final KeyedContext ctx, final long startMs, final long endMs, final int kind)
        {
            ctx.outputRecord().setLong(keyOut, ctx.key().getLong(keyOfKey)).setLong(outStart, startMs)
                .setLong(outEnd, endMs).setInt(outKind, kind);
            ctx.emit();
        }
    }

    static KeyedProcessOperator patternOperator()
    {
        // the function reads the key through the key schema the operator derives: the key columns of INPUT
        final Schema keySchema = Schema.builder().int64("k").build();
        return new KeyedProcessOperator(INPUT, new String[]{"k"}, STATE, OUTPUT, new PatternFunction(keySchema));
    }

    /**
     * A sliding population of keys (about 20,000 in all, 2,000 live at a time, so the tables grow mid-run), each
     * mostly following 2, 10, 5 with other values mixed in, event time out of order by up to 100 ms, a watermark
     * every few records, so patterns complete, time out and restart throughout.
     */
    static List<Event> input(final long seed, final int count)
    {
        final Random random = new Random(seed);
        final RecordFlyweight r = new RecordFlyweight(INPUT)
            .wrap(new UnsafeBuffer(new byte[INPUT.recordLengthBytes()]), 0);
        final List<Event> events = new ArrayList<>();
        final int[] next = new int[1 << 16];
        final long[] pattern = {2, 10, 5};
        long maxTsMs = 5_000;
        int base = 0;
        for (int i = 0; i < count; i++)
        {
            if (random.nextInt(4) == 0)
            {
                base++;
            }
            maxTsMs += random.nextInt(2);
            final int k = base + random.nextInt(1_500);
            final long v;
            if (random.nextInt(5) != 0)
            {
                v = pattern[next[k & 0xFFFF]];
                next[k & 0xFFFF] = (next[k & 0xFFFF] + 1) % 3;
            }
            else
            {
                v = random.nextInt(12);
            }
            r.setLong(K, k).setLong(VALUE, v).setLong(TS, maxTsMs - random.nextInt((int)DELAY_MS));
            events.add(record(0, CheckpointReplay.bytes(r), i));
            if (random.nextInt(6) == 0)
            {
                events.add(watermark(0, maxTsMs - DELAY_MS));
            }
        }
        events.add(CheckpointReplay.end(0));
        return events;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void shouldEmitExactlyTheUninterruptedOutputAfterRecoveryFromAnyCutPoint(final long seed)
    {
        final List<Event> events = input(seed, 60_000);
        final List<String> expected = CheckpointReplay.assertRecoveryIsExact(
            recorder -> CheckpointReplay.chain(INPUT, patternOperator()), events, seed, 12);

        // non-trivial: patterns matched and timed out
        assertTrue(expected.stream().filter(e -> kindOf(e) == MATCHED).count() > 1_000);
        assertTrue(expected.stream().filter(e -> kindOf(e) == TIMED_OUT).count() > 1_000);
    }

    /** @return the kind column of a recorded row ("row " + hex bytes), 0 for a marker. */
    private static int kindOf(final String event)
    {
        if (!event.startsWith("row "))
        {
            return 0;
        }
        final int at = "row ".length() + 2 * OUTPUT.field("kind").offset();
        return Integer.reverseBytes(Integer.parseUnsignedInt(event.substring(at, at + 8), 16));
    }

    @Test
    void shouldGrowTablesMidRun()
    {
        final KeyedProcessOperator operator = patternOperator();
        final CheckpointReplay.Subject subject = CheckpointReplay.chain(INPUT, operator);
        subject.open(new CheckpointReplay.Recorder(new ArrayList<>()));
        try
        {
            final List<Event> events = input(11, 60_000);
            final int sizeBefore = snapshotLength(operator);
            events.subList(0, events.size() - 1).forEach(subject::feed);
            assertTrue(snapshotLength(operator) > 2 * sizeBefore, "tables grew at least once: the snapshot holds more slots");
        }
        finally
        {
            subject.close();
        }
    }

    private static int snapshotLength(final KeyedProcessOperator operator)
    {
        final SnapshotWriter out = new SnapshotWriter(64);
        operator.snapshotState(out);
        return out.length();
    }

    @Test
    void shouldRestoreAnOutputRecordFilledBeforeTheCheckpointAndEmittedAfter()
    {
        final LongField start = OUTPUT.longField("startTs");
        final LongField end = OUTPUT.longField("endTs");
        // fills the scratch output on a 7 and emits it on the next 8: the scratch record is state too
        final CheckpointReplay.Factory factory = recorder -> CheckpointReplay.chain(INPUT, new KeyedProcessOperator(
            INPUT, new String[]{"k"}, STATE, OUTPUT, (record, ctx) ->
        {
            if (record.getLong(VALUE) == 7)
            {
                ctx.outputRecord().setLong(start, record.getLong(TS));
            }
            else if (record.getLong(VALUE) == 8)
            {
                ctx.outputRecord().setLong(end, record.getLong(TS));
                ctx.emit();
            }
        }));
        final RecordFlyweight r = new RecordFlyweight(INPUT)
            .wrap(new UnsafeBuffer(new byte[INPUT.recordLengthBytes()]), 0);
        final List<Event> events = List.of(
            record(0, CheckpointReplay.bytes(r.setLong(K, 1).setLong(VALUE, 7).setLong(TS, 100)), 0),
            record(0, CheckpointReplay.bytes(r.setLong(K, 1).setLong(VALUE, 8).setLong(TS, 200)), 0),
            CheckpointReplay.end(0));
        final List<String> expected = CheckpointReplay.assertRecoveryIsExactAt(factory, events, 1);
        assertTrue(expected.get(0).contains("6400000000000000" + "c800000000000000"), expected.toString());
    }

    @Test
    void shouldRefuseProcessingTimeTimersInExactlyOnceMode()
    {
        final KeyedProcessFunction usesTheClock = (record, ctx) -> ctx.registerProcessingTimeTimer(1_000);
        final RecordFlyweight r = new RecordFlyweight(INPUT)
            .wrap(new UnsafeBuffer(new byte[INPUT.recordLengthBytes()]), 0);
        r.setLong(K, 1).setLong(VALUE, 2).setLong(TS, 100);

        final KeyedProcessOperator atLeastOnce = new KeyedProcessOperator(INPUT, new String[]{"k"}, STATE, OUTPUT,
            usesTheClock);
        atLeastOnce.open(new CollectingOutput());
        atLeastOnce.onRecord(r); // allowed without exactly-once
        atLeastOnce.close();

        final KeyedProcessOperator exactlyOnce = new KeyedProcessOperator(INPUT, new String[]{"k"}, STATE, OUTPUT,
            usesTheClock);
        exactlyOnce.requireDeterminism();
        exactlyOnce.open(new CollectingOutput());
        try
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> exactlyOnce.onRecord(r));
            assertTrue(ex.getMessage().startsWith("exactly-once needs event time from the records") &&
                ex.getMessage().contains("registerEventTimeTimer"), ex.getMessage());
        }
        finally
        {
            exactlyOnce.close();
        }
    }

    @Test
    void shouldRefuseSnapshotOfAnotherDefinition()
    {
        final KeyedProcessOperator written = patternOperator();
        final Schema otherState = Schema.builder().int32("matched").timestamp("startTs").int64("count").build();
        final KeyedProcessOperator other = new KeyedProcessOperator(INPUT, new String[]{"k"}, otherState, OUTPUT,
            (record, ctx) -> { });
        written.open(new CollectingOutput());
        other.open(new CollectingOutput());
        try
        {
            final SnapshotWriter out = new SnapshotWriter(64);
            written.snapshotState(out);
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> other.restoreState(out.toReader()));
            assertTrue(ex.getMessage().contains("count:INT64") && ex.getMessage().contains("definition changed"),
                ex.getMessage());
        }
        finally
        {
            written.close();
            other.close();
        }
    }
}
