package io.rivulet.bench;

import io.rivulet.operators.internal.state.OffHeapHashTable;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
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
 * The stage thread's part of a checkpoint: {@link OffHeapHashTable#snapshotTo} copies a keyed state table of
 * {@code keys} entries (long key -> 16-byte value, as a count + sum aggregate keeps) byte for byte into the
 * reusable {@link SnapshotWriter}. This copy is the pipeline's only stall per checkpoint (a background thread
 * writes the file). Time per snapshot; the snapshot's size is printed once in setup. With {@code -prof gc}:
 * allocation per snapshot (0: the writer keeps its memory).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CheckpointSnapshotBenchmark
{
    /** Entries in the table. */
    @Param({"1000000"})
    public int keys;

    private OffHeapHashTable table;
    private SnapshotWriter writer;

    /** Fills the table and sizes the writer by one snapshot. */
    @Setup(Level.Trial)
    public void setUp()
    {
        table = new OffHeapHashTable(8, 16, keys, 0.6f);
        for (long k = 0; k < keys; k++)
        {
            final int offset = table.getOrInsert(WindowWorkload.mix(k) | 1);
            table.valueBuffer().putLong(offset, k);
            table.valueBuffer().putLong(offset + 8, k * 3);
        }
        writer = new SnapshotWriter(64);
        table.snapshotTo(writer);
        System.out.println("snapshot of " + keys + " keys: " + writer.length() + " bytes (" + table.memoryBytes() +
            " bytes of table memory)");
    }

    /** Frees the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        table.close();
    }

    /** @return the snapshot's length in bytes. */
    @Benchmark
    public int snapshot()
    {
        table.snapshotTo(writer.reset());
        return writer.length();
    }
}
