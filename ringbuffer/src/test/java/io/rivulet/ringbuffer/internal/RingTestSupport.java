package io.rivulet.ringbuffer.internal;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.WaitMode;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test base for {@link SlotRing}: creates rings and threads that are cleaned up after each test, keeps the first
 * failure of any test thread, and fails a test that leaves one of its threads running (Chronicle
 * {@code QueueTestCommon} style).
 * <pre>
 *   record layout of the test schema: | seq (int64) | check = ~seq (int64) |
 * </pre>
 */
abstract class RingTestSupport
{
    static final Schema SCHEMA = Schema.builder().int64("seq").int64("check").build();
    static final LongField SEQ = SCHEMA.longField("seq");
    static final LongField CHECK = SCHEMA.longField("check");

    /** Body of a test thread; may throw, the first throwable is kept and reported. */
    @FunctionalInterface
    interface Body
    {
        void run() throws Exception;
    }

    private final List<SlotRing> rings = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    final AtomicReference<Throwable> threadFailure = new AtomicReference<>();

    SlotRing ring(final int capacity, final WaitMode waitMode, final boolean multiProducer)
    {
        final SlotRing ring = SlotRing.create(capacity, SCHEMA.recordLengthBytes(), waitMode, multiProducer);
        rings.add(ring);
        return ring;
    }

    /** Halts {@code ring} after the test and when a test thread fails. */
    SlotRing track(final SlotRing ring)
    {
        rings.add(ring);
        return ring;
    }

    Thread start(final String name, final Body body)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                threadFailure.compareAndSet(null, ex);
                // unblock the other side so the test fails fast instead of hanging
                rings.forEach(SlotRing::halt);
            }
        }, "slotring-test-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    /** Writes a data slot whose record carries {@code value} (and its complement as a torn-write check). */
    static void writeData(
        final SlotRing ring, final RecordFlyweight record, final long sequence, final int sourceId, final long value)
    {
        final UnsafeBuffer buffer = ring.buffer();
        final int offset = ring.slotOffset(sequence);
        buffer.putInt(offset + SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_DATA);
        buffer.putInt(offset + SlotDescriptor.SOURCE_ID_OFFSET, sourceId);
        buffer.putLong(offset + SlotDescriptor.INGEST_TIME_OFFSET, value);
        record.wrap(buffer, SlotDescriptor.recordOffset(offset)).setLong(SEQ, value).setLong(CHECK, ~value);
    }

    /** Reads the value of a data slot written by {@link #writeData}, failing on a torn or foreign slot. */
    static long readData(final UnsafeBuffer buffer, final int slotOffset, final RecordFlyweight record)
    {
        final int type = buffer.getInt(slotOffset + SlotDescriptor.TYPE_OFFSET);
        if (type != SlotDescriptor.TYPE_DATA)
        {
            throw new AssertionError("expected a DATA slot, got " + SlotDescriptor.typeName(type));
        }
        record.wrap(buffer, SlotDescriptor.recordOffset(slotOffset));
        final long value = record.getLong(SEQ);
        if (record.getLong(CHECK) != ~value || buffer.getLong(slotOffset + SlotDescriptor.INGEST_TIME_OFFSET) != value)
        {
            throw new AssertionError("torn slot for value " + value);
        }
        return value;
    }

    static void awaitUntil(final BooleanSupplier condition, final long timeoutMs, final String what)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("Timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    static void join(final Thread thread, final long timeoutMs) throws InterruptedException
    {
        thread.join(timeoutMs);
        if (thread.isAlive())
        {
            fail(thread.getName() + " still running after " + timeoutMs + " ms");
        }
    }

    void assertNoThreadFailure()
    {
        final Throwable t = threadFailure.get();
        if (t != null)
        {
            throw new AssertionError("test thread failed: " + t, t);
        }
    }

    @AfterEach
    void haltRingsAndCheckThreads() throws InterruptedException
    {
        rings.forEach(SlotRing::halt);
        final List<String> alive = new ArrayList<>();
        for (final Thread t : threads)
        {
            t.join(5_000);
            if (t.isAlive())
            {
                alive.add(t.getName());
            }
        }
        if (!alive.isEmpty())
        {
            fail("Leaked threads (still running 5 s after their rings were halted): " + alive);
        }
        assertNull(threadFailure.get(), () -> "test thread failed: " + threadFailure.get());
    }
}
