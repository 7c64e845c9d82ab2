package io.rivulet.engine;

import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Micro-batch triggers keep the hot path allocation-free: the app thread committing records (the source context
 * counting them into epochs), and the stage thread ending epochs, absorbing records into window state and
 * emitting the changed rows at each epoch's end (thread allocation counters, after a warm-up).
 */
class MicroBatchAllocationTest extends ThreadLeakCheck
{
    private static final Schema EVENTS = Schema.builder().int64("key").int64("value").timestamp("ts").build();
    private static final LongField KEY = EVENTS.longField("key");
    private static final LongField VALUE = EVENTS.longField("value");
    private static final LongField TS = EVENTS.longField("ts");

    @Test
    void shouldNotAllocatePerRecordUnderProcessingTimeOrAvailableNow()
    {
        for (final Trigger trigger : new Trigger[]{Trigger.processingTime(Duration.ofMillis(1)),
            Trigger.availableNow(10_000)})
        {
            measure(trigger);
        }
    }

    private static void measure(final Trigger trigger)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long warmup = 300_000;
        final long measured = 1_000_000;
        final AtomicLong epochs = new AtomicLong();
        final AtomicLong rows = new AtomicLong();
        final AtomicLong stageThread = new AtomicLong(-1);
        final Sink sink = new Sink()
        {
            @Override
            public void onRecord(final io.rivulet.ringbuffer.RecordFlyweight record)
            {
                rows.lazySet(rows.get() + 1);
            }

            @Override
            public void onEpoch(final long epochId)
            {
                stageThread.lazySet(Thread.currentThread().getId());
                epochs.lazySet(epochId);
            }
        };
        final PublisherSource publisher = Sources.publisher(EVENTS);
        try (Pipeline p = Pipeline.from(publisher).withWatermark("ts", 100)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count(), Aggregate.sum("value"))
            .to(sink).trigger(trigger).name("mb-alloc").waitMode(WaitMode.YIELDING).recordLatency(false)
            .progressInterval(0).start())
        {
            publish(publisher, 0, warmup);
            final long epochsAfterWarmup = warmup / 10_000;
            await(() -> epochs.get() >= (trigger.isAvailableNow() ? epochsAfterWarmup : 1), "warm-up epochs");
            final long stage = stageThread.get();
            final long stageBefore = threads.getThreadAllocatedBytes(stage);
            final long appBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            final long epochsBefore = epochs.get();
            publish(publisher, warmup, warmup + measured);
            final long appBytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - appBefore;
            final long target = trigger.isAvailableNow() ? (warmup + measured) / 10_000 : epochsBefore + 2;
            await(() -> epochs.get() >= target, "measured epochs");
            final long stageBytes = threads.getThreadAllocatedBytes(stage) - stageBefore;
            final String report = trigger + ": app thread " + appBytes + " B, stage thread " + stageBytes + " B, " +
                (epochs.get() - epochsBefore) + " epochs, " + rows.get() + " rows";
            System.out.println("MicroBatchAllocationTest " + measured + " records: " + report);
            publisher.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));
            // one object per record would be >= 16 MB
            assertTrue(appBytes < 100_000 && stageBytes < 100_000, report);
        }
    }

    private static void publish(final PublisherSource publisher, final long from, final long to)
    {
        for (long i = from; i < to; i++)
        {
            publisher.claim().setLong(KEY, i % 1_000).setLong(VALUE, i & 7).setLong(TS, 1_000_000 + i / 100);
            publisher.commit();
        }
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.yield();
        }
    }
}
