package io.rivulet.bench;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineMetrics;
import io.rivulet.engine.PublisherSource;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Source;
import io.rivulet.engine.Sources;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import org.agrona.collections.Long2LongHashMap;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The keyed tumbling window workload ({@link WindowWorkload}: N events, 100k keys, up to 100 ms out of order)
 * computed six ways in the same run, so the figures share the machine's mood:
 * <ol>
 *   <li>baseline: a plain single-threaded Java loop, {@code HashMap<Long, long[]>} per window;</li>
 *   <li>baseline: the same loop over a primitive map (Agrona {@code Long2LongHashMap} into count/sum arrays);</li>
 *   <li>the engine with a source it drives ({@code Sources.generator}, on a source thread of its own);</li>
 *   <li>the same with the source fused into the stage thread ({@code sourceOnStageThread(true)}: one thread,
 *   records never cross cores);</li>
 *   <li>the engine with the application's thread publishing ({@code Sources.publisher}: claim, fill, commit);</li>
 *   <li>a reference, not a baseline: the loop written by hand for this one workload, in batches of
 *   {@value #BATCH} events whose table slots are loaded back to back before any of them is processed, so their
 *   cache misses overlap. It shows what batch-at-a-time processing is worth on this machine.</li>
 * </ol>
 * Every variant computes the same rows: watermark = max(ts) - 100 - 1 after each event, a window [s, s + 1000)
 * closes when the watermark reaches s + 999, an event all of whose windows closed is late (dropped and counted),
 * every row (window, key, count, sum) goes to a consumer that checks the counts add up. Each run first prints the
 * machine's cross-core ping-pong latency (two threads bouncing a volatile): the engine hands every record from
 * one core to another, so its figure moves with that latency, the single-threaded loop's does not.
 */
public final class WindowThroughputBenchmark
{
    private static final long WINDOW_MS = 1_000;
    /** Events per batch of the hand-batched loop; 8 gets most of the gain on this machine, 16 a little more. */
    private static final int BATCH = 16;

    private WindowThroughputBenchmark()
    {
    }

    /**
     * @param args {@code [events (20000000)] [runs (3)]}
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final String usage = "usage: ./rivulet bench windows [events (20000000)] [runs (3)]";
        if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0])))
        {
            System.out.println(usage + "\n  the keyed 1 s tumbling window workload (100k keys, 100 ms disorder): " +
                "plain-Java loops, the engine (generator thread, source fused, app publishing) and a loop batched by " +
                "hand (a reference for batch-at-a-time processing) side by side, " +
                "after a cross-core ping-pong probe");
            return;
        }
        final long events;
        final int runs;
        try
        {
            if (args.length > 2)
            {
                throw new NumberFormatException("unexpected argument " + args[2]);
            }
            events = args.length > 0 ? positive("events", args[0]) : 20_000_000L;
            runs = args.length > 1 ? (int)Math.min(Integer.MAX_VALUE, positive("runs", args[1])) : 3;
        }
        catch (final NumberFormatException ex)
        {
            System.err.println(usage + ": " + ex.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf("Keyed tumbling 1 s window, count + sum, %d keys, %d ms disorder, %,d events per run%n",
            WindowWorkload.KEYS, WindowWorkload.DISORDER_MS, events);
        for (int run = 1; run <= runs; run++)
        {
            System.out.printf("run %d: cross-core ping-pong one way %.0f ns%n", run, pingPongOneWayNs());
            final Result hashMap = plainLoop(events, false);
            final Result primitive = plainLoop(events, true);
            final Result generator = engine(events, false, false);
            final Result fused = engine(events, false, true);
            final Result app = engine(events, true, false);
            final Result batched = batchedLoop(events);
            if (hashMap.rows != primitive.rows || hashMap.rows != generator.rows || hashMap.rows != app.rows ||
                hashMap.rows != fused.rows || hashMap.rows != batched.rows)
            {
                throw new IllegalStateException("variants disagree on the rows: " + hashMap.rows + ", " +
                    primitive.rows + ", " + generator.rows + ", " + fused.rows + ", " + app.rows + ", " +
                    batched.rows);
            }
            print("plain loop, HashMap<Long, long[]>", hashMap, primitive);
            print("plain loop, primitive map (baseline)", primitive, primitive);
            print("engine, source it drives (generator)", generator, primitive);
            print("engine, source fused (stage thread)", fused, primitive);
            print("engine, app thread publishing", app, primitive);
            print("reference: loop batched by hand", batched, primitive);
        }
    }

    /** @return {@code text} as a positive number; a message naming the argument otherwise. */
    static long positive(final String name, final String text)
    {
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new NumberFormatException(name + " must be a positive whole number, was '" + text + "'");
        }
        if (value < 1)
        {
            throw new NumberFormatException(name + " must be positive, was " + value);
        }
        return value;
    }

    private static void print(final String name, final Result r, final Result baseline)
    {
        System.out.printf("  %-38s %6.2f M events/s  %.2fx baseline  (%.2f s, %,d rows, %,d late)%n", name,
            r.eventsPerSecond / 1e6, r.eventsPerSecond / baseline.eventsPerSecond, r.seconds, r.rows, r.late);
    }

    private static final class Result
    {
        final double seconds;
        final double eventsPerSecond;
        final long rows;
        final long late;

        Result(final long events, final long elapsedNs, final long rows, final long late)
        {
            this.seconds = elapsedNs / 1e9;
            this.eventsPerSecond = events / seconds;
            this.rows = rows;
            this.late = late;
        }
    }

    /** Receives each window row; counts rows and the events they account for (as the engine's sink does). */
    private static final class RowConsumer
    {
        long rows;
        long counted;

        void accept(final long startMs, final long key, final long count, final long sum)
        {
            rows++;
            counted += count;
        }
    }

    /** A window of the plain-Java variants, in their list of open windows by start. */
    private abstract static class LoopWindow
    {
        long startMs;

        /** Hands each row to {@code out} and empties the window for reuse. */
        abstract void emitAndClear(RowConsumer out);
    }

    /** One open window of the plain loop: key -> (count, sum), in a boxed or a primitive map. */
    private static final class PlainWindow extends LoopWindow
    {
        final boolean primitive;
        final Map<Long, long[]> boxed = new HashMap<>();
        final Long2LongHashMap slots = new Long2LongHashMap(1 << 17, 0.65f, -1);
        long[] keys = new long[1 << 16];
        long[] counts = new long[1 << 16];
        long[] sums = new long[1 << 16];
        int size;

        PlainWindow(final boolean primitive)
        {
            this.primitive = primitive;
        }

        void add(final long key, final long value)
        {
            if (!primitive)
            {
                final long[] acc = boxed.computeIfAbsent(key, k -> new long[2]);
                acc[0]++;
                acc[1] += value;
                return;
            }
            long slot = slots.get(key);
            if (slot < 0)
            {
                slot = size++;
                if (slot == keys.length)
                {
                    keys = java.util.Arrays.copyOf(keys, keys.length * 2);
                    counts = java.util.Arrays.copyOf(counts, keys.length);
                    sums = java.util.Arrays.copyOf(sums, keys.length);
                }
                slots.put(key, slot);
                keys[(int)slot] = key;
            }
            counts[(int)slot]++;
            sums[(int)slot] += value;
        }

        @Override
        void emitAndClear(final RowConsumer out)
        {
            if (!primitive)
            {
                for (final Map.Entry<Long, long[]> e : boxed.entrySet())
                {
                    out.accept(startMs, e.getKey(), e.getValue()[0], e.getValue()[1]);
                }
                boxed.clear();
                return;
            }
            for (int i = 0; i < size; i++)
            {
                out.accept(startMs, keys[i], counts[i], sums[i]);
                counts[i] = 0;
                sums[i] = 0;
            }
            size = 0;
            slots.clear();
        }
    }

    /** The same computation as the engine's pipeline, on one thread, no engine. */
    private static Result plainLoop(final long events, final boolean primitive)
    {
        final RowConsumer out = new RowConsumer();
        final ArrayDeque<PlainWindow> open = new ArrayDeque<>(); // by start, ascending: disorder < one window
        final ArrayDeque<PlainWindow> pool = new ArrayDeque<>();
        final Supplier<PlainWindow> newWindow = () -> new PlainWindow(primitive);
        long maxTs = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        long late = 0;
        final long startNs = System.nanoTime();
        for (long i = 0; i < events; i++)
        {
            final long h = WindowWorkload.mix(i);
            final long key = (h >>> 1) % WindowWorkload.KEYS;
            final long value = i % 1000;
            final long ts = WindowWorkload.BASE_TS + i * 1000 / WindowWorkload.EVENTS_PER_EVENT_SECOND -
                ((h >>> 40) % WindowWorkload.DISORDER_MS);
            final long startMs = Math.floorDiv(ts, WINDOW_MS) * WINDOW_MS;
            if (watermark != Long.MIN_VALUE && startMs + WINDOW_MS - 1 <= watermark)
            {
                late++;
            }
            else
            {
                windowFor(open, pool, startMs, newWindow).add(key, value);
            }
            if (ts > maxTs)
            {
                maxTs = ts;
                watermark = maxTs - WindowWorkload.DISORDER_MS - 1;
                closeWindows(open, pool, watermark, out);
            }
        }
        closeWindows(open, pool, Long.MAX_VALUE, out);
        final long elapsedNs = System.nanoTime() - startNs;
        if (out.counted + late != events)
        {
            throw new IllegalStateException("plain loop: rows account for " + out.counted + " + " + late +
                " late, expected " + events);
        }
        return new Result(events, elapsedNs, out.rows, late);
    }

    /** @return the open window starting at {@code startMs}, opening one (from the pool, else new) if none. */
    private static <W extends LoopWindow> W windowFor(final ArrayDeque<W> open, final ArrayDeque<W> pool,
        final long startMs, final Supplier<W> newWindow)
    {
        for (final W w : open) // one or two windows are open at a time
        {
            if (w.startMs == startMs)
            {
                return w;
            }
        }
        final W w = pool.isEmpty() ? newWindow.get() : pool.pollFirst();
        w.startMs = startMs;
        if (open.isEmpty() || open.peekLast().startMs < startMs)
        {
            open.addLast(w);
        }
        else
        {
            open.addFirst(w); // an earlier window reopened by a late-but-not-too-late event: keep them sorted
        }
        return w;
    }

    /** Emits and pools the open windows the watermark closed (a window [s, s + 1000) closes at s + 999). */
    private static <W extends LoopWindow> void closeWindows(final ArrayDeque<W> open, final ArrayDeque<W> pool,
        final long watermark, final RowConsumer out)
    {
        while (!open.isEmpty() && open.peekFirst().startMs + WINDOW_MS - 1 <= watermark)
        {
            final W w = open.pollFirst();
            w.emitAndClear(out);
            pool.addLast(w);
        }
    }

    /**
     * The plain loop's rows, computed in batches: each batch's events are generated first, the table slots their
     * keys hash to in the newest window are read back to back (independent loads, so their cache misses are in
     * flight together), then the events are processed one by one in order exactly as {@link #plainLoop} does.
     * The table is this workload's own: open addressing, key, count and sum in one half cache line.
     */
    private static Result batchedLoop(final long events)
    {
        final RowConsumer out = new RowConsumer();
        final ArrayDeque<BatchedWindow> open = new ArrayDeque<>(); // by start, ascending
        final ArrayDeque<BatchedWindow> pool = new ArrayDeque<>();
        final long[] keys = new long[BATCH];
        final long[] values = new long[BATCH];
        final long[] times = new long[BATCH];
        BatchedWindow newest = null;
        long maxTs = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        long late = 0;
        long touched = 0;
        final long startNs = System.nanoTime();
        for (long first = 0; first < events; first += BATCH)
        {
            final int n = (int)Math.min(BATCH, events - first);
            for (int j = 0; j < n; j++)
            {
                final long i = first + j;
                final long h = WindowWorkload.mix(i);
                keys[j] = (h >>> 1) % WindowWorkload.KEYS;
                values[j] = i % 1000;
                times[j] = WindowWorkload.BASE_TS + i * 1000 / WindowWorkload.EVENTS_PER_EVENT_SECOND -
                    ((h >>> 40) % WindowWorkload.DISORDER_MS);
            }
            if (newest != null)
            {
                for (int j = 0; j < n; j++)
                {
                    touched += newest.homeKey(keys[j]);
                }
            }
            for (int j = 0; j < n; j++)
            {
                final long ts = times[j];
                final long startMs = Math.floorDiv(ts, WINDOW_MS) * WINDOW_MS;
                if (watermark != Long.MIN_VALUE && startMs + WINDOW_MS - 1 <= watermark)
                {
                    late++;
                }
                else
                {
                    windowFor(open, pool, startMs, BatchedWindow::new).add(keys[j], values[j]);
                    newest = open.peekLast();
                }
                if (ts > maxTs)
                {
                    maxTs = ts;
                    watermark = maxTs - WindowWorkload.DISORDER_MS - 1;
                    closeWindows(open, pool, watermark, out);
                    newest = open.peekLast();
                }
            }
        }
        closeWindows(open, pool, Long.MAX_VALUE, out);
        final long elapsedNs = System.nanoTime() - startNs;
        if (out.counted + late != events || touched == Long.MIN_VALUE) // touched: keeps the loads
        {
            throw new IllegalStateException("batched loop: rows account for " + out.counted + " + " + late +
                " late, expected " + events);
        }
        return new Result(events, elapsedNs, out.rows, late);
    }

    /** One window of the batched loop: open addressing over [key, count, sum, unused] longs, keys >= 0. */
    private static final class BatchedWindow extends LoopWindow
    {
        private static final int SLOTS = 1 << 18; // > 2.5 x the keys a window can hold: short probes, no growth
        private static final long EMPTY = -1;
        final long[] table = new long[SLOTS * 4];
        final int[] used = new int[WindowWorkload.KEYS];
        int size;

        BatchedWindow()
        {
            for (int s = 0; s < SLOTS; s++)
            {
                table[s * 4] = EMPTY;
            }
        }

        static int home(final long key)
        {
            return (int)((key * 0x9E3779B97F4A7C15L) >>> 46);
        }

        long homeKey(final long key)
        {
            return table[home(key) * 4];
        }

        void add(final long key, final long value)
        {
            final long[] t = table;
            int s = home(key);
            while (true)
            {
                final int base = s * 4;
                final long k = t[base];
                if (k == key)
                {
                    t[base + 1]++;
                    t[base + 2] += value;
                    return;
                }
                if (k == EMPTY)
                {
                    t[base] = key;
                    t[base + 1] = 1;
                    t[base + 2] = value;
                    used[size++] = base;
                    return;
                }
                s = (s + 1) & (SLOTS - 1);
            }
        }

        @Override
        void emitAndClear(final RowConsumer out)
        {
            final long[] t = table;
            for (int i = 0; i < size; i++)
            {
                final int base = used[i];
                out.accept(startMs, t[base], t[base + 1], t[base + 2]);
                t[base] = EMPTY;
            }
            size = 0;
        }
    }

    /** The workload through the engine: withWatermark(100 ms) -> tumbling 1 s count + sum by key -> sink. */
    private static Result engine(final long events, final boolean appPublishes, final boolean sourceOnStageThread)
    {
        final PublisherSource publisher = appPublishes ? Sources.publisher(WindowWorkload.EVENTS) : null;
        final Source source = appPublishes ? publisher :
            Sources.generator(WindowWorkload.EVENTS, 0, events, WindowWorkload::fill);
        final RecordStream windows = Pipeline.from(source)
            .withWatermark("ts", WindowWorkload.DISORDER_MS)
            .groupBy(WindowSpec.tumbling("ts", WINDOW_MS), "key")
            .agg(Aggregate.count(), Aggregate.sum("value"));
        final Schema out = windows.schema();
        final LongField count = out.longField("count");
        final long[] rows = new long[1];
        final long[] counted = new long[1];
        final long startNs = System.nanoTime();
        try (Pipeline p = windows.to(r ->
            {
                rows[0]++;
                counted[0] += r.getLong(count);
            })
            .name("windows").waitMode(WaitMode.YIELDING).recordLatency(false).ringCapacity(16384)
            .progressInterval(0).sourceOnStageThread(sourceOnStageThread).start())
        {
            if (appPublishes)
            {
                final int recordLength = WindowWorkload.EVENTS.recordLengthBytes();
                for (long i = 0; i < events; i++)
                {
                    final RecordFlyweight r = publisher.claim();
                    r.buffer().setMemory(r.offset(), recordLength, (byte)0); // as the generator: a fresh record
                    WindowWorkload.fill(i, r);
                    publisher.commit();
                }
                publisher.endOfStream();
            }
            if (!p.awaitCompletion(10, TimeUnit.MINUTES))
            {
                throw new IllegalStateException("window benchmark did not complete");
            }
            final long elapsedNs = System.nanoTime() - startNs;
            final PipelineMetrics m = p.metrics();
            final long late = m.stages().get(0).lateRecordsDropped();
            if (counted[0] + late != events)
            {
                throw new IllegalStateException("rows account for " + counted[0] + " events + " + late +
                    " late, expected " + events);
            }
            return new Result(events, elapsedNs, rows[0], late);
        }
    }

    /** @return the median one-way latency of a volatile handed back and forth between two threads, ns. */
    static double pingPongOneWayNs() throws InterruptedException
    {
        final int roundTrips = 200_000;
        final AtomicLong ball = new AtomicLong();
        final Thread other = new Thread(() -> {
            for (long v = 1; v < 2L * roundTrips; v += 2)
            {
                while (ball.get() != v)
                {
                    Thread.onSpinWait();
                }
                ball.set(v + 1);
            }
        }, "ping-pong");
        other.setDaemon(true);
        other.start();
        final long[] samples = new long[20];
        final int perSample = roundTrips / samples.length;
        long v = 0;
        for (int s = 0; s < samples.length; s++)
        {
            final long t0 = System.nanoTime();
            for (int i = 0; i < perSample; i++)
            {
                ball.set(++v);
                while (ball.get() != v + 1)
                {
                    Thread.onSpinWait();
                }
                v++;
            }
            samples[s] = (System.nanoTime() - t0) / (2L * perSample);
        }
        other.join();
        java.util.Arrays.sort(samples);
        return samples[samples.length / 2];
    }
}
