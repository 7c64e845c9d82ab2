package io.rivulet.engine;

import io.rivulet.operators.process.KeyedContext;
import io.rivulet.operators.process.KeyedProcessFunction;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under {@code processingTime(d)} an epoch used to end only if a record or watermark came in it. Rows the clock
 * produces while the input is quiet (a processing-time window closing, a processing-time timer firing) then
 * waited for the next record or the end of stream, however long: a quiet feed never got its result, and a sink
 * writing per epoch never got the timer's row's {@code onEpoch}. Such rows now end an epoch on the clock.
 */
class MicroBatchClockRowsTest extends ThreadLeakCheck
{
    private static final Schema EVENTS = Schema.builder().symbol("key", 8).timestamp("ts").build();
    private static final SymbolField KEY = EVENTS.symbolField("key");
    private static final Schema TIMER_STATE = Schema.builder().int64("n").build();
    private static final Schema TIMER_ROWS = Schema.builder().symbol("key", 8).int64("firedAt").build();

    /** Rows with their epoch, and epoch ends, in arrival order. */
    private static final class EpochLog implements Sink
    {
        final List<String> events = new ArrayList<>();

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            throw new AssertionError("the engine gives a micro-batch sink the sequenced call");
        }

        @Override
        public synchronized void onRecord(final RecordFlyweight record, final long epoch, final long sequence)
        {
            events.add("row " + epoch);
        }

        @Override
        public synchronized void onEpoch(final long epochId)
        {
            events.add("epoch " + epochId);
        }

        /** @return the epoch of the first row, once an onEpoch of that id followed it; else -1. */
        synchronized long firstRowsEpochEnded()
        {
            final int row = events.stream().filter(e -> e.startsWith("row ")).findFirst().map(events::indexOf)
                .orElse(-1);
            if (row < 0)
            {
                return -1;
            }
            final long epoch = Long.parseLong(events.get(row).substring(4));
            return events.subList(row, events.size()).contains("epoch " + epoch) ? epoch : -1;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"processing-time window", "processing-time window on a later stage", "processing-time timer"})
    void shouldEndAnEpochForRowsTheClockProducedWhileTheInputIsQuiet(final String shape)
    {
        final PublisherSource publisher = Sources.publisher(EVENTS);
        final EpochLog sink = new EpochLog();
        final RecordStream rows;
        switch (shape)
        {
            case "processing-time timer" -> rows = Pipeline.from(publisher).processByKey(new String[]{"key"},
                TIMER_STATE, TIMER_ROWS, new KeyedProcessFunction()
                {
                    @Override
                    public void processRecord(final RecordFlyweight record, final KeyedContext ctx)
                    {
                        ctx.registerProcessingTimeTimer(System.currentTimeMillis() + 20);
                    }

                    @Override
                    public void onProcessingTimer(final long timestampMs, final KeyedContext ctx)
                    {
                        ctx.outputRecord().copySymbol(TIMER_ROWS.symbolField("key"), ctx.key(),
                            ctx.key().schema().symbolField("key")).setLong(TIMER_ROWS.longField("firedAt"),
                            timestampMs);
                        ctx.emit();
                    }
                });
            case "processing-time window on a later stage" -> rows = Pipeline.from(publisher).async()
                .withProcessingTime("ts").groupBy(WindowSpec.tumbling("ts", 50), "key")
                .outputMode(OutputMode.APPEND).agg(Aggregate.count());
            default -> rows = Pipeline.from(publisher).withProcessingTime("ts")
                .groupBy(WindowSpec.tumbling("ts", 50), "key").outputMode(OutputMode.APPEND).agg(Aggregate.count());
        }
        try (Pipeline p = rows.to(sink).trigger(Trigger.processingTime(Duration.ofMillis(5))).progressInterval(0)
            .start())
        {
            for (int i = 0; i < 3; i++)
            {
                publisher.claim().setSymbol(KEY, "a");
                publisher.commit();
            }
            // no more input: the window closes (the timer fires) on the clock, and its epoch must end on it too
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sink.firstRowsEpochEnded() < 0 && System.nanoTime() - deadlineNs < 0 && p.failure() == null)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polls the condition, 2 cores
            }
            synchronized (sink)
            {
                assertTrue(sink.firstRowsEpochEnded() > 0, shape + ": the row's epoch never ended while the " +
                    "input was quiet: " + sink.events);
            }
            publisher.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            assertEquals(null, p.failure());
        }
    }
}
