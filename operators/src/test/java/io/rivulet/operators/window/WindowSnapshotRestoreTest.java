package io.rivulet.operators.window;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Exactly-once recovery of the window operators, as a property: for a seeded random input (many keys, so tables
 * grow mid-run; out-of-order event times; interleaved watermarks, epochs and ticks; late records), running
 * input[0, k), snapshotting, restoring into a new operator and running input[k, end) emits exactly the bytes, in
 * exactly the order, of the uninterrupted run, for every cut k tried.
 */
class WindowSnapshotRestoreTest
{
    private static final Schema EVENTS = Schema.builder().int64("key").timestamp("ts").int64("v").build();
    private static final LongField KEY = EVENTS.longField("key");
    private static final LongField TS = EVENTS.longField("ts");
    private static final LongField V = EVENTS.longField("v");
    private static final Aggregate[] AGGREGATES =
        {Aggregate.count(), Aggregate.sum("v"), Aggregate.max("v"), Aggregate.first("v"), Aggregate.last("v")};

    private static final int RECORD = 0;
    private static final int WATERMARK = 1;
    private static final int EPOCH = 2;
    private static final int TICK = 3;

    private final List<Operator> operators = new ArrayList<>();

    @AfterEach
    void closeOperators()
    {
        operators.forEach(Operator::close);
    }

    /** The input: parallel arrays, one event per index. */
    private static final class Input
    {
        final int[] type;
        final long[] key;
        final long[] ts;
        final long[] v;
        int late;

        Input(final int n)
        {
            type = new int[n];
            key = new long[n];
            ts = new long[n];
            v = new long[n];
        }

        int length()
        {
            return type.length;
        }
    }

    private static long clamp(final double value)
    {
        return value >= Long.MAX_VALUE ? Long.MAX_VALUE : value <= Long.MIN_VALUE ? Long.MIN_VALUE : (long)value;
    }

    private static long saturatedAdd(final long a, final long b)
    {
        return EventTimeAggregateOperator.saturatedAdd(a, b);
    }

    /**
     * @param extremes first half of the input just above {@code Long.MIN_VALUE}, second half up to
     *                 {@code Long.MAX_VALUE}; otherwise around now.
     */
    private static Input generate(final long seed, final int n, final int keyRange, final long delayMs,
        final boolean markers, final boolean extremes)
    {
        final Random random = new Random(seed);
        final Input input = new Input(n);
        long now = extremes ? Long.MIN_VALUE + 7 : 1_700_000_000_000L;
        for (int i = 0; i < n; i++)
        {
            if (extremes && i == n / 2)
            {
                now = Long.MAX_VALUE - n * 2L;
            }
            final int r = random.nextInt(100);
            if (r < 3)
            {
                input.type[i] = WATERMARK;
                input.ts[i] = random.nextInt(10) == 0 ? saturatedAdd(now, -delayMs * 5) : saturatedAdd(now, -delayMs);
            }
            else if (r < 4 && markers)
            {
                input.type[i] = EPOCH;
                input.ts[i] = i;
            }
            else if (r < 5 && markers)
            {
                input.type[i] = TICK;
                input.ts[i] = i;
            }
            else
            {
                now = saturatedAdd(now, random.nextInt(3));
                input.type[i] = RECORD;
                input.key[i] = random.nextInt(keyRange) * 1_000_003L - keyRange * 500_000L;
                input.v[i] = random.nextInt(2000) - 1000;
                if (random.nextInt(40) == 0)
                {
                    input.ts[i] = saturatedAdd(now, -delayMs * 4 - random.nextInt(3000)); // late for the watermark
                    input.late++;
                }
                else
                {
                    input.ts[i] = clamp((double)now - random.nextInt((int)delayMs));
                }
            }
        }
        if (extremes)
        {
            input.type[n - 1] = WATERMARK;
            input.ts[n - 1] = Long.MAX_VALUE - 1; // closes all but the windows ending at MAX (end of stream does)
        }
        return input;
    }

