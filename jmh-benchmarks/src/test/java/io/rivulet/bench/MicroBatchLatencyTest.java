package io.rivulet.bench;

import io.rivulet.engine.Trigger;
import io.rivulet.operators.window.OutputMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paced latency rig of {@code ./rivulet bench microbatch --paced} measures what it says: every measured input
 * record is counted once whether rows carry one record or an epoch's, and a window row is measured from the send of
 * the record that closed it (a due time computed too late would clamp rows to 0, one without the watermark bound
 * would add 100 ms). Short runs at 20k records/s: 0.5 s settling, 1.5 s measured.
 */
class MicroBatchLatencyTest
{
    private static final long RATE = 20_000;
    private static final long MEASURED = 30_000;

    @Test
    void shouldCountEveryMeasuredRecordOnceInContinuousUpdate()
    {
        final MicroBatchLatency.Config c = new MicroBatchLatency.Config(Trigger.continuous());
        MicroBatchLatency.runOnce(RATE, OutputMode.UPDATE, c.trigger, MEASURED, c);
        assertEquals(MEASURED, c.records.getTotalCount(), "records");
        assertEquals(MEASURED, c.result.actual.getTotalCount(), "rows: one per record");
        assertEquals(0, c.epochs);
    }

    @Test
    void shouldCountEveryMeasuredRecordOnceWhenAnEpochMergesThemIntoRows()
    {
        final MicroBatchLatency.Config c =
            new MicroBatchLatency.Config(Trigger.processingTime(Duration.ofMillis(100)));
        MicroBatchLatency.runOnce(RATE, OutputMode.UPDATE, c.trigger, MEASURED, c);
        // a row first measured may also carry its key's records of the settling half second: at most one each
        final long settled = RATE / 2;
        assertTrue(c.records.getTotalCount() >= MEASURED && c.records.getTotalCount() <= MEASURED + settled,
            "records counted: " + c.records.getTotalCount());
        assertTrue(c.result.actual.getTotalCount() < c.records.getTotalCount(), "rows merge records");
        assertTrue(c.epochs >= 5, "epochs: " + c.epochs);
        // a record waits for its epoch's end: the median is near half the interval, never above a few intervals
        final long p50Ms = TimeUnit.NANOSECONDS.toMillis(c.records.getValueAtPercentile(50));
        assertTrue(p50Ms >= 20 && p50Ms <= 300, "record p50 " + p50Ms + " ms");
    }

    @Test
    void shouldMeasureWindowRowsFromTheRecordThatClosedTheirWindow()
    {
        final MicroBatchLatency.Config c = new MicroBatchLatency.Config(Trigger.continuous());
        MicroBatchLatency.runOnce(RATE, OutputMode.APPEND, c.trigger, MEASURED, c);
        assertTrue(c.result.scheduled.getTotalCount() > 10_000, "window rows measured: " +
            c.result.scheduled.getTotalCount());
        assertTrue(c.result.scheduled.getMinValue() > 0, "a row measured before its window closed");
        assertTrue(c.result.scheduled.getMinValue() < TimeUnit.MILLISECONDS.toNanos(50),
            "the first row of a window came " + c.result.scheduled.getMinValue() + " ns after the close");
    }
}
