package io.rivulet.engine;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Built-in sources publish committed records in batches ({@link SourceContext#beginBatch}): every record still
 * arrives, once and in order, on rings from the smallest up, behind a consumer that falls behind (a full ring
 * while records are held back must publish them, not wait for room only they could make), on a source thread
 * and on the stage's thread.
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