    /** Logs everything the operator emits (rows as bytes, markers, late records), in order. */
    private static class Log implements Output
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream data = new DataOutputStream(bytes);
        final String tag;
        final Log parent;
        int rows;
        int watermarks;

        Log(final String tag, final Log parent)
        {
            this.tag = tag;
            this.parent = parent;
        }

        private DataOutputStream out()
        {
            return parent != null ? parent.data : data;
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            final byte[] row = new byte[record.schema().recordLengthBytes()];
            record.buffer().getBytes(record.offset(), row, 0, row.length);
            write('R', row.length);
            try
            {
                out().write(row);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            rows++;
        }

        @Override
        public void onWatermark(final long watermarkMs)
        {
            write('W', watermarkMs);
            watermarks++;
        }

        @Override
        public void onEpoch(final long epochId)
        {
            write('P', epochId);
        }

        @Override
        public void onEndOfStream()
        {
            write('E', 0);
        }

        @Override
        public void onProcessingTime(final long nowMs)
        {
            write('T', nowMs);
        }

        private void write(final char kind, final long value)
        {
            try
            {
                out().writeUTF(tag);
                out().writeChar(kind);
                out().writeLong(value);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private Operator newOperator(final WindowSpec spec, final OutputMode mode, final boolean deterministic,
        final Log log, final long latenessMs)
    {
        final Operator op = WindowOperators.aggregate(EVENTS, spec, new String[]{"key"}, AGGREGATES, mode, latenessMs,
            new Log("late", log));
        if (deterministic)
        {
            op.requireDeterminism();
        }
        op.open(log);
        operators.add(op);
        return op;
    }

    private final RecordFlyweight record =
        new RecordFlyweight(EVENTS).wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);

    private void feed(final Operator op, final Input input, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            switch (input.type[i])
            {
                case RECORD:
                    record.setLong(KEY, input.key[i]).setLong(TS, input.ts[i]).setLong(V, input.v[i]);
                    record.ingestTimeNs(i);
                    op.onRecord(record);
                    break;
                case WATERMARK:
                    op.onWatermark(input.ts[i]);
                    break;
                case EPOCH:
                    op.onEpoch(input.ts[i]);
                    break;
                default:
                    op.onProcessingTime(input.ts[i]);
                    break;
            }
        }
    }

    /** @return true if the operator is in the middle of something a snapshot must carry across. */
    private static boolean midWork(final Operator op)
    {
        if (op instanceof WindowAggregateOperator)
        {
            return ((WindowAggregateOperator)op).resizingTables() > 0 || ((EventTimeAggregateOperator)op).firePending;
        }
        return ((SessionAggregateOperator)op).resizingTables() > 0 || ((EventTimeAggregateOperator)op).firePending;
    }

    /**
     * Runs the input uninterrupted, then once per cut with a snapshot and restore at the cut, and asserts the
     * logs are identical. Half the cuts are chosen where the operator is mid-growth or mid-firing.
     */
    private void assertRestoreAnywhereIsInvisible(final WindowSpec spec, final OutputMode mode,
        final boolean deterministic, final Input input, final long latenessMs, final int cuts, final long seed)
    {
        final Log expected = new Log("out", null);
        final Operator uninterrupted = newOperator(spec, mode, deterministic, expected, latenessMs);
        final List<Integer> busyCuts = new ArrayList<>();
        for (int i = 0; i < input.length(); i++)
        {
            feed(uninterrupted, input, i, i + 1);
            if (midWork(uninterrupted))
            {
                busyCuts.add(i + 1);
            }
        }
        uninterrupted.onEndOfStream();
        final long lateSeen = uninterrupted.lateRecordsDropped() + uninterrupted.lateRecordsRouted();
        assertTrue(expected.rows > 100, "the run emits rows: " + expected.rows);
        assertTrue(lateSeen > 0 || mode == OutputMode.COMPLETE, "some records are late (complete mode drops none)");
        assertFalse(busyCuts.isEmpty(), "the operator is mid-growth or mid-firing at some point");

        final Random random = new Random(seed);
        final TreeSet<Integer> chosen = new TreeSet<>();
        chosen.add(0);
        chosen.add(input.length());
        while (chosen.size() < cuts)
        {
            chosen.add(random.nextBoolean() ? busyCuts.get(random.nextInt(busyCuts.size())) :
                random.nextInt(input.length() + 1));
        }
        final byte[] expectedBytes = expected.bytes.toByteArray();
        final SnapshotWriter writer = new SnapshotWriter(1024);
        for (final int cut : chosen)
        {
            final Log actual = new Log("out", null);
            final Operator before = newOperator(spec, mode, deterministic, actual, latenessMs);
            feed(before, input, 0, cut);
            before.snapshotState(writer.reset());
            before.close();
            final Operator after = newOperator(spec, mode, deterministic, actual, latenessMs);
            after.restoreState(writer.toReader());
            feed(after, input, cut, input.length());
            after.onEndOfStream();
            after.close();

            final byte[] actualBytes = actual.bytes.toByteArray();
            final int mismatch = Arrays.mismatch(expectedBytes, actualBytes);
            if (mismatch >= 0)
            {
                fail(spec + " " + mode + " deterministic=" + deterministic + ": restored at event " + cut + " of " +
                    input.length() + " (snapshot " + writer.length() + " bytes), the output differs from byte " +
                    mismatch + " of " + expectedBytes.length + " (restored run: " + actualBytes.length + " bytes)");
            }
            assertEquals(lateSeen, after.lateRecordsDropped() + after.lateRecordsRouted(), "late count, cut " + cut);
        }
    }

    @Test
    void shouldEmitExactlyTheUninterruptedOutputAfterRestoreForTumblingWindows()
    {
        final Input input = generate(11, 40_000, 3000, 800, true, false);
        for (final OutputMode mode : new OutputMode[]{OutputMode.APPEND, OutputMode.UPDATE})
        {
            assertRestoreAnywhereIsInvisible(WindowSpec.tumbling("ts", 1000), mode, true, input, 0, 8, 1);
        }
        assertRestoreAnywhereIsInvisible(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, true, input, 1500, 6, 2);
    }

    @Test
    void shouldEmitExactlyTheUninterruptedOutputAfterRestoreForSlidingWindows()
    {
        final Input input = generate(12, 30_000, 2000, 800, true, false);
        for (final OutputMode mode : new OutputMode[]{OutputMode.APPEND, OutputMode.UPDATE})
        {
            assertRestoreAnywhereIsInvisible(WindowSpec.sliding("ts", 1500, 500), mode, true, input, 0, 8, 3);
        }
    }

    @Test
    void shouldEmitExactlyTheUninterruptedOutputAfterRestoreInCompleteMode()
    {
        final Input input = generate(13, 6_000, 1000, 300, true, false);
        assertRestoreAnywhereIsInvisible(WindowSpec.tumbling("ts", 1000), OutputMode.COMPLETE, true, input, 0, 8, 4);
        assertRestoreAnywhereIsInvisible(WindowSpec.sliding("ts", 1000, 250), OutputMode.COMPLETE, true, input, 0, 6,
            5);
    }

    @Test
    void shouldEmitExactlyTheUninterruptedOutputAfterRestoreForSessionWindows()
    {
        final Input input = generate(14, 40_000, 20_000, 4000, true, false); // enough open sessions to grow
        for (final OutputMode mode : new OutputMode[]{OutputMode.APPEND, OutputMode.UPDATE})
        {
            assertRestoreAnywhereIsInvisible(WindowSpec.session("ts", 40), mode, true, input, 0, 8, 6);
        }
    }

    @Test
    void shouldEmitExactlyTheUninterruptedOutputAfterRestoreAtTheEndsOfTheLongRange()
    {
        final Input input = generate(15, 20_000, 1500, 800, true, true);
        for (final OutputMode mode : new OutputMode[]{OutputMode.APPEND, OutputMode.UPDATE})
        {
            assertRestoreAnywhereIsInvisible(WindowSpec.tumbling("ts", 1000), mode, true, input, 0, 6, 7);
            assertRestoreAnywhereIsInvisible(WindowSpec.sliding("ts", 1500, 500), mode, true, input, 0, 6, 8);
        }
        final Input sessions = generate(15, 30_000, 20_000, 4000, true, true);
        for (final OutputMode mode : new OutputMode[]{OutputMode.APPEND, OutputMode.UPDATE})
        {
            assertRestoreAnywhereIsInvisible(WindowSpec.session("ts", 40), mode, true, sessions, 0, 6, 9);
        }
    }

    @Test
    void shouldRestoreAFiringInProgressOutsideDeterministicMode()
    {
        // without epochs and ticks the bounded firing steps depend on the input alone: a snapshot taken while a
        // window is half emitted (drain cursor, held watermark) must carry the rest across
        final Input input = generate(16, 25_000, 3000, 800, false, false);
        assertRestoreAnywhereIsInvisible(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, false, input, 0, 10, 10);
        assertRestoreAnywhereIsInvisible(WindowSpec.sliding("ts", 1500, 500), OutputMode.UPDATE, false, input, 0, 8,
            11);
        assertRestoreAnywhereIsInvisible(WindowSpec.session("ts", 40), OutputMode.APPEND, false,
            generate(18, 25_000, 20_000, 4000, false, false), 0, 8, 12);
    }

    /** The log without epochs and ticks: what must not depend on where they fall. */
    private byte[] runWithoutMarkerEffects(final WindowSpec spec, final OutputMode mode, final boolean deterministic,
        final Input input)
    {
        final Log log = new Log("out", null)
        {
            @Override
            public void onEpoch(final long epochId)
            {
            }

            @Override
            public void onProcessingTime(final long nowMs)
            {
            }
        };
        final Operator op = newOperator(spec, mode, deterministic, log, 0);
        feed(op, input, 0, input.length());
        op.onEndOfStream();
        return log.bytes.toByteArray();
    }

    @Test
    void shouldNotLetEpochsOrTicksChangeTheOutputInDeterministicMode()
    {
        final Input withMarkers = generate(17, 40_000, 3000, 800, true, false);
        final Input without = new Input(withMarkers.length());
        int n = 0;
        for (int i = 0; i < withMarkers.length(); i++)
        {
            if (withMarkers.type[i] == RECORD || withMarkers.type[i] == WATERMARK)
            {
                without.type[n] = withMarkers.type[i];
                without.key[n] = withMarkers.key[i];
                without.ts[n] = withMarkers.ts[i];
                without.v[n] = withMarkers.v[i];
                n++;
            }
        }
        final Input stripped = new Input(n);
        System.arraycopy(without.type, 0, stripped.type, 0, n);
        System.arraycopy(without.key, 0, stripped.key, 0, n);
        System.arraycopy(without.ts, 0, stripped.ts, 0, n);
        System.arraycopy(without.v, 0, stripped.v, 0, n);

        for (final WindowSpec spec : new WindowSpec[]{WindowSpec.tumbling("ts", 1000), WindowSpec.session("ts", 40)})
        {
            final byte[] plain = runWithoutMarkerEffects(spec, OutputMode.UPDATE, true, stripped);
            final byte[] marked = runWithoutMarkerEffects(spec, OutputMode.UPDATE, true, withMarkers);
            assertEquals(-1, Arrays.mismatch(plain, marked), spec + ": epochs and ticks changed the output");
        }
        // the same comparison outside deterministic mode shows what the mode prevents: ticks and epochs finish
        // firings early, so fired rows move relative to the update rows of the records that follow
        final byte[] plain = runWithoutMarkerEffects(WindowSpec.tumbling("ts", 1000), OutputMode.UPDATE, false,
            stripped);
        final byte[] marked = runWithoutMarkerEffects(WindowSpec.tumbling("ts", 1000), OutputMode.UPDATE, false,
            withMarkers);
        assertTrue(Arrays.mismatch(plain, marked) >= 0, "outside deterministic mode epochs and ticks move rows");
    }

    @Test
    void shouldCloseAllWindowsAWatermarkClosesBeforeForwardingItInDeterministicMode()
    {
        final Log log = new Log("out", null);
        final Operator op = newOperator(WindowSpec.tumbling("ts", 1000), OutputMode.APPEND, true, log, 0);
        for (int key = 0; key < 5000; key++) // far more rows than one bounded firing step emits
        {
            record.setLong(KEY, key).setLong(TS, 500).setLong(V, key);
            op.onRecord(record);
        }
        op.onWatermark(2000);
        assertEquals(5000, log.rows);
        assertEquals(1, log.watermarks);
        assertFalse(((EventTimeAggregateOperator)op).firePending);
    }

    private Operator aggregate(final WindowSpec spec, final String[] keys, final Aggregate[] aggregates)
    {
        final Operator op = WindowOperators.aggregate(EVENTS, spec, keys, aggregates, OutputMode.APPEND, 0, null);
        op.requireDeterminism();
        op.open(new Log("x", null));
        operators.add(op);
        return op;
    }

    private SnapshotWriter snapshotOf(final Operator op)
    {
        for (int i = 0; i < 1000; i++)
        {
            record.setLong(KEY, i).setLong(TS, i).setLong(V, i);
            op.onRecord(record);
        }
        final SnapshotWriter writer = new SnapshotWriter(64);
        op.snapshotState(writer);
        return writer;
    }

    @Test
    void shouldRejectASnapshotOfAnOperatorWithOtherStateWidths()
    {
        final SnapshotWriter byKey = snapshotOf(aggregate(WindowSpec.tumbling("ts", 1000), new String[]{"key"},
            new Aggregate[]{Aggregate.count()}));

        final Operator byKeyAndValue = aggregate(WindowSpec.tumbling("ts", 1000), new String[]{"key", "v"},
            new Aggregate[]{Aggregate.count()});
        final IllegalStateException keyWidth =
            assertThrows(IllegalStateException.class, () -> byKeyAndValue.restoreState(byKey.toReader()));
        assertTrue(keyWidth.getMessage().startsWith("snapshot does not fit this operator: state key width (bytes) " +
            "of 'window"), keyWidth.getMessage());

        final Operator moreAggregates = aggregate(WindowSpec.tumbling("ts", 1000), new String[]{"key"},
            new Aggregate[]{Aggregate.count(), Aggregate.sum("v")});
        final IllegalStateException valueWidth =
            assertThrows(IllegalStateException.class, () -> moreAggregates.restoreState(byKey.toReader()));
        assertTrue(valueWidth.getMessage().contains("state value width (bytes)"), valueWidth.getMessage());
    }

    @Test
    void shouldRejectASnapshotOfAnOperatorWithTheSameWidthsButAnotherDefinition()
    {
        final SnapshotWriter oneSecond = snapshotOf(aggregate(WindowSpec.tumbling("ts", 1000), new String[]{"key"},
            new Aggregate[]{Aggregate.count()}));
        final Operator twoSeconds = aggregate(WindowSpec.tumbling("ts", 2000), new String[]{"key"},
            new Aggregate[]{Aggregate.count()});
        final IllegalStateException e =
            assertThrows(IllegalStateException.class, () -> twoSeconds.restoreState(oneSecond.toReader()));
        assertTrue(e.getMessage().contains("definition fingerprint"), e.getMessage());

        final SnapshotWriter session = snapshotOf(aggregate(WindowSpec.session("ts", 1000), new String[]{"key"},
            new Aggregate[]{Aggregate.count()}));
        final Operator tumbling = aggregate(WindowSpec.tumbling("ts", 1000), new String[]{"key"},
            new Aggregate[]{Aggregate.count()});
        assertThrows(IllegalStateException.class, () -> tumbling.restoreState(session.toReader()));
    }
}
