package io.rivulet.watermark;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import io.rivulet.watermark.internal.WatermarkMerger;

import org.agrona.concurrent.EpochClock;

/**
 * Pluggable policy that turns the event timestamps one input has seen into a watermark: a promise that no more
 * records with an event time {@code <=} the watermark are expected from that input (Flink's definition).
 * <p>
 * Time unit: epoch milliseconds as {@code long}. {@link #NO_WATERMARK} ({@link Long#MIN_VALUE}) means "no
 * progress yet". A strategy's watermark never goes backwards.
 * <p>
 * Threading: an instance is stateful and belongs to one input, used from one thread (its stage thread); it is not
 * thread-safe. Allocation: the factories allocate one object; {@link #onEvent(long)},
 * {@link #currentWatermark()} and {@link #isIdle()} never allocate.
 * <pre>
 *   per record:           strategy.onEvent(eventTimeMs)
 *   per record or batch:  merger.update(input, strategy)  -&gt; true: forward merger.currentWatermark()
 * </pre>
 */
public interface WatermarkStrategy
{
    /** Watermark before any progress, epoch ms. */
    long NO_WATERMARK = Long.MIN_VALUE;

    /**
     * Observes one record's event timestamp. Hot path: O(1), allocation-free.
     *
     * @param eventTimeMs event time of the record, epoch ms.
     */
    void onEvent(long eventTimeMs);

    /**
     * @return the current watermark, epoch ms; {@link #NO_WATERMARK} until there is progress. Never decreases
     * between calls.
     */
    long currentWatermark();

    /**
     * Whether this input has gone quiet and should be left out of a {@link WatermarkMerger}'s min-merge (while
     * another input is active; with none active the merger holds). Only strategies made by
     * {@link #withIdleness(long, EpochClock)} ever report idle; may read their clock.
     *
     * @return true if the input is idle now.
     */
    default boolean isIdle()
    {
        return false;
    }

    /**
     * Writes this strategy's state (what it has seen, not its parameters) at a checkpoint, so a strategy made by
     * the same factory call and given it by {@link #restoreState} yields the same watermarks from the same events.
     * The default writes nothing (a stateless strategy). Called on the owning thread; allocation-free.
     *
     * @param out the owning operator's section of the checkpoint; append to it.
     */
    default void snapshotState(final SnapshotWriter out)
    {
    }

    /**
     * Replaces this strategy's state with what {@link #snapshotState} wrote, before the first event. Reads exactly
     * what was written; a snapshot of another kind of strategy, or of one with other parameters, fails with
     * {@link IllegalStateException} naming both.
     *
     * @param in the owning operator's section of the checkpoint, positioned at this strategy's state.
     */
    default void restoreState(final SnapshotReader in)
    {
    }

    /**
     * Called when the pipeline runs exactly-once (it checkpoints and replays its journaled input): a strategy
     * whose watermark or idleness depends on anything but the event times it is given must refuse. The default
     * accepts (event-time strategies are deterministic).
     *
     * @throws IllegalStateException if this strategy reads the wall clock ({@link #processingTime},
     *                               {@link #withIdleness}).
     */
    default void requireDeterminism()
    {
    }

    /**
     * Wraps this strategy so the input is reported {@link #isIdle() idle} once no event has been observed, and
     * the watermark has not advanced, for {@code idleTimeoutMs} by {@code clock}; active again on its next event
     * or watermark advance. The watermark is this strategy's, unchanged. The wrapper reads the clock on every event: pass a cheap clock (Agrona
     * {@link org.agrona.concurrent.CachedEpochClock} updated once per duty cycle) on the hot path.
     * <p>
     * Idleness is driven by wall-clock time, so it is not deterministic under replay: {@link #requireDeterminism()}
     * rejects it.
     *
     * @param idleTimeoutMs quiet time after which the input is idle, ms; must be &gt; 0.
     * @param clock         source of the current time, epoch ms.
     * @return a new strategy wrapping this one; use it instead of this one (allocates once).
     * @throws IllegalArgumentException if {@code idleTimeoutMs <= 0} or {@code clock} is null.
     */
    default WatermarkStrategy withIdleness(final long idleTimeoutMs, final EpochClock clock)
    {
        return new IdleTimeoutWatermarks(this, idleTimeoutMs, clock);
    }

    /**
     * Watermark = maximum event time seen - {@code maxDelayMs} - 1 (Flink semantics): records may arrive up to
     * {@code maxDelayMs} out of order without being late. {@link #NO_WATERMARK} before the first event.
     *
     * @param maxDelayMs how far behind the maximum event time a record may still arrive, ms; must be &gt;= 0.
     * @return a new strategy for one input.
     * @throws IllegalArgumentException if {@code maxDelayMs < 0}.
     */
    static WatermarkStrategy boundedOutOfOrderness(final long maxDelayMs)
    {
        return new BoundedOutOfOrdernessWatermarks(maxDelayMs);
    }

    /**
     * For inputs whose event time never decreases: watermark = maximum event time seen - 1; same as
     * {@code boundedOutOfOrderness(0)}.
     *
     * @return a new strategy for one input.
     */
    static WatermarkStrategy monotonic()
    {
        return new BoundedOutOfOrdernessWatermarks(0);
    }

    /**
     * Never makes progress: the watermark stays {@link #NO_WATERMARK}. Merged with other inputs, such an input
     * holds event time back unless it is also marked idle.
     *
     * @return a stateless strategy (shared instance).
     */
    static WatermarkStrategy noWatermarks()
    {
        return NoWatermarks.INSTANCE;
    }

    /**
     * Processing time: the watermark follows {@code clock}, ignoring event timestamps. Watermark = highest clock
     * reading seen - 1, so a record stamped with the clock on arrival is never behind it (same contract as
     * {@link #monotonic()}); clamped so it never goes backwards if the clock does. {@link #currentWatermark()}
     * reads the clock. Not deterministic under replay: {@link #requireDeterminism()} rejects it.
     *
     * @param clock source of the current time, epoch ms.
     * @return a new strategy for one input.
     * @throws IllegalArgumentException if {@code clock} is null.
     */
    static WatermarkStrategy processingTime(final EpochClock clock)
    {
        return new ProcessingTimeWatermarks(clock);
    }
}
