package io.rivulet.bench;

import io.rivulet.bench.LatencyRig.Result;
import io.rivulet.engine.JournalSink;
import io.rivulet.engine.JournaledPublisher;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sink;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.rivulet.bench.LatencyRig.join;
import static io.rivulet.bench.LatencyRig.pace;
import static io.rivulet.bench.LatencyRig.ratio;

/**
 * Paced end-to-end latency through the journal, {@code ./rivulet bench journal}: the application thread publishes
 * at a fixed rate into
 * <ul>
 *   <li>(a) the baseline: a bare Chronicle Queue append (48-byte document) that a tailer thread reads, one hop;</li>
 *   <li>(b) the engine: {@code Sources.journaled} (app thread appends to the input journal) &rarr; source thread
 *   tails it into the ring &rarr; stage thread runs the fused 3-operator chain (where, select, filter) &rarr;
 *   {@code Sinks.journal} appends to the output journal. Latency is taken right after the output append.</li>
 *   <li>(c) the same engine pipeline with the journal tail fused into the stage thread
 *   ({@code sourceOnStageThread(true)}): the stage thread tails the input journal itself, one hop fewer.</li>
 * </ul>
 * Both are measured from the app's commit ({@code nanoTime} before the append; for the engine, the ingest time the
 * input journal entry carries) and from the scheduled send time (coordinated omission), into HdrHistograms, after
 * an unmeasured warm-up of each, in {@value #ROUNDS} interleaved rounds so the host's noise hits them alike. Each
 * run writes fresh queues in a temporary directory, deleted afterwards. As {@link LatencyBenchmark}: on this VM
 * p99 and above mostly measure the host; read them next to the baseline.
 */
public final class JournalLatencyBenchmark
{
    private static final int ROUNDS = 4;

    private final long ratePerSecond;
    private final long measureSeconds;
    private final long warmupSeconds;
    private final WaitMode waitMode;
    private final Path root;
    private int runs;

    private JournalLatencyBenchmark(final long ratePerSecond, final long measureSeconds, final long warmupSeconds,
        final WaitMode waitMode, final Path root)
    {
        this.ratePerSecond = ratePerSecond;
        this.measureSeconds = measureSeconds;
        this.warmupSeconds = warmupSeconds;
        this.waitMode = waitMode;
        this.root = root;
    }

    /**
     * @param args {@code [--rate N] [--seconds N] [--warmup N] [--wait-mode BUSY_SPIN|YIELDING|BACKOFF|BLOCKING]}
     * @throws IOException if the temporary directory cannot be created.
     */
    public static void main(final String[] args) throws IOException
    {
        // before Chronicle's first class loads: its INFO lines (disk-space polls, file growth) would bury the table
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        final LatencyRig.Options o = LatencyRig.Options.parse("journal", args, 2_000_000, false);
        if (o == null)
        {
            return;
        }
        final Path root = Files.createTempDirectory("rivulet-journal-latency");
        try
        {
            new JournalLatencyBenchmark(o.rate, o.seconds, o.warmup, o.mode, root).run();
        }
        finally
        {
            BenchFiles.deleteTree(root);
        }
    }

    private void run()
    {
        System.out.printf("Rivulet journal latency benchmark: %d rec/s paced by the app thread, %d s warm-up per " +
            "configuration, then %d s measured per configuration in %d interleaved rounds, wait mode %s, %d cores, " +
            "queues in %s%n%n", ratePerSecond, warmupSeconds, measureSeconds, ROUNDS, waitMode,
            Runtime.getRuntime().availableProcessors(), root);
        final Result baseline = new Result();
        final Result engine = new Result();
        final Result fused = new Result();
        final long warmupRecords = warmupSeconds * ratePerSecond;
        if (warmupRecords > 0)
        {
            final Result discarded = new Result();
            runBareHop(discarded, warmupRecords, warmupRecords);
            runEngine(discarded, warmupRecords, warmupRecords, false);
            runEngine(discarded, warmupRecords, warmupRecords, true);
        }
        final long roundRecords = Math.max(1, measureSeconds * ratePerSecond / ROUNDS);
        final long settleRecords = ratePerSecond / 2;
        final StringBuilder perRound = new StringBuilder();
        for (int round = 0; round < ROUNDS; round++)
        {
            final Result b = new Result();
            final Result e = new Result();
            final Result f = new Result();
            runBareHop(b, settleRecords, settleRecords + roundRecords);
            runEngine(e, settleRecords, settleRecords + roundRecords, false);
            runEngine(f, settleRecords, settleRecords + roundRecords, true);
            baseline.add(b);
            engine.add(e);
            fused.add(f);
            perRound.append(String.format("  round %d p50/p99 us: bare hop %.2f/%.2f, engine %.2f/%.2f, " +
                "fused %.2f/%.2f%n", round + 1,
                b.actual.getValueAtPercentile(50) / 1000.0, b.actual.getValueAtPercentile(99) / 1000.0,
                e.actual.getValueAtPercentile(50) / 1000.0, e.actual.getValueAtPercentile(99) / 1000.0,
                f.actual.getValueAtPercentile(50) / 1000.0, f.actual.getValueAtPercentile(99) / 1000.0));
        }
        System.out.println("latency in us        |        from actual publish time         |" +
            "      from scheduled send time (CO-corrected)");
        System.out.println("config               |    p50    p90    p99  p99.9      max |    p50    p90    p99  p99.9      max");
        baseline.print("chronicle 1 hop");
        engine.print("journal+engine+out");
        fused.print("same, tail fused");
        System.out.print(perRound);
        System.out.println();
        compare("engine", engine, baseline);
        compare("fused ", fused, baseline);
    }

