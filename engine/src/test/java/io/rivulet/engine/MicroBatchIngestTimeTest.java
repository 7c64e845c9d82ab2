package io.rivulet.engine;

import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link PipelineMetrics#latencyNs()} measures for an aggregation's rows under a micro-batch trigger: an
 * UPDATE row leaves at the epoch's end but carries the ingest time of the last record that changed it, so its
 * latency includes the wait for the epoch (not only epoch end to sink).
 */
class MicroBatchIngestTimeTest extends ThreadLeakCheck
{
    private static final Schema EVENTS = Schema.builder().int64("key").timestamp("ts").build();
    private static final LongField KEY = EVENTS.longField("key");
    private static final LongField TS = EVENTS.longField("ts");
    private static final int KEYS = 3;

    @Test
    void shouldMeasureAMicroBatchUpdateRowFromItsLastChangeThroughTheWaitForTheEpoch()
    {
        final Map<Long, Long> rowIngestTimesNs = new TreeMap<>();
        final Sink sink = new Sink()
        {
            private LongField key;

            @Override
            public void open(final Schema schema)
            {
                key = schema.longField("key");
            }

            @Override
            public synchronized void onRecord(final RecordFlyweight record)
            {
                assertEquals(null, rowIngestTimesNs.put(record.getLong(key), record.ingestTimeNs()),
                    "one row per key: the only epoch ends with the stream");
            }
        };
        final PublisherSource publisher = Sources.publisher(EVENTS);
        // an hour-long epoch: the only epoch's end is the end of stream, which this thread decides
        try (Pipeline p = Pipeline.from(publisher).withWatermark("ts", 100)
            .groupBy(WindowSpec.tumbling("ts", 3_600_000), "key").outputMode(OutputMode.UPDATE)
            .agg(Aggregate.count())
            .to(sink).trigger(Trigger.processingTime(Duration.ofHours(1))).name("mb-ingest").progressInterval(0)
            .start())
        {
            final Map<Long, Long> lastIngestTimesNs = new TreeMap<>();
            for (int i = 0; i < 30; i++)
            {
                final long key = i % KEYS;
                publisher.claim().setLong(KEY, key).setLong(TS, 1_000 + i);
                final long ingestTimeNs = System.nanoTime();
                publisher.commit(ingestTimeNs);
                lastIngestTimesNs.put(key, ingestTimeNs);
            }
            // not a synchronization: the rows' age at the epoch's end, which their latency must include
            final long epochWaitNs = TimeUnit.MILLISECONDS.toNanos(20);
            final long committedNs = System.nanoTime();
            while (System.nanoTime() - committedNs < epochWaitNs)
            {
                Thread.yield();
            }
            publisher.endOfStream();
            assertTrue(p.awaitCompletion(30, TimeUnit.SECONDS));

            synchronized (sink)
            {
                assertEquals(lastIngestTimesNs, rowIngestTimesNs,
                    "each row carries the ingest time of the last record that changed it, not the epoch's end");
            }
            final Histogram latencyNs = p.metrics().latencyNs();
            assertEquals(KEYS, latencyNs.getTotalCount());
            assertTrue(latencyNs.getMinValue() >= latencyNs.lowestEquivalentValue(epochWaitNs),
                "every row waited >= " + epochWaitNs + " ns for the epoch after its last change, the metric says " +
                    latencyNs.getMinValue() + " ns at least");
        }
    }
}
