package io.rivulet.engine;

import io.rivulet.operators.OperatorStateException;
import io.rivulet.operators.Output;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SlotDescriptor;
import io.rivulet.ringbuffer.internal.SlotHandler;
import io.rivulet.ringbuffer.internal.SlotRing;
import io.rivulet.watermark.internal.WatermarkMerger;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One stage: a thread's duty cycle polling its input ring and running the fused operator chain on each slot.
 * <pre>
 *   input ring --poll--> slot of input i --> chain i --> [two-input operator] --> ... --> next ring | sink
 *                        (direct calls on this thread: the chain is fused)
 * </pre>
 * A stage fed by two sources (a join) has one chain per input, told apart by the slot's source id. The ring's
 * {@link io.rivulet.ringbuffer.WaitMode} decides how {@code doWork} waits for data; the wait ends at least
 * every {@link #TICK_INTERVAL_NS} so the stage can tick: drive processing time, mark quiet inputs idle (no record
 * and no watermark for the idle timeout), and publish its event-time diagnostics. Terminates after end-of-stream
 * of every input or when the pipeline stops; the runtime learns of the thread's exit in {@link #onClose()} (the
 * last thread out releases the pipeline's resources). An exception while processing a data record goes to the
 * pipeline's {@link ErrorPolicy} (Disruptor's {@code ExceptionHandler.handleEventException} role): fail, or skip
 * the stage's input record to the dead-letter sink. Allocation-free per slot.
 */
final class StageAgent implements Agent, SlotHandler
{
    /** How often a stage ticks, also while no data arrives. */
    static final long TICK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final int ACTIVE = 0;
    private static final int IDLE = 1;
    private static final int ENDED = 2;
    /** Longs (one cache line) around the per-record counters, against false sharing. */
    private static final int PAD = 8;

    private final String roleName;
    private final SlotRing.Consumer consumer;
    private final RecordFlyweight[] inputs;
    /** Per input: a flyweight for {@link #prefetch} hints, and whether its chain takes them. */
    private final RecordFlyweight[] prefetchRecords;
    private final boolean[] inputPrefetches;
    private boolean prefetching;
    private final Output[] heads;
    private final PipelineRuntime runtime;
    private final TwoInputOperator fanIn;
    private final long idleTimeoutNs;
    private final DeadLetterSink deadLetterSink;
    private final boolean[] inputEnded;
    private final boolean[] inputIdle;
    private final boolean[] activeSinceTick;
    private final long[] lastActivityNs;
    private final long[] lastWatermarkMs;
    private final long[] tickWatermarkMs;
    /**
     * Per input i: data records taken at {@code [PAD + 2i]}, the source index of the last one at {@code [PAD + 2i +
     * 1]} (progress reports' positions). Written per record by this thread only; padded by a cache line on each
     * side so no object another thread writes (a source's context, say) can share their line.
     */
    private final AtomicLongArray inputCounters;
    private final AtomicLong recordsSkipped = new AtomicLong();
    private final AtomicLongArray inputWatermarks;
    private final AtomicIntegerArray inputIdleFlags;
    private final AtomicLong watermarkHolder = new AtomicLong(-1);
    private int inputsOpen;
    /** Set when the pipeline checkpoints: a barrier snapshots this stage's operators. */
    private CheckpointCoordinator checkpoints;
    private int stageIndex;
    /** The last stage's sink output, told of durable epochs; null on other stages. */
    private SinkOutput committedListener;
    private long nextTickNs;
    /** processingTime trigger, first stage only: ns between the epochs this stage ends; 0 = none. */
    private long epochIntervalNs;
    private long nextEpochNs;
    private long nextEpochId = 1;
    /** A record or watermark arrived since the last epoch: no empty epochs. */
    private boolean inputSinceEpoch;
    /**
     * processingTime trigger: where this stage's rows go (its ring or sink), whose count is read around a tick.
     * Rows a tick produced without input (a processing-time timer) or holds for the epoch's end (windows a
     * processing-time watermark closed) end an epoch on the clock, or they would wait for the next record. Null
     * otherwise.
     */
    private StageTail clockTail;
    /** This stage asked for an epoch end and has not seen one since: asks once per epoch. */
    private boolean clockRowsPending;
    /** A source run on this thread ({@link #runSource}); null when it has none or once it is done. */
    private Source fusedSource;
    private SourceContext fusedContext;
    private int fusedStepLimit;
    private long lastIngestNs;
    private int polls;