    private static void compare(final String name, final Result engine, final Result baseline)
    {
        System.out.printf("%s / bare hop: p50 %+.2f us, p90 %+.2f us, p99 x%.2f, p99.9 x%.2f " +
            "(goals: engine p50 <= 3 us, p99 <= 1.5x the bare hop)%n", name,
            (engine.actual.getValueAtPercentile(50) - baseline.actual.getValueAtPercentile(50)) / 1000.0,
            (engine.actual.getValueAtPercentile(90) - baseline.actual.getValueAtPercentile(90)) / 1000.0,
            ratio(engine.actual, baseline.actual, 99), ratio(engine.actual, baseline.actual, 99.9));
    }

    private Path nextDir(final String name)
    {
        return root.resolve(name + "-" + runs++);
    }

    private void runBareHop(final Result result, final long warmup, final long total)
    {
        final Path dir = nextDir("bare");
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile()).build())
        {
            final Thread tailerThread = new Thread(() ->
            {
                try (ExcerptTailer tailer = queue.createTailer())
                {
                    long seen = 0;
                    while (seen < total)
                    {
                        try (DocumentContext dc = tailer.readingDocument())
                        {
                            if (!dc.isPresent())
                            {
                                idle();
                                continue;
                            }
                            final Bytes<?> bytes = dc.wire().bytes();
                            final long id = bytes.readLong();
                            final long scheduledNs = bytes.readLong();
                            final long publishNs = bytes.readLong();
                            final long nowNs = System.nanoTime();
                            if (id >= warmup)
                            {
                                result.record(nowNs, publishNs, scheduledNs);
                            }
                            seen++;
                        }
                    }
                }
            }, "bare-tailer");
            tailerThread.start();
            try (ExcerptAppender appender = queue.createAppender())
            {
                pace(total, ratePerSecond, (id, scheduledNs) ->
                {
                    try (DocumentContext dc = appender.writingDocument())
                    {
                        final Bytes<?> bytes = dc.wire().bytes();
                        bytes.writeLong(id);
                        bytes.writeLong(scheduledNs);
                        bytes.writeLong(System.nanoTime());
                        bytes.writeLong(id); // 48 bytes, about the engine's 8-byte header + 40-byte record
                        bytes.writeLong(id);
                        bytes.writeLong(id);
                    }
                });
            }
            join(tailerThread);
        }
        BenchFiles.deleteTree(dir);
    }

    private void idle()
    {
        switch (waitMode)
        {
            case BUSY_SPIN:
                Thread.onSpinWait();
                break;
            case YIELDING:
                Thread.yield();
                break;
            default:
                java.util.concurrent.locks.LockSupport.parkNanos(waitMode == WaitMode.BACKOFF ? 1_000 : 100_000);
                break;
        }
    }

    private void runEngine(final Result result, final long warmup, final long total,
        final boolean sourceOnStageThread)
    {
        final Path in = nextDir("in");
        final Path out = nextDir("out");
        try (JournaledPublisher publisher = Sources.journaled(in, TradeRecords.TRADES))
        {
            final RecordStream stream = Pipeline.from(publisher).where(TradeRecords.WHERE).select(TradeRecords.SELECT);
            final Schema selected = stream.schema();
            final LongField id = selected.longField("id");
            final LongField sched = selected.longField("sched");
            final JournalSink journalSink = Sinks.journal(out);
            final Sink measured = new Sink()
            {
                @Override
                public void open(final Schema schema)
                {
                    journalSink.open(schema);
                }

                @Override
                public void onRecord(final RecordFlyweight r)
                {
                    journalSink.onRecord(r);
                    final long nowNs = System.nanoTime(); // after the output append
                    if (r.getLong(id) >= warmup)
                    {
                        result.record(nowNs, r.ingestTimeNs(), r.getLong(sched));
                    }
                }

                @Override
                public void close()
                {
                    journalSink.close();
                }
            };
            try (Pipeline pipeline = stream.filter(TradeRecords.positiveNotional(selected)).to(measured)
                .name("journal-latency").waitMode(waitMode).recordLatency(false)
                .sourceOnStageThread(sourceOnStageThread).start())
            {
                pace(total, ratePerSecond, (i, scheduledNs) ->
                {
                    TradeRecords.fill(publisher.claim(), i, scheduledNs);
                    publisher.commit();
                });
                publisher.endOfStream();
                if (!pipeline.awaitCompletion(60, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("engine run did not complete");
                }
                if (journalSink.lastSequence() != total)
                {
                    throw new IllegalStateException("output journal holds " + journalSink.lastSequence() +
                        " records, expected " + total);
                }
            }
        }
        BenchFiles.deleteTree(in);
        BenchFiles.deleteTree(out);
    }
}
