package io.rivulet.bench;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * What the paced latency rigs share ({@link LatencyBenchmark}, {@link JournalLatencyBenchmark}): the app
 * thread's paced send loop, the pair of histograms each configuration records (from the actual publish time
 * and from the scheduled send time, coordinated omission corrected) and the printed percentile rows.
 */
final class LatencyRig
{
    /** Highest latency a histogram records; larger values are clamped to it. */
    static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);

    private LatencyRig()
    {
    }

    /** Sends one record, scheduled for {@code scheduledNs}. */
    @FunctionalInterface
    interface Sender
    {
        void send(long id, long scheduledNs);
    }

    /**
     * Sends {@code total} records at a fixed pace from the calling (app) thread, yielding rather than spinning
     * while early: on 2 cores a spinning app thread would starve a stage sharing its core.
     */
    static void pace(final long total, final long ratePerSecond, final Sender sender)
    {
        final long periodNs = 1_000_000_000L / ratePerSecond;
        final long startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        for (long i = 0; i < total; i++)
        {
            final long scheduledNs = startNs + i * periodNs;
            while (System.nanoTime() < scheduledNs)
            {
                Thread.yield();
            }
            sender.send(i, scheduledNs);
        }
    }

    /** @return a's percentile over b's (b at least 1 ns). */
    static double ratio(final Histogram a, final Histogram b, final double percentile)
    {
        return (double)a.getValueAtPercentile(percentile) / Math.max(1, b.getValueAtPercentile(percentile));
    }

    static void join(final Thread thread)
    {
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Histograms written by the measuring thread only, read after it finished. */
    static final class Result
    {
        final Histogram actual = new Histogram(HIGHEST_NS, 3);
        final Histogram scheduled = new Histogram(HIGHEST_NS, 3);

        void add(final Result other)
        {
            actual.add(other.actual);
            scheduled.add(other.scheduled);
        }

        void record(final long nowNs, final long publishNs, final long scheduledNs)
        {
            actual.recordValue(Math.min(HIGHEST_NS, Math.max(0, nowNs - publishNs)));
            scheduled.recordValue(Math.min(HIGHEST_NS, Math.max(0, nowNs - scheduledNs)));
        }

        void print(final String name)
        {
            System.out.printf("%-20s | %s | %s   (n=%d)%n", name, row(actual), row(scheduled), actual.getTotalCount());
        }

        private static String row(final Histogram h)
        {
            return String.format("%6.2f %6.2f %6.2f %6.1f %8.1f",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0);
        }
    }
}
