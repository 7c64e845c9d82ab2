package io.rivulet.bench;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

/**
 * The keyed-window workload of the benchmarks: event i has key hash(i) mod 100k, value i mod 1000, and event time
 * i / 200 ms (200k events per second of event time) minus a deterministic disorder of up to 100 ms. Over 20M
 * events that is 100 one-second windows of about 86k keys each: about 8.6M window rows.
 */
final class WindowWorkload
{
    static final Schema EVENTS = Schema.builder().int64("key").int64("value").timestamp("ts").build();
    static final int KEYS = 100_000;
    static final long DISORDER_MS = 100;
    static final long EVENTS_PER_EVENT_SECOND = 200_000;
    static final long BASE_TS = 1_700_000_000_000L;

    private static final LongField KEY = EVENTS.longField("key");
    private static final LongField VALUE = EVENTS.longField("value");
    private static final LongField TS = EVENTS.longField("ts");

    private WindowWorkload()
    {
    }

    static void fill(final long i, final RecordFlyweight r)
    {
        final long h = mix(i);
        r.setLong(KEY, (h >>> 1) % KEYS);
        r.setLong(VALUE, i % 1000);
        r.setLong(TS, BASE_TS + i * 1000 / EVENTS_PER_EVENT_SECOND - ((h >>> 40) % DISORDER_MS));
    }

    static long mix(final long i)
    {
        long z = i * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
