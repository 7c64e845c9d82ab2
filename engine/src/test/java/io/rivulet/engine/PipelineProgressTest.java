package io.rivulet.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static io.rivulet.operators.Expr.col;
import static io.rivulet.operators.window.Aggregate.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class PipelineProgressTest extends ThreadLeakCheck
{
    private static final Schema TRADES = Schema.builder().symbol("sym", 4).int64("qty").timestamp("ts").build();
    private static final SymbolField SYM = TRADES.symbolField("sym");
    private static final LongField QTY = TRADES.longField("qty");
    private static final LongField TS = TRADES.longField("ts");
    private static final int KEYS = 10;
    private static final int ON_TIME = 1_000;
    private static final int LATE = 5;
    private static final long FIRST_INDEX = 100;

    /** A feed of ON_TIME rows at ts 0, 10, ..., 9990 over KEYS keys, then LATE rows at ts 0; journal-like indexes. */
    private static Source feed()
    {
        return Sources.feed(TRADES, "numbered", ctx -> {
            for (int i = 0; i < ON_TIME + LATE; i++)
            {
                final RecordFlyweight r = ctx.claim();
                if (r == null)
                {
                    return;
                }
                r.setSymbol(SYM, "K" + (i % KEYS)).setLong(QTY, 1).setLong(TS, i < ON_TIME ? i * 10L : 0);
                ctx.commit(System.nanoTime(), FIRST_INDEX + i);
            }
        });
    }

    @Test
    void shouldReportWhatWasFedOnItsOwnThread()
    {
        final CollectingSink sink = Sinks.collecting();
        final List<PipelineProgress> reports = new CopyOnWriteArrayList<>();
        final Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
        final Pipeline p = Pipeline.from(feed())
            .withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "sym")
            .agg(count(), io.rivulet.operators.window.Aggregate.sum("qty"))
            .to(sink).name("progress-fed").progressInterval(20).build();
        p.addProgressListener(progress -> {
            listenerThreads.add(Thread.currentThread().getName());
            reports.add(progress);
        });
        try (p)
        {
            p.start();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
        final PipelineProgress last = p.lastProgress();
        assertNotNull(last);
        assertEquals(last, reports.get(reports.size() - 1), "the final report reached the listener before close()");
        assertEquals(Set.of("rivulet-progress-fed-progress"), listenerThreads);
        for (int i = 0; i < reports.size(); i++)
        {
            assertEquals(i, reports.get(i).id());
            assertEquals(-1, reports.get(i).epochId());
        }

        final int rows = KEYS * 10;
        assertEquals(rows, sink.rows().size());
        assertEquals(ON_TIME + LATE, sum(reports, r -> r.numInputRows()));
        assertEquals(ON_TIME + LATE, sum(reports, r -> r.sources().get(0).numInputRows()));
        assertEquals(ON_TIME + LATE, sum(reports, r -> r.stages().get(0).numInputRows()));
        assertEquals(rows, sum(reports, r -> r.sink().numOutputRows()));
        assertEquals(rows, last.sink().totalOutputRows());
        assertEquals("collecting", last.sink().description().substring(0, "collecting".length()).toLowerCase());

        // positions: each report starts where the previous ended; the last ends at the last index fed
        long position = -1;
        for (final PipelineProgress r : reports)
        {
            assertEquals(position, r.sources().get(0).startPosition());
            position = r.sources().get(0).endPosition();
        }
        assertEquals(FIRST_INDEX + ON_TIME + LATE - 1, position);
        assertEquals("numbered", last.sources().get(0).description());

        // event time: the watermark after ts 9990 with no delay is 9989; min and max over the reports
        assertEquals(9_989, last.eventTime().watermarkMs());
        assertEquals(0, reports.stream().mapToLong(r -> r.eventTime().minMs())
            .filter(v -> v != PipelineProgress.NONE).min().orElseThrow());
        assertEquals(9_990, reports.stream().mapToLong(r -> r.eventTime().maxMs()).max().orElseThrow());

        // the window operator's state: every on-time row updated one (window, key) entry; the late ones dropped
        for (final PipelineProgress r : reports)
        {
            assertEquals(1, r.stateOperators().size());
        }
        assertTrue(last.stateOperators().get(0).operator().startsWith("window"), last.stateOperators()::toString);
        assertEquals(ON_TIME, sum(reports, r -> r.stateOperators().get(0).numRowsUpdated()));
        assertEquals(LATE, sum(reports, r -> r.stateOperators().get(0).numLateRowsDropped()));
        assertEquals(LATE, p.metrics().stages().get(0).lateRecordsDropped());
        assertEquals(0, last.stateOperators().get(0).numRowsTotal(), "every window closed at end of stream");
        assertEquals(0, last.stateOperators().get(0).offHeapBytes(), "released");
        assertFalse(last.toString().isEmpty());
    }

    @Test
    void shouldReportOpenStateLatencyAndRingsWhileRunning() throws InterruptedException
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(source)
            .withWatermark("ts", 0)
            .dropDuplicates("ts", 60_000, "sym")
            .where(col("qty").gt(0))
            .to(sink).name("progress-live").ringCapacity(64).progressInterval(10).start())
        {
            for (int i = 0; i < 3; i++)
            {
                source.claim().setSymbol(SYM, "S" + i).setLong(QTY, 1).setLong(TS, 1_000 + i);
                source.commit();
            }
            final PipelineProgress live = await(p, r -> r.stateOperators().get(0).numRowsTotal() == 3 &&
                r.stateOperators().get(0).offHeapBytes() > 0 && r.sink().totalOutputRows() == 3);
            assertTrue(live.stateOperators().get(0).operator().startsWith("dropDuplicates"),
                live.stateOperators()::toString);
            assertEquals(1, live.stages().size());
            final PipelineProgress.StageProgress stage = live.stages().get(0);
            assertEquals("rivulet-progress-live-stage-0", stage.name());
            assertEquals(64, stage.ringCapacity());
            assertTrue(stage.ringOccupancy() >= 0 && stage.ringOccupancy() <= 1);

            // the rows above may have been counted in an earlier report: send more and look for their latency
            for (int i = 0; i < 3; i++)
            {
                source.claim().setSymbol(SYM, "T" + i).setLong(QTY, 1).setLong(TS, 2_000 + i);
                source.commit();
            }
            final PipelineProgress withLatency = await(p, r -> r.stages().get(0).latencyP50Ns() !=
                PipelineProgress.NONE);
            final PipelineProgress.StageProgress s = withLatency.stages().get(0);
            assertTrue(s.latencyP50Ns() > 0 && s.latencyP50Ns() <= s.latencyP99Ns() &&
                s.latencyP99Ns() <= s.latencyP999Ns(), () -> withLatency.toJson());
            assertEquals(2_001, await(p, r -> r.eventTime().watermarkMs() == 2_001).eventTime().watermarkMs());
            source.endOfStream();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldWriteJsonThatParsesBackWithEveryField() throws Exception
    {
        final CollectingSink sink = Sinks.collecting();
        final PipelineProgress last;
        try (Pipeline p = Pipeline.from(feed())
            .withWatermark("ts", 0)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "sym")
            .agg(count())
            .to(sink).name("progress-json").start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            p.close();
            last = p.lastProgress();
        }
        final ObjectMapper mapper = new ObjectMapper();
        final JsonNode json = mapper.readTree(last.toJson());
        assertEquals(json, mapper.readTree(last.toPrettyJson()));
        assertEquals("progress-json", json.get("name").asText());
        assertEquals(last.id(), json.get("id").asLong());
        assertEquals(-1, json.get("epochId").asLong());
        assertEquals(last.timestampMs(), json.get("timestampMs").asLong());
        assertEquals(last.durationMs(), json.get("durationMs").asLong());
        assertEquals(last.numInputRows(), json.get("numInputRows").asLong());
        assertEquals(last.inputRowsPerSecond(), json.get("inputRowsPerSecond").asDouble());
        assertEquals(last.processedRowsPerSecond(), json.get("processedRowsPerSecond").asDouble());
        assertEquals(9_989, json.get("eventTime").get("watermarkMs").asLong());
        assertTrue(json.get("eventTime").has("minMs") && json.get("eventTime").has("maxMs"));

        final JsonNode state = json.get("stateOperators").get(0);
        assertEquals(last.stateOperators().get(0).operator(), state.get("operator").asText());
        for (final String field : List.of("stage", "numRowsTotal", "numRowsUpdated", "offHeapBytes",
            "numLateRowsDropped"))
        {
            assertTrue(state.get(field).isIntegralNumber(), field);
        }
        final JsonNode source = json.get("sources").get(0);
        assertEquals("numbered", source.get("description").asText());
        assertEquals(last.sources().get(0).startPosition(), source.get("startPosition").asLong());
        assertEquals(FIRST_INDEX + ON_TIME + LATE - 1, source.get("endPosition").asLong());
        assertEquals(last.sources().get(0).numInputRows(), source.get("numInputRows").asLong());
        assertEquals(KEYS * 10, json.get("sink").get("totalOutputRows").asLong());
        assertEquals(sink.rows().size(), json.get("sink").get("totalOutputRows").asLong());
        assertEquals(last.sink().numOutputRows(), json.get("sink").get("numOutputRows").asLong());
        final JsonNode stage = json.get("stages").get(0);
        assertEquals("rivulet-progress-json-stage-0", stage.get("name").asText());
        assertEquals(PipelineBuilder.DEFAULT_RING_CAPACITY, stage.get("ringCapacity").asInt());
        assertTrue(stage.get("ringOccupancy").isNumber() && stage.get("ringBacklog").isIntegralNumber());
        for (final String field : List.of("latencyP50Ns", "latencyP99Ns", "latencyP999Ns"))
        {
            final long value = last.stages().get(0).latencyP50Ns();
            assertTrue(stage.has(field), field);
            assertEquals(value == PipelineProgress.NONE, stage.get(field).isNull(), field);
        }
    }

    @Test
    void shouldDropListenersAndEndItsThreadOnClose()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger afterThrowing = new AtomicInteger();
        final Pipeline p = Pipeline.from(source).where(col("qty").gt(0)).to(Sinks.collecting())
            .name("progress-close").progressInterval(10).start();
        final Thread.UncaughtExceptionHandler quiet = (t, e) -> { };
        p.addProgressListener(progress -> {
            Thread.currentThread().setUncaughtExceptionHandler(quiet);
            calls.incrementAndGet();
            throw new IllegalStateException("a listener that throws must not stop the reports");
        });
        p.addProgressListener(progress -> afterThrowing.incrementAndGet());
        source.claim().setSymbol(SYM, "A").setLong(QTY, 1).setLong(TS, 1);
        source.commit();
        awaitTrue(() -> afterThrowing.get() >= 3 && calls.get() >= 3);
        p.close();

        assertEquals(0, p.progressReporter().listenerCount(), "listeners dropped with the final report");
        assertFalse(threadAlive("rivulet-progress-close-progress"), "the progress thread ended in close()");
        final int seen = afterThrowing.get();
        p.addProgressListener(progress -> fail("called after close"));
        assertEquals(0, p.progressReporter().listenerCount(), "a listener added after close is not kept");
        assertEquals(1, p.lastProgress().sink().totalOutputRows());
        assertEquals(seen, afterThrowing.get());
    }

    @Test
    void shouldKeepReportingWhenAListenerThrowsAnErrorOrACheckedException()
    {
        // only RuntimeException was caught: any other Throwable ended the progress thread, and with it the other
        // listeners, the later reports and the final one, while awaitCompletion still returned true
        final List<Throwable> kinds = List.of(new AssertionError("listener assert"), new OutOfMemoryError("fake"),
            new Exception("checked, sneaky-thrown"), new IllegalStateException("runtime"));
        for (final Throwable kind : kinds)
        {
            final PublisherSource source = Sources.publisher(TRADES);
            final List<Throwable> handled = new CopyOnWriteArrayList<>();
            final List<PipelineProgress> seen = new CopyOnWriteArrayList<>();
            final Pipeline p = Pipeline.from(source).to(Sinks.collecting()).name("progress-throws")
                .progressInterval(10).build();
            p.addProgressListener(progress -> {
                Thread.currentThread().setUncaughtExceptionHandler((t, e) -> handled.add(e));
                PipelineProgressTest.<RuntimeException>sneakyThrow(kind);
            });
            p.addProgressListener(seen::add);
            try (p)
            {
                p.start();
                source.claim().setSymbol(SYM, "A").setLong(QTY, 1).setLong(TS, 1);
                source.commit();
                awaitTrue(() -> seen.size() >= 3 && handled.size() >= 3);
                source.endOfStream();
                assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS), kind.toString());
                final PipelineProgress last = p.lastProgress();
                assertEquals(1, last.sink().totalOutputRows(), kind.toString());
                assertEquals(last, seen.get(seen.size() - 1), kind + ": the other listener saw the final report");
                assertTrue(handled.stream().allMatch(e -> e == kind), kind + ": the handler got it: " + handled);
            }
        }
    }

    @Test
    void shouldNotReturnTrueFromAwaitCompletionWhileAListenerIsInTheFinalReport() throws InterruptedException
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final java.util.concurrent.CountDownLatch inFinal = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final List<PipelineProgress> seen = new CopyOnWriteArrayList<>();
        // an interval longer than the test: the only report is the final one
        final Pipeline p = Pipeline.from(source).to(Sinks.collecting()).name("progress-slow")
            .progressInterval(600_000).build();
        p.addProgressListener(progress -> {
            inFinal.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            seen.add(progress);
        });
        p.start();
        try
        {
            source.claim().setSymbol(SYM, "A").setLong(QTY, 1).setLong(TS, 1);
            source.commit();
            source.endOfStream();
            assertTrue(inFinal.await(10, TimeUnit.SECONDS));
            assertFalse(p.awaitCompletion(200, TimeUnit.MILLISECONDS),
                "the listener has not returned from the final report");
            assertTrue(seen.isEmpty());
            release.countDown();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            assertEquals(List.of(p.lastProgress()), seen, "true once the listener returned from the final report");
        }
        finally
        {
            release.countDown();
            p.close();
        }
    }

    @Test
    void shouldThrowFromCloseNamingTheProgressThreadWhenAListenerIgnoresInterrupts()
    {
        final java.util.concurrent.CountDownLatch inFinal = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final List<PipelineProgress> seen = new CopyOnWriteArrayList<>();
        final Pipeline p = Pipeline.from(Sources.publisher(TRADES)).to(Sinks.collecting()).name("progress-stuck")
            .progressInterval(600_000).build();
        p.runtime().closeTimeout(300);
        p.addProgressListener(progress -> {
            inFinal.countDown();
            while (release.getCount() > 0)
            {
                try
                {
                    release.await();
                }
                catch (final InterruptedException ignored)
                {
                    // the listener this test is about: it ignores close()'s interrupts
                }
            }
            seen.add(progress);
        });
        p.start();
        try
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, p::close);
            assertTrue(ex.getMessage().contains("rivulet-progress-stuck-progress"), ex.getMessage());
            assertTrue(ex.getMessage().contains("progress listener"), ex.getMessage());
            assertEquals(0, inFinal.getCount(), "the listener was in the final report");
        }
        finally
        {
            release.countDown();
        }
        awaitTrue(() -> !threadAlive("rivulet-progress-stuck-progress"));
        assertEquals(1, seen.size(), "the final report, delivered once the listener returned");
        assertEquals(seen.get(0), p.lastProgress());
        p.close(); // the thread is gone now: returns normally
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(final Throwable t) throws T
    {
        throw (T)t;
    }

    @Test
    void shouldMakeTheFinalReportWhenClosedFromACallback()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final java.util.concurrent.atomic.AtomicReference<Pipeline> self =
            new java.util.concurrent.atomic.AtomicReference<>();
        final List<PipelineProgress> reports = new CopyOnWriteArrayList<>();
        final Pipeline p = Pipeline.from(source).to(record -> self.get().close()).name("progress-callback")
            .progressInterval(60_000).build();
        self.set(p);
        p.addProgressListener(reports::add);
        p.start();
        source.claim().setSymbol(SYM, "A").setLong(QTY, 1).setLong(TS, 1);
        source.commit();
        awaitTrue(() -> !threadAlive("rivulet-progress-callback-progress"));
        assertEquals(1, reports.size(), "one report: the final one, long before the interval");
        assertEquals(1, reports.get(0).sink().totalOutputRows());
        assertEquals(0, p.progressReporter().listenerCount());
        p.close();
    }

    /** A listener that closes the pipeline: the listeners still get the final report (they were dropped first). */
    @Test
    void shouldGiveTheFinalReportToTheListenersWhenAListenerClosesThePipeline()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final List<Long> epochs = new CopyOnWriteArrayList<>();
        final Pipeline p = Pipeline.from(source).to(Sinks.collecting()).name("progress-listener-closes")
            .progressInterval(60_000).build();
        p.addProgressListener(progress ->
        {
            epochs.add(progress.epochId());
            if (progress.epochId() == 7)
            {
                p.close();
            }
        });
        p.start();
        p.progressReporter().requestReport(7);
        awaitTrue(() -> !threadAlive("rivulet-progress-listener-closes-progress"));
        assertEquals(List.of(7L, -1L), epochs, "the report that closed it, then the final one");
        assertEquals(0, p.progressReporter().listenerCount());
        p.close();
    }

    @Test
    void shouldHaveMadeTheFinalReportWhenAwaitCompletionReturnsOrThrows()
    {
        for (int run = 0; run < 20; run++) // the final report used to come a moment after awaitCompletion returned
        {
            final CollectingSink sink = Sinks.collecting();
            final List<PipelineProgress> reports = new CopyOnWriteArrayList<>();
            final Pipeline p = Pipeline.from(feed()).to(sink).name("progress-await").progressInterval(60_000).build();
            p.addProgressListener(reports::add);
            p.start();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            final PipelineProgress last = p.lastProgress();
            assertNotNull(last, "run " + run);
            assertEquals(ON_TIME + LATE, last.sink().totalOutputRows(), "run " + run);
            assertEquals(List.of(last), reports, "run " + run + ": the listener got it before awaitCompletion returned");
            p.close();
        }
        // closed from a callback: awaitCompletion throws, and the final report is there as it does
        final PublisherSource source = Sources.publisher(TRADES);
        final java.util.concurrent.atomic.AtomicReference<Pipeline> self =
            new java.util.concurrent.atomic.AtomicReference<>();
        final Pipeline p = Pipeline.from(source).to(record -> self.get().close()).name("progress-await-closed")
            .progressInterval(60_000).build();
        self.set(p);
        p.start();
        source.claim().setSymbol(SYM, "A").setLong(QTY, 1).setLong(TS, 1);
        source.commit();
        assertThrows(PipelineClosedException.class, () -> p.awaitCompletion(10, TimeUnit.SECONDS));
        assertNotNull(p.lastProgress());
        assertEquals(1, p.lastProgress().sink().totalOutputRows());
        p.close();
    }

    @Test
    void shouldReportAnEventTimeOfLongMinValueAsAValue() throws Exception
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final List<PipelineProgress> reports = new CopyOnWriteArrayList<>();
        final Pipeline p = Pipeline.from(source).withWatermark("ts", 0).to(Sinks.collecting())
            .name("progress-min").progressInterval(60_000).build();
        p.addProgressListener(reports::add);
        p.start();
        source.claim().setSymbol(SYM, "A").setLong(QTY, 1).setLong(TS, Long.MIN_VALUE);
        source.commit();
        source.claim().setSymbol(SYM, "A").setLong(QTY, 1).setLong(TS, 5);
        source.commit();
        source.endOfStream();
        assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        p.close();
        final PipelineProgress.EventTimeProgress eventTime = reports.get(reports.size() - 1).eventTime();
        assertTrue(eventTime.hasRange());
        assertEquals(Long.MIN_VALUE, eventTime.minMs());
        assertEquals(5, eventTime.maxMs());
        final JsonNode json = new ObjectMapper().readTree(reports.get(reports.size() - 1).toJson()).get("eventTime");
        assertEquals(Long.MIN_VALUE, json.get("minMs").asLong(), json::toString);
        assertTrue(json.get("minMs").isNumber(), json::toString);
        assertEquals(5, json.get("maxMs").asLong());

        final Pipeline none = Pipeline.from(Sources.publisher(TRADES)).to(Sinks.collecting()).name("progress-none")
            .progressInterval(60_000).start();
        none.close();
        assertFalse(none.lastProgress().eventTime().hasRange());
        assertEquals(PipelineProgress.NONE, none.lastProgress().eventTime().minMs());
        assertTrue(new ObjectMapper().readTree(none.lastProgress().toJson()).get("eventTime").get("minMs").isNull());
    }

    @Test
    void shouldReportTheLatencyOfExactlyTheRowsEachReportCounts()
    {
        for (int run = 0; run < 10; run++) // many epochs: reports come back to back, while rows still arrive
        {
            final List<PipelineProgress> reports = new CopyOnWriteArrayList<>();
            final Pipeline p = Pipeline.from(feed()).to(Sinks.collecting()).name("progress-latency")
                .trigger(Trigger.availableNow(10)).progressInterval(60_000).build();
            p.addProgressListener(reports::add);
            p.start();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
            p.close();
            long rows = 0;
            for (final PipelineProgress r : reports)
            {
                final PipelineProgress.StageProgress sinkStage = r.stages().get(r.stages().size() - 1);
                assertEquals(r.sink().numOutputRows() > 0, sinkStage.latencyP50Ns() != PipelineProgress.NONE,
                    "run " + run + ": " + r);
                rows += r.sink().numOutputRows();
                assertEquals(rows, r.sink().totalOutputRows(), "run " + run + ": " + r);
            }
            assertEquals(ON_TIME + LATE, rows, "run " + run);
        }
    }

    @Test
    void shouldReportAJoinsBufferedRecordsAsState()
    {
        final Schema orders = Schema.builder().symbol("sym", 4).int64("orderId").timestamp("ts").build();
        final Schema fills = Schema.builder().symbol("sym", 4).int64("fillId").timestamp("ts").build();
        final CollectingSink sink = Sinks.collecting();
        final List<PipelineProgress> reports = new CopyOnWriteArrayList<>();
        final Pipeline p = Pipeline.from(Sources.rows(orders,
                new Object[]{"A", 1L, 1_000L}, new Object[]{"B", 2L, 1_010L}, new Object[]{"A", 3L, 1_020L}))
            .withWatermark("ts", 100)
            .intervalJoin(Pipeline.from(Sources.rows(fills,
                    new Object[]{"A", 10L, 1_005L}, new Object[]{"B", 20L, 1_015L}))
                .withWatermark("ts", 100), new String[]{"sym"}, "ts", 0, 50)
            .to(sink).name("progress-join").progressInterval(20).build();
        p.addProgressListener(reports::add);
        try (p)
        {
            p.start();
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
        assertEquals(sink.rows().size(), p.lastProgress().sink().totalOutputRows());
        final List<PipelineProgress.StateOperatorProgress> last = p.lastProgress().stateOperators();
        assertEquals(1, last.size(), last::toString);
        assertTrue(last.get(0).operator().startsWith("intervalJoin"), last.get(0).operator());
        assertEquals(0, last.get(0).stage());
        assertEquals(5, sum(reports, r -> r.stateOperators().get(0).numRowsUpdated()), "every record buffered");
    }

    @Test
    void shouldReportNothingWhenTurnedOffAndRefuseBadIntervals()
    {
        final PipelineBuilder builder = Pipeline.from(Sources.publisher(TRADES)).to(Sinks.collecting());
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> builder.progressInterval(-1));
        assertTrue(bad.getMessage().contains("progressInterval"), bad.getMessage());
        try (Pipeline p = builder.name("progress-off").progressInterval(0).start())
        {
            assertNull(p.lastProgress());
            final IllegalStateException off = assertThrows(IllegalStateException.class,
                () -> p.addProgressListener(progress -> { }));
            assertTrue(off.getMessage().contains("progressInterval(0)"), off.getMessage());
            assertFalse(threadAlive("rivulet-progress-off-progress"));
        }
    }

    @Test
    void shouldTagAReportRequestedForAnEpoch()
    {
        final PublisherSource source = Sources.publisher(TRADES);
        try (Pipeline p = Pipeline.from(source).to(Sinks.collecting()).name("progress-epoch")
            .progressInterval(60_000).start())
        {
            p.progressReporter().requestReport(7);
            assertEquals(7, await(p, r -> r.epochId() == 7).epochId());
            assertEquals(0, p.lastProgress().id(), "the first report, long before the interval");
        }
    }

    /**
     * An epoch's report still pending when the pipeline ended used to become the final report, tagged with the
     * epoch: no report with -1 came, though the README promises the last one is -1. The epoch now keeps its report
     * and the final one follows it.
     */
    @Test
    void shouldMakeAnEpochReportPendingAtTheEndAndThenTheFinalReport() throws InterruptedException
    {
        final PublisherSource source = Sources.publisher(TRADES);
        final List<Long> epochs = new CopyOnWriteArrayList<>();
        final CountDownLatch inFirstReport = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Pipeline p = Pipeline.from(source).to(Sinks.collecting()).name("progress-pending-epoch")
            .progressInterval(60_000).build();
        p.addProgressListener(progress ->
        {
            epochs.add(progress.epochId());
            if (progress.epochId() == 7)
            {
                inFirstReport.countDown();
                try
                {
                    release.await(); // the pipeline ends meanwhile, with epoch 8's report requested
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        });
        p.start();
        p.progressReporter().requestReport(7);
        assertTrue(inFirstReport.await(10, TimeUnit.SECONDS));
        p.progressReporter().requestReport(8);
        source.endOfStream();
        awaitTrue(() -> p.runtime().isTerminated());
        release.countDown();
        assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        assertEquals(List.of(7L, 8L, -1L), epochs);
        assertEquals(-1, p.lastProgress().epochId());
        p.close();
    }

    private static long sum(final List<PipelineProgress> reports, final java.util.function.ToLongFunction<PipelineProgress> f)
    {
        return reports.stream().mapToLong(f).sum();
    }

    private static PipelineProgress await(final Pipeline p, final Predicate<PipelineProgress> condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final PipelineProgress last = p.lastProgress();
            if (last != null && condition.test(last))
            {
                return last;
            }
            LockSupport.parkNanos(1_000_000); // poll the condition, leave the cores to the pipeline
        }
        return fail("no progress report met the condition in 10 s; last: " +
            (p.lastProgress() == null ? null : p.lastProgress().toJson()));
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("condition not met in 10 s");
            }
            LockSupport.parkNanos(1_000_000); // poll the condition, leave the cores to the pipeline
        }
    }

    private static boolean threadAlive(final String name)
    {
        final List<String> names = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.isAlive())
            {
                names.add(t.getName());
            }
        }
        return Collections.frequency(names, name) > 0;
    }
}
