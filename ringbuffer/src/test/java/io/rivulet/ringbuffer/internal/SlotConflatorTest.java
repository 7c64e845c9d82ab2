package io.rivulet.ringbuffer.internal;

import io.rivulet.ringbuffer.WaitMode;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SlotConflator}: in-place replacement of a key's pending value, first-pending order, markers, slot reuse,
 * and a two-thread stress test against a slow consumer.
 * <pre>
 *   test record (32 bytes): | value (int64) | key (5 bytes: int32 + tag) ... | check = value * 31 + key | ~value |
 *                           0               8                                16                        24
 * </pre>
 * The 5-byte key exercises the byte-wise tail of the key hash and compare; the checks catch a torn record.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlotConflatorTest extends RingTestSupport
{
    private static final int RECORD_LENGTH = 32;
    private static final int[] KEY_OFFSETS = {8};
    private static final int[] KEY_LENGTHS = {5};
    private static final long WAIT_NS = 1_000_000;

    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(RECORD_LENGTH));

    private SlotRing conflatingRing(final int capacity)
    {
        return track(SlotRing.createConflating(capacity, RECORD_LENGTH, WaitMode.YIELDING, WAIT_NS, KEY_OFFSETS,
            KEY_LENGTHS));
    }

    private boolean offer(final SlotConflator conflator, final int key, final long value)
    {
        scratch.putLong(0, value);
        scratch.putInt(8, key);
        scratch.putByte(12, (byte)'k');
        scratch.putLong(16, value * 31 + key);
        scratch.putLong(24, ~value);
        return conflator.offer(scratch, 0, value, value);
    }

    /** One delivered slot: a record "key:value", or a marker "WATERMARK 10". */
    private static String describe(final UnsafeBuffer buffer, final int slotOffset)
    {
        final int type = buffer.getInt(slotOffset + SlotDescriptor.TYPE_OFFSET);
        if (type != SlotDescriptor.TYPE_DATA)
        {
            final long value = buffer.getLong(slotOffset + SlotDescriptor.MARKER_VALUE_OFFSET);
            return SlotDescriptor.typeName(type) + " " + value;
        }
        final int record = SlotDescriptor.recordOffset(slotOffset);
        return key(buffer, record) + ":" + value(buffer, slotOffset);
    }

    private static int key(final UnsafeBuffer buffer, final int record)
    {
        return buffer.getInt(record + 8);
    }

    /** The record's value, failing on a torn record (fields from two different writes). */
    private static long value(final UnsafeBuffer buffer, final int slotOffset)
    {
        final int record = SlotDescriptor.recordOffset(slotOffset);
        final long value = buffer.getLong(record);
        final int key = buffer.getInt(record + 8);
        if (buffer.getByte(record + 12) != 'k' || buffer.getLong(record + 16) != value * 31 + key ||
            buffer.getLong(record + 24) != ~value ||
            buffer.getLong(slotOffset + SlotDescriptor.INGEST_TIME_OFFSET) != value ||
            buffer.getLong(slotOffset + SlotDescriptor.SOURCE_INDEX_OFFSET) != value)
        {
            throw new AssertionError("torn record: key " + key + " value " + value);
        }
        return value;
    }

    private static List<String> drain(final SlotRing.Consumer consumer)
    {
        final List<String> out = new ArrayList<>();
        while (consumer.poll((buffer, offset, end) -> out.add(describe(buffer, offset))) > 0)
        {
            // until a wait ends without data
        }
        return out;
    }

    @Test
    void shouldReplacePendingValueInPlaceKeepingTheKeysFirstPendingPosition()
    {
        final SlotRing ring = conflatingRing(16);
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotConflator conflator = ring.conflator();
        offer(conflator, 1, 1);
        offer(conflator, 2, 1);
        offer(conflator, 1, 2);
        offer(conflator, 3, 1);
        offer(conflator, 2, 2);
        offer(conflator, 1, 3);

        assertEquals(List.of("1:3", "2:2", "3:1"), drain(consumer));
        assertEquals(3, conflator.conflated());
        assertEquals(0, conflator.fullWaits());
    }

    @Test
    void shouldAppendTheNewValueWhenThePendingOneWasAlreadyTaken()
    {
        final SlotRing ring = conflatingRing(16);
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotConflator conflator = ring.conflator();
        offer(conflator, 1, 1);
        offer(conflator, 2, 1);
        final List<String> out = new ArrayList<>();
        // the producer offers while the consumer holds key 1's slot: that value must not be written into it
        consumer.poll((buffer, offset, end) ->
        {
            out.add(describe(buffer, offset));
            if (out.size() == 1)
            {
                offer(conflator, 1, 2);
                offer(conflator, 1, 3); // replaces 1:2, which is pending in the new slot
                assertEquals("1:1", describe(buffer, offset), "a taken slot is never overwritten");
            }
        });
        out.addAll(drain(consumer));

        assertEquals(List.of("1:1", "2:1", "1:3"), out);
        assertEquals(1, conflator.conflated());
    }

    @Test
    void shouldNeverReplaceAValueAcrossAnEpochOrEndOfStream()
    {
        final SlotRing ring = conflatingRing(16);
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotConflator conflator = ring.conflator();
        offer(conflator, 1, 1);
        conflator.publishBarrier(SlotDescriptor.TYPE_EPOCH, 7);
        offer(conflator, 1, 2);
        offer(conflator, 1, 3);
        conflator.publishBarrier(SlotDescriptor.TYPE_END_OF_STREAM, 0);

        assertEquals(List.of("1:1", "EPOCH 7", "1:3", "END_OF_STREAM 0"), drain(consumer));
        assertEquals(1, conflator.conflated());
    }

    @Test
    void shouldLetANewerValueOvertakeAWatermarkAndCoalesceBackToBackWatermarks()
    {
        final SlotRing ring = conflatingRing(16);
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotConflator conflator = ring.conflator();
        offer(conflator, 1, 1);
        conflator.publishWatermark(10);
        conflator.publishWatermark(20);  // coalesces: nothing appended since 10
        offer(conflator, 1, 2);          // replaces 1:1, ahead of the watermark
        offer(conflator, 2, 1);          // a new key: appended after it
        conflator.publishWatermark(30);  // cannot move 20 past 2:1

        assertEquals(List.of("1:2", "WATERMARK 20", "2:1", "WATERMARK 30"), drain(consumer));
    }

    @Test
    void shouldCoalesceAWatermarkOnlyWhileItIsPending()
    {
        final SlotRing ring = conflatingRing(16);
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotConflator conflator = ring.conflator();
        conflator.publishWatermark(10);
        assertEquals(List.of("WATERMARK 10"), drain(consumer));
        conflator.publishWatermark(20);
        assertEquals(List.of("WATERMARK 20"), drain(consumer));
    }

    @ParameterizedTest
    @CsvSource({"16, 6", "64, 30", "256, 126"})
    void shouldDeliverEveryKeysLastValueInOrderOverManyWrapsAgainstAModel(final int capacity, final int keys)
    {
        // small rings, as many keys as never make the producer wait (2 x keys + 4 slots): wraps, evictions with
        // backward shifts and probe collisions abound
        final SlotRing ring = conflatingRing(capacity);
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotConflator conflator = ring.conflator();
        final long[] lastOffered = new long[keys];
        final long[] lastDelivered = new long[keys];
        Arrays.fill(lastOffered, -1);
        Arrays.fill(lastDelivered, -1);
        final long[] delivered = new long[1];
        final SplittableRandom random = new SplittableRandom(42);
        final SlotHandler check = (buffer, offset, end) ->
        {
            if (buffer.getInt(offset + SlotDescriptor.TYPE_OFFSET) != SlotDescriptor.TYPE_DATA)
            {
                return;
            }
            final int key = key(buffer, SlotDescriptor.recordOffset(offset));
            final long value = value(buffer, offset);
            assertTrue(value > lastDelivered[key], () -> "key " + key + ": " + value + " after " + lastDelivered[key]);
            lastDelivered[key] = value;
            delivered[0]++;
        };
        long value = 0;
        for (int step = 0; step < 200_000; step++)
        {
            final int action = random.nextInt(10);
            if (action < 7)
            {
                final int key = random.nextInt(keys);
                lastOffered[key] = ++value;
                assertTrue(offer(conflator, key, value));
            }
            else if (action == 7)
            {
                conflator.publishWatermark(value);
            }
            else if (ring.backlog() > 0) // an empty poll would wait for the timeout
            {
                consumer.poll(check);
            }
        }
        while (ring.backlog() > 0)
        {
            consumer.poll(check);
        }
        assertEquals(Arrays.toString(lastOffered), Arrays.toString(lastDelivered));
        assertEquals(value, delivered[0] + conflator.conflated(), "each offer is delivered or replaced, once");
        assertTrue(conflator.conflated() > 0);
        assertEquals(0, conflator.fullWaits());
    }

    @Test
    void shouldNeverWaitNorTearNorReorderAKeyBehindASlowConsumer() throws InterruptedException
    {
        final int keys = 100;
        final long records = 2_000_000;
        final SlotRing ring = conflatingRing(256); // >= 2 x keys + 4
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotConflator conflator = ring.conflator();
        final long[] lastOffered = new long[keys];
        final AtomicBoolean produced = new AtomicBoolean();
        final Thread producer = start("producer", () ->
        {
            final SplittableRandom random = new SplittableRandom(7);
            for (long v = 1; v <= records; v++)
            {
                final int key = random.nextInt(keys);
                lastOffered[key] = v;
                if (!offer(conflator, key, v))
                {
                    return;
                }
                if ((v & 63) == 0)
                {
                    conflator.publishWatermark(v);
                }
            }
            conflator.publishBarrier(SlotDescriptor.TYPE_END_OF_STREAM, 0);
            produced.set(true);
        });
        final long[] lastDelivered = new long[keys];
        Arrays.fill(lastDelivered, -1);
        final long[] lastWatermark = {Long.MIN_VALUE};
        final boolean[] ended = new boolean[1];
        final long[] delivered = new long[1];
        final long[] work = new long[1];
        final SlotHandler slowConsumer = (buffer, offset, end) ->
        {
            final int type = buffer.getInt(offset + SlotDescriptor.TYPE_OFFSET);
            if (ended[0])
            {
                throw new AssertionError("a slot after end of stream");
            }
            if (type == SlotDescriptor.TYPE_END_OF_STREAM)
            {
                ended[0] = true;
                return;
            }
            if (type == SlotDescriptor.TYPE_WATERMARK)
            {
                final long watermark = buffer.getLong(offset + SlotDescriptor.MARKER_VALUE_OFFSET);
                assertTrue(watermark > lastWatermark[0], "watermarks advance");
                lastWatermark[0] = watermark;
                return;
            }
            final int key = key(buffer, SlotDescriptor.recordOffset(offset));
            final long value = value(buffer, offset);
            if (value <= lastDelivered[key])
            {
                throw new AssertionError("key " + key + ": " + value + " after " + lastDelivered[key]);
            }
            lastDelivered[key] = value;
            delivered[0]++;
            for (int i = 0; i < 200; i++) // a slow consumer: the producer outruns it
            {
                work[0] += i ^ value;
            }
        };
        final long deadlineNs = System.nanoTime() + 50_000_000_000L;
        while (!ended[0] && System.nanoTime() < deadlineNs && threadFailure.get() == null)
        {
            consumer.poll(slowConsumer);
        }
        join(producer, 5_000);
        assertNoThreadFailure();
        assertTrue(ended[0], "end of stream delivered");
        assertTrue(produced.get());
        assertEquals(Arrays.toString(lastOffered), Arrays.toString(lastDelivered), "every key's last value");
        assertEquals(records, delivered[0] + conflator.conflated());
        assertTrue(conflator.conflated() > 0, "the consumer fell behind, so values were replaced");
        assertEquals(0, conflator.fullWaits(), "the producer never waited for the consumer");
        assertTrue(work[0] != 42);
    }

    @Test
    void shouldWaitRatherThanDropWhenMoreKeysArePendingThanTheRingHolds() throws InterruptedException
    {
        final int keys = 200;
        final long records = 200_000;
        final SlotRing ring = conflatingRing(64);
        final SlotRing.Consumer consumer = ring.consumer();
        final SlotConflator conflator = ring.conflator();
        final long[] lastOffered = new long[keys];
        final Thread producer = start("producer", () ->
        {
            for (long v = 1; v <= records; v++)
            {
                final int key = (int)(v % keys);
                lastOffered[key] = v;
                offer(conflator, key, v);
            }
            conflator.publishBarrier(SlotDescriptor.TYPE_END_OF_STREAM, 0);
        });
        final long[] lastDelivered = new long[keys];
        final boolean[] ended = new boolean[1];
        final long deadlineNs = System.nanoTime() + 50_000_000_000L;
        while (!ended[0] && System.nanoTime() < deadlineNs && threadFailure.get() == null)
        {
            consumer.poll((buffer, offset, end) ->
            {
                if (buffer.getInt(offset + SlotDescriptor.TYPE_OFFSET) == SlotDescriptor.TYPE_END_OF_STREAM)
                {
                    ended[0] = true;
                    return;
                }
                final int key = key(buffer, SlotDescriptor.recordOffset(offset));
                final long value = value(buffer, offset);
                assertTrue(value > lastDelivered[key]);
                lastDelivered[key] = value;
            });
        }
        join(producer, 5_000);
        assertNoThreadFailure();
        assertTrue(ended[0]);
        assertEquals(Arrays.toString(lastOffered), Arrays.toString(lastDelivered));
        assertTrue(conflator.fullWaits() > 0, "200 round-robin keys cannot all be pending in 64 slots");
    }

    @Test
    void shouldRefuseRecordsAndMarkersOnceHalted()
    {
        final SlotRing ring = conflatingRing(4);
        ring.consumer();
        ring.halt();
        assertFalse(offer(ring.conflator(), 1, 1));
        assertFalse(ring.conflator().publishWatermark(1));
        assertFalse(ring.conflator().publishBarrier(SlotDescriptor.TYPE_END_OF_STREAM, 0));
    }

    @Test
    void shouldHaveNoConflatorOnAPlainRingAndRejectBadKeyLayouts()
    {
        assertNull(track(SlotRing.create(4, RECORD_LENGTH, WaitMode.YIELDING, false)).conflator());
        assertNotNull(conflatingRing(4).conflator());
        assertThrows(IllegalArgumentException.class, () -> SlotRing.createConflating(
            4, RECORD_LENGTH, WaitMode.YIELDING, 0, new int[]{30}, new int[]{8}));
        assertThrows(IllegalArgumentException.class, () -> SlotRing.createConflating(
            4, RECORD_LENGTH, WaitMode.YIELDING, 0, new int[0], new int[0]));
    }
}
