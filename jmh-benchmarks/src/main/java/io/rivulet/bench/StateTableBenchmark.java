package io.rivulet.bench;

import io.rivulet.operators.internal.state.OffHeapHashTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Keyed state: the off-heap open-addressing table every stateful operator keeps its per-key state in
 * ({@link OffHeapHashTable}, long key -> 16-byte value), filled with {@code keys} entries. {@code get}: look up a
 * present key and read its value; {@code put}: find-or-insert a present key and update its value (the
 * aggregate's hot path). Keys in a scrambled order, so lookups miss the CPU cache as a large table's do.
 * Operations/µs and, with {@code -prof gc}, allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class StateTableBenchmark
{
    /** Entries in the table. */
    @Param({"1000000"})
    public int keys;

    private OffHeapHashTable table;
    private UnsafeBuffer values;
    private long index;

    /** Fills the table. */
    @Setup(Level.Trial)
    public void setUp()
    {
        table = new OffHeapHashTable(8, 16, keys, 0.6f);
        for (int k = 0; k < keys; k++)
        {
            table.valueBuffer().putLong(table.getOrInsert(key(k)), k);
        }
        values = table.valueBuffer();
    }

    /** Frees the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        table.close();
    }

    private long key(final long k)
    {
        return WindowWorkload.mix(k) | 1; // never 0, spread over the long range
    }

    private long nextKey()
    {
        final long i = index++;
        return key((WindowWorkload.mix(i) >>> 1) % keys);
    }

    /** @return the value of a present key. */
    @Benchmark
    public long get()
    {
        return values.getLong(table.find(nextKey()));
    }

    /** @return the updated count of a present key. */
    @Benchmark
    public long put()
    {
        final int offset = table.getOrInsert(nextKey());
        final long count = values.getLong(offset + 8) + 1;
        values.putLong(offset + 8, count);
        return count;
    }
}
