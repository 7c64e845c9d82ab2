package io.rivulet.ringbuffer.internal;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.WaitMode;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlotRingTest extends RingTestSupport
{
    private static final long NOT_RETURNED = Long.MIN_VALUE;

    @ParameterizedTest
    @ValueSource(ints = {3, 6, 100, 1023, 0, 1, -1, -8, Integer.MIN_VALUE})
    void shouldRejectCapacityThatIsNotPowerOfTwoOfAtLeastTwo(final int capacity)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SlotRing.create(capacity, 16, WaitMode.BLOCKING, false));
        assertEquals("Ring capacity must be a power of two >= 2, got " + capacity, ex.getMessage());
    }

    /** The thread that produces into a ring may also consume it with pollNow: it never waits for itself. */
    @ParameterizedTest
    @EnumSource(WaitMode.class)
    void shouldPollWhatIsPublishedWithoutWaitingOnTheProducersThread(final WaitMode waitMode)
    {
        final SlotRing ring = SlotRing.create(8, 8, waitMode, false, 0); // a poll() here would wait forever
        final SlotRing.Consumer consumer = ring.consumer();
        final List<Long> seen = new ArrayList<>();
        final SlotHandler handler = (buffer, offset, endOfBatch) ->
            seen.add(buffer.getLong(offset + SlotDescriptor.MARKER_VALUE_OFFSET));
        assertTrue(consumer.isDrained());
        assertEquals(0, consumer.pollNow(handler), "nothing published: returns at once");
        for (long v = 0; v < 3; v++)
        {
            assertTrue(ring.publishMarker(SlotDescriptor.TYPE_WATERMARK, 0, v));
        }
        assertFalse(consumer.isDrained());
        assertEquals(2, consumer.pollNow(handler), "a quarter of the ring per poll");
        assertFalse(consumer.isDrained());
        assertEquals(1, consumer.pollNow(handler));
        assertTrue(consumer.isDrained());
        assertEquals(List.of(0L, 1L, 2L), seen);
        ring.halt();
        assertEquals(-1, consumer.pollNow(handler), "halted and empty");
    }

    @Test
    void shouldAcceptSmallestCapacityAndEmptyRecord()
    {
        final SlotRing ring = SlotRing.create(2, 0, WaitMode.BLOCKING, false);
        assertEquals(2, ring.capacity());
        assertEquals(0, ring.recordLengthBytes());
        assertEquals(SlotDescriptor.HEADER_LENGTH, ring.slotLength());
    }

    @Test
    void shouldRejectNegativeRecordLength()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SlotRing.create(8, -1, WaitMode.BLOCKING, false));
        assertEquals("Record length must be >= 0, got -1", ex.getMessage());
    }

    @Test
    void shouldRejectNullWaitMode()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SlotRing.create(8, 16, null, false));
        assertEquals("waitMode is null; choose one of WaitMode.values()", ex.getMessage());
    }

    @Test
    void shouldRejectRingLargerThanTwoGiBBeforeAllocating()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SlotRing.create(1 << 30, 64, WaitMode.BLOCKING, false));
        assertTrue(ex.getMessage().contains("exceeds 2 GiB"), ex.getMessage());
    }

    @Test
    void shouldRejectSecondConsumer()
    {
        final SlotRing ring = ring(8, WaitMode.BLOCKING, false);
        ring.consumer();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, ring::consumer);
        assertEquals("SlotRing already has its consumer", ex.getMessage());
    }

    @Test
    void shouldLayOutSlotsAlignedAndWrapOffsets()
    {
        final SlotRing ring = ring(8, WaitMode.BLOCKING, false);
        assertEquals(SlotDescriptor.slotLength(SCHEMA.recordLengthBytes()), ring.slotLength());
        assertEquals(0, ring.slotLength() % 8);
        assertEquals(8 * ring.slotLength(), ring.buffer().capacity());
        assertEquals(0, ring.slotOffset(0));
        assertEquals(3 * ring.slotLength(), ring.slotOffset(3));
        assertEquals(0, ring.slotOffset(8));
        assertEquals(ring.slotLength(), ring.slotOffset(9));
        assertSame(WaitMode.BLOCKING, ring.waitMode());
    }

    @Test
    void shouldPublishMarkerWithTypeSourceAndValue()
    {
        final SlotRing ring = ring(8, WaitMode.BUSY_SPIN, false);
        final SlotRing.Consumer consumer = ring.consumer();
        final long beforeNs = System.nanoTime();

        assertTrue(ring.publishMarker(SlotDescriptor.TYPE_WATERMARK, 7, 1_000L));
        assertTrue(ring.publishMarker(SlotDescriptor.TYPE_EPOCH, 8, 42L));
        assertTrue(ring.publishMarker(SlotDescriptor.TYPE_END_OF_STREAM, 9, 0L));
        assertEquals(3, ring.backlog());

        final List<String> seen = new ArrayList<>();
        assertEquals(2, consumer.poll((buffer, offset, endOfBatch) ->
        {
            assertTrue(buffer.getLong(offset + SlotDescriptor.INGEST_TIME_OFFSET) >= beforeNs);
            seen.add(SlotDescriptor.typeName(buffer.getInt(offset + SlotDescriptor.TYPE_OFFSET)) + "/" +
                buffer.getInt(offset + SlotDescriptor.SOURCE_ID_OFFSET) + "/" +
                buffer.getLong(offset + SlotDescriptor.MARKER_VALUE_OFFSET));
        }), "at most a quarter of an 8-slot ring per poll");
        assertEquals(1, consumer.poll((buffer, offset, endOfBatch) -> seen.add(
            SlotDescriptor.typeName(buffer.getInt(offset + SlotDescriptor.TYPE_OFFSET)))));
        assertEquals(List.of("WATERMARK/7/1000", "EPOCH/8/42", "END_OF_STREAM"), seen);
        assertEquals(0, ring.backlog());
        assertEquals(2, consumer.sequence());
    }

    @Test
    void shouldHandAtMostAQuarterOfTheRingPerPollAndFlagTheLastSlotOfEachBatch()
    {
        final SlotRing ring = ring(16, WaitMode.BUSY_SPIN, false);
        final SlotRing.Consumer consumer = ring.consumer();
        assertEquals(-1, consumer.sequence());
        final RecordFlyweight record = new RecordFlyweight(SCHEMA);
        for (long v = 0; v < 10; v++)
        {
            final long sequence = ring.claim();
            assertEquals(v, sequence);
            writeData(ring, record, sequence, 0, v);
            ring.publish(sequence);
        }

        final List<Long> values = new ArrayList<>();
        final List<Boolean> endOfBatch = new ArrayList<>();
        final SlotHandler handler = (buffer, offset, last) ->
        {
            values.add(readData(buffer, offset, new RecordFlyweight(SCHEMA)));
            endOfBatch.add(last);
        };
        assertEquals(4, consumer.poll(handler));
        assertEquals(4, consumer.poll(handler));
        assertEquals(2, consumer.poll(handler));

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), values);
        assertEquals(List.of(false, false, false, true, false, false, false, true, false, true), endOfBatch);
        assertEquals(9, consumer.sequence());
    }

    @Test
    void shouldHintEachGroupOfSlotsBeforeHandlingItWhenTheHandlerPrefetches()
    {
        final SlotRing ring = ring(128, WaitMode.BUSY_SPIN, false);
        final SlotRing.Consumer consumer = ring.consumer();
        final RecordFlyweight record = new RecordFlyweight(SCHEMA);
        final int published = 2 * SlotRing.PREFETCH_GROUP + 3;
        for (long v = 0; v < published; v++)
        {
            final long sequence = ring.claim();
            writeData(ring, record, sequence, 0, v);
            ring.publish(sequence);
        }
        final List<String> calls = new ArrayList<>();
        final SlotHandler handler = new SlotHandler()
        {
            @Override
            public void onSlot(final UnsafeBuffer buffer, final int slotOffset, final boolean endOfBatch)
            {
                calls.add("slot " + readData(buffer, slotOffset, new RecordFlyweight(SCHEMA)) + (endOfBatch ? "!" : ""));
            }

            @Override
            public void prefetch(final UnsafeBuffer buffer, final int slotOffset)
            {
                calls.add("hint " + readData(buffer, slotOffset, new RecordFlyweight(SCHEMA)));
            }

            @Override
            public boolean prefetches()
            {
                return true;
            }
        };
        assertEquals(published, consumer.poll(handler));

        final List<String> expected = new ArrayList<>();
        for (int groupStart = 0; groupStart < published; groupStart += SlotRing.PREFETCH_GROUP)
        {
            final int groupEnd = Math.min(published, groupStart + SlotRing.PREFETCH_GROUP);
            for (int v = groupStart; v < groupEnd; v++)
            {
                expected.add("hint " + v);
            }
            for (int v = groupStart; v < groupEnd; v++)
            {
                expected.add("slot " + v + (v == published - 1 ? "!" : ""));
            }
        }
        assertEquals(expected, calls);
        assertEquals(published - 1, consumer.sequence());

        // a single slot is handled without a hint: nothing to overlap its miss with
        calls.clear();
        final long sequence = ring.claim();
        writeData(ring, record, sequence, 0, 99);
        ring.publish(sequence);
        assertEquals(1, consumer.poll(handler));
        assertEquals(List.of("slot 99!"), calls);
    }

    @Test
    void shouldBlockProducerOnFullRingAndResumeWithoutLossWhenConsumerDrains() throws Exception
    {
        final int capacity = 8;
        final int total = 50;
        final SlotRing ring = ring(capacity, WaitMode.BLOCKING, false);
        final SlotRing.Consumer consumer = ring.consumer();
        final AtomicInteger published = new AtomicInteger();

        final Thread producer = start("backpressure-producer", () ->
        {
            final RecordFlyweight record = new RecordFlyweight(SCHEMA);
            for (int i = 0; i < total; i++)
            {
                final long sequence = ring.claim();
                if (sequence == SlotRing.HALTED)
                {
                    throw new AssertionError("claim returned HALTED at record " + i);
                }
                writeData(ring, record, sequence, 0, 1_000 + i);
                ring.publish(sequence);
                published.incrementAndGet();
            }
        });

        awaitUntil(() -> published.get() == capacity, 5_000, "the producer to fill the ring");
        Thread.sleep(200);

        assertEquals(capacity, published.get(), "producer claimed past a full ring");
        assertTrue(producer.isAlive(), "producer should still be waiting in claim()");
        assertEquals(capacity, ring.backlog());
        final RecordFlyweight reader = new RecordFlyweight(SCHEMA);
        for (int i = 0; i < capacity; i++)
        {
            assertEquals(1_000 + i, readData(ring.buffer(), ring.slotOffset(i), reader), "slot " + i + " overwritten");
        }

        final List<Long> values = new ArrayList<>();
        while (values.size() < total)
        {
            final int handled = consumer.poll((buffer, offset, last) -> values.add(readData(buffer, offset, reader)));
            if (handled < 0)
            {
                fail("ring halted after " + values.size() + " records: " + threadFailure.get());
            }
        }
        join(producer, 5_000);
        assertNoThreadFailure();

        for (int i = 0; i < total; i++)
        {
            assertEquals(1_000L + i, values.get(i), "record " + i);
        }
        assertEquals(0, ring.backlog());
        assertEquals(total - 1, consumer.sequence());
    }

    @ParameterizedTest(name = "multiProducer={0}")
    @ValueSource(booleans = {false, true})
    void shouldReleaseProducerBlockedOnFullRingWhenHalted(final boolean multiProducer) throws Exception
    {
        final SlotRing ring = ring(8, WaitMode.BLOCKING, multiProducer);
        final SlotRing.Consumer consumer = ring.consumer();
        final AtomicInteger published = new AtomicInteger();
        final AtomicLong blockedClaim = new AtomicLong(NOT_RETURNED);
        final AtomicBoolean markerPublished = new AtomicBoolean(true);

        final Thread producer = start("halt-producer", () ->
        {
            final RecordFlyweight record = new RecordFlyweight(SCHEMA);
            for (int i = 0; i < 8; i++)
            {
                final long sequence = ring.claim();
                writeData(ring, record, sequence, 0, i);
                ring.publish(sequence);
                published.incrementAndGet();
            }
            blockedClaim.set(ring.claim());
            markerPublished.set(ring.publishMarker(SlotDescriptor.TYPE_END_OF_STREAM, 0, 0));
        });

        awaitUntil(() -> published.get() == 8, 5_000, "the producer to fill the ring");
        Thread.sleep(100);
        assertEquals(NOT_RETURNED, blockedClaim.get(), "claim() on a full ring returned without a consumer");
        assertTrue(producer.isAlive());
        assertFalse(ring.isHalted());

        ring.halt();
        join(producer, 2_000);
        assertNoThreadFailure();

        assertTrue(ring.isHalted());
        assertEquals(SlotRing.HALTED, blockedClaim.get());
        assertFalse(markerPublished.get(), "publishMarker on a halted ring must report false");
        assertEquals(-1, consumer.poll((buffer, offset, last) -> fail("halted consumer must not hand out slots")));
        ring.halt();
        assertEquals(-1, consumer.poll((buffer, offset, last) -> fail("halted consumer must not hand out slots")));
    }

    @ParameterizedTest
    @EnumSource(WaitMode.class)
    void shouldReturnMinusOneToConsumerWaitingOnEmptyRingWhenHalted(final WaitMode waitMode) throws Exception
    {
        final SlotRing ring = ring(8, waitMode, false);
        final SlotRing.Consumer consumer = ring.consumer();
        final AtomicInteger pollResult = new AtomicInteger(Integer.MIN_VALUE);
        final AtomicBoolean polling = new AtomicBoolean();

        final Thread consumerThread = start("halt-consumer-" + waitMode, () ->
        {
            polling.set(true);
            int result;
            do
            {
                result = consumer.poll((buffer, offset, last) -> fail("empty ring handed out a slot"));
            }
            while (result == 0);
            pollResult.set(result);
        });

        awaitUntil(polling::get, 5_000, "the consumer to start polling");
        Thread.sleep(100);
        assertEquals(Integer.MIN_VALUE, pollResult.get(), "poll on an empty ring returned");
        assertTrue(consumerThread.isAlive());

        ring.halt();
        join(consumerThread, 2_000);
        assertNoThreadFailure();
        assertEquals(-1, pollResult.get());
    }

    @Test
    void shouldStartHaltedConsumerAndRefuseClaimsWhenHaltedBeforeUse()
    {
        final SlotRing ring = ring(8, WaitMode.YIELDING, false);
        ring.halt();
        final SlotRing.Consumer consumer = ring.consumer();

        assertEquals(-1, consumer.poll((buffer, offset, last) -> fail("halted consumer must not hand out slots")));
        assertEquals(SlotRing.HALTED, ring.claim());
        assertFalse(ring.publishMarker(SlotDescriptor.TYPE_WATERMARK, 0, 1));
        assertEquals(0, ring.backlog());
    }

    @Test
    void shouldKeepSlotContentUntilConsumedAcrossWrap()
    {
        final SlotRing ring = ring(4, WaitMode.BUSY_SPIN, false);
        final SlotRing.Consumer consumer = ring.consumer();
        final RecordFlyweight record = new RecordFlyweight(SCHEMA);
        final List<Long> values = new ArrayList<>();
        final SlotHandler handler = (UnsafeBuffer buffer, int offset, boolean last) ->
            values.add(readData(buffer, offset, new RecordFlyweight(SCHEMA)));

        for (long v = 0; v < 40; v++)
        {
            final long sequence = ring.claim();
            writeData(ring, record, sequence, 0, v);
            ring.publish(sequence);
            if (ring.backlog() == ring.capacity())
            {
                while (ring.backlog() > 0)
                {
                    assertTrue(consumer.poll(handler) > 0);
                }
            }
        }
        assertEquals(40, values.size());
        for (int i = 0; i < 40; i++)
        {
            assertEquals(i, values.get(i));
        }
    }

    @ParameterizedTest(name = "multiProducer={0}")
    @ValueSource(booleans = {false, true})
    void shouldTryClaimWithoutWaitingAndReportFullThenHalted(final boolean multiProducer)
    {
        final SlotRing ring = ring(4, WaitMode.BLOCKING, multiProducer);
        final SlotRing.Consumer consumer = ring.consumer();
        final RecordFlyweight record = new RecordFlyweight(SCHEMA);
        for (long v = 0; v < 4; v++)
        {
            final long sequence = ring.tryClaim();
            assertEquals(v, sequence);
            writeData(ring, record, sequence, 0, v);
            ring.publish(sequence);
        }
        assertEquals(SlotRing.FULL, ring.tryClaim(), "a full ring must answer FULL at once");
        assertEquals(SlotRing.FULL, ring.tryClaim(), "a FULL answer must not consume a slot");

        assertEquals(1, consumer.poll((buffer, offset, last) -> assertEquals(0, readData(buffer, offset, record))));
        final long sequence = ring.tryClaim();
        assertEquals(4, sequence, "a freed slot is claimable again");
        writeData(ring, record, sequence, 0, 4);
        ring.publish(sequence);

        ring.halt();
        assertEquals(SlotRing.HALTED, ring.tryClaim());
    }

    @ParameterizedTest(name = "multiProducer={0}")
    @ValueSource(booleans = {false, true})
    void shouldPublishAbortedClaimAsPaddingInItsPlaceAndFreeTheSlot(final boolean multiProducer)
    {
        final SlotRing ring = ring(4, WaitMode.BUSY_SPIN, multiProducer);
        final SlotRing.Consumer consumer = ring.consumer();
        final RecordFlyweight record = new RecordFlyweight(SCHEMA);

        long sequence = ring.claim();
        writeData(ring, record, sequence, 0, 10);
        ring.publish(sequence);
        sequence = ring.claim();
        writeData(ring, record, sequence, 0, 11); // half-filled by the app, then its fill failed
        ring.abort(sequence);
        sequence = ring.claim();
        writeData(ring, record, sequence, 0, 12);
        ring.publish(sequence);

        final List<String> seen = new ArrayList<>();
        final SlotHandler handler = (buffer, offset, last) ->
        {
            final int type = buffer.getInt(offset + SlotDescriptor.TYPE_OFFSET);
            seen.add(type == SlotDescriptor.TYPE_DATA ? "DATA " + readData(buffer, offset, record) :
                SlotDescriptor.typeName(type));
        };
        assertEquals(1, consumer.poll(handler));
        assertEquals(1, consumer.poll(handler));
        assertEquals(1, consumer.poll(handler));
        assertEquals(List.of("DATA 10", "PADDING", "DATA 12"), seen);
        assertEquals(0, ring.backlog(), "an aborted slot is released like any other");
    }

    /**
     * Disruptor's single-producer sequencer asserts (under -ea, as Surefire runs) that one thread claims forever.
     * The ring allows a hand-over with a happens-before edge: here a join.
     */
    @Test
    void shouldLetSingleProducerRingMoveToAnotherThreadAfterAHandOverUnderAssertions() throws Exception
    {
        assertTrue(SlotRing.class.desiredAssertionStatus(), "this test is meant to run with -ea");
        final SlotRing ring = ring(8, WaitMode.BUSY_SPIN, false);
        final SlotRing.Consumer consumer = ring.consumer();
        final RecordFlyweight record = new RecordFlyweight(SCHEMA);
        final long first = ring.claim();
        writeData(ring, record, first, 0, 1);
        ring.publish(first);

        final Thread second = start("handover-producer", () ->
        {
            final RecordFlyweight own = new RecordFlyweight(SCHEMA);
            for (long v = 2; v <= 3; v++)
            {
                final long sequence = ring.claim();
                writeData(ring, own, sequence, 0, v);
                ring.publish(sequence);
            }
        });
        join(second, 5_000);
        assertNoThreadFailure();
        final long back = ring.claim(); // and back to the first thread
        writeData(ring, record, back, 0, 4);
        ring.publish(back);

        final List<Long> values = new ArrayList<>();
        while (values.size() < 4)
        {
            consumer.poll((buffer, offset, last) -> values.add(readData(buffer, offset, record)));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), values);
    }

    /**
     * A producer waiting on a full ring follows the ring's wait mode: spinning modes never park (they keep their
     * latency), parking modes park (they give the core away).
     */
    @ParameterizedTest
    @EnumSource(WaitMode.class)
    void shouldWaitOnAFullRingTheWayTheWaitModeSays(final WaitMode waitMode) throws Exception
    {
        final SlotRing ring = ring(2, waitMode, false);
        ring.consumer();
        final AtomicBoolean waiting = new AtomicBoolean();
        final AtomicLong blockedClaim = new AtomicLong(NOT_RETURNED);
        final Thread producer = start("wait-mode-producer-" + waitMode, () ->
        {
            ring.publish(ring.claim());
            ring.publish(ring.claim());
            waiting.set(true);
            blockedClaim.set(ring.claim());
        });
        awaitUntil(waiting::get, 5_000, "the producer to fill the ring");

        final boolean parks = waitMode == WaitMode.BACKOFF || waitMode == WaitMode.BLOCKING;
        final long sampleUntilNs = System.nanoTime() + (parks ? 5_000_000_000L : 300_000_000L);
        int parkedSamples = 0;
        int samples = 0;
        while (System.nanoTime() < sampleUntilNs && !(parks && parkedSamples > 0))
        {
            if (producer.getState() == Thread.State.TIMED_WAITING)
            {
                parkedSamples++;
            }
            samples++;
            Thread.yield();
        }
        assertEquals(NOT_RETURNED, blockedClaim.get(), "claim() on a full ring returned");
        if (parks)
        {
            assertTrue(parkedSamples > 0, waitMode + " producer never parked in " + samples + " samples");
        }
        else
        {
            assertEquals(0, parkedSamples, waitMode + " producer parked in " + parkedSamples + " of " + samples +
                " samples");
        }
        ring.halt();
        join(producer, 5_000);
        assertEquals(SlotRing.HALTED, blockedClaim.get());
    }

    /**
     * A producer behind a stalled consumer parks 1 µs doubling to 1 ms (Agrona's backoff), not a fixed short park
     * that woke it ~14,000 times a second; the next claim starts over at the shortest park, so room that comes
     * quickly is still seen quickly. The parks are counted through the ring's hook, which frees a slot after a set
     * number of them: no sleeping, no timing.
     */
    @ParameterizedTest
    @EnumSource(value = WaitMode.class, names = {"BACKOFF", "BLOCKING"})
    void shouldLengthenParksOnAFullRingToTheCapAndStartOverWithTheNextClaim(final WaitMode waitMode)
    {
        final SlotRing ring = ring(2, waitMode, false);
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotHandler discard = (buffer, offset, endOfBatch) -> { };
        final List<Long> parksNs = new ArrayList<>();
        final int[] parksBeforeRoom = {0};
        ring.producerParker(parkNs ->
        {
            parksNs.add(parkNs);
            if (parksNs.size() == parksBeforeRoom[0])
            {
                assertEquals(1, consumer.pollNow(discard), "one slot freed");
            }
        });
        ring.publish(ring.claim());
        ring.publish(ring.claim());

        parksBeforeRoom[0] = 15;
        ring.publish(ring.claim());
        final List<Long> expectedNs = new ArrayList<>();
        for (long parkNs = 1_000; parkNs < 1_000_000; parkNs *= 2)
        {
            expectedNs.add(parkNs); // 1, 2, 4 .. 512 µs
        }
        while (expectedNs.size() < 15)
        {
            expectedNs.add(1_000_000L); // then 1 ms, however long the ring stays full
        }
        assertEquals(expectedNs, parksNs, waitMode + " parks while the ring stays full");

        parksNs.clear();
        parksBeforeRoom[0] = 3;
        ring.publish(ring.claim());
        assertEquals(List.of(1_000L, 2_000L, 4_000L), parksNs, "the next claim starts over at the shortest park");
    }

    /**
     * Parks that grow to 1 ms must not leave a consumer that drains the ring quickly idle until the producer's park
     * ends: the consumer wakes the parked producer when it frees slots. The producer's park here asks a minute,
     * so only that wake-up (or halt, which wakes it too) can end it within the test's timeout.
     */
    @ParameterizedTest
    @EnumSource(value = WaitMode.class, names = {"BACKOFF", "BLOCKING"})
    void shouldWakeAProducerParkedOnAFullRingWhenTheConsumerFreesASlot(final WaitMode waitMode) throws Exception
    {
        final SlotRing ring = ring(2, waitMode, false);
        final SlotRing.Consumer consumer = ring.consumer();
        final AtomicInteger parks = new AtomicInteger();
        ring.producerParker(parkNs ->
        {
            parks.incrementAndGet();
            LockSupport.parkNanos(60_000_000_000L);
        });
        final AtomicLong blockedClaim = new AtomicLong(NOT_RETURNED);
        final Thread producer = start("parked-producer-" + waitMode, () ->
        {
            ring.publish(ring.claim());
            ring.publish(ring.claim());
            blockedClaim.set(ring.claim());
        });
        awaitUntil(() -> parks.get() > 0 && producer.getState() == Thread.State.TIMED_WAITING, 5_000,
            "the producer to park on the full ring");
        assertEquals(NOT_RETURNED, blockedClaim.get(), "claim() on a full ring returned");

        assertEquals(1, consumer.pollNow((buffer, offset, endOfBatch) -> { }));
        join(producer, 5_000);
        assertEquals(2, blockedClaim.get(), "the third claim gets the slot the consumer freed");
    }
}
