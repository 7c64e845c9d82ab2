package io.rivulet.engine;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalWriter;
import io.rivulet.operators.Expr;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PipelineBuilder#sourceOnStageThread}: the same pipelines with the source on its own thread and on the
 * stage's thread give the same outputs (generator, rows, finite and tailing journals, exactly-once with a
 * window); close, failure and end of stream behave as with a source thread; no source thread is started; no
 * allocation per record; a tailing journal with nothing new idles. Every test also fails on a Chronicle queue,
 * appender or tailer left open, and on leaked {@code rivulet-*} threads.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SourceOnStageThreadTest extends JournalPipelineHarness
{
    private static final Schema TRADES = Schema.builder().int64("id").int32("qty").timestamp("ts").build();
    private static final LongField ID = TRADES.longField("id");
    private static final IntField QTY = TRADES.intField("qty");
    private static final LongField TS = TRADES.longField("ts");

    private static void fill(final RecordFlyweight r, final long i)
    {
        r.setLong(ID, i).setInt(QTY, (int)(i % 250)).setLong(TS, 1_000_000 + i);
    }

    private static Source generator(final long count)
    {
        return Sources.generator(TRADES, 0, count, (i, r) -> fill(r, i));
    }

    private static void append(final Path dir, final long from, final long to)
    {
        try (Journal journal = Journal.at(dir).schema(TRADES).open(); JournalWriter writer = journal.writer())
        {
            for (long i = from; i < to; i++)
            {
                fill(writer.claim(), i);
                writer.commit();
            }
        }
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        await(condition, what, 60);
    }

    /** A keyed tumbling window count: event time, state, firing on watermarks and at end of stream. */
    private static PipelineBuilder windowed(final Source source, final Sink sink)
    {
        return Pipeline.from(source).withWatermark("ts", 0).groupBy(WindowSpec.tumbling("ts", 1_000), "qty")
            .agg(Aggregate.count()).to(sink);
    }

    private List<List<Object>> collect(final Source source, final boolean onStageThread)
    {
        final CollectingSink sink = Sinks.collecting();
        final Pipeline p = track(windowed(source, sink).ringCapacity(64).sourceOnStageThread(onStageThread)
            .build());
        assertEquals(onStageThread, p.explain().contains("(on stage 0's thread)"), p.explain());
        p.start();
        assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS));
        assertTrue(sink.ended());
        return sink.rows();
    }

    private static boolean threadAlive(final String name)
    {
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.isAlive() && t.getName().equals(name))
            {
                return true;
            }
        }
        return false;
    }

    @Test
    void shouldGiveTheSameWindowsFromAGeneratorOnTheStageThread()
    {
        final List<List<Object>> threaded = collect(generator(100_003), false);
        assertEquals(100 * 250 + 3, threaded.size(), "250 keys per 1 s of event time, 3 in the last window");
        assertEquals(threaded, collect(generator(100_003), true));
    }

    @Test
    void shouldGiveTheSameOutputFromRowsOnTheStageThread()
    {
        final List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 5_001; i++)
        {
            rows.add(new Object[]{i, (int)(i % 250), 1_000_000 + i});
        }
        assertEquals(collect(Sources.rows(TRADES, rows), false), collect(Sources.rows(TRADES, rows), true));
    }

    @Test
    void shouldEndAnEmptyStreamOnTheStageThread()
    {
        assertEquals(List.of(), collect(generator(0), true));
        assertEquals(List.of(), collect(Sources.rows(TRADES, List.of()), true));
        final Path empty = tempDir.resolve("empty");
        append(empty, 0, 0);
        assertEquals(List.of(), collect(Sources.journal(empty), true));
    }

    @Test
    void shouldReplayAFiniteJournalToTheSameOutputJournalOnTheStageThread()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 50_000);
        final List<String> outputs = new ArrayList<>();
        for (final boolean onStage : new boolean[]{false, true})
        {
            final Path out = tempDir.resolve("out-" + onStage);
            final Pipeline p = track(Pipeline.from(Sources.journal(in)).where(Expr.col("qty").gt(Expr.lit(100)))
                .to(Sinks.journal(out)).sourceOnStageThread(onStage).start());
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS));
            p.close();
            outputs.add(String.join("\n", ExactlyOnceCrashTest.readOutput(out)));
        }
        assertEquals(50_000 / 250 * 149, outputs.get(0).split("\n").length);
        assertEquals(outputs.get(0), outputs.get(1));
    }

    /**
     * A tailing journal with checkpoints every 2 ms, closed midway three times and restarted over the same
     * checkpoints, then finished: the output equals an uninterrupted run with a source thread.
     */
    @Test
    void shouldBeExactlyOnceThroughAWindowWhenClosedMidwayAndRestartedOnTheStageThread()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 200_000);
        final Path goldenOut = tempDir.resolve("golden");
        final Pipeline golden = track(windowed(Sources.journal(in), Sinks.journal(goldenOut))
            .checkpointLocation(tempDir.resolve("g")).checkpointInterval(Duration.ofMillis(2)).start());
        assertTrue(golden.awaitCompletion(60, TimeUnit.SECONDS));
        golden.close();

        final Path out = tempDir.resolve("out");
        final Path ckpt = tempDir.resolve("ckpt");
        long restoredEpoch = -1;
        for (int stop = 1; stop <= 3; stop++)
        {
            final JournalSink sink = Sinks.journal(out);
            final Pipeline p = track(windowed(Sources.journal(in).tailing(), sink).checkpointLocation(ckpt)
                .checkpointInterval(Duration.ofMillis(2)).sourceOnStageThread(true).start());
            final long target = stop * 12_000L;
            await(() -> sink.lastSequence() >= target && p.checkpointMetrics().committedEpoch() >= 2 ||
                p.failure() != null, "output " + target);
            assertEquals(null, p.failure());
            restoredEpoch = Math.max(restoredEpoch, p.checkpointMetrics().restoredEpoch());
            p.close(); // stops wherever it is: between checkpoints, output ahead of the last one
        }
        assertTrue(restoredEpoch > 0, "later runs restored a checkpoint the stage thread's barriers made");
        final Pipeline last = track(windowed(Sources.journal(in), Sinks.journal(out)).checkpointLocation(ckpt)
            .checkpointInterval(Duration.ofMillis(2)).sourceOnStageThread(true).start());
        assertTrue(last.awaitCompletion(60, TimeUnit.SECONDS));
        last.close();
        assertEquals(ExactlyOnceCrashTest.readOutput(goldenOut), ExactlyOnceCrashTest.readOutput(out));
    }

    /**
     * A finite journal whose last poll also makes a checkpoint due: the source on the stage thread published the
     * barrier, then the end of stream waited for that checkpoint, which only this same thread could take (it
     * hung). The end of stream now waits for the next step.
     */
    @Test
    void shouldCompleteWhenTheLastPollAlsoPublishesABarrierOnTheStageThread()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 1_000);
        final CollectingSink sink = Sinks.collecting();
        final Pipeline p = track(windowed(Sources.journal(in), sink).ringCapacity(4096)
            .checkpointLocation(tempDir.resolve("ckpt")).checkpointEvery(1_000).sourceOnStageThread(true).start());
        assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS), "completed");
        assertTrue(sink.ended());
        p.close();
    }

    /**
     * availableNow with checkpoints on the stage thread: each epoch's marker is a barrier that waits for the
     * previous checkpoint. With epochs smaller than a step, the source waited for it inside the step, on the one
     * thread that had to take the previous barrier first, and hung. The marker now stays pending while the source
     * commits nothing more, and the stage takes the barrier in between.
     */
    @Test
    void shouldCompleteAvailableNowEpochsSmallerThanAStepWithCheckpointsOnTheStageThread()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 3_000);
        final CollectingSink sink = Sinks.collecting();
        final Pipeline p = track(windowed(Sources.journal(in), sink).ringCapacity(4096)
            .trigger(Trigger.availableNow(10)).checkpointLocation(tempDir.resolve("ckpt"))
            .sourceOnStageThread(true).start());
        assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS), "completed");
        assertTrue(sink.ended());
        assertTrue(p.checkpointMetrics().checkpointsWritten() > 100, "an epoch, so a checkpoint, per 10 records: " +
            p.checkpointMetrics().checkpointsWritten());
        p.close();
    }

    @Test
    void shouldStartNoSourceThreadAndStopOnCloseMidStream()
    {
        final CollectingSink sink = Sinks.collecting();
        final AtomicLong seen = new AtomicLong();
        final Pipeline p = track(Pipeline.from(generator(Long.MAX_VALUE)).where(Expr.col("qty").ge(Expr.lit(0)))
            .to(Sinks.callback(TRADES, record -> seen.incrementAndGet())).name("fused-close")
            .sourceOnStageThread(true).start());
        await(() -> seen.get() > 100_000, "records");
        assertTrue(threadAlive("rivulet-fused-close-stage-0"));
        assertFalse(threadAlive("rivulet-fused-close-source-0"), "the source runs on the stage thread");
        p.close();
        assertFalse(threadAlive("rivulet-fused-close-stage-0"), "close() from another thread waits for it");
        assertInstanceOf(PipelineClosedException.class,
            assertThrows(RuntimeException.class, () -> p.awaitCompletion(1, TimeUnit.SECONDS)));
        assertEquals(null, p.failure());
        assertFalse(sink.ended());
    }

    @Test
    void shouldStopWhenTheSinkClosesThePipelineOnTheStageThread() throws Exception
    {
        final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
        final CountDownLatch closeReturned = new CountDownLatch(1);
        final AtomicLong delivered = new AtomicLong();
        final Pipeline p = track(Pipeline.from(generator(Long.MAX_VALUE))
            .to(Sinks.callback(TRADES, record ->
            {
                if (delivered.incrementAndGet() == 1_000)
                {
                    pipeline.get().close(); // on the stage thread, which is also the source's
                    closeReturned.countDown();
                }
            })).name("fused-self-close").sourceOnStageThread(true).build());
        pipeline.set(p);
        p.start();
        assertTrue(closeReturned.await(60, TimeUnit.SECONDS));
        await(() -> !threadAlive("rivulet-fused-self-close-stage-0"), "the stage thread to exit");
        assertEquals(1_000, delivered.get(), "nothing is delivered after the close, the rest of its batch neither");
        assertInstanceOf(PipelineClosedException.class,
            assertThrows(RuntimeException.class, () -> p.awaitCompletion(1, TimeUnit.SECONDS)));
    }

    @Test
    void shouldFailThePipelineWithTheSourcesFailureOnTheStageThread()
    {
        final AtomicLong delivered = new AtomicLong();
        final Pipeline p = track(Pipeline.from(Sources.generator(TRADES, 0, 1_000_000, (i, r) ->
            {
                if (i == 1_000)
                {
                    throw new IllegalStateException("generator broke at 1000");
                }
                fill(r, i);
            }))
            .to(Sinks.callback(TRADES, record -> delivered.incrementAndGet())).sourceOnStageThread(true).start());
        final PipelineFailedException failed = assertThrows(PipelineFailedException.class,
            () -> p.awaitCompletion(60, TimeUnit.SECONDS));
        assertEquals("generator broke at 1000", failed.getCause().getMessage());
        assertTrue(delivered.get() <= 1_000, "delivered " + delivered.get());
    }

    @Test
    void shouldFailOnAJournalIndexItDoesNotHoldAndCloseTheJournalOnTheStageThread()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 10);
        final Pipeline p = track(Pipeline.from(Sources.journal(in).fromIndex(Long.MAX_VALUE >> 8))
            .to(Sinks.collecting()).sourceOnStageThread(true).start());
        final PipelineFailedException failed = assertThrows(PipelineFailedException.class,
            () -> p.awaitCompletion(60, TimeUnit.SECONDS));
        assertTrue(failed.getMessage().contains("holds no such index"), failed.getMessage());
        // the @AfterEach check fails if the journal or its tailer was left open
    }

    @Test
    void shouldKeepThreadsForSourcesThatCannotRunOnTheStageThread()
    {
        final Pipeline paced = track(Pipeline.from(Sources.generator(TRADES, 1_000, 10, (i, r) -> fill(r, i)))
            .to(Sinks.collecting()).sourceOnStageThread(true).build());
        assertFalse(paced.explain().contains("(on stage 0's thread)"), paced.explain());
        final Pipeline smallRing = track(Pipeline.from(generator(10)).to(Sinks.collecting()).ringCapacity(4)
            .sourceOnStageThread(true).build());
        assertFalse(smallRing.explain().contains("(on stage 0's thread)"), smallRing.explain());
        final CollectingSink sink = Sinks.collecting();
        final Pipeline smallest = track(Pipeline.from(generator(1_000)).to(sink).ringCapacity(8)
            .sourceOnStageThread(true).start());
        assertTrue(smallest.explain().contains("(on stage 0's thread)"), smallest.explain());
        assertTrue(smallest.awaitCompletion(60, TimeUnit.SECONDS));
        assertEquals(1_000, sink.rows().size());
    }

    /** With nothing new in a tailing journal, a BLOCKING stage parks instead of spinning its core. */
    @Test
    void shouldIdleWhileATailingJournalHasNothingNew()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 100);
        final CollectingSink sink = Sinks.collecting();
        final Pipeline p = track(Pipeline.from(Sources.journal(in).tailing()).to(sink).name("fused-idle")
            .waitMode(WaitMode.BLOCKING).sourceOnStageThread(true).start());
        await(() -> sink.rows().size() == 100, "the journal's records");
        Thread stage = null;
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.getName().equals("rivulet-fused-idle-stage-0"))
            {
                stage = t;
            }
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long startCpuNs = threads.getThreadCpuTime(stage.getId());
        final long startNs = System.nanoTime();
        // a measurement window, not a synchronisation: how much CPU the quiet stage takes in a second
        await(() -> System.nanoTime() - startNs >= TimeUnit.SECONDS.toNanos(1), "a second");
        final double share = (double)(threads.getThreadCpuTime(stage.getId()) - startCpuNs) /
            (System.nanoTime() - startNs);
        assertTrue(share < 0.2, "an idle BLOCKING stage tailing a journal used " + 100 * share + " % of a core");
        append(in, 100, 150);
        await(() -> sink.rows().size() == 150, "records appended while idle");
        p.close();
    }

    /** The journaled path with the tail on the stage thread: one pipeline thread, no allocation per record. */
    @Test
    void shouldNotAllocatePerRecordWithTheJournalTailOnTheStageThread()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Path in = tempDir.resolve("in");
        final Path out = tempDir.resolve("out");
        final long warmup = 200_000;
        final long measured = 1_000_000;
        try (JournaledPublisher publisher = Sources.journaled(in, TRADES))
        {
            final JournalSink sink = Sinks.journal(out);
            final Pipeline p = track(Pipeline.from(publisher).where(Expr.col("qty").ge(Expr.lit(0)))
                .select(Expr.col("id"), Expr.col("ts")).to(sink).name("alloc-fused").waitMode(WaitMode.YIELDING)
                .recordLatency(false).checkpointLocation(tempDir.resolve("ckpt"))
                .checkpointInterval(Duration.ofMillis(50)).sourceOnStageThread(true).start());
            publish(publisher, 0, warmup);
            await(() -> sink.lastSequence() == warmup, "warm-up records");
            final List<Thread> pipelineThreads = new ArrayList<>();
            for (final Thread t : Thread.getAllStackTraces().keySet())
            {
                if (t.getName().startsWith("rivulet-alloc-fused") && !t.getName().endsWith("-checkpoint") &&
                    !t.getName().endsWith("-progress"))
                {
                    pipelineThreads.add(t);
                }
            }
            assertEquals(1, pipelineThreads.size(), "the stage thread only: " + pipelineThreads);
            final Thread stage = pipelineThreads.get(0);
            final long before = threads.getThreadAllocatedBytes(stage.getId());
            publish(publisher, warmup, warmup + measured);
            await(() -> sink.lastSequence() == warmup + measured, "measured records");
            final long bytes = threads.getThreadAllocatedBytes(stage.getId()) - before;
            publisher.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            System.out.println("SourceOnStageThreadTest allocation, " + measured + " records, " +
                p.checkpointMetrics().checkpointsWritten() + " checkpoints: stage thread " + bytes + " B");
            // a Chronicle index block now and then, a checkpoint's section list; one object per record >= 16 MB
            assertTrue(bytes < 100_000, "allocated for " + measured + " records: " + bytes + " B");
        }
    }

    private static void publish(final JournaledPublisher publisher, final long from, final long to)
    {
        for (long i = from; i < to; i++)
        {
            fill(publisher.claim(), i);
            publisher.commit();
        }
    }
}
