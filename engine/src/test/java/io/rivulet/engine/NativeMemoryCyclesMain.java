package io.rivulet.engine;

import io.rivulet.engine.samples.SequencePatternDetector;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.SchemaException;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rivulet.operators.window.Aggregate.count;

/**
 * Child-JVM body of {@link NativeMemoryLifecycleTest}: runs define/build/fail/complete/close cycles of pipelines
 * with off-heap state and prints the process's native memory (NMT category "Other", where
 * {@code Unsafe.allocateMemory} is accounted) before and after. Needs {@code -XX:NativeMemoryTracking=summary}.
 */
public final class NativeMemoryCyclesMain
{
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private NativeMemoryCyclesMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int cycles = Integer.parseInt(args[0]);
        runCycles(50); // warm-up: classes, JIT, pools
        final long beforeKb = settledOtherKb();
        runCycles(cycles);
        final long afterKb = settledOtherKb();
        System.out.println("NMT Other committed before=" + beforeKb + "KB after=" + afterKb + "KB growth=" +
            (afterKb - beforeKb) + "KB over " + cycles + " cycles");
    }

    private static void runCycles(final int cycles) throws Exception
    {
        for (int i = 0; i < cycles; i++)
        {
            cycle();
        }
    }

    private static Source events()
    {
        return Sources.rows(SequencePatternDetector.INPUT,
            new Object[]{"A", 2L, 1_000L}, new Object[]{"A", 10L, 1_001L}, new Object[]{"A", 5L, 1_002L});
    }

    private static void cycle() throws Exception
    {
        // 1. the sink rejects the schema: keyed state and a window were defined, a late-data sink opened
        try
        {
            Pipeline.from(events()).withWatermark("ts", 0)
                .processByKey(new String[]{"key"}, SequencePatternDetector.STATE, SequencePatternDetector.OUTPUT,
                    new SequencePatternDetector(5_000))
                .groupBy(WindowSpec.tumbling("endTs", 1_000), "key").lateData(Sinks.discard()).agg(count())
                .to(Sinks.callback(SequencePatternDetector.INPUT, r -> { }));
            throw new AssertionError("the sink should have rejected the schema");
        }
        catch (final SchemaException expected)
        {
            // what is measured is what it left behind
        }

        // 2. a second bind of a used source: refused at build()
        final Source used = events();
        try (Pipeline first = Pipeline.from(used).to(Sinks.discard()).ringCapacity(64).build())
        {
            try
            {
                Pipeline.from(used).withWatermark("ts", 0)
                    .processByKey(new String[]{"key"}, SequencePatternDetector.STATE, SequencePatternDetector.OUTPUT,
                        new SequencePatternDetector(5_000))
                    .to(Sinks.discard()).ringCapacity(64).build();
                throw new AssertionError("the second bind should have failed");
            }
            catch (final IllegalStateException expected)
            {
                // ditto
            }
        }

        // 3. runs to completion and is never closed: the last stage thread out must release the state
        final Pipeline completed = Pipeline.from(events()).withWatermark("ts", 0)
            .processByKey(new String[]{"key"}, SequencePatternDetector.STATE, SequencePatternDetector.OUTPUT,
                new SequencePatternDetector(5_000))
            .to(Sinks.discard()).ringCapacity(64).recordLatency(false).start();
        if (!completed.awaitCompletion(30, TimeUnit.SECONDS))
        {
            throw new AssertionError("pipeline did not complete");
        }

        // 4. built and closed without ever starting
        Pipeline.from(events()).withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "key").agg(count())
            .to(Sinks.discard()).ringCapacity(64).build().close();
    }

    /** NMT "Other" committed KB once garbage-collected direct buffers (rings, scratch records) are freed. */
    private static long settledOtherKb() throws Exception
    {
        long last = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            System.gc();
            // direct buffers are freed by their Cleaner after the GC: give the reference handler a moment
            Thread.sleep(50);
            final long now = otherCommittedKb();
            if (now >= last)
            {
                return Math.min(now, last);
            }
            last = now;
        }
        return last;
    }

    private static long otherCommittedKb() throws Exception
    {
        final String summary = (String)ManagementFactory.getPlatformMBeanServer().invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
            new Object[]{new String[]{"summary"}}, new String[]{String[].class.getName()});
        final Matcher m = OTHER.matcher(summary);
        if (!m.find())
        {
            throw new IllegalStateException("no 'Other' category in NMT summary (is -XX:NativeMemoryTracking=summary " +
                "set?):\n" + summary);
        }
        return Long.parseLong(m.group(2));
    }
}