    StageAgent(final String roleName, final SlotRing ring, final Schema[] inputSchemas, final Output[] heads,
        final PipelineRuntime runtime, final TwoInputOperator fanIn, final long idleTimeoutNs,
        final ErrorPolicy errorPolicy)
    {
        this.deadLetterSink = errorPolicy.deadLetterSink();
        this.roleName = roleName;
        this.consumer = ring.consumer();
        this.inputs = new RecordFlyweight[inputSchemas.length];
        this.prefetchRecords = new RecordFlyweight[inputSchemas.length];
        for (int i = 0; i < inputs.length; i++)
        {
            inputs[i] = new RecordFlyweight(inputSchemas[i]);
            prefetchRecords[i] = new RecordFlyweight(inputSchemas[i]);
        }
        this.inputPrefetches = new boolean[heads.length];
        this.heads = heads;
        this.runtime = runtime;
        this.fanIn = fanIn;
        this.idleTimeoutNs = idleTimeoutNs;
        this.inputEnded = new boolean[heads.length];
        this.inputIdle = new boolean[heads.length];
        this.activeSinceTick = new boolean[heads.length];
        this.lastActivityNs = new long[heads.length];
        this.lastWatermarkMs = new long[heads.length];
        java.util.Arrays.fill(lastWatermarkMs, Long.MIN_VALUE);
        this.tickWatermarkMs = new long[heads.length];
        java.util.Arrays.fill(tickWatermarkMs, Long.MIN_VALUE);
        this.inputWatermarks = new AtomicLongArray(heads.length);
        for (int i = 0; i < heads.length; i++)
        {
            inputWatermarks.set(i, Long.MIN_VALUE);
        }
        this.inputIdleFlags = new AtomicIntegerArray(heads.length);
        this.inputCounters = new AtomicLongArray(PAD + 2 * heads.length + PAD);
        for (int i = 0; i < heads.length; i++)
        {
            inputCounters.set(PAD + 2 * i + 1, -1);
        }
        this.inputsOpen = heads.length;
    }

    /**
     * Hints a data record to its chain (a lookup operator loads its state line now), with a flyweight of its own:
     * {@link #onSlot} may still be using the input's. A hint is never worth a failure: whatever it throws is
     * dropped, and the record meets the same problem, with the error policy, in {@code onSlot}.
     */
    @Override
    public void prefetch(final UnsafeBuffer buffer, final int slotOffset)
    {
        if (buffer.getInt(slotOffset + SlotDescriptor.TYPE_OFFSET) != SlotDescriptor.TYPE_DATA)
        {
            return;
        }
        final int input = buffer.getInt(slotOffset + SlotDescriptor.SOURCE_ID_OFFSET);
        if (input < 0 || input >= heads.length || !inputPrefetches[input])
        {
            return;
        }
        try
        {
            heads[input].prefetch(prefetchRecords[input].wrap(buffer, SlotDescriptor.recordOffset(slotOffset)));
        }
        catch (final RuntimeException ignored)
        {
            // only a hint
        }
    }

    @Override
    public boolean prefetches()
    {
        return prefetching;
    }

    @Override
    public void onStart()
    {
        for (int i = 0; i < heads.length; i++)
        {
            inputPrefetches[i] = heads[i].prefetches(); // the chains are open by now
            prefetching |= inputPrefetches[i];
        }
        final long nowNs = System.nanoTime();
        java.util.Arrays.fill(lastActivityNs, nowNs);
        nextTickNs = nowNs + TICK_INTERVAL_NS;
    }

    @Override
    public void onClose()
    {
        try
        {
            closeFusedSource();
        }
        finally
        {
            runtime.onThreadExit();
        }
    }

    /**
     * Runs {@code source} on this stage's thread (before the stage starts): each duty cycle publishes up to
     * {@code stepLimit} records into the input ring and then polls them, so records never cross cores. The
     * ring must hold {@code stepLimit} records and two markers (a barrier, an end of stream): the producer is
     * this thread, so a full ring would wait for itself.
     */
    void runSource(final Source source, final int stepLimit)
    {
        this.fusedSource = source;
        this.fusedContext = source.context;
        this.fusedStepLimit = stepLimit;
    }

