package io.rivulet.engine;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalReader;
import io.rivulet.journal.JournalWriter;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.SymbolField;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.rivulet.operators.Expr.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal in a pipeline: Sources.journal (finite, tailing, from an index or the end), the journaled
 * publisher, Sinks.journal, the source index carried to the sink, schema checks, shutdown and allocation. Besides
 * leaked {@code rivulet-*} threads, every test fails on a Chronicle queue, appender or tailer left open.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JournalPipelineTest extends JournalPipelineHarness
{
    private static final Schema TRADES = Schema.builder()
        .int64("id").symbol("sym", 8).float64("px").int32("qty").build();
    private static final LongField ID = TRADES.longField("id");
    private static final SymbolField SYM = TRADES.symbolField("sym");
    private static final DoubleField PX = TRADES.doubleField("px");
    private static final IntField QTY = TRADES.intField("qty");

    private static void fill(final RecordFlyweight r, final long i)
    {
        r.setLong(ID, i).setSymbol(SYM, i % 3 == 0 ? "AAPL" : "MSFT").setDouble(PX, 100.0 + i % 17)
            .setInt(QTY, (int)(i % 250));
    }

    private static Object[] row(final long i)
    {
        return new Object[]{i, i % 3 == 0 ? "AAPL" : "MSFT", 100.0 + i % 17, (int)(i % 250)};
    }

    /** Writes records {@code from..to-1} to the input journal at {@code dir}; returns their indexes. */
    private static long[] append(final Path dir, final long from, final long to)
    {
        final long[] indexes = new long[(int)(to - from)];
        try (Journal journal = Journal.at(dir).schema(TRADES).open())
        {
            final JournalWriter writer = journal.writer();
            for (long i = from; i < to; i++)
            {
                fill(writer.claim(), i);
                indexes[(int)(i - from)] = writer.commit();
            }
        }
        return indexes;
    }

    /** An output journal's entries: sequence, then the record's values. */
    private static List<List<Object>> readOutput(final Path dir)
    {
        final List<List<Object>> entries = new ArrayList<>();
        try (Journal journal = Journal.at(dir).open(); JournalReader reader = journal.reader())
        {
            final List<Field> fields = journal.schema().fields();
            while (reader.poll((index, ingestNs, sequence, r) ->
            {
                final List<Object> entry = new ArrayList<>();
                entry.add(sequence);
                fields.forEach(f -> entry.add(r.getValue(f)));
                entries.add(entry);
            }, 256) > 0)
            {
                // drain
            }
        }
        return entries;
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        await(condition, what, 60);
    }

    @Test
    void shouldRefuseASecondSinkOnAnOutputJournalWhileTheFirstIsOpen() throws Exception
    {
        final Path out = tempDir.resolve("shared-output");
        final Path lockFile = out.resolve(JournalSink.LOCK_FILE);
        final Pipeline first = Pipeline.from(Sources.publisher(TRADES)).to(Sinks.journal(out)).name("first").build();
        assertFalse(LockProbeMain.anotherProcessCanLock(lockFile), "held against other processes");
        // two writers would both number their outputs from the journal's last: duplicate sequence numbers
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> Pipeline.from(Sources.publisher(TRADES)).to(Sinks.journal(out)).name("second").build());
        assertTrue(refused.getMessage().contains("being written by another running pipeline"), refused.getMessage());
        // the refusal did not touch the lock file (on Linux closing any descriptor of it drops this process's lock)
        assertFalse(LockProbeMain.anotherProcessCanLock(lockFile), "still held after a refusal in this JVM");
        first.close();
        final JournalSink sink = Sinks.journal(out);
        try (Pipeline second = Pipeline.from(Sources.publisher(TRADES)).to(sink).name("second").build())
        {
            assertEquals(out.toAbsolutePath().normalize(), sink.dir(), second.explain());
        }
        assertTrue(LockProbeMain.anotherProcessCanLock(lockFile), "released with the pipeline");
    }

    @Test
    void shouldLockAnOutputJournalOnlyFromBuildToRelease()
    {
        final Path out = tempDir.resolve("locked-at-build");
        // a builder abandoned after to(sink), here by a bad setting, holds no lock (its sink stays open until closed)
        final JournalSink abandoned = Sinks.journal(out);
        assertThrows(IllegalArgumentException.class,
            () -> Pipeline.from(Sources.publisher(TRADES)).to(abandoned).name(" "));
        // nor does a build that fails (a publisher cannot be checkpointed)
        assertThrows(RuntimeException.class, () -> Pipeline.from(Sources.publisher(TRADES))
            .to(Sinks.journal(out)).name("fails").checkpointLocation(tempDir.resolve("ckpt")).build());
        try (Pipeline p = Pipeline.from(Sources.publisher(TRADES)).to(Sinks.journal(out)).name("next").build())
        {
            assertFalse(p.explain().isEmpty());
        }
        finally
        {
            abandoned.close();
        }
    }

    @Test
    void shouldWriteTheSameResultsToAnOutputJournalAsThePipelineOverRows()
    {
        final Path in = tempDir.resolve("in");
        final Path out = tempDir.resolve("out");
        append(in, 0, 5_000);
        final List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 5_000; i++)
        {
            rows.add(row(i));
        }

        final JournalSink sink = Sinks.journal(out);
        final Pipeline fromJournal = track(Pipeline.from(Sources.journal(in))
            .where(col("qty").gt(100).and(col("sym").eq("AAPL")))
            .select(col("id"), col("sym"), col("px").times(col("qty")).as("notional"))
            .to(sink).waitMode(WaitMode.YIELDING).ringCapacity(64).start());
        final CollectingSink expected = Sinks.collecting();
        track(Pipeline.from(Sources.rows(TRADES, rows))
            .where(col("qty").gt(100).and(col("sym").eq("AAPL")))
            .select(col("id"), col("sym"), col("px").times(col("qty")).as("notional"))
            .to(expected).start()).awaitCompletion(30, TimeUnit.SECONDS);
        assertTrue(fromJournal.awaitCompletion(30, TimeUnit.SECONDS), "a finite journal source ends the stream");

        final List<List<Object>> written = readOutput(out);
        final List<List<Object>> rowsWithSequence = new ArrayList<>();
        long sequence = 0;
        for (final List<Object> r : expected.rows())
        {
            final List<Object> entry = new ArrayList<>();
            entry.add(++sequence);
            entry.addAll(r);
            rowsWithSequence.add(entry);
        }
        assertTrue(sequence > 500, "the filter should pass a good share, passed " + sequence);
        assertEquals(rowsWithSequence, written);
        assertEquals(sequence, sink.lastSequence());
        assertEquals(5_000, fromJournal.metrics().stages().get(0).recordsIn());
    }

    @Test
    void shouldContinueTheOutputSequenceWhenAnotherPipelineAppendsToTheSameOutputJournal()
    {
        final Path in = tempDir.resolve("in");
        final Path out = tempDir.resolve("out");
        append(in, 0, 10);
        for (int run = 0; run < 2; run++)
        {
            final JournalSink sink = Sinks.journal(out);
            assertTrue(track(Pipeline.from(Sources.journal(in)).to(sink).start()).awaitCompletion(30, TimeUnit.SECONDS));
            assertEquals(10L * (run + 1), sink.lastSequence());
        }
        final List<List<Object>> written = readOutput(out);
        assertEquals(20, written.size());
        for (int i = 0; i < 20; i++)
        {
            assertEquals(i + 1L, written.get(i).get(0));
            assertEquals((long)(i % 10), written.get(i).get(1));
        }
    }

    @Test
    void shouldReadFromAnIndexInclusiveAndEndAtOnceFromTheEndWhenFinite()
    {
        final Path in = tempDir.resolve("in");
        final long[] indexes = append(in, 0, 10);

        final CollectingSink fromIndex = Sinks.collecting();
        assertTrue(track(Pipeline.from(Sources.journal(in).fromIndex(indexes[4])).select(col("id")).to(fromIndex)
            .start()).awaitCompletion(30, TimeUnit.SECONDS));
        assertEquals(List.of(List.of(4L), List.of(5L), List.of(6L), List.of(7L), List.of(8L), List.of(9L)),
            fromIndex.rows());

        final CollectingSink fromEnd = Sinks.collecting();
        assertTrue(track(Pipeline.from(Sources.journal(in).fromEnd()).to(fromEnd).start())
            .awaitCompletion(30, TimeUnit.SECONDS));
        assertEquals(List.of(), fromEnd.rows());
        assertTrue(fromEnd.ended());
    }

    /** Appends made while a finite source replays (from the sink, so surely after it started) are not replayed. */
    @Test
    void shouldReplayOnlyUpToTheEntryThatWasLastAtStartWhenFinite()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 100);
        final List<Long> ids = new ArrayList<>();
        try (Journal journal = Journal.at(in).open())
        {
            final JournalWriter writer = journal.writer();
            assertTrue(track(Pipeline.from(Sources.journal(in)).to((RecordFlyweight r) ->
            {
                ids.add(r.getLong(ID));
                if (ids.size() <= 50)
                {
                    fill(writer.claim(), 1_000 + ids.size()); // after the source took the last index
                    writer.commit();
                }
            }).ringCapacity(8).start()).awaitCompletion(30, TimeUnit.SECONDS));
            assertEquals(150, journal.entryCount());
        }
        final List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 100; i++)
        {
            expected.add(i);
        }
        assertEquals(expected, ids);
    }

    /** An output journal is a journal: a second pipeline reads it (chained pipelines). */
    @Test
    void shouldReadAnOutputJournalAsASource()
    {
        final Path in = tempDir.resolve("in");
        final Path out = tempDir.resolve("out");
        append(in, 0, 20);
        assertTrue(track(Pipeline.from(Sources.journal(in)).where(col("id").lt(5)).to(Sinks.journal(out)).start())
            .awaitCompletion(30, TimeUnit.SECONDS));
        final CollectingSink sink = Sinks.collecting();
        assertTrue(track(Pipeline.from(Sources.journal(out, TRADES)).select(col("id")).to(sink).start())
            .awaitCompletion(30, TimeUnit.SECONDS));
        assertEquals(List.of(List.of(0L), List.of(1L), List.of(2L), List.of(3L), List.of(4L)), sink.rows());
    }

    @Test
    void shouldTailFromTheEndOnlyWhatIsAppendedAfterStart()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 100);
        final CollectingSink sink = Sinks.collecting();
        track(Pipeline.from(Sources.journal(in).fromEnd().tailing()).select(col("id")).to(sink)
            .waitMode(WaitMode.BACKOFF).start());
        // the source thread positions itself at the end some time after start: append until something arrives
        try (Journal journal = Journal.at(in).open())
        {
            final JournalWriter writer = journal.writer();
            long next = 100;
            while (sink.rows().isEmpty())
            {
                fill(writer.claim(), next++);
                writer.commit();
                Thread.yield();
            }
            final long last = next + 50;
            while (next < last)
            {
                fill(writer.claim(), next++);
                writer.commit();
            }
            await(() ->
            {
                final List<List<Object>> seen = sink.rows(); // one snapshot: the sink keeps receiving meanwhile
                return !seen.isEmpty() && seen.get(seen.size() - 1).get(0).equals(last - 1);
            }, "the last appended record");
        }
        final List<List<Object>> rows = sink.rows();
        final long first = (Long)rows.get(0).get(0);
        assertTrue(first >= 100, "a record written before start was read: " + first);
        for (int i = 0; i < rows.size(); i++)
        {
            assertEquals(first + i, rows.get(i).get(0), "no gap, duplicate or reorder");
        }
    }

    /** Tails while another thread appends; order and content checked by a sink that does not box per record. */
    @Test
    void shouldTailAJournalWhileAnotherThreadAppendsAndStopTheSourceThreadOnClose() throws Exception
    {
        final Path in = tempDir.resolve("in");
        final long total = 200_000;
        append(in, 0, 1_000);
        final OrderCheckingSink sink = new OrderCheckingSink();
        final Pipeline p = track(Pipeline.from(Sources.journal(in).tailing()).to(sink).name("tail")
            .waitMode(WaitMode.YIELDING).ringCapacity(256).start());
        final AtomicReference<Throwable> writerError = new AtomicReference<>();
        final Thread writerThread = new Thread(() ->
        {
            try
            {
                append(in, 1_000, total);
            }
            catch (final Throwable t)
            {
                writerError.set(t);
            }
        }, "test-journal-writer");
        writerThread.start();
        await(() -> sink.count.get() == total || sink.failure != null || writerError.get() != null,
            total + " records");
        writerThread.join();
        assertNull(writerError.get());
        assertNull(sink.failure, sink.failure);
        assertEquals(total, sink.count.get());
        assertFalse(p.isCompleted(), "a tailing source does not end the stream at the end of the journal");

        p.close();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            assertFalse(t.isAlive() && t.getName().startsWith("rivulet-tail"), "still running: " + t.getName());
        }
    }

    private static final class OrderCheckingSink implements Sink
    {
        final AtomicLong count = new AtomicLong();
        volatile String failure;
        private long lastIndex = -1;

        @Override
        public void onRecord(final RecordFlyweight r)
        {
            final long n = count.get();
            if (failure == null && (r.getLong(ID) != n || r.getInt(QTY) != (int)(n % 250) || r.sourceIndex() <= lastIndex))
            {
                failure = "record " + n + " has id " + r.getLong(ID) + ", index " + r.sourceIndex() + " after " +
                    lastIndex;
            }
            lastIndex = r.sourceIndex();
            count.lazySet(n + 1);
        }
    }

    @Test
    void shouldCarryTheJournalIndexToTheSinkThroughWhereSelectAndAnAsyncHop()
    {
        final Path in = tempDir.resolve("in");
        final long[] indexes = append(in, 0, 1_000);
        final List<long[]> seen = new ArrayList<>();
        final Schema selected = Pipeline.from(Sources.rows(TRADES)).select(col("id")).schema();
        final LongField id = selected.longField("id");
        assertTrue(track(Pipeline.from(Sources.journal(in)).where(col("qty").gt(10)).async().select(col("id"))
            .to((RecordFlyweight r) -> seen.add(new long[]{r.getLong(id), r.sourceIndex()})).ringCapacity(64).start())
            .awaitCompletion(30, TimeUnit.SECONDS));
        int expected = 0;
        for (int i = 0; i < 1_000; i++)
        {
            if (i % 250 > 10)
            {
                assertEquals(i, seen.get(expected)[0]);
                assertEquals(indexes[i], seen.get(expected)[1], "sourceIndex() of record " + i);
                expected++;
            }
        }
        assertEquals(expected, seen.size());

        final List<Long> rowsIndexes = new ArrayList<>();
        assertTrue(track(Pipeline.from(Sources.rows(TRADES, row(1), row(2))).to((RecordFlyweight r) ->
            rowsIndexes.add(r.sourceIndex())).start()).awaitCompletion(30, TimeUnit.SECONDS));
        assertEquals(List.of(RecordFlyweight.NO_SOURCE_INDEX, RecordFlyweight.NO_SOURCE_INDEX), rowsIndexes);
    }

    @Test
    void shouldPublishThroughTheJournalEndToEnd()
    {
        final Path in = tempDir.resolve("in");
        final Path out = tempDir.resolve("out");
        final List<Long> committedIndexes = new ArrayList<>();
        final List<Long> seenIndexes = new ArrayList<>();
        try (JournaledPublisher publisher = Sources.journaled(in, TRADES))
        {
            fill(publisher.claim(), 0); // before the pipeline exists: the journal holds it, the pipeline reads it
            committedIndexes.add(publisher.commit());
            final JournalSink sink = Sinks.journal(out);
            final Pipeline p = track(Pipeline.from(publisher).map(TRADES, (r, o) ->
            {
                seenIndexes.add(r.sourceIndex());
                o.copyFrom(r);
            }).to(sink).waitMode(WaitMode.BACKOFF).ringCapacity(16).start());
            for (long i = 1; i < 1_000; i++)
            {
                final RecordFlyweight r = publisher.claim();
                fill(r, i);
                if (i % 7 == 0)
                {
                    assertTrue(publisher.isClaimed());
                    publisher.abort(); // never reaches the journal or the pipeline
                    continue;
                }
                committedIndexes.add(publisher.commit());
            }
            assertFalse(publisher.isClaimed());
            publisher.endOfStream();
            assertThrows(IllegalStateException.class, publisher::claim);
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS), "endOfStream drains the journal, then completes");
            assertEquals(committedIndexes.size(), sink.lastSequence());
        }
        assertEquals(committedIndexes, seenIndexes);
        final List<List<Object>> written = readOutput(out);
        final List<List<Object>> expected = new ArrayList<>();
        long sequence = 0;
        for (long i = 0; i < 1_000; i++)
        {
            if (i == 0 || i % 7 != 0)
            {
                final List<Object> entry = new ArrayList<>(List.of(++sequence));
                entry.addAll(Arrays.asList(row(i)));
                expected.add(entry);
            }
        }
        assertEquals(expected, written);
        try (Journal journal = Journal.at(in).open())
        {
            assertEquals(committedIndexes.size(), journal.entryCount(), "the journal holds exactly what was committed");
        }
    }

    @Test
    void shouldNotReplayOlderEntriesOfAReusedJournalAndEndAnEmptyStreamOnClose()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 5);
        final CollectingSink sink = Sinks.collecting();
        final Pipeline p;
        try (JournaledPublisher publisher = Sources.journaled(in, TRADES))
        {
            p = track(Pipeline.from(publisher).select(col("id")).to(sink).start());
            fill(publisher.claim(), 42);
            publisher.commit();
            publisher.claim(); // left open: close() drops it and ends the stream
        }
        assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
        assertEquals(List.of(List.of(42L)), sink.rows());
    }

    @Test
    void shouldFailTheJournaledPublishersClaimOnceThePipelineFailed()
    {
        final Path in = tempDir.resolve("in");
        final IllegalStateException boom = new IllegalStateException("boom");
        try (JournaledPublisher publisher = Sources.journaled(in, TRADES))
        {
            final Pipeline p = track(Pipeline.from(publisher).to((RecordFlyweight r) ->
            {
                throw boom;
            }).start());
            fill(publisher.claim(), 1);
            publisher.commit();
            await(() -> p.failure() != null, "the pipeline's failure");
            final PipelineFailedException ex = assertThrows(PipelineFailedException.class, publisher::claim);
            assertEquals(boom, ex.getCause());
            assertFalse(publisher.isClaimed());
        }
    }

    @Test
    void shouldRejectAJournalOfAnotherSchemaShowingBothSchemas()
    {
        final Path in = tempDir.resolve("in");
        append(in, 0, 1);
        final Schema other = Schema.builder().int64("id").float64("px").build();

        final SchemaException source = assertThrows(SchemaException.class, () -> Sources.journal(in, other));
        assertTrue(source.getMessage().contains(TRADES.toString()) && source.getMessage().contains(other.toString()),
            source.getMessage());
        final SchemaException publisher = assertThrows(SchemaException.class, () -> Sources.journaled(in, other));
        assertEquals(source.getMessage(), publisher.getMessage());

        final Path out = tempDir.resolve("out");
        try (Journal journal = Journal.at(out).schema(other).output().open())
        {
            assertEquals(0, journal.entryCount());
        }
        final SchemaException sink = assertThrows(SchemaException.class,
            () -> Pipeline.from(Sources.journal(in)).to(Sinks.journal(out)));
        assertTrue(sink.getMessage().contains(TRADES.toString()) && sink.getMessage().contains(other.toString()),
            sink.getMessage());

        assertEquals(TRADES, Sources.journal(in, TRADES).schema());
        assertEquals(TRADES, Sources.journal(in).schema(), "the schema stored in the journal");
    }

    @Test
    void shouldNameTheFixForAPathThatIsNotAJournalAndAnIndexItDoesNotHold() throws Exception
    {
        final Path missing = tempDir.resolve("missing");
        final IllegalArgumentException notThere = assertThrows(IllegalArgumentException.class,
            () -> Sources.journal(missing));
        assertTrue(notThere.getMessage().contains(missing + " does not exist"), notThere.getMessage());
        Files.createDirectories(missing);
        assertFalse(Files.exists(missing.resolve(Journal.SCHEMA_FILE_NAME)), "a source never creates a journal");

        final Path in = tempDir.resolve("in");
        final long[] indexes = append(in, 0, 3);
        final Pipeline p = track(Pipeline.from(Sources.journal(in).fromIndex(indexes[2] + 1000)).to(Sinks.discard())
            .start());
        final PipelineFailedException failed = assertThrows(PipelineFailedException.class,
            () -> p.awaitCompletion(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().contains("holds no such index"), failed.getCause().getMessage());
    }

    @Test
    void shouldStopATailingSourceWaitingOnAnEmptyJournalWhenClosed()
    {
        final Path in = tempDir.resolve("in");
        try (Journal journal = Journal.at(in).schema(TRADES).open())
        {
            assertEquals(-1, journal.lastIndex());
        }
        for (final WaitMode mode : WaitMode.values())
        {
            final Pipeline p = Pipeline.from(Sources.journal(in).tailing()).to(Sinks.discard()).name("idle")
                .waitMode(mode).start();
            await(() -> threadAlive("rivulet-idle-source"), "the source thread");
            p.close();
            assertFalse(threadAlive("rivulet-idle"), "close() returns after the pipeline threads exited");
        }
    }

    private static boolean threadAlive(final String prefix)
    {
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.isAlive() && t.getName().startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * App thread (journal writer), source thread (tail + copy into the ring) and stage thread (where, select,
     * output journal): none allocates per record, measured with the per-thread allocation counters.
     */
    @Test
    void shouldNotAllocatePerRecordOnTheJournaledPath()
    {
        measureJournaledPathAllocation(false);
    }

    /**
     * The same path, exactly-once: barriers every 50 ms from the source thread, output sequence numbers and
     * replay checks at the sink. A checkpoint allocates a little (its section list) on the stage that completes it;
     * the checkpoint writer and progress threads allocate per checkpoint or report, off the hot path, so they
     * are not counted.
     */
    @Test
    void shouldNotAllocatePerRecordOnTheCheckpointedJournaledPath()
    {
        measureJournaledPathAllocation(true);
    }

    private void measureJournaledPathAllocation(final boolean checkpointed)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final Path in = tempDir.resolve("in");
        final Path out = tempDir.resolve("out");
        final long warmup = 200_000;
        final long measured = 1_000_000;
        try (JournaledPublisher publisher = Sources.journaled(in, TRADES))
        {
            final JournalSink sink = Sinks.journal(out);
            PipelineBuilder builder = Pipeline.from(publisher).where(col("qty").ge(0)).select(col("id"), col("px"))
                .to(sink).name("alloc").waitMode(WaitMode.YIELDING).recordLatency(false);
            if (checkpointed)
            {
                builder = builder.checkpointLocation(tempDir.resolve("ckpt"))
                    .checkpointInterval(java.time.Duration.ofMillis(50));
            }
            final Pipeline p = track(builder.start());
            publish(publisher, 0, warmup);
            await(() -> sink.lastSequence() == warmup, "warm-up records");
            final List<Thread> pipelineThreads = new ArrayList<>();
            for (final Thread t : Thread.getAllStackTraces().keySet())
            {
                if (t.getName().startsWith("rivulet-alloc") && !t.getName().endsWith("-checkpoint") &&
                    !t.getName().endsWith("-progress"))
                {
                    pipelineThreads.add(t);
                }
            }
            assertEquals(2, pipelineThreads.size(), "a source thread and a stage thread: " + pipelineThreads);
            final long[] before = new long[pipelineThreads.size()];
            for (int i = 0; i < before.length; i++)
            {
                before[i] = threads.getThreadAllocatedBytes(pipelineThreads.get(i).getId());
            }
            final long appBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            publish(publisher, warmup, warmup + measured);
            final long appBytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - appBefore;
            await(() -> sink.lastSequence() == warmup + measured, "measured records");
            final StringBuilder report = new StringBuilder("app thread " + appBytes + " B");
            long maxBytes = appBytes;
            for (int i = 0; i < before.length; i++)
            {
                final long bytes = threads.getThreadAllocatedBytes(pipelineThreads.get(i).getId()) - before[i];
                report.append(", ").append(pipelineThreads.get(i).getName()).append(' ').append(bytes).append(" B");
                maxBytes = Math.max(maxBytes, bytes);
            }
            publisher.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            System.out.println("JournalPipelineTest allocation" + (checkpointed ? " (checkpointed, " +
                p.checkpointMetrics().checkpointsWritten() + " checkpoints)" : "") + ", " + measured + " records: " +
                report);
            // a Chronicle index block or a new mapped chunk now and then (journal module: < 3 KB per 200k records);
            // one object per record would be >= 16 MB
            assertTrue(maxBytes < 100_000, "allocated for " + measured + " records: " + report);
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
