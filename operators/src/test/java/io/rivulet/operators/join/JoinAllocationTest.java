package io.rivulet.operators.join;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.Output;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once state reached its steady-state size, records and watermarks through the operators allocate nothing.
 */
class JoinAllocationTest
{
    private static final Schema EVENTS = Schema.builder().int32("k").timestamp("ts").int64("v").build();
    private static final IntField K = EVENTS.intField("k");
    private static final LongField TS = EVENTS.longField("ts");
    private static final long DELAY_MS = 200;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final RecordFlyweight record = new RecordFlyweight(EVENTS)
        .wrap(new UnsafeBuffer(new byte[EVENTS.recordLengthBytes()]), 0);
    private final CountingOutput out = new CountingOutput();

    @Test
    void shouldNotAllocatePerRecordWhenDeduplicating()
    {
        final Operator dedup = JoinOperators.dropDuplicates(EVENTS, "ts", 500, "k");
        final Operator watermark = Operators.withWatermark(EVENTS, "ts", DELAY_MS);
        dedup.open(out);
        watermark.open(dedup);

        feed(watermark, watermark, 0, 500_000, 1000); // warm up: JIT, table at its steady-state capacity
        final long tid = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(tid);
        feed(watermark, watermark, 500_000, 1_000_000, 1000);
        final long allocatedBytes = threads.getThreadAllocatedBytes(tid) - before;

        assertTrue(out.records > 100_000 && ((DeduplicateOperator)dedup).duplicatesDropped() > 100_000);
        assertTrue(allocatedBytes < 1024, "allocated " + allocatedBytes + " bytes over 1M records");
        dedup.close();
    }

    @Test
    void shouldNotAllocatePerRecordWhenJoining()
    {
        final TwoInputOperator join = JoinOperators.intervalJoin(EVENTS, EVENTS, "ts", "ts", new String[]{"k"},
            new String[]{"k"}, -50, 50);
        final Operator left = Operators.withWatermark(EVENTS, "ts", DELAY_MS);
        final Operator right = Operators.withWatermark(EVENTS, "ts", DELAY_MS);
        join.open(out);
        left.open(join.input(TwoInputOperator.LEFT));
        right.open(join.input(TwoInputOperator.RIGHT));

        feed(left, right, 0, 500_000, 20);
        final long tid = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(tid);
        final long recordsBefore = out.records;
        feed(left, right, 500_000, 1_000_000, 20);
        final long allocatedBytes = threads.getThreadAllocatedBytes(tid) - before;

        assertTrue(out.records - recordsBefore > 100_000, "matches: " + (out.records - recordsBefore));
        assertTrue(allocatedBytes < 1024, "allocated " + allocatedBytes + " bytes over 1M records");
        join.close();
    }

    /** Records 1 ms apart, up to {@link #DELAY_MS} out of order, alternating between two inputs. */
    private void feed(final Output a, final Output b, final int from, final int to, final int keys)
    {
        long seed = 42 + from;
        for (int i = from; i < to; i++)
        {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            final long jitterMs = (seed >>> 33) % DELAY_MS;
            record.setInt(K, (int)((seed >>> 20) % keys)).setLong(TS, 1_000_000L + i - jitterMs);
            ((i & 1) == 0 ? a : b).onRecord(record);
        }
    }

    private static final class CountingOutput implements Output
    {
        long records;

        @Override
        public void onRecord(final RecordFlyweight record)
        {
            records++;
        }

        @Override
        public void onWatermark(final long watermarkMs)
        {
        }

        @Override
        public void onEpoch(final long epochId)
        {
        }

        @Override
        public void onEndOfStream()
        {
        }
    }
}