    /** Produce only into a drained ring (never more than it holds), then hand what is there to the chain. */
    private int doFusedWork()
    {
        int produced = 0;
        final Source source = fusedSource;
        if (source != null && consumer.isDrained())
        {
            try
            {
                produced = source.step(fusedStepLimit);
            }
            catch (final Throwable t)
            {
                runtime.onError(t); // first, so the source's failure is the cause, not a failure to close it
                closeFusedSource();
                throw new AgentTerminationException(true);
            }
            if (fusedContext.isEnded() || fusedContext.isStopping())
            {
                closeFusedSource(); // the end of stream (if any) is in the ring: the chain drains it
            }
        }
        final int polled = consumer.pollNow(this);
        final int work = produced + Math.max(0, polled);
        if (source != null)
        {
            fusedContext.idle(work); // a tailing journal with nothing new idles per the wait mode
        }
        return work;
    }

    private void closeFusedSource()
    {
        final Source source = fusedSource;
        if (source != null)
        {
            fusedSource = null;
            try
            {
                source.closeSteps();
            }
            catch (final Throwable t)
            {
                runtime.onError(t);
            }
        }
    }

    @Override
    public int doWork()
    {
        if (inputsOpen == 0 || runtime.isStopping())
        {
            throw new AgentTerminationException(true);
        }
        lastIngestNs = 0;
        final int work = fusedContext == null ? consumer.poll(this) : doFusedWork();
        // Reading the clock on every poll would tax the hot path for the tick's sake. A polled record's ingest
        // time is a clock read the producer already paid for: never later than now, so it never ticks early.
        // It can be old behind a backlog, so every 16th poll reads the real clock.
        final long nowNs = lastIngestNs != 0 && (++polls & 15) != 0 ? lastIngestNs : System.nanoTime();
        if (epochIntervalNs != 0 && nowNs - nextEpochNs >= 0)
        {
            endEpochByTime(nowNs);
        }
        if (nowNs - nextTickNs >= 0)
        {
            nextTickNs = nowNs + TICK_INTERVAL_NS;
            tick(nowNs);
        }
        return Math.max(0, work);
    }

    @Override
    public void onSlot(final UnsafeBuffer buffer, final int slotOffset, final boolean endOfBatch)
    {
        final int type = buffer.getInt(slotOffset + SlotDescriptor.TYPE_OFFSET);
        if (type == SlotDescriptor.TYPE_PADDING || runtime.isStopping())
        {
            // an aborted claim (no record; its source id is stale bytes), or the pipeline stopped, perhaps by a
            // callback of this very batch: deliver nothing more, markers included (an end of stream would fire
            // every window into the sink and report completion)
            return;
        }
        final int input = buffer.getInt(slotOffset + SlotDescriptor.SOURCE_ID_OFFSET);
        final Output head = heads[input];
        switch (type)
        {
            case SlotDescriptor.TYPE_DATA:
            {
                final long ingestNs = buffer.getLong(slotOffset + SlotDescriptor.INGEST_TIME_OFFSET);
                lastIngestNs = ingestNs;
                inputSinceEpoch = true;
                if (fanIn != null)
                {
                    onActivity(input);
                }
                final RecordFlyweight record = inputs[input];
                final long sourceIndex = buffer.getLong(slotOffset + SlotDescriptor.SOURCE_INDEX_OFFSET);
                record.wrap(buffer, SlotDescriptor.recordOffset(slotOffset)).ingestTimeNs(ingestNs)
                    .sourceIndex(sourceIndex);
                final int counter = PAD + 2 * input;
                inputCounters.lazySet(counter, inputCounters.get(counter) + 1);
                inputCounters.lazySet(counter + 1, sourceIndex);
                try
                {
                    head.onRecord(record);
                }
                catch (final Throwable t)
                {
                    onRecordError(record, t);
                }
                break;
            }
            case SlotDescriptor.TYPE_WATERMARK:
            {
                final long watermarkMs = buffer.getLong(slotOffset + SlotDescriptor.MARKER_VALUE_OFFSET);
                inputSinceEpoch = true;
                if (fanIn != null)
                {
                    onActivity(input); // a heartbeat: the input is alive and keeps holding event time back
                }
                // A published watermark may repeat (heartbeats) or go backwards; operators downstream forward
                // what they get, so only an advance enters the chain: event time never goes backwards.
                if (watermarkMs > lastWatermarkMs[input])
                {
                    lastWatermarkMs[input] = watermarkMs;
                    inputWatermarks.lazySet(input, watermarkMs);
                    head.onWatermark(watermarkMs);
                }
                break;
            }
            case SlotDescriptor.TYPE_EPOCH:
            {
                final long epoch = buffer.getLong(slotOffset + SlotDescriptor.MARKER_VALUE_OFFSET);
                clockRowsPending = false;
                try
                {
                    head.onEpoch(epoch);
                    if (checkpoints != null && !runtime.isStopping()) // stopped mid-epoch: its rows did not all leave
                    {
                        checkpoints.snapshotStage(stageIndex, epoch); // after the chain: its state at the barrier
                    }
                }
                catch (final Throwable t)
                {
                    failUnwrapped(t); // a barrier is no record to skip
                }
                break;
            }
            case SlotDescriptor.TYPE_END_OF_STREAM:
                if (!inputEnded[input])
                {
                    if (epochIntervalNs != 0 && inputsOpen == 1)
                    {
                        endEpochIfInput(); // the last, shorter epoch ends before the stream does
                    }
                    inputEnded[input] = true;
                    inputsOpen--;
                    head.onEndOfStream();
                    if (checkpoints != null)
                    {
                        try
                        {
                            checkpoints.snapshotStageAtEnd(stageIndex); // the state after end of stream
                        }
                        catch (final Throwable t)
                        {
                            failUnwrapped(t);
                        }
                    }
                }
                break;
            default:
                throw new IllegalStateException(roleName + ": corrupt slot type " + type + " at offset " + slotOffset);
        }
    }

