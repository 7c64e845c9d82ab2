package io.rivulet.engine;

import io.rivulet.engine.samples.SequencePatternDetector;
import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalWriter;
import io.rivulet.operators.process.KeyedContext;
import io.rivulet.operators.process.KeyedProcessFunction;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The exactly-once crash test's job, run in a child JVM that the test kills with {@code kill -9}: journal ->
 * event time -> dedup by id -> per-key 2-10-5 pattern (processByKey, off-heap state and timers) -> keyed 1 s
 * tumbling window over the patterns' end times -> output journal, checkpointing every few milliseconds.
 * <pre>
 *   java ... ExactlyOnceJob input output checkpoints intervalMs [processing-time-updates]
 * </pre>
 * With {@code processing-time-updates} it runs {@link #defineUpdates} instead.
 * Prints {@code started} once recovery is done and the pipeline runs, exits 0 when the input is fully processed.
 */
public final class ExactlyOnceJob
{
    /** Input records: an id (duplicated now and then), a key, a value from {2, 10, 5, 7}, an event time. */
    static final Schema INPUT = Schema.builder().int64("id").symbol("key", 8).int64("value").timestamp("ts").build();

    private ExactlyOnceJob()
    {
    }

    static PipelineBuilder define(final Path input, final Path output, final Path checkpoints, final long intervalMs)
    {
        return Pipeline.from(Sources.journal(input, INPUT))
            .withWatermark("ts", 50)
            .dropDuplicates("ts", 2_000, "id")
            .select(io.rivulet.operators.Expr.col("key"), io.rivulet.operators.Expr.col("value"),
                io.rivulet.operators.Expr.col("ts"))
            .processByKey(new String[]{"key"}, SequencePatternDetector.STATE, SequencePatternDetector.OUTPUT,
                new SequencePatternDetector(500))
            .groupBy(WindowSpec.tumbling("endTs", 1_000), "key")
            .agg(Aggregate.count(), Aggregate.min("startTs"), Aggregate.max("endTs"))
            .to(Sinks.journal(output))
            .name("exactly-once-job")
            .checkpointLocation(checkpoints)
            .checkpointInterval(Duration.ofMillis(intervalMs));
    }

    /** Rows of {@link #defineUpdates}: one per key changed in an epoch, with its count and highest id so far. */
    static final Schema UPDATE_PASS_THROUGH = Schema.builder().symbol("key", 8).int64("id").timestamp("ts").build();

    /**
     * The processingTime variant: journal -> event time -> a pass-through process function that takes about
     * {@code spinNs} per record (so that a run lasts long enough to be killed in the middle) -> keyed UPDATE count
     * and max(id) over one window that holds the whole input -> output journal; an epoch, which is a checkpoint,
     * every {@code intervalMs}. Its rows depend on where each epoch ended.
     */
    static PipelineBuilder defineUpdates(final Path input, final Path output, final Path checkpoints,
        final long intervalMs, final long spinNs)
    {
        return Pipeline.from(Sources.journal(input, INPUT))
            .withWatermark("ts", 50)
            .processByKey(new String[]{"key"}, Schema.builder().int32("unused").build(), UPDATE_PASS_THROUGH,
                new SlowPassThrough(spinNs))
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count(), Aggregate.max("id"))
            .to(Sinks.journal(output))
            .name("exactly-once-updates")
            .trigger(Trigger.processingTime(Duration.ofMillis(intervalMs)))
            .checkpointLocation(checkpoints);
    }

    /** Copies key, id and ts ({@link #INPUT} to {@link #UPDATE_PASS_THROUGH}), busy for a while per record. */
    static final class SlowPassThrough implements KeyedProcessFunction
    {
        private final long spinNs;
        private final SymbolField keyIn = INPUT.symbolField("key");
        private final LongField idIn = INPUT.longField("id");
        private final LongField tsIn = INPUT.longField("ts");
        private final SymbolField keyOut = UPDATE_PASS_THROUGH.symbolField("key");
        private final LongField idOut = UPDATE_PASS_THROUGH.longField("id");
        private final LongField tsOut = UPDATE_PASS_THROUGH.longField("ts");

        SlowPassThrough(final long spinNs)
        {
            this.spinNs = spinNs;
        }

        @Override
        public void processRecord(final RecordFlyweight record, final KeyedContext ctx)
        {
            final RecordFlyweight out = ctx.outputRecord();
            out.copySymbol(keyOut, record, keyIn);
            out.setLong(idOut, record.getLong(idIn)).setLong(tsOut, record.getLong(tsIn));
            ctx.emit();
            final long until = System.nanoTime() + spinNs;
            while (System.nanoTime() - until < 0)
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Writes a deterministic input: {@code count} records over {@code keys} keys, event time rising about 1 ms per
     * record with up to 40 ms disorder, and about 3% of records repeated (same id) a little later.
     */
    static void writeInput(final Path dir, final int count, final int keys, final long seed)
    {
        final Random random = new Random(seed);
        final LongField id = INPUT.longField("id");
        final SymbolField key = INPUT.symbolField("key");
        final LongField value = INPUT.longField("value");
        final LongField ts = INPUT.longField("ts");
        final long[] values = {2, 10, 5, 7};
        try (Journal journal = Journal.at(dir).schema(INPUT).open(); JournalWriter writer = journal.writer())
        {
            long lastId = -1;
            long lastTs = 0;
            int lastKey = 0;
            long lastValue = 0;
            for (int i = 0; i < count; i++)
            {
                final RecordFlyweight r = writer.claim();
                if (lastId >= 0 && random.nextInt(33) == 0)
                {
                    r.setLong(id, lastId).setSymbol(key, "k" + lastKey).setLong(value, lastValue).setLong(ts, lastTs);
                }
                else
                {
                    lastId = i;
                    lastKey = random.nextInt(keys);
                    lastValue = values[random.nextInt(values.length)];
                    lastTs = 1_700_000_000_000L + i - random.nextInt(40);
                    r.setLong(id, lastId).setSymbol(key, "k" + lastKey).setLong(value, lastValue).setLong(ts, lastTs);
                }
                writer.commit();
            }
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final Path input = Paths.get(args[0]);
        final Path output = Paths.get(args[1]);
        final Path checkpoints = Paths.get(args[2]);
        final long intervalMs = Long.parseLong(args[3]);
        final boolean updates = args.length > 4 && args[4].equals("processing-time-updates");
        try (Pipeline pipeline = (updates ? defineUpdates(input, output, checkpoints, intervalMs, 5_000) :
            define(input, output, checkpoints, intervalMs)).build())
        {
            pipeline.start();
            System.out.println("started");
            System.out.flush();
            if (!pipeline.awaitCompletion(5, TimeUnit.MINUTES) || pipeline.failure() != null)
            {
                System.out.println("failed: " + pipeline.failure());
                if (pipeline.failure() != null)
                {
                    pipeline.failure().printStackTrace(System.out);
                }
                System.exit(2);
            }
        }
        System.out.println("done");
    }
}
