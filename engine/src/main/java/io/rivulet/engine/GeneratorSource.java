package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

import java.util.concurrent.locks.LockSupport;

/**
 * Generates records on its own thread at a fixed pace (or as fast as the ring takes them), through the same
 * {@link SourceContext} as a user feed.
 */
final class GeneratorSource extends Source
{
    /** Below this much time to the next send, spin rather than park (a park costs ~50 µs here). */
    private static final long SPIN_THRESHOLD_NS = 100_000;

    private final long recordsPerSecond;
    private final long count;
    private final RecordGenerator generator;
    /** Next record to generate, when run in steps on the stage thread. */
    private long nextRecord;

    GeneratorSource(final Schema schema, final long recordsPerSecond, final long count,
        final RecordGenerator generator)
    {
        super(schema, "generator(" + (recordsPerSecond > 0 ? recordsPerSecond + "/s" : "unpaced") + ", " +
            (count == Long.MAX_VALUE ? "unbounded" : count + " records") + ")");
        this.recordsPerSecond = recordsPerSecond;
        this.count = count;
        this.generator = generator;
    }

    @Override
    boolean ownsThread()
    {
        return true;
    }

    @Override
    void produce(final SourceContext ctx)
    {
        final int recordLength = schema().recordLengthBytes();
        final long periodNs = recordsPerSecond > 0 ? 1_000_000_000L / recordsPerSecond : 0;
        long nextSendNs = System.nanoTime();
        // each record is published as it is committed, not batched: the generator is user code, which may be
        // slow or wait for the sink to see the record before
        for (long i = 0; i < count; i++)
        {
            if (periodNs > 0)
            {
                awaitSendTime(ctx, nextSendNs);
                nextSendNs += periodNs;
            }
            final RecordFlyweight record = ctx.claim();
            if (record == null)
            {
                return;
            }
            record.buffer().setMemory(record.offset(), recordLength, (byte)0);
            generator.generate(i, record); // if it throws, Source.run aborts the claim
            ctx.commit();
        }
        ctx.endOfStream();
    }

    /** An unpaced generator never waits between records; a paced one keeps its thread to keep its pace. */
    @Override
    boolean canRunOnStageThread()
    {
        return recordsPerSecond <= 0;
    }

    @Override
    int produceSome(final SourceContext ctx, final int limit)
    {
        final int recordLength = schema().recordLengthBytes();
        final long end = Math.min(count, nextRecord + limit);
        // one clock read per step, not per record: a step takes microseconds, and an ingest time read before
        // the commit is what commit(long) asks for (latency is then counted from the step's start)
        final long stepNs = System.nanoTime();
        int published = 0;
        for (long i = nextRecord; i < end; i++)
        {
            final RecordFlyweight record = ctx.claim();
            if (record == null)
            {
                return published;
            }
            record.buffer().setMemory(record.offset(), recordLength, (byte)0);
            nextRecord = i + 1; // before the call: a record that throws is aborted, not retried
            generator.generate(i, record); // if it throws, Source.step aborts the claim
            ctx.commit(stepNs);
            published++;
        }
        if (nextRecord == count)
        {
            ctx.endOfStream();
        }
        return published;
    }

    private static void awaitSendTime(final SourceContext ctx, final long sendTimeNs)
    {
        long remainingNs;
        while ((remainingNs = sendTimeNs - System.nanoTime()) > 0)
        {
            if (remainingNs > SPIN_THRESHOLD_NS)
            {
                LockSupport.parkNanos(remainingNs - SPIN_THRESHOLD_NS);
            }
            else
            {
                Thread.onSpinWait();
            }
            if (ctx.isStopping())
            {
                return;
            }
        }
    }
}