    private void onRecordError(final RecordFlyweight record, final Throwable error)
    {
        final Throwable sinkError = SinkFailure.sinkCause(error); // also through a window firing its rows
        if (sinkError != null)
        {
            fail(sinkError);
        }
        if (deadLetterSink == null || !(error instanceof Exception) || error instanceof OperatorStateException ||
            runtime.interruptedByClose()) // the close interrupted this record's callback: not a record to skip
        {
            fail(error);
        }
        recordsSkipped.lazySet(recordsSkipped.get() + 1);
        try
        {
            deadLetterSink.onDeadLetter(roleName, record, error);
        }
        catch (final Throwable t)
        {
            if (t != error) // a dead-letter sink may rethrow what it was given
            {
                t.addSuppressed(error);
            }
            fail(t);
        }
    }

    private void failUnwrapped(final Throwable t)
    {
        final Throwable sinkError = SinkFailure.sinkCause(t);
        fail(sinkError != null ? sinkError : t);
    }

    private void fail(final Throwable cause)
    {
        runtime.onError(cause);
        throw new AgentTerminationException(true);
    }

    /**
     * Called before the first stage starts under {@link Trigger#processingTime}: it ends an epoch every interval
     * (between polls, so a record is never split from its batch) by passing an epoch marker into each input's
     * chain; markers reach later stages in-band through the rings, and a fan-in forwards each id once.
     */
    void epochsByTime(final long intervalNs)
    {
        // capped so that now + interval cannot wrap around (a century is as good as never)
        this.epochIntervalNs = Math.min(intervalNs, Long.MAX_VALUE >> 2);
        this.nextEpochNs = System.nanoTime() + epochIntervalNs;
    }

    private void endEpochByTime(final long nowNs)
    {
        nextEpochNs = nowNs + epochIntervalNs;
        endEpochIfInput();
    }

    private void endEpochIfInput()
    {
        final boolean requested = runtime.takeEpochEndRequest(); // a later stage's clock rows: this epoch takes them
        if (!inputSinceEpoch && !requested)
        {
            return;
        }
        inputSinceEpoch = false;
        clockRowsPending = false;
        final long epoch = nextEpochId++;
        try
        {
            for (int i = 0; i < heads.length; i++)
            {
                if (!inputEnded[i])
                {
                    heads[i].onEpoch(epoch);
                }
            }
        }
        catch (final Throwable t)
        {
            failUnwrapped(t);
        }
    }

    /**
     * Called before the stage starts under {@link Trigger#processingTime} (without checkpoints, whose pipelines
     * have no processing-time operators): rows the clock produces end an epoch too (see {@link #clockTail}).
     *
     * @param tail where this stage's rows go: its ring or sink.
     */
    void epochsForClockRows(final StageTail tail)
    {
        clockTail = tail;
    }

    /** Called before the stage starts when the pipeline checkpoints. */
    void enableCheckpoints(final CheckpointCoordinator checkpoints, final int stageIndex, final SinkOutput sinkOutput)
    {
        this.checkpoints = checkpoints;
        this.stageIndex = stageIndex;
        this.committedListener = sinkOutput;
    }

