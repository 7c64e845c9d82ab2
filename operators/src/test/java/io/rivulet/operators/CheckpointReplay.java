package io.rivulet.operators;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Cut-point replay, what exactly-once recovery does to an operator without the engine: run an input
 * uninterrupted and record everything emitted (each row's bytes, each watermark, end of stream, in order); then
 * run it again cut at point k: a fresh operator takes input[0, k), snapshots, is closed (the "crash"), and a new
 * operator of the same definition is constructed, opened, restored from the snapshot's bytes (copied, as from
 * disk) and fed input[k, end) and end of stream. What the two runs emitted, concatenated, must equal the
 * uninterrupted run exactly. Ingest times are not compared: they are latency stamps (a timer's output is stamped
 * with the clock), not output.
 */
public final class CheckpointReplay
{
    private static final int RECORD = 0;
    private static final int WATERMARK = 1;
    private static final int END = 2;

    /** One input event: a record's bytes, a watermark, or end of stream, on input 0 (left) or 1 (right). */
    public record Event(int input, int kind, byte[] record, long value)
    {
        @Override
        public String toString()
        {
            return kind == RECORD ? input + ":R" + HexFormat.of().formatHex(record) :
                kind == WATERMARK ? input + ":W" + value : input + ":END";
        }
    }

    /** @return a record event; {@code bytes} is the record (input schema length). */
    public static Event record(final int input, final byte[] bytes, final long ingestTimeNs)
    {
        return new Event(input, RECORD, bytes, ingestTimeNs);
    }

    /** @return the bytes of {@code record}, copied. */
    public static byte[] bytes(final RecordFlyweight record)
    {
        final byte[] bytes = new byte[record.schema().recordLengthBytes()];
        record.buffer().getBytes(record.offset(), bytes);
        return bytes;
    }

    /** @return a watermark event. */
    public static Event watermark(final int input, final long watermarkMs)
    {
        return new Event(input, WATERMARK, null, watermarkMs);
    }

    /** @return an end-of-stream event. */
    public static Event end(final int input)
    {
        return new Event(input, END, null, 0);
    }

    /** Records what an operator emits as strings, in order: rows as hex bytes, markers with their value. */
    public static final class Recorder implements Output
    {
        final List<String> events;
        private final Output late;

        /** @param events where to record. */
        public Recorder(final List<String> events)
        {
            this.events = events;
            this.late = new Output()
            {
                @Override
                public void onRecord(final RecordFlyweight record)
                {
                    events.add("late " + HexFormat.of().formatHex(bytes(record)));
                }

                @Override
                public void onWatermark(final long watermarkMs)
                {
                    events.add("late watermark " + watermarkMs);
                }

                @Override
                public void onEpoch(final long epochId)
                {
                    events.add("late epoch " + epochId);
                }

                @Override
                public void onEndOfStream()
                {
                    events.add("late end");
                }
            };
        }

        /** @return an output for late data, recorded into the same sequence. */
        public Output late()
        {
            return late;
        }

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            events.add("row " + HexFormat.of().formatHex(bytes(record)));
        }

        @Override
        public void onWatermark(final long watermarkMs)
        {
            events.add("watermark " + watermarkMs);
        }

        @Override
        public void onEpoch(final long epochId)
        {
            events.add("epoch " + epochId);
        }

