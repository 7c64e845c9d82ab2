package io.rivulet.engine;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import io.rivulet.ringbuffer.internal.SlotDescriptor;
import io.rivulet.ringbuffer.internal.SlotHandler;
import io.rivulet.ringbuffer.internal.SlotRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Built-in sources publish committed records in batches ({@link SourceContext#beginBatch}): every record still
 * arrives, once and in order, on rings from the smallest up, behind a consumer that falls behind (a full ring
 * while records are held back must publish them, not wait for room only they could make), on a source thread
 * and on the stage's thread; never on a ring two sources share.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BatchPublishTest
{
    private static final Schema IDS = Schema.builder().int64("id").build();
    private static final LongField ID = IDS.longField("id");

    static Stream<Arguments> rings()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final int capacity : new int[]{2, 8, 64, 1024})
        {
            for (final WaitMode waitMode : new WaitMode[]{WaitMode.BACKOFF, WaitMode.YIELDING})
            {
                for (final boolean onStageThread : new boolean[]{false, true})
                {
                    cases.add(Arguments.of(capacity, waitMode, onStageThread));
                }
            }
        }
        return cases.stream();
    }

    /**
     * Two sources share a multi-producer ring (a join): a range publish by one would also publish the other's
     * claimed, unwritten slot, and the stage would read it. Batching is off there: each commit publishes its
     * own slot.
     */
    @Test
    void shouldNotPublishAnotherSourcesUnwrittenSlotOnASharedRing()
    {
        final SlotRing ring = SlotRing.create(16, IDS.recordLengthBytes(), WaitMode.BACKOFF, true);
        final SlotRing.Consumer consumer = ring.consumer();
        final PipelineRuntime runtime = new PipelineRuntime("shared-ring");
        final SourceContext a = new SourceContext("a", IDS, ring, runtime, 0);
        final SourceContext b = new SourceContext("b", IDS, ring, runtime, 1);
        a.beginBatch();
        a.claim().setLong(ID, 0);
        a.commit();                                     // sequence 0
        final RecordFlyweight beingWritten = b.claim(); // sequence 1: b is still writing it
        a.claim().setLong(ID, 2);
        a.commit();                                     // sequence 2
        a.endBatch();

        final List<Long> seen = new ArrayList<>();
        final SlotHandler handler = (buffer, offset, endOfBatch) ->
        {
            assertEquals(SlotDescriptor.TYPE_DATA, buffer.getInt(offset + SlotDescriptor.TYPE_OFFSET),
                "only written slots reach the consumer");
            seen.add(buffer.getLong(SlotDescriptor.recordOffset(offset) + IDS.field("id").offset()));
        };
        assertEquals(1, consumer.pollNow(handler), "the consumer stops before b's unwritten slot");
        beingWritten.setLong(ID, 1);
        b.commit();
        assertEquals(2, consumer.pollNow(handler));
        assertEquals(List.of(0L, 1L, 2L), seen);
        assertThrows(IllegalStateException.class, () -> ring.publish(0, 2), "no range publish on a shared ring");
    }

    /**
     * A generator is user code: on its own thread each record is published at its commit, not held back for the
     * next ones, which may be slow to come (here each waits until the sink has seen the one before).
     */
    @Test
    void shouldPublishEachGeneratedRecordAtItsCommit()
    {
        final AtomicLong seen = new AtomicLong(-1);
        final AtomicInteger timedOut = new AtomicInteger();
        final Source generator = Sources.generator(IDS, 0, 4, (i, r) ->
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (seen.get() < i - 1) // the record before reached the sink: it was published, not held back
            {
                if (System.nanoTime() > deadline)
                {
                    timedOut.incrementAndGet();
                    break;
                }
                Thread.onSpinWait();
            }
            r.setLong(ID, i);
        });
        try (Pipeline p = Pipeline.from(generator).to(record -> seen.set(record.getLong(ID))).start())
        {
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS));
        }
        assertEquals(0, timedOut.get(), "records held back from the sink");
        assertEquals(3, seen.get());
    }

    @ParameterizedTest(name = "ring {0}, {1}, source on stage thread: {2}")
    @MethodSource("rings")
    void shouldDeliverEveryRecordOnceInOrderBehindASlowConsumer(final int capacity, final WaitMode waitMode,
        final boolean onStageThread)
    {
        final long count = 200_000;
        final long[] next = new long[1];
        final long[] outOfOrder = {-1};
        final Sink sink = new Sink()
        {
            @Override
            public void onRecord(final RecordFlyweight record)
            {
                final long id = record.getLong(ID);
                if (id != next[0] && outOfOrder[0] < 0)
                {
                    outOfOrder[0] = next[0];
                }
                next[0] = id + 1;
                if (id % 4096 < 64)
                {
                    // fall behind now and then, so the producer meets a full ring with records held back
                    final long until = System.nanoTime() + 20_000;
                    while (System.nanoTime() < until)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
        };
        try (Pipeline p = Pipeline.from(Sources.generator(IDS, 0, count, (i, r) -> r.setLong(ID, i))).to(sink)
            .ringCapacity(capacity).waitMode(waitMode).sourceOnStageThread(onStageThread).start())
        {
            assertTrue(p.awaitCompletion(100, TimeUnit.SECONDS), "completes: no producer waits on itself");
            assertNull(p.failure());
        }
        assertEquals(-1, outOfOrder[0], "first record out of order");
        assertEquals(count, next[0], "every record arrived");
    }
}
