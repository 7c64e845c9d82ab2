package io.rivulet.bench;

import io.rivulet.operators.Output;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.operators.join.JoinOperators;
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
 * The interval join, one record per operation on one thread, alternating inputs: order i (left) then its payment
 * (right) 0-500 ms of event time later, on the order's id; matched within [0, 1 s]. 200k orders per second of
 * event time, ids cycling every 1M orders (5 s, so an id matches only its own order); both watermarks advance
 * every 1024 records (100 ms behind), so about 1 s of each side stays buffered and older rows expire as in a
 * pipeline. Every payment matches its order: one output row per two records. Records/µs and, with {@code -prof gc}, allocation per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class IntervalJoinBenchmark
{
    static final Schema ORDERS = Schema.builder().int64("id").int64("qty").timestamp("ts").build();
    static final Schema PAYMENTS = Schema.builder().int64("orderId").int64("amount").timestamp("paidTs").build();
    private static final LongField ORDER_ID = ORDERS.longField("id");
    private static final LongField QTY = ORDERS.longField("qty");
    private static final LongField ORDER_TS = ORDERS.longField("ts");
    private static final LongField PAYMENT_ORDER = PAYMENTS.longField("orderId");
    private static final LongField AMOUNT = PAYMENTS.longField("amount");
    private static final LongField PAID_TS = PAYMENTS.longField("paidTs");
    private static final int IDS = 1_000_000;

    private RecordFlyweight order;
    private RecordFlyweight payment;
    private Output left;
    private Output right;
    private long index;

    /**
     * @param bh JMH blackhole the sink consumes the joined rows into.
     */
    @Setup
    public void setUp(final Blackhole bh)
    {
        order = new RecordFlyweight(ORDERS).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(ORDERS.recordLengthBytes(), 8)), 0);
        payment = new RecordFlyweight(PAYMENTS).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAYMENTS.recordLengthBytes(), 8)), 0);
        final TwoInputOperator join = JoinOperators.intervalJoin(ORDERS, PAYMENTS, "ts", "paidTs",
            new String[]{"id"}, new String[]{"orderId"}, 0, 1_000);
        join.open(BenchOutputs.consuming(bh, join.outputSchema().longField("amount")));
        left = join.input(TwoInputOperator.LEFT);
        right = join.input(TwoInputOperator.RIGHT);
    }

    /** One record: an order, or the payment of the previous one. */
    @Benchmark
    public void record()
    {
        final long i = index++;
        final long n = i >>> 1;
        final long orderTs = WindowWorkload.BASE_TS + n * 1000 / WindowWorkload.EVENTS_PER_EVENT_SECOND;
        if ((i & 1) == 0)
        {
            order.setLong(ORDER_ID, n % IDS).setLong(QTY, n & 1023).setLong(ORDER_TS, orderTs);
            left.onRecord(order);
        }
        else
        {
            payment.setLong(PAYMENT_ORDER, n % IDS).setLong(AMOUNT, n).setLong(PAID_TS,
                orderTs + (WindowWorkload.mix(n) >>> 1) % 500);
            right.onRecord(payment);
        }
        if ((i & 1023) == 1023)
        {
            left.onWatermark(orderTs - 100);
            right.onWatermark(orderTs - 100);
        }
    }
}
