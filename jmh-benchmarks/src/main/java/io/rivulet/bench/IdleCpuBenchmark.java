package io.rivulet.bench;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PublisherSource;
import io.rivulet.engine.Source;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.WaitMode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.rivulet.operators.Expr.col;

/**
 * CPU a started pipeline burns while no data flows, per {@link WaitMode}: the CPU time (ThreadMXBean) of each of
 * its threads over an idle period, as a share of one core. Two pipelines per mode, each run after a short burst
 * of records (so the stage has seen data and then gone quiet, as in production):
 * <ul>
 *   <li>{@code publisher}: the app publishes (no source thread); what idles is the stage thread;</li>
 *   <li>{@code feed}: a polling feed that finds nothing ({@code SourceContext.idle(0)} in a loop, as a socket or
 *   Aeron feed between messages) on the pipeline's source thread, plus the stage thread.</li>
 * </ul>
 * The progress thread (one report a second) is measured too.
 */
public final class IdleCpuBenchmark
{
    private IdleCpuBenchmark()
    {
    }

    /**
     * @param args {@code [idle seconds per measurement (5)]}
     */
    public static void main(final String[] args)
    {
        final long seconds;
        try
        {
            seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
            if (seconds < 1)
            {
                throw new NumberFormatException("must be >= 1");
            }
        }
        catch (final NumberFormatException ex)
        {
            System.err.println("usage: ./rivulet bench idle [seconds per measurement (5)]: " + ex.getMessage());
            System.exit(2);
            return;
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported())
        {
            System.err.println("this JVM does not measure thread CPU time");
            System.exit(1);
        }
        threads.setThreadCpuTimeEnabled(true);
        System.out.printf("CPU of an idle pipeline's threads over %d s, %% of one core (%d cores)%n", seconds,
            Runtime.getRuntime().availableProcessors());
        System.out.printf("%-10s %-10s %10s %10s %10s%n", "wait mode", "source", "stage", "source thr", "progress");
        for (final WaitMode mode : WaitMode.values())
        {
            for (final boolean feed : new boolean[]{false, true})
            {
                final Map<String, Double> cpu = measure(threads, mode, feed, seconds);
                System.out.printf("%-10s %-10s %9.2f%% %10s %9.2f%%%n", mode, feed ? "feed" : "publisher",
                    cpu.getOrDefault("stage", 0.0),
                    feed ? String.format("%.2f%%", cpu.getOrDefault("source", 0.0)) : "-",
                    cpu.getOrDefault("progress", 0.0));
            }
        }
    }

    private static Map<String, Double> measure(final ThreadMXBean threads, final WaitMode mode, final boolean feed,
        final long seconds)
    {
        final String name = "idle-" + mode.name().toLowerCase() + (feed ? "-feed" : "");
        final PublisherSource publisher = feed ? null : Sources.publisher(TradeRecords.TRADES);
        final LongField id = TradeRecords.TRADES.longField("id");
        final Source source = feed ? Sources.feed(TradeRecords.TRADES, "quiet feed", ctx -> {
            for (int i = 0; i < 1_000; i++) // a burst, then nothing: polls that find no message
            {
                final RecordFlyweight r = ctx.claim();
                if (r == null)
                {
                    return;
                }
                r.setLong(id, i);
                ctx.commit();
            }
            while (!ctx.isStopping())
            {
                ctx.idle(0);
            }
        }) : publisher;
        final Map<String, Double> result = new TreeMap<>();
        try (Pipeline p = Pipeline.from(source).where(col("id").ge(0)).to(r -> { })
            .name(name).waitMode(mode).start())
        {
            if (publisher != null)
            {
                for (int i = 0; i < 1_000; i++)
                {
                    publisher.claim().setLong(id, i);
                    publisher.commit();
                }
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p.metrics().sinkRecords() < 1_000)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException(name + ": the burst did not reach the sink");
                }
                LockSupport.parkNanos(1_000_000);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // let the burst's after-effects settle
            final List<Thread> mine = new ArrayList<>();
            for (final Thread t : Thread.getAllStackTraces().keySet())
            {
                if (t.getName().startsWith("rivulet-" + name + "-"))
                {
                    mine.add(t);
                }
            }
            final long[] before = new long[mine.size()];
            for (int i = 0; i < mine.size(); i++)
            {
                before[i] = threads.getThreadCpuTime(mine.get(i).getId());
            }
            final long startNs = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
            final long wallNs = System.nanoTime() - startNs;
            for (int i = 0; i < mine.size(); i++)
            {
                final String thread = mine.get(i).getName();
                final String role = thread.contains("-stage-") ? "stage" : thread.endsWith("-progress") ? "progress" :
                    "source";
                final long cpuNs = threads.getThreadCpuTime(mine.get(i).getId()) - before[i];
                result.merge(role, 100.0 * cpuNs / wallNs, Double::sum);
            }
        }
        return result;
    }
}
