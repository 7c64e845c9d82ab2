package io.rivulet.ringbuffer.internal;

import io.rivulet.ringbuffer.WaitMode;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuietBackoffWaitStrategyTest
{
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    @Test
    void shouldStayOffTheCpuWhileTheRingIsQuietUnderBackoff() throws Exception
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        threads.setThreadCpuTimeEnabled(true);
        final SlotRing ring = SlotRing.create(64, 8, WaitMode.BACKOFF, false, TICK_NS);
        final SlotRing.Consumer consumer = ring.consumer();
        final AtomicLong slots = new AtomicLong();
        final AtomicLong cpuNs = new AtomicLong();
        final AtomicLong wallNs = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long measureNs = TimeUnit.SECONDS.toNanos(1);
        // the consumer's duty cycle as a stage runs it: poll, and on a timeout (no data for a tick) poll again
        final Thread stage = new Thread(() -> {
            try
            {
                final long startNs = System.nanoTime();
                final long startCpuNs = threads.getCurrentThreadCpuTime();
                while (System.nanoTime() - startNs < measureNs)
                {
                    slots.addAndGet(Math.max(0, consumer.poll((buffer, offset, endOfBatch) -> { })));
                }
                cpuNs.set(threads.getCurrentThreadCpuTime() - startCpuNs);
                wallNs.set(System.nanoTime() - startNs);
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        }, "quiet-consumer");
        stage.start();
        stage.join();
        assertNull(failure.get());
        assertEquals(0, slots.get());
        final double share = (double)cpuNs.get() / wallNs.get();
        // phased backoff restarted on every 10 ms timeout yields for 1 ms of each 11: ~9 % of a core
        assertTrue(share < 0.04, "an idle BACKOFF consumer used " + 100 * share + " % of a core");
    }

    @Test
    void shouldTakeDataThatArrivesWhileQuiet() throws Exception
    {
        final SlotRing ring = SlotRing.create(64, 8, WaitMode.BACKOFF, false, TICK_NS);
        final SlotRing.Consumer consumer = ring.consumer();
        assertEquals(0, consumer.poll((buffer, offset, endOfBatch) -> { }), "a tick without data");
        final Thread producer = new Thread(() -> {
            for (int i = 0; i < 3; i++)
            {
                ring.publish(ring.claim());
            }
        }, "producer");
        producer.start();
        long taken = 0;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (taken < 3 && System.nanoTime() - deadlineNs < 0)
        {
            taken += Math.max(0, consumer.poll((buffer, offset, endOfBatch) -> { }));
        }
        producer.join();
        assertEquals(3, taken);
    }
}