    private void tick(final long nowNs)
    {
        final long rowsBefore = clockTail == null ? 0 : clockTail.recordsOut();
        processingTime(nowNs);
        if (clockTail != null && !clockRowsPending && (clockTail.recordsOut() != rowsBefore || holdsRowsForEpoch()))
        {
            clockRowsPending = true;
            if (epochIntervalNs != 0)
            {
                inputSinceEpoch = true; // this stage ends the epochs: at its next turn
            }
            else
            {
                runtime.requestEpochEnd();
            }
        }
    }

    private boolean holdsRowsForEpoch()
    {
        for (int i = 0; i < heads.length; i++)
        {
            if (!inputEnded[i] && heads[i].holdsRowsForEpoch())
            {
                return true;
            }
        }
        return false;
    }

    private void processingTime(final long nowNs)
    {
        if (committedListener != null)
        {
            try
            {
                committedListener.notifyCommitted();
            }
            catch (final Throwable t)
            {
                failUnwrapped(t);
            }
        }
        final long nowMs = System.currentTimeMillis();
        for (int i = 0; i < heads.length; i++)
        {
            if (!inputEnded[i])
            {
                heads[i].onProcessingTime(nowMs);
            }
        }
        if (fanIn != null)
        {
            final WatermarkMerger merger = fanIn.watermarkMerger();
            for (int i = 0; i < heads.length; i++)
            {
                // Activity is noted per tick, not as the slot's ingest time: behind a backlog that time is old,
                // and an input that just delivered would be taken for quiet. A watermark that the input's chain
                // advanced without any slot (processing time, on this tick) is activity too: such an input
                // progresses and must not be left out, or event time would hold once all inputs are "idle".
                final long inputWatermarkMs = merger.inputWatermark(i);
                if (activeSinceTick[i] || inputWatermarkMs > tickWatermarkMs[i])
                {
                    activeSinceTick[i] = false;
                    tickWatermarkMs[i] = inputWatermarkMs;
                    lastActivityNs[i] = nowNs;
                    if (inputIdle[i] && !inputEnded[i])
                    {
                        setIdle(i, false);
                    }
                }
                else if (idleTimeoutNs > 0 && !inputIdle[i] && !inputEnded[i] &&
                    nowNs - lastActivityNs[i] > idleTimeoutNs)
                {
                    setIdle(i, true);
                }
            }
            for (int i = 0; i < heads.length; i++)
            {
                inputWatermarks.lazySet(i, fanIn.watermarkMerger().inputWatermark(i));
                inputIdleFlags.lazySet(i, fanIn.hasEnded(i) ? ENDED : inputIdle[i] ? IDLE : ACTIVE);
            }
            watermarkHolder.lazySet(fanIn.watermarkMerger().minInputIndex());
        }
    }

    /** A record or a watermark (heartbeat) arrived on a fan-in input: it is not idle. */
    private void onActivity(final int input)
    {
        activeSinceTick[input] = true;
        if (inputIdle[input])
        {
            setIdle(input, false);
        }
    }

    private void setIdle(final int input, final boolean idle)
    {
        inputIdle[input] = idle;
        inputIdleFlags.lazySet(input, idle ? IDLE : ACTIVE);
        fanIn.setIdle(input, idle);
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    long recordsIn()
    {
        long sum = 0;
        for (int i = 0; i < heads.length; i++)
        {
            sum += inputRecords(i);
        }
        return sum;
    }

    /** @return data records taken from {@code input}. Any thread. */
    long inputRecords(final int input)
    {
        return inputCounters.get(PAD + 2 * input);
    }

    /** @return the source index of the last record taken from {@code input}, -1 if none or not positioned. */
    long inputPosition(final int input)
    {
        return inputCounters.get(PAD + 2 * input + 1);
    }

    /** @return data records whose processing threw and that the {@link ErrorPolicy} skipped. */
    long recordsSkipped()
    {
        return recordsSkipped.get();
    }

    int inputCount()
    {
        return heads.length;
    }

    /** Last watermark seen per input (from source markers, or the fan-in merger's view), for diagnostics. */
    long inputWatermark(final int input)
    {
        return inputWatermarks.get(input);
    }

    boolean inputIdle(final int input)
    {
        return inputIdleFlags.get(input) == IDLE;
    }

    boolean inputEnded(final int input)
    {
        return inputIdleFlags.get(input) == ENDED;
    }

    /** @return the input holding the merged watermark back, or -1 (not a fan-in stage, or none yet). */
    int watermarkHolder()
    {
        return (int)watermarkHolder.get();
    }
}
