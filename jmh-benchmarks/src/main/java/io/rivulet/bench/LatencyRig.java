package io.rivulet.bench;

import io.rivulet.ringbuffer.WaitMode;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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

    /** The rigs' command-line options. */
    static final class Options
    {
        long rate = 200_000;
        long seconds = 20;
        long warmup = 5;
        WaitMode mode = WaitMode.YIELDING;
        Path hgrm;
        Path plot;

        /**
         * @param command    e.g. {@code "latency"}, for usage and errors.
         * @param args       {@code [--rate N] [--seconds N] [--warmup N] [--wait-mode M]}, and with
         *                   {@code reports} also {@code [--hgrm FILE] [--plot FILE.html]}.
         * @param maxRate    highest {@code --rate} the rig can pace.
         * @param reports    whether {@code --hgrm}/{@code --plot} are offered.
         * @return the options, or null after printing the usage for {@code --help}; a bad option prints one line
         * on stderr and exits with status 2.
         */
        static Options parse(final String command, final String[] args, final long maxRate, final boolean reports)
        {
            final Options o = new Options();
            try
            {
                for (int i = 0; i < args.length; i++)
                {
                    final String arg = args[i];
                    if ("--help".equals(arg) || "-h".equals(arg))
                    {
                        System.out.println("usage: ./rivulet bench " + command + " [--rate N (200000)] " +
                            "[--seconds N (20)] [--warmup N (5)] [--wait-mode BUSY_SPIN|YIELDING|BACKOFF|BLOCKING " +
                            "(YIELDING)]" + (reports ? " [--hgrm FILE] [--plot FILE.html]\n  --hgrm writes one " +
                            "HdrHistogram percentile file per configuration and time base (FILE.<name>.hgrm, us)\n" +
                            "  --plot writes a self-contained HTML page with the percentile curves on a log scale" : ""));
                        return null;
                    }
                    if (i + 1 >= args.length)
                    {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    final String value = args[++i];
                    switch (reports || !(arg.equals("--hgrm") || arg.equals("--plot")) ? arg : "")
                    {
                        case "--rate":
                            o.rate = Long.parseLong(value);
                            break;
                        case "--seconds":
                            o.seconds = Long.parseLong(value);
                            break;
                        case "--warmup":
                            o.warmup = Long.parseLong(value);
                            break;
                        case "--wait-mode":
                            o.mode = WaitMode.valueOf(value.toUpperCase(Locale.ROOT));
                            break;
                        case "--hgrm":
                            o.hgrm = writableFile(arg, value);
                            break;
                        case "--plot":
                            o.plot = writableFile(arg, value);
                            break;
                        default:
                            throw new IllegalArgumentException("unknown option " + arg + " (try --help)");
                    }
                }
                if (o.rate < 1 || o.rate > maxRate || o.seconds < 1 || o.warmup < 0)
                {
                    throw new IllegalArgumentException("need 1 <= --rate <= " + maxRate + ", --seconds >= 1, " +
                        "--warmup >= 0");
                }
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("rivulet bench " + command + ": " + ex.getMessage());
                System.exit(2);
            }
            return o;
        }

        /** Checks before the run (which takes minutes) that the report can be written where asked. */
        static Path writableFile(final String option, final String value)
        {
            final Path file = Path.of(value).toAbsolutePath();
            if (!Files.isDirectory(file.getParent()) || !Files.isWritable(file.getParent()) ||
                Files.isDirectory(file))
            {
                throw new IllegalArgumentException(option + ": cannot write " + file + " (its directory must " +
                    "exist and be writable)");
            }
            return file;
        }
    }
}
