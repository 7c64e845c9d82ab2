package io.rivulet.bench.nexmark;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.RecordStream;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.WaitMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./rivulet bench nexmark [q...] [--events N] [--runs R] [--seed S]}: runs each query on the engine and its
 * plain-Java reference over the same generated events, alternately, in one JVM, and prints events/s side by side
 * (the median of the runs, and every run). Both count the stream's first N events; both generate them with the
 * same {@link NexmarkGenerator} code: the engine on its source thread(s) while the stage thread runs the query, the
 * reference in its own loop on one thread. Each run's results are cross-checked: row count and the sum of the
 * query's check column must be equal. The single-source queries also run with the source fused into the stage
 * thread ({@code sourceOnStageThread(true)}: one thread, no cross-core hand-off per event), in the same runs.
 */
public final class NexmarkBenchmark
{
    private static final String USAGE = "usage: ./rivulet bench nexmark [q0 q1 q2 q3 q5 q7 q8] [--events N (10000000)] " +
        "[--runs R (3)] [--seed S (1)]";

    private NexmarkBenchmark()
    {
    }

    /** Result of one run: events/s, rows, checksum. */
    private record Run(double eventsPerSecond, long rows, long checksum)
    {
    }

    /**
     * @param args queries (default all), then options.
     */
    public static void main(final String[] args)
    {
        final List<NexmarkQuery> queries = new ArrayList<>();
        long events = 10_000_000L;
        int runs = 3;
        long seed = 1;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--events":
                        events = Long.parseLong(args[++i].replace("_", ""));
                        break;
                    case "--runs":
                        runs = Integer.parseInt(args[++i]);
                        break;
                    case "--seed":
                        seed = Long.parseLong(args[++i]);
                        break;
                    case "--help":
                    case "-h":
                        System.out.println(USAGE);
                        return;
                    default:
                        queries.add(NexmarkQuery.named(args[i]));
                }
            }
            if (events < 1 || runs < 1)
            {
                throw new IllegalArgumentException("--events and --runs must be >= 1");
            }
        }
        catch (final RuntimeException ex)
        {
            System.err.println("rivulet bench nexmark: " + (ex instanceof ArrayIndexOutOfBoundsException ?
                "an option needs a value" : ex.getMessage()) + "\n" + USAGE);
            System.exit(2);
            return;
        }
        if (queries.isEmpty())
        {
            queries.addAll(NexmarkQuery.all());
        }
        final NexmarkGenerator generator = new NexmarkGenerator(seed);
        System.out.printf(Locale.ROOT, "Nexmark, %,d events (persons : auctions : bids = 2 : 6 : 92), seed %d, " +
            "%d runs each, engine and plain-Java reference alternating%n", events, seed, runs);
        System.out.printf(Locale.ROOT, "%-4s %-78s %14s %14s %7s %14s %7s %12s%n", "query", "", "Rivulet ev/s",
            "plain Java ev/s", "ratio", "fused ev/s", "ratio", "result rows");
        for (final NexmarkQuery q : queries)
        {
            final double[] engine = new double[runs];
            final double[] fused = new double[runs];
            final double[] plain = new double[runs];
            boolean fusable = true;
            final List<String> detail = new ArrayList<>();
            long rows = 0;
            for (int run = 0; run < runs; run++)
            {
                final Run e = runEngine(q, generator, events, false);
                final Run f = fusable ? runEngine(q, generator, events, true) : null;
                fusable = f != null;
                final Run p = runReference(q, generator, events);
                for (final Run r : fusable ? new Run[]{e, f} : new Run[]{e})
                {
                    if (r.rows != p.rows || r.checksum != p.checksum)
                    {
                        throw new IllegalStateException(q.name() + ": the engine gave " + r.rows + " rows (check " +
                            r.checksum + "), the reference " + p.rows + " (check " + p.checksum + ")");
                    }
                }
                engine[run] = e.eventsPerSecond;
                fused[run] = fusable ? f.eventsPerSecond : Double.NaN;
                plain[run] = p.eventsPerSecond;
                rows = e.rows;
                detail.add(fusable ? String.format(Locale.ROOT, "%.2f/%.2f/%.2f", e.eventsPerSecond / 1e6,
                    f.eventsPerSecond / 1e6, p.eventsPerSecond / 1e6) :
                    String.format(Locale.ROOT, "%.2f/-/%.2f", e.eventsPerSecond / 1e6, p.eventsPerSecond / 1e6));
            }
            final double engineMedian = median(engine);
            final double plainMedian = median(plain);
            final String fusedText = fusable ? String.format(Locale.ROOT, "%12.2f M %6.2fx", median(fused) / 1e6,
                median(fused) / plainMedian) : String.format(Locale.ROOT, "%14s %7s", "(2 sources)", "-");
            System.out.printf(Locale.ROOT, "%-4s %-78s %12.2f M %12.2f M %6.2fx %s %12d   runs (M ev/s, " +
                "engine/fused/plain): %s%n", q.name(), q.description(), engineMedian / 1e6, plainMedian / 1e6,
                engineMedian / plainMedian, fusedText, rows, String.join(" ", detail));
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** @return the run, or null if {@code sourceOnStageThread} and the query cannot fuse (a join's two sources). */
    private static Run runEngine(final NexmarkQuery q, final NexmarkGenerator generator, final long events,
        final boolean sourceOnStageThread)
    {
        final long[] rows = new long[1];
        final long[] checksum = new long[1];
        final RecordStream stream = q.define(generator, events);
        final LongField check = stream.schema().longField(q.checkColumn());
        final long startNs = System.nanoTime();
        try (Pipeline p = stream.to(r ->
            {
                rows[0]++;
                checksum[0] += r.getLong(check);
            })
            .name("nexmark-" + q.name()).waitMode(WaitMode.YIELDING).recordLatency(false).ringCapacity(16384)
            .idleTimeout(0) // finite generators: a starved source thread is slow, not idle
            .sourceOnStageThread(sourceOnStageThread).build())
        {
            if (sourceOnStageThread && !p.explain().contains("(on stage 0's thread)"))
            {
                return null;
            }
            p.start();
            if (!p.awaitCompletion(30, TimeUnit.MINUTES))
            {
                throw new IllegalStateException(q.name() + " did not complete");
            }
            final long elapsedNs = System.nanoTime() - startNs;
            return new Run(events * 1e9 / elapsedNs, rows[0], checksum[0]);
        }
    }

    private static Run runReference(final NexmarkQuery q, final NexmarkGenerator generator, final long events)
    {
        final long[] rows = new long[1];
        final long[] checksum = new long[1];
        final long startNs = System.nanoTime();
        q.reference(generator, events, row ->
        {
            rows[0]++;
            checksum[0] += row.check();
        });
        final long elapsedNs = System.nanoTime() - startNs;
        return new Run(events * 1e9 / elapsedNs, rows[0], checksum[0]);
    }
}
