package io.rivulet.watermark.internal;

/**
 * Receives the timers a {@link TimerQueue} fires, on the thread calling {@link TimerQueue#advanceTo}.
 * Implement once per operator (not a lambda per call) so firing allocates nothing.
 */
@FunctionalInterface
public interface TimerHandler
{
    /**
     * Called once per due timer. The timer is already removed; the handler may {@link TimerQueue#register} or
     * {@link TimerQueue#delete} timers on the same queue, but must not call {@link TimerQueue#advanceTo}.
     *
     * @param timestampMs the timer's time, epoch ms (event time or processing time, per the queue's use).
     * @param key         the key the timer was registered for.
     */
    void onTimer(long timestampMs, long key);
}
