package io.rivulet.bench;

import io.rivulet.engine.CheckpointMetrics;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineBuilder;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.engine.Trigger;
import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalWriter;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What checkpoints cost, through the public API.
 * <ol>
 *   <li><b>Throughput:</b> the keyed window workload ({@link WindowWorkload}) read from an input journal into a
 *   1 s tumbling count + sum and written to an output journal, without checkpoints and with one every second,
 *   alternating in the same run; prints both rates and their ratio.</li>
 *   <li><b>Stall and restore:</b> K distinct keys (1M, 10M) into one long window, then a checkpoint: prints how
 *   long the stage thread stalled copying the state (the stall), the state's size, the background write time,
 *   and how long building the pipeline again over that checkpoint took to restore it.</li>
 * </ol>
 * <pre>
 *   ./rivulet bench checkpoint [events (10000000)] [runs (2)] [stall key counts (1000000,10000000)]
 * </pre>
 */
public final class CheckpointBenchmark
{
    private static final Schema KEYED = Schema.builder().int64("key").int64("value").timestamp("ts").build();

    private CheckpointBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long events;
        final int runs;
        final long[] keyCounts;
        try
        {
            events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
            runs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
            final String[] ks = (args.length > 2 ? args[2] : "1000000,10000000").split(",");
            keyCounts = new long[ks.length];
            for (int i = 0; i < ks.length; i++)
            {
                keyCounts[i] = Long.parseLong(ks[i].trim());
            }
            if (events < 1 || runs < 1)
            {
                throw new NumberFormatException("must be positive");
            }
            for (final long keys : keyCounts)
            {
                if (keys < 2)
                {
                    throw new NumberFormatException("a stall key count must be at least 2, was " + keys);
                }
            }
        }
        catch (final NumberFormatException ex)
        {
            System.err.println("usage: ./rivulet bench checkpoint [events (10000000)] [runs (2)] " +
                "[stall key counts, comma separated (1000000,10000000)]: " + ex.getMessage());
            System.exit(2);
            return;
        }
        final Path work = Files.createTempDirectory("rivulet-checkpoint-bench");
        try
        {
            throughput(work, events, runs);
            for (final long keys : keyCounts)
            {
                stallAndRestore(work, keys);
            }
        }
        finally
        {
            BenchFiles.deleteTree(work);
        }
    }

    private static void throughput(final Path work, final long events, final int runs)
    {
        final Path input = work.resolve("windows-in");
        final long writeStart = System.nanoTime();
        try (Journal journal = Journal.at(input).schema(WindowWorkload.EVENTS).open();
            JournalWriter writer = journal.writer())
        {
            for (long i = 0; i < events; i++)
            {
                WindowWorkload.fill(i, writer.claim());
                writer.commit();
            }
        }
        System.out.printf("Keyed tumbling 1 s window, count + sum, journal -> engine -> output journal, %,d events " +
            "(input written in %.1f s)%n", events, (System.nanoTime() - writeStart) / 1e9);
        double sumWithout = 0;
        double sumWith = 0;
        for (int run = 1; run <= runs; run++)
        {
            final double without = windowsRun(work, input, run, false);
            final double with = windowsRun(work, input, run, true);
            sumWithout += without;
            sumWith += with;
            System.out.printf("run %d: no checkpoints %.2f M events/s, checkpoint every 1 s %.2f M events/s " +
                "(%.2fx)%n", run, without / 1e6, with / 1e6, with / without);
        }
        System.out.printf("mean: %.2fx the throughput without checkpoints (goal >= 0.8x)%n", sumWith / sumWithout);
        System.out.printf("Keyed UPDATE count + sum, one 1 h window, processingTime(100 ms), journal -> engine -> " +
            "output journal, %,d events%n", events);
        double batchWithout = 0;
        double batchWith = 0;
        for (int run = 1; run <= runs; run++)
        {
            final double without = microBatchRun(work, input, run, false);
            final double with = microBatchRun(work, input, run, true);
            batchWithout += without;
            batchWith += with;
            System.out.printf("run %d: no checkpoints %.2f M events/s, exactly-once (each epoch a checkpoint, its " +
                "end logged) %.2f M events/s (%.2fx)%n", run, without / 1e6, with / 1e6, with / without);
        }
        System.out.printf("mean: %.2fx the micro-batch throughput without checkpoints%n", batchWith / batchWithout);
    }

    private static double microBatchRun(final Path work, final Path input, final int run, final boolean checkpoints)
    {
        final Path out = work.resolve("batch-out-" + run + "-" + checkpoints);
        final Path ckpt = work.resolve("batch-ckpt-" + run);
        PipelineBuilder builder = Pipeline.from(Sources.journal(input, WindowWorkload.EVENTS))
            .withWatermark("ts", WindowWorkload.DISORDER_MS)
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count(), Aggregate.sum("value"))
            .to(Sinks.journal(out))
            .trigger(Trigger.processingTime(Duration.ofMillis(100)))
            .name("micro-batch").waitMode(WaitMode.YIELDING).recordLatency(false).ringCapacity(16384);
        if (checkpoints)
        {
            builder = builder.checkpointLocation(ckpt);
        }
        return eventsPerSecond(builder, checkpoints, out, ckpt);
    }

    private static double windowsRun(final Path work, final Path input, final int run, final boolean checkpoints)
    {
        final Path out = work.resolve("windows-out-" + run + "-" + checkpoints);
        final Path ckpt = work.resolve("windows-ckpt-" + run);
        PipelineBuilder builder = Pipeline.from(Sources.journal(input, WindowWorkload.EVENTS))
            .withWatermark("ts", WindowWorkload.DISORDER_MS)
            .groupBy(WindowSpec.tumbling("ts", 1000), "key")
            .agg(Aggregate.count(), Aggregate.sum("value"))
            .to(Sinks.journal(out))
            .name("windows").waitMode(WaitMode.YIELDING).recordLatency(false).ringCapacity(16384);
        if (checkpoints)
        {
            builder = builder.checkpointLocation(ckpt).checkpointInterval(Duration.ofSeconds(1));
        }
        return eventsPerSecond(builder, checkpoints, out, ckpt);
    }

    /** Runs the pipeline to its end: its source's events per second; then deletes its output and checkpoints. */
    private static double eventsPerSecond(final PipelineBuilder builder, final boolean checkpoints, final Path out,
        final Path ckpt)
    {
        final long startNs = System.nanoTime();
        try (Pipeline p = builder.start())
        {
            await(p);
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            if (checkpoints)
            {
                System.out.println("  " + p.checkpointMetrics());
            }
            return p.metrics().stages().get(0).recordsIn() / seconds;
        }
        finally
        {
            BenchFiles.deleteTree(out);
            BenchFiles.deleteTree(ckpt);
        }
    }

    private static void stallAndRestore(final Path work, final long keys)
    {
        final Path input = work.resolve("keys-" + keys);
        final LongField key = KEYED.longField("key");
        final LongField value = KEYED.longField("value");
        final LongField ts = KEYED.longField("ts");
        try (Journal journal = Journal.at(input).schema(KEYED).open(); JournalWriter writer = journal.writer())
        {
            // every key once, then twice again: the first barrier finds the state (about) complete and sizes the
            // snapshot buffers; the later ones are the steady state, with buffers reused
            for (long i = 0; i < 3 * keys; i++)
            {
                writer.claim().setLong(key, WindowWorkload.mix(i % keys)).setLong(value, i)
                    .setLong(ts, 1_000 + i / 1000);
                writer.commit();
            }
        }
        final Path ckpt = work.resolve("keys-ckpt-" + keys);
        final Path out = work.resolve("keys-out-" + keys);
        try (Pipeline p = keyedJob(input, ckpt, out, keys).start())
        {
            await(p);
            final CheckpointMetrics m = p.checkpointMetrics();
            System.out.printf("%,d keys: stage stall %.2f ms copying %,d bytes of state (first checkpoint, buffers " +
                "growing: %.2f ms); background write %.1f ms%n", keys, m.lastStallNs() / 1e6, m.lastSnapshotBytes(),
                m.maxStallNs() / 1e6, m.lastWriteNs() / 1e6);
        }
        final long buildStart = System.nanoTime();
        try (Pipeline restored = keyedJob(input, ckpt, out, keys).build())
        {
            final double buildMs = (System.nanoTime() - buildStart) / 1e6;
            final CheckpointMetrics m = restored.checkpointMetrics();
            System.out.printf("%,d keys: restore %.1f ms (load, verify CRC32C, copy into the tables; whole build " +
                "%.1f ms), epoch %d%n", keys, m.restoreNs() / 1e6, buildMs, m.restoredEpoch());
        }
        BenchFiles.deleteTree(input);
        BenchFiles.deleteTree(ckpt);
        BenchFiles.deleteTree(out);
    }

    /** All keys into one 1-hour window; a checkpoint once every key is in, and one after every key came again. */
    private static PipelineBuilder keyedJob(final Path input, final Path ckpt, final Path out, final long keys)
    {
        return Pipeline.from(Sources.journal(input, KEYED))
            .withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key")
            .agg(Aggregate.count(), Aggregate.sum("value"))
            .to(Sinks.journal(out))
            .name("keys").waitMode(WaitMode.YIELDING).recordLatency(false)
            .checkpointLocation(ckpt).checkpointInterval(Duration.ZERO)
            .checkpointEvery(Math.max(1, keys - Math.min(1024, keys / 2))); // a barrier just before all keys are in
    }

    private static void await(final Pipeline p)
    {
        if (!p.awaitCompletion(30, TimeUnit.MINUTES) || p.failure() != null)
        {
            throw new IllegalStateException("benchmark pipeline did not complete: " + p.failure(), p.failure());
        }
    }
}
