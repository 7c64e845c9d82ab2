package io.rivulet.bench;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation gate of the JMH suite without JMH: each benchmark's measured method, called in a loop on this
 * thread, allocates nothing per operation (exact per-thread counters, not sampled). JMH's {@code -prof gc} says
 * the same but adds its own bookkeeping, which dominates when an operation is slow (snapshot) or sampled (hop).
 */
class BenchmarkAllocationTest
{
    private static final ThreadMXBean THREADS = (ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final Blackhole BLACKHOLE = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    /** One-time growth inside an operator (a record log's new chunk at a new high-water mark) is not per record. */
    private static final long ONE_TIME_BYTES = 4096;

    private static long allocatedBytes(final Thread thread)
    {
        return THREADS.getThreadAllocatedBytes(thread.getId());
    }

    /** @return the bytes the operations allocated. */
    private static long assertAllocationFree(final String name, final Runnable op, final int warmup, final int ops)
    {
        for (int i = 0; i < warmup; i++)
        {
            op.run();
        }
        final long before = allocatedBytes(Thread.currentThread());
        for (int i = 0; i < ops; i++)
        {
            op.run();
        }
        final long bytes = allocatedBytes(Thread.currentThread()) - before;
        assertTrue(bytes <= ONE_TIME_BYTES, name + " allocated " + bytes + " bytes in " + ops + " operations");
        return bytes;
    }

    @Test
    void shouldNotAllocatePerEventInAnyWindowType()
    {
        for (final String window : new String[]{"tumbling", "sliding", "session"})
        {
            final WindowAggregationBenchmark benchmark = new WindowAggregationBenchmark();
            benchmark.window = window;
            benchmark.setUp(BLACKHOLE);
            assertAllocationFree("window " + window, benchmark::event, 200_000, 300_000);
        }
    }

    @Test
    void shouldNotAllocatePerRecordInDedupJoinAndChain()
    {
        final DedupBenchmark dedup = new DedupBenchmark();
        dedup.setUp(BLACKHOLE);
        assertAllocationFree("dedup", dedup::event, 200_000, 300_000);
        final IntervalJoinBenchmark join = new IntervalJoinBenchmark();
        join.setUp(BLACKHOLE);
        // its record logs allocate a chunk object (tens of bytes) when the buffered rows reach a new high-water mark:
        // warm up past the growth of the first seconds of event time
        assertAllocationFree("interval join", join::record, 2_500_000, 1_000_000);
        final FusedChainBenchmark chain = new FusedChainBenchmark();
        chain.setUp(BLACKHOLE);
        assertAllocationFree("fused chain", chain::chain, 200_000, 300_000);
    }

    @Test
    void shouldNotAllocatePerStateTableOperationNorPerSnapshot()
    {
        final StateTableBenchmark table = new StateTableBenchmark();
        table.keys = 200_000;
        table.setUp();
        try
        {
            assertAllocationFree("state get", () -> BLACKHOLE.consume(table.get()), 300_000, 1_000_000);
            assertAllocationFree("state put", () -> BLACKHOLE.consume(table.put()), 300_000, 1_000_000);
        }
        finally
        {
            table.tearDown();
        }
        final CheckpointSnapshotBenchmark snapshot = new CheckpointSnapshotBenchmark();
        snapshot.keys = 200_000;
        snapshot.setUp();
        try
        {
            assertAllocationFree("snapshot", () -> BLACKHOLE.consume(snapshot.snapshot()), 3, 20);
        }
        finally
        {
            snapshot.tearDown();
        }
    }

    @Test
    void shouldNotAllocatePerJournalRecordRead() throws IOException
    {
        final JournalReadBenchmark read = new JournalReadBenchmark();
        read.setUp();
        try
        {
            assertAllocationFree("journal read", () -> BLACKHOLE.consume(read.read()), 200_000, 500_000);
        }
        finally
        {
            read.tearDown();
        }
    }

    @Test
    void shouldNotAllocatePerRecordInTheKeyedAggregationUnderAnyTrigger()
    {
        for (final String trigger : new String[]{"continuous", "processingTime100ms", "availableNow100k", "once"})
        {
            final TriggerPipelineBenchmark pipeline = new TriggerPipelineBenchmark();
            pipeline.trigger = trigger;
            pipeline.setUp();
            try
            {
                final String stageName = "rivulet-" + TriggerPipelineBenchmark.PIPELINE_NAME + "-stage-0";
                final Thread stage = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(stageName)).findFirst().orElseThrow();
                final int warmup = 500_000;
                final int measured = 1_000_000;
                for (int i = 0; i < warmup; i++)
                {
                    pipeline.publish();
                }
                await(() -> pipeline.recordsIn() >= warmup, trigger + ": the stage taking in the warm-up");
                final long stageBefore = allocatedBytes(stage);
                final long epochsBefore = pipeline.epochs;
                final long appBytes = assertAllocationFree(trigger + ", app thread", pipeline::publish, 0, measured);
                await(() -> pipeline.recordsIn() >= warmup + measured, trigger + ": the stage taking in the records");
                if (trigger.startsWith("processingTime"))
                {
                    // the rows of the last records leave at the next epoch's end: count that emission too
                    final long epochsTaken = pipeline.epochs;
                    await(() -> pipeline.epochs > epochsTaken, trigger + ": an epoch after the records");
                }
                final long stageBytes = allocatedBytes(stage) - stageBefore;
                final String report = trigger + ": app thread " + appBytes + " bytes, stage thread " + stageBytes +
                    " bytes for " + measured +
                    " records, " + (pipeline.epochs - epochsBefore) + " epochs, " + pipeline.rows + " rows in all";
                System.out.println("BenchmarkAllocationTest " + report);
                assertTrue(stageBytes <= ONE_TIME_BYTES, report);
                if (trigger.equals("availableNow100k"))
                {
                    assertTrue(pipeline.epochs - epochsBefore >= 9, report); // the epochs did end by record count
                }
            }
            finally
            {
                pipeline.tearDown();
            }
        }
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.yield();
        }
    }

    @Test
    void shouldNotAllocatePerRingHopOnEitherThread() throws InterruptedException
    {
        final RingHopBenchmark hop = new RingHopBenchmark();
        hop.waitMode = "YIELDING";
        hop.setUp();
        try
        {
            final Thread consumer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("rivulet-bench-ring-consumer")).findFirst().orElseThrow();
            for (int i = 0; i < 5_000; i++)
            {
                hop.hop();
            }
            final long consumerBefore = allocatedBytes(consumer);
            assertAllocationFree("ring hop, producer", () -> BLACKHOLE.consume(hop.hop()), 0, 10_000);
            assertEquals(0, allocatedBytes(consumer) - consumerBefore, "ring hop, consumer thread");
        }
        finally
        {
            hop.tearDown();
        }
    }
}