        @Override
        public void onEndOfStream()
        {
            events.add("end");
        }
    }

    /** The operator (or fused chain, or two-input operator) under test, as the engine drives it. */
    public interface Subject
    {
        /** Connects the subject's output to the recorder (before any event). */
        void open(Recorder recorder);

        /** @return one section per stateful operator, as the engine would write to disk. */
        byte[][] snapshot();

        /** Restores what {@link #snapshot()} returned, after open, before the first event. */
        void restore(byte[][] sections);

        /** Feeds one event. */
        void feed(Event event);

        /** Releases native memory. */
        void close();
    }

    /**
     * A fused chain of single-input operators: marked deterministic, then opened into the recorder (last to
     * first, as the planner connects a chain).
     */
    public static Subject chain(final Schema input, final Operator... operators)
    {
        for (final Operator operator : operators)
        {
            operator.requireDeterminism();
        }
        return new Subject()
        {
            private final RecordFlyweight scratch = new RecordFlyweight(input)
                .wrap(new UnsafeBuffer(new byte[input.recordLengthBytes()]), 0);
            private final SnapshotWriter writer = new SnapshotWriter(64);
            private Recorder recorder;

            @Override
            public void open(final Recorder recorder)
            {
                this.recorder = recorder;
                Output next = recorder;
                for (int i = operators.length - 1; i >= 0; i--)
                {
                    operators[i].open(next);
                    next = operators[i];
                }
            }

            @Override
            public byte[][] snapshot()
            {
                final List<byte[]> sections = new ArrayList<>();
                for (final Operator operator : operators)
                {
                    if (operator.isStateful())
                    {
                        operator.snapshotState(writer.reset());
                        sections.add(copy(writer));
                    }
                }
                return sections.toArray(new byte[0][]);
            }

            @Override
            public void restore(final byte[][] sections)
            {
                int s = 0;
                for (final Operator operator : operators)
                {
                    if (operator.isStateful())
                    {
                        operator.restoreState(new SnapshotReader(new UnsafeBuffer(sections[s]), 0,
                            sections[s].length));
                        s++;
                    }
                }
            }

            @Override
            public void feed(final Event event)
            {
                if (event.input() != 0)
                {
                    throw new IllegalArgumentException("a chain has one input: " + event);
                }
                switch (event.kind())
                {
                    case RECORD:
                        scratch.buffer().putBytes(0, event.record());
                        scratch.ingestTimeNs(event.value());
                        operators[0].onRecord(scratch);
                        break;
                    case WATERMARK:
                        operators[0].onWatermark(event.value());
                        break;
                    default:
                        operators[0].onEndOfStream();
                }
            }

            @Override
            public void close()
            {
                for (final Operator operator : operators)
                {
                    operator.close();
                }
            }

            @Override
            public String toString()
            {
                return Arrays.toString(operators) + " -> " + recorder;
            }
        };
    }

    /** A two-input operator: marked deterministic, opened into the recorder. */
    public static Subject twoInput(final Schema left, final Schema right, final TwoInputOperator operator)
    {
        operator.requireDeterminism();
        return new Subject()
        {
            private final RecordFlyweight[] scratch = {
                new RecordFlyweight(left).wrap(new UnsafeBuffer(new byte[left.recordLengthBytes()]), 0),
                new RecordFlyweight(right).wrap(new UnsafeBuffer(new byte[right.recordLengthBytes()]), 0)};
            private final SnapshotWriter writer = new SnapshotWriter(64);

            @Override
            public void open(final Recorder recorder)
            {
                operator.open(recorder);
            }

            @Override
            public byte[][] snapshot()
            {
                assertTrue(operator.isStateful());
                operator.snapshotState(writer.reset());
                return new byte[][]{copy(writer)};
            }

            @Override
            public void restore(final byte[][] sections)
            {
                operator.restoreState(new SnapshotReader(new UnsafeBuffer(sections[0]), 0, sections[0].length));
            }

            @Override
            public void feed(final Event event)
            {
                final Output input = operator.input(event.input());
                switch (event.kind())
                {
                    case RECORD:
                        final RecordFlyweight record = scratch[event.input()];
                        record.buffer().putBytes(0, event.record());
                        record.ingestTimeNs(event.value());
                        input.onRecord(record);
                        break;
                    case WATERMARK:
                        input.onWatermark(event.value());
                        break;
                    default:
                        input.onEndOfStream();
                }
            }

            @Override
            public void close()
            {
                operator.close();
            }
        };
    }

    /** Makes a fresh, unopened subject of the definition under test; it may route late data to the recorder. */
    @FunctionalInterface
    public interface Factory
    {
        Subject create(Recorder recorder);
    }

    private static Subject open(final Factory factory, final Recorder recorder)
    {
        final Subject subject = factory.create(recorder);
        subject.open(recorder);
        return subject;
    }

    private static byte[] copy(final SnapshotWriter writer)
    {
        final byte[] bytes = new byte[writer.length()];
        writer.buffer().getBytes(0, bytes);
        return bytes;
    }

    private CheckpointReplay()
    {
    }

    /** @return everything emitted by one uninterrupted run over {@code events}. */
    public static List<String> uninterrupted(final Factory factory, final List<Event> events)
    {
        final List<String> out = new ArrayList<>();
        final Subject subject = open(factory, new Recorder(out));
        try
        {
            events.forEach(subject::feed);
        }
        finally
        {
            subject.close();
        }
        return out;
    }

    /**
     * @param cuts ascending cut points in (0, events.size()); at each the running operator snapshots and is
     *             replaced by a fresh one restored from the snapshot.
     * @return everything emitted by all the operators, in order.
     */
    public static List<String> recovered(final Factory factory, final List<Event> events, final int... cuts)
    {
        final List<String> out = new ArrayList<>();
        byte[][] snapshot = null;
        int from = 0;
        for (int c = 0; c <= cuts.length; c++)
        {
            final int to = c < cuts.length ? cuts[c] : events.size();
            final Subject subject = open(factory, new Recorder(out));
            try
            {
                if (snapshot != null)
                {
                    subject.restore(snapshot);
                }
                for (int i = from; i < to; i++)
                {
                    subject.feed(events.get(i));
                }
                if (c < cuts.length)
                {
                    snapshot = subject.snapshot();
                }
            }
            finally
            {
                subject.close(); // the crash: native memory freed, nothing but the snapshot survives
            }
            from = to;
        }
        return out;
    }

    /**
     * @return the state snapshot taken after event {@code at} - 1 by an operator that crashed and was recovered
     * at each of {@code cuts} (all below {@code at}) on the way.
     */
    public static byte[][] stateAt(final Factory factory, final List<Event> events, final int at, final int... cuts)
    {
        byte[][] snapshot = null;
        int from = 0;
        for (int c = 0; c <= cuts.length; c++)
        {
            final int to = c < cuts.length ? cuts[c] : at;
            final Subject subject = open(factory, new Recorder(new ArrayList<>()));
            try
            {
                if (snapshot != null)
                {
                    subject.restore(snapshot);
                }
                for (int i = from; i < to; i++)
                {
                    subject.feed(events.get(i));
                }
                snapshot = subject.snapshot();
            }
            finally
            {
                subject.close();
            }
            from = to;
        }
        return snapshot;
    }

    /** @return everything emitted by one operator that snapshots at every cut and goes on (a snapshot only reads). */
    public static List<String> snapshotting(final Factory factory, final List<Event> events, final int... cuts)
    {
        final List<String> out = new ArrayList<>();
        final Subject subject = open(factory, new Recorder(out));
        try
        {
            int c = 0;
            for (int i = 0; i < events.size(); i++)
            {
                if (c < cuts.length && cuts[c] == i)
                {
                    subject.snapshot();
                    c++;
                }
                subject.feed(events.get(i));
            }
        }
        finally
        {
            subject.close();
        }
        return out;
    }

    /**
     * The property: for {@code singleCuts} random cut points (plus the first and last event), one crash there
     * reproduces the uninterrupted output exactly; so does a run crashing at several points in a row, and a run
     * that only snapshots.
     *
     * @return the uninterrupted output, for the caller's sanity checks (it should be non-trivial).
     */
    public static List<String> assertRecoveryIsExact(final Factory factory, final List<Event> events,
        final long seed, final int singleCuts)
    {
        final Random random = new Random(seed);
        final int n = events.size();
        final int[] cuts = new int[singleCuts + 2];
        cuts[0] = 1;
        cuts[1] = n - 1;
        for (int i = 2; i < cuts.length; i++)
        {
            cuts[i] = 1 + random.nextInt(n - 1);
        }
        return assertRecoveryIsExactAt(factory, events, cuts);
    }

    /**
     * As {@link #assertRecoveryIsExact(Factory, List, long, int)} at given cut points.
     *
     * @return the uninterrupted output.
     */
    public static List<String> assertRecoveryIsExactAt(final Factory factory, final List<Event> events,
        final int... cuts)
    {
        final List<String> expected = uninterrupted(factory, events);
        final int n = events.size();
        for (final int cut : cuts)
        {
            assertSame(expected, recovered(factory, events, cut), "one crash at event " + cut + " of " + n);
        }
        final int[] several = Arrays.stream(cuts).sorted().distinct().toArray();
        assertSame(expected, recovered(factory, events, several), "crashes at " + Arrays.toString(several));
        assertSame(expected, snapshotting(factory, events, several), "snapshots at " + Arrays.toString(several));

        // stronger than the output: the state itself, just before end of stream, is the same bytes (state that
        // only shapes future work, such as a sweep cursor, shows here even where the output could not show it)
        final byte[][] expectedState = stateAt(factory, events, n - 1);
        final int[] below = Arrays.stream(several).filter(c -> c < n - 1).toArray();
        if (!Arrays.deepEquals(expectedState, stateAt(factory, events, n - 1, below)))
        {
            fail("state before end of stream differs after crashes at " + Arrays.toString(below));
        }
        return expected;
    }

    private static void assertSame(final List<String> expected, final List<String> actual, final String what)
    {
        final int common = Math.min(expected.size(), actual.size());
        for (int i = 0; i < common; i++)
        {
            if (!expected.get(i).equals(actual.get(i)))
            {
                fail(what + ": output differs at element " + i + " of " + expected.size() + ": expected " +
                    expected.subList(Math.max(0, i - 2), Math.min(expected.size(), i + 3)) + " but was " +
                    actual.subList(Math.max(0, i - 2), Math.min(actual.size(), i + 3)));
            }
        }
        if (expected.size() != actual.size())
        {
            fail(what + ": " + actual.size() + " outputs instead of " + expected.size() + "; first extra/missing: " +
                (actual.size() > common ? actual.get(common) : expected.get(common)));
        }
    }
}
