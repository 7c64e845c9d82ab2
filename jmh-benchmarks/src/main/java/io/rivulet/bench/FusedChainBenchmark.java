package io.rivulet.bench;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The fused 3-operator chain (where -> select -> filter) on one thread, one record per operation, as a stage
 * thread runs it: throughput and, with {@code -prof gc}, allocation per record ({@code gc.alloc.rate.norm}).
 * Records come from a preallocated off-heap block, as from a ring.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED") // forks do not read the jar manifest
public class FusedChainBenchmark
{
    private static final int RECORDS = 1024;

    private final RecordFlyweight input = new RecordFlyweight(TradeRecords.TRADES);
    private UnsafeBuffer block;
    private Operator head;
    private int next;
    private Blackhole blackhole;

    /**
     * Builds the chain and the input block.
     *
     * @param bh JMH blackhole the chain's sink consumes into.
     */
    @Setup
    public void setUp(final Blackhole bh)
    {
        blackhole = bh;
        final int length = TradeRecords.TRADES.recordLengthBytes();
        block = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RECORDS * length, 64));
        for (int i = 0; i < RECORDS; i++)
        {
            TradeRecords.fill(input.wrap(block, i * length), i, 0);
        }

        final Operator where = Operators.where(TradeRecords.TRADES, TradeRecords.WHERE);
        final Operator select = Operators.select(where.outputSchema(), TradeRecords.SELECT);
        final Schema selected = select.outputSchema();
        final Operator filter = Operators.filter(selected, TradeRecords.positiveNotional(selected));
        final LongField id = selected.longField("id");
        filter.open(new Output()
        {
            public void onRecord(final RecordFlyweight record)
            {
                blackhole.consume(record.getLong(id));
            }

            public void onWatermark(final long watermarkMs)
            {
            }

            public void onEpoch(final long epochId)
            {
            }

            public void onEndOfStream()
            {
            }
        });
        select.open(filter);
        where.open(select);
        head = where;
    }

    /**
     * One record through the fused chain.
     */
    @Benchmark
    public void chain()
    {
        final int i = next;
        next = (i + 1) & (RECORDS - 1);
        head.onRecord(input.wrap(block, i * TradeRecords.TRADES.recordLengthBytes()));
    }
}
