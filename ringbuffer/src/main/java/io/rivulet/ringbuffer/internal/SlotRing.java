package io.rivulet.ringbuffer.internal;

import io.rivulet.ringbuffer.WaitMode;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.MultiProducerSequencer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.Sequencer;
import com.lmax.disruptor.SingleProducerSequencer;
import com.lmax.disruptor.TimeoutException;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * A ring of fixed-size slots in off-heap memory, sequenced by a Disruptor {@link Sequencer}, with one consumer.
 * <pre>
 *   producer(s)                                  consumer (one stage thread)
 *   claim() -> seq   write slot   publish(seq)   poll(handler): waitFor(next) .. available, in order
 *          \____________ off-heap UnsafeBuffer: capacity x slotLength ____________/
 *   the consumer's Sequence gates the producers: a full ring makes claim() wait, never overwrite or drop
 * </pre>
 * Data records and markers share the ring (see {@link SlotDescriptor}); a claim that cannot be filled is
 * {@link #abort aborted} into a padding slot the consumer skips. Allocation-free after creation.
 * <p>
 * A ring made by {@link #createConflating} is written through its {@link SlotConflator} instead, which replaces
 * a key's pending value in place rather than claim a slot for it (a conflating stage boundary).
 * <p>
 * Threading: {@link #claim()}/{@link #tryClaim()}/{@link #publish(long)}/{@link #abort(long)} from one producer
 * thread at a time, or from many at once if created multi-producer. A single-producer ring may move to another
 * thread between claims, provided the hand-over is a happens-before edge (a thread start or join, a concurrent
 * queue, a lock, a volatile write then read): the sequencer's state is plain fields. {@link Consumer#poll}
 * from one thread; {@link #halt()} from any thread.
 */
public final class SlotRing
{
    /** Returned by {@link #claim()} and {@link #tryClaim()} once the ring is halted. */
    public static final long HALTED = -2;
    /** Returned by {@link #tryClaim()} when the ring is full. */
    public static final long FULL = -3;

    /**
     * Slots a consumer hints to a prefetching handler before handling them: enough misses in flight to hide most
     * of a memory access (a core tracks about ten outstanding lines), few enough that the first slot's lines are
     * still in cache when it is handled.
     */
    public static final int PREFETCH_GROUP = 8;
    private static final int SPIN_TRIES = 100;
    private static final int YIELD_TRIES = 100;
    /** First park of a producer on a full ring, ns (the OS timer makes it ~50-70 µs on Linux). */
    static final long PRODUCER_MIN_PARK_NS = 1_000;
    /** Longest park of a producer on a full ring, ns: the most a claim is late once room appears. */
    static final long PRODUCER_MAX_PARK_NS = 1_000_000;
    /** Doublings from the first park past the longest: 1 µs << 10 = 1.024 ms. */
    private static final int PRODUCER_PARK_DOUBLINGS = 10;
    private static final int MAX_TRIES = SPIN_TRIES + YIELD_TRIES + PRODUCER_PARK_DOUBLINGS;

    private final Sequencer sequencer;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;
    private final int slotLength;
    private final int recordLengthBytes;
    private final WaitMode waitMode;
    private final boolean multiProducer;
    private final SlotConflator conflator;
    private volatile boolean halted;
    private volatile Consumer consumer;
    private volatile LongConsumer producerParker = SlotRing::park; // volatile: read only when parking
    // a producer parked on the full ring, for the consumer to wake when it frees slots: the parks grow to 1 ms,
    // and a consumer that drains the ring faster than that would otherwise sit idle until the producer wakes
    private volatile Thread parkedProducer;

    private SlotRing(final int capacity, final int recordLengthBytes, final WaitMode waitMode,
        final boolean multiProducer, final long waitTimeoutNs, final int[] keyOffsets, final int[] keyLengths)
    {
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.recordLengthBytes = recordLengthBytes;
        this.slotLength = SlotDescriptor.slotLength(recordLengthBytes);
        this.waitMode = waitMode;
        this.multiProducer = multiProducer;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * slotLength, 64));
        final com.lmax.disruptor.WaitStrategy waitStrategy = waitTimeoutNs > 0 ?
            WaitStrategies.forMode(waitMode, waitTimeoutNs) : WaitStrategies.forMode(waitMode);
        this.sequencer = multiProducer ?
            new MultiProducerSequencer(capacity, waitStrategy) : new SingleProducerSequencer(capacity, waitStrategy);
        this.conflator = keyOffsets == null ? null : new SlotConflator(this, keyOffsets, keyLengths);
    }

    /**
     * @param capacity          number of slots, a power of two.
     * @param recordLengthBytes payload length of each slot (a schema's record length).
     * @param waitMode          how the consumer waits.
     * @param multiProducer     true if more than one thread will claim.
     * @return a new ring.
     */
    public static SlotRing create(
        final int capacity, final int recordLengthBytes, final WaitMode waitMode, final boolean multiProducer)
    {
        return create(capacity, recordLengthBytes, waitMode, multiProducer, 0);
    }

    /**
     * @param capacity          number of slots, a power of two.
     * @param recordLengthBytes payload length of each slot (a schema's record length).
     * @param waitMode          how the consumer waits.
     * @param multiProducer     true if more than one thread will claim.
     * @param waitTimeoutNs     if > 0, a consumer's {@link Consumer#poll} returns 0 after waiting this long
     *                          without data, so its thread can do periodic work; 0 waits until data.
     * @return a new ring.
     */
    public static SlotRing create(final int capacity, final int recordLengthBytes, final WaitMode waitMode,
        final boolean multiProducer, final long waitTimeoutNs)
    {
        validate(capacity, recordLengthBytes, waitMode, waitTimeoutNs);
        return new SlotRing(capacity, recordLengthBytes, waitMode, multiProducer, waitTimeoutNs, null, null);
    }

    /**
     * Creates a single-producer ring that conflates by key: written only through its {@link #conflator()}, which
     * keeps at most one pending slot per key (see {@link SlotConflator} for the guarantees); its consumer takes
     * each slot before reading it and releases slots one at a time, so a slow consumer frees slots as it goes.
     *
     * @param capacity          number of slots, a power of two; {@code >= 2 x keys + 4} for a producer that
     *                          never waits.
     * @param recordLengthBytes payload length of each slot (a schema's record length).
     * @param waitMode          how the consumer (and a producer facing a full ring) waits.
     * @param waitTimeoutNs     as {@link #create(int, int, WaitMode, boolean, long)}.
     * @param keyOffsets        offset of each key column in the record.
     * @param keyLengths        length of each key column, bytes.
     * @return a new conflating ring.
     */
    public static SlotRing createConflating(final int capacity, final int recordLengthBytes, final WaitMode waitMode,
        final long waitTimeoutNs, final int[] keyOffsets, final int[] keyLengths)
    {
        validate(capacity, recordLengthBytes, waitMode, waitTimeoutNs);
        return new SlotRing(capacity, recordLengthBytes, waitMode, false, waitTimeoutNs, keyOffsets, keyLengths);
    }

    private static void validate(final int capacity, final int recordLengthBytes, final WaitMode waitMode,
        final long waitTimeoutNs)
    {
        if (capacity < 2 || !BitUtil.isPowerOfTwo(capacity))
        {
            throw new IllegalArgumentException("Ring capacity must be a power of two >= 2, got " + capacity);
        }
        if (recordLengthBytes < 0)
        {
            throw new IllegalArgumentException("Record length must be >= 0, got " + recordLengthBytes);
        }
        final long bytes = (long)capacity * SlotDescriptor.slotLength(recordLengthBytes);
        if (bytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("Ring of " + capacity + " slots of " +
                SlotDescriptor.slotLength(recordLengthBytes) + " bytes exceeds 2 GiB; use a smaller capacity");
        }
        if (waitMode == null)
        {
            throw new IllegalArgumentException("waitMode is null; choose one of WaitMode.values()");
        }
        if (waitTimeoutNs < 0)
        {
            throw new IllegalArgumentException("waitTimeoutNs must be >= 0, got " + waitTimeoutNs);
        }
    }

    /**
     * @return the consumer's sequence (the last slot it released), or null before {@link #consumer()}.
     */
    Sequence consumerSequence()
    {
        final Consumer c = consumer;
        return c == null ? null : c.sequence;
    }

    /**
     * @return the conflator that writes this ring, or null for a plain ring.
     */
    public SlotConflator conflator()
    {
        return conflator;
    }

    /**
     * Claims the next slot, waiting while the ring is full (back-pressure) the way the ring's {@link WaitMode}
     * says: {@code BUSY_SPIN} spins, {@code YIELDING} spins briefly then yields, {@code BACKOFF} spins 100
     * times, yields 100 times, then parks, {@code BLOCKING} parks at once. Parks start at 1 µs (the OS timer makes
     * it ~50-70 µs on Linux) and double to 1 ms while the ring stays full, so a stalled consumer costs a waiting
     * producer ~1,000 wake-ups a second; the consumer wakes a parked producer when it frees slots, and each claim
     * starts over at the shortest wait. Allocation-free. Every claim must end in {@link #publish} or
     * {@link #abort}: until then the consumer (and, multi-producer, every later slot) waits for it.
     *
     * @return the claimed sequence, to be written at {@link #slotOffset(long)} and then {@link #publish published};
     * or {@link #HALTED} if the ring was halted (the pipeline stopped) while or before waiting.
     */
    public long claim()
    {
        requireConsumer();
        final WaitMode waitMode = this.waitMode;
        int tries = 0;
        while (true)
        {
            if (halted)
            {
                return HALTED;
            }
            // after a first miss, ask the cheap capacity check before the claim that reports "full" by exception
            if (tries == 0 || sequencer.hasAvailableCapacity(1))
            {
                final long sequence = claimOrFull();
                if (sequence != FULL)
                {
                    return sequence;
                }
            }
            idleProducer(waitMode, tries);
            if (tries < MAX_TRIES)
            {
                tries++; // capped: past the last phase the count no longer matters, and must not overflow
            }
        }
    }

    /**
     * Claims the next slot if one is free now, never waiting (Agrona's {@code tryClaim}).
     *
     * @return the claimed sequence (see {@link #claim()}), {@link #FULL} if the ring is full, or {@link #HALTED}
     * if the ring is halted.
     */
    public long tryClaim()
    {
        requireConsumer();
        if (halted)
        {
            return HALTED;
        }
        return claimOrFull();
    }

    /**
     * Releases a claimed slot without a record: publishes it as {@link SlotDescriptor#TYPE_PADDING}, which every
     * consumer skips. Use when filling the slot failed; the slot's other bytes are left as they are.
     *
     * @param sequence the claimed sequence.
     */
    public void abort(final long sequence)
    {
        buffer.putInt(slotOffset(sequence) + SlotDescriptor.TYPE_OFFSET, SlotDescriptor.TYPE_PADDING);
        sequencer.publish(sequence);
    }

    private void requireConsumer()
    {
        if (consumer == null)
        {
            throw new IllegalStateException("SlotRing has no consumer yet: create it with consumer() before " +
                "claiming, or published slots could be overwritten unseen");
        }
    }

    private long claimOrFull()
    {
        try
        {
            // tryNext, not next: the single-producer next() asserts (under -ea) that one thread claims forever,
            // which forbids a documented handover between threads; tryNext holds the same capacity invariant
            return sequencer.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return FULL; // full, or another producer took the last free slot
        }
    }

    // Agrona's BackoffIdleStrategy (spin, yield, park doubling to a cap) as a function of the claim's own try
    // count rather than an instance: a multi-producer ring is claimed by many threads at once, and a claim must not
    // allocate, so the backoff state lives on the waiting thread's stack and starts over with every claim.
    private void idleProducer(final WaitMode waitMode, final int tries)
    {
        switch (waitMode)
        {
            case BUSY_SPIN:
                Thread.onSpinWait();
                break;
            case YIELDING:
                if (tries < SPIN_TRIES)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    Thread.yield();
                }
                break;
            case BACKOFF:
                // counted, not timed as the consumer's phases: a full ring means the consumer is behind, and a
                // producer spinning for long takes the core it needs to catch up
                if (tries < SPIN_TRIES)
                {
                    Thread.onSpinWait();
                }
                else if (tries < SPIN_TRIES + YIELD_TRIES)
                {
                    Thread.yield();
                }
                else
                {
                    parkProducer(producerParkNs(tries - SPIN_TRIES - YIELD_TRIES));
                }
                break;
            default:
                parkProducer(producerParkNs(tries));
        }
    }

    // The consumer wakes the registered producer after each batch it frees (one volatile read a batch); the park
    // stays timed because a wake-up can be missed (the consumer's release store may pass its read of the field;
    // of several producers only the last to register is woken), which then costs at most one park.
    private void parkProducer(final long parkNs)
    {
        final Thread self = Thread.currentThread();
        parkedProducer = self;
        if (!halted && !sequencer.hasAvailableCapacity(1))
        {
            producerParker.accept(parkNs);
        }
        if (parkedProducer == self)
        {
            parkedProducer = null;
        }
    }

    private void wakeProducer()
    {
        final Thread producer = parkedProducer;
        if (producer != null)
        {
            LockSupport.unpark(producer);
        }
    }

    /**
     * @param parks parks already done in this claim.
     * @return how long the next park of a producer on a full ring asks, ns: {@link #PRODUCER_MIN_PARK_NS}
     * doubling to {@link #PRODUCER_MAX_PARK_NS}. A fixed short park woke a producer behind a stalled consumer
     * ~14,000 times a second (10-20 % of a core per waiting thread).
     */
    static long producerParkNs(final int parks)
    {
        return Math.min(PRODUCER_MIN_PARK_NS << Math.min(parks, PRODUCER_PARK_DOUBLINGS), PRODUCER_MAX_PARK_NS);
    }

    private static void park(final long parkNs)
    {
        LockSupport.parkNanos(parkNs);
    }

    /**
     * Replaces how a producer parks on a full ring (tests count and answer the parks instead of sleeping).
     *
     * @param parker called with the park's length in ns.
     */
    void producerParker(final LongConsumer parker)
    {
        this.producerParker = parker;
    }

    /**
     * @param sequence a claimed sequence.
     * @return offset of its slot in {@link #buffer()}.
     */
    public int slotOffset(final long sequence)
    {
        return ((int)sequence & mask) * slotLength;
    }

    /**
     * Makes a claimed, written slot visible to the consumer (and wakes it if it blocks).
     *
     * @param sequence the claimed sequence.
     */
    public void publish(final long sequence)
    {
        sequencer.publish(sequence);
    }

    /**
     * Publishes claimed slots {@code lo..hi} (claimed in order by the ring's only producer) at once: one cursor
     * store, so the consumer's core takes one cache-line transfer for the batch. Single-producer rings only: on a
     * shared ring the range could hold another producer's slot, claimed but not yet written, which this would
     * publish too.
     *
     * @param lo first sequence.
     * @param hi last sequence.
     * @throws IllegalStateException on a multi-producer ring.
     */
    public void publish(final long lo, final long hi)
    {
        if (multiProducer)
        {
            throw new IllegalStateException("publish(lo, hi) on a ring several producers share: the range could " +
                "hold another producer's unwritten slot; publish each slot");
        }
        sequencer.publish(lo, hi);
    }

    /**
     * @return true if several producers may claim slots (a stage fed by more than one source).
     */
    public boolean isMultiProducer()
    {
        return multiProducer;
    }

    /**
     * Claims, writes and publishes a marker slot.
     *
     * @param type        {@link SlotDescriptor#TYPE_WATERMARK}, {@code TYPE_EPOCH} or {@code TYPE_END_OF_STREAM}.
     * @param sourceId    id of the producing source.
     * @param markerValue watermark or epoch id.
     * @return true if published, false if the ring is halted.
     */
    public boolean publishMarker(final int type, final int sourceId, final long markerValue)
    {
        final long sequence = claim();
        if (sequence == HALTED)
        {
            return false;
        }
        final int offset = slotOffset(sequence);
        buffer.putInt(offset + SlotDescriptor.TYPE_OFFSET, type);
        buffer.putInt(offset + SlotDescriptor.SOURCE_ID_OFFSET, sourceId);
        buffer.putLong(offset + SlotDescriptor.INGEST_TIME_OFFSET, System.nanoTime());
        buffer.putLong(offset + SlotDescriptor.MARKER_VALUE_OFFSET, markerValue);
        publish(sequence);
        return true;
    }

    /**
     * @return the ring's memory.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return number of slots.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return bytes per slot, header included.
     */
    public int slotLength()
    {
        return slotLength;
    }

    /**
     * @return record bytes per slot.
     */
    public int recordLengthBytes()
    {
        return recordLengthBytes;
    }

    /**
     * @return how the consumer waits.
     */
    public WaitMode waitMode()
    {
        return waitMode;
    }

    /**
     * @return slots published but not yet consumed.
     */
    public long backlog()
    {
        return capacity - sequencer.remainingCapacity();
    }

    /**
     * Stops the ring: waiting producers get {@link #HALTED}, a waiting consumer returns. Idempotent.
     */
    public void halt()
    {
        halted = true;
        final Consumer c = consumer;
        if (c != null)
        {
            c.barrier.alert();
        }
        wakeProducer();
    }

    /**
     * @return true once {@link #halt()} was called.
     */
    public boolean isHalted()
    {
        return halted;
    }

    /**
     * Creates the ring's only consumer; its sequence gates the producers from then on.
     *
     * @return the consumer.
     * @throws IllegalStateException if called twice.
     */
    public synchronized Consumer consumer()
    {
        if (consumer != null)
        {
            throw new IllegalStateException("SlotRing already has its consumer");
        }
        final Consumer c = new Consumer();
        sequencer.addGatingSequences(c.sequence);
        consumer = c;
        if (halted)
        {
            c.barrier.alert();
        }
        return c;
    }

    /**
     * The consuming side: polls batches of slots in order, Disruptor {@code BatchEventProcessor} style.
     * Use from one thread.
     */
    public final class Consumer
    {
        private final Sequence sequence = new Sequence(Sequencer.INITIAL_CURSOR_VALUE);
        private final SequenceBarrier barrier = sequencer.newBarrier();
        private final int maxBatch = Math.max(1, capacity >> 2);

        private Consumer()
        {
        }

        /**
         * Waits (per the ring's {@link WaitMode}) until slots are available, then hands up to a quarter of the
         * ring to {@code handler} in order and releases them to the producers.
         *
         * @param handler receives each slot.
         * @return slots handled (0 if the wait ended without data), or -1 once the ring is halted.
         */
        public int poll(final SlotHandler handler)
        {
            final long next = sequence.get() + 1;
            final long available;
            try
            {
                available = barrier.waitFor(next);
            }
            catch (final AlertException | InterruptedException | TimeoutException ex)
            {
                return halted ? -1 : 0;
            }
            if (available < next)
            {
                return 0;
            }
            return handle(handler, next, available);
        }

        /**
         * As {@link #poll}, but never waits: hands over what is published now, if anything. For a thread that
         * is its ring's producer too (a source run on its stage's thread), which must never wait for itself.
         *
         * @param handler receives each slot.
         * @return slots handled (0 if none was available), or -1 once the ring is halted and empty.
         */
        public int pollNow(final SlotHandler handler)
        {
            final long next = sequence.get() + 1;
            final long available = sequencer.getHighestPublishedSequence(next, sequencer.getCursor());
            if (available < next)
            {
                return halted ? -1 : 0;
            }
            return handle(handler, next, available);
        }

        /**
         * @return true if every published slot has been handled (the producer has the whole ring).
         */
        public boolean isDrained()
        {
            return sequence.get() >= sequencer.getCursor();
        }

        private int handle(final SlotHandler handler, final long next, final long available)
        {
            final long last = Math.min(available, next + maxBatch - 1);
            final UnsafeBuffer buffer = SlotRing.this.buffer;
            if (conflator != null)
            {
                return pollConflating(handler, buffer, next, last);
            }
            if (last > next && handler.prefetches())
            {
                handleGrouped(handler, buffer, next, last);
            }
            else
            {
                for (long s = next; s <= last; s++)
                {
                    handler.onSlot(buffer, slotOffset(s), s == last);
                }
            }
            sequence.set(last);
            wakeProducer();
            return (int)(last - next + 1);
        }

        /** Groups of slots: each group is hinted ({@link SlotHandler#prefetch}) back to back, then handled. */
        private void handleGrouped(final SlotHandler handler, final UnsafeBuffer buffer, final long next,
            final long last)
        {
            for (long groupStart = next; groupStart <= last; groupStart += PREFETCH_GROUP)
            {
                final long groupEnd = Math.min(last, groupStart + PREFETCH_GROUP - 1);
                for (long s = groupStart; s <= groupEnd; s++)
                {
                    handler.prefetch(buffer, slotOffset(s));
                }
                for (long s = groupStart; s <= groupEnd; s++)
                {
                    handler.onSlot(buffer, slotOffset(s), s == last);
                }
            }
        }

        /**
         * Takes each slot from the conflator just before handing it over (until then the producer may still
         * replace its value) and releases it right after, not at the end of the batch: behind a slow handler the
         * producer gets each slot back as soon as it is read.
         */
        private int pollConflating(final SlotHandler handler, final UnsafeBuffer buffer, final long next,
            final long last)
        {
            final SlotConflator conflator = SlotRing.this.conflator;
            for (long s = next; s <= last; s++)
            {
                if (!conflator.take(s))
                {
                    return -1;
                }
                handler.onSlot(buffer, slotOffset(s), s == last);
                sequence.set(s);
                wakeProducer();
            }
            return (int)(last - next + 1);
        }

        /**
         * @return the last consumed sequence (-1 before the first).
         */
        public long sequence()
        {
            return sequence.get();
        }
    }
}
