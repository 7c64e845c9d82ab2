package io.rivulet.ringbuffer;

/**
 * How a stage waits for its ring when it has nothing to do; each maps to a Disruptor {@code WaitStrategy}.
 * A producer waiting for a full ring to drain (a publisher's {@code claim()}) follows the same mode: spin, spin then
 * yield, spin/yield/park, or park; its parks grow from 1 µs to 1 ms while the ring stays full, and the consumer
 * wakes it when it frees slots. Trade latency for CPU: on a 2-core machine only spin when the cores are yours.
 */
public enum WaitMode
{
    /** Spin on the sequence: lowest latency, burns a whole core. */
    BUSY_SPIN,
    /** Spin briefly, then {@link Thread#yield()}: low latency, burns a core but lets other threads run. */
    YIELDING,
    /**
     * Spin for {@value #BACKOFF_SPIN_US} µs, yield for up to {@value #BACKOFF_YIELD_US} µs, then block on a
     * lock until signalled; once a stage's wait ended without data (a 10 ms tick), it blocks at once until data
     * returns. Low latency under steady load, about 1 % of a core per idle stage. The default.
     */
    BACKOFF,
    /** Block on a lock until the producer signals: least CPU, microseconds of wake-up latency. */
    BLOCKING;

    /** Spin phase of {@link #BACKOFF}, µs. */
    public static final long BACKOFF_SPIN_US = 20;
    /** Yield phase of {@link #BACKOFF}, µs. */
    public static final long BACKOFF_YIELD_US = 1000;
}
