package io.rivulet.engine;

import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.RecordFlyweight;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The end of the last stage's chain: hands records to the sink, counts them and records end-to-end latency
 * (now minus the record's ingest time) into an HdrHistogram recorder. What the sink throws travels up the chain
 * as a {@link SinkFailure}, so the stage fails rather than skipping it as a bad record. Allocation-free per record.
 * <p>
 * Numbers the outputs (the {@code sequence} of {@link Sink#onRecord(RecordFlyweight, long, long)}) and, with
 * checkpoints, keeps exactly-once at the output: after a recovery the count resumes from the checkpoint, and an
 * output whose number is at or below what a {@link DurableSink} already holds is a replay of one it has, so it is
 * dropped here (one compare per record).
 */
final class SinkOutput implements StageTail
{
    /** Latencies above this are clamped so recording never fails: 60 s. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;

    private final Sink sink;
    private final PipelineRuntime runtime;
    private final SingleWriterRecorder recorder;
    private final AtomicLong recordsOut = new AtomicLong();
    private final AtomicLong lastWatermarkMs = new AtomicLong(Long.MIN_VALUE);
    private Histogram interval;
    /** Outputs produced so far, including before a restored checkpoint: the last output's sequence number. */
    private long sequence;
    /**
     * The epoch of the records being produced: the last barrier's id + 1 (micro-batch epochs and checkpoints
     * both number from 1; 0 in continuous mode without checkpoints).
     */
    private long epoch;
    /** Outputs up to this number are replays the sink already holds durably. */
    private long suppressUpTo;
    private final AtomicLong replaysSuppressed = new AtomicLong();
    private CheckpointCoordinator checkpoints;
    private long committedNotified;
    /** Micro-batch: asked for a progress report at each epoch's end; null otherwise. */
    private ProgressReporter epochReports;

    SinkOutput(final Sink sink, final PipelineRuntime runtime, final boolean recordLatency)
    {
        this.sink = sink;
        this.runtime = runtime;
        this.recorder = recordLatency ? new SingleWriterRecorder(1, MAX_LATENCY_NS, 3) : null;
    }

    /** @return true if every delivered record's latency is recorded ({@code recordLatency}, the default). */
    boolean recordsLatency()
    {
        return recorder != null;
    }

    /** Micro-batch without checkpoints: the first epoch's rows belong to epoch 1, as its end will say. */
    void startEpochs()
    {
        this.epoch = 1;
    }

    /** With checkpoints: resume numbering after a restored checkpoint, and drop replays the sink holds. */
    void resume(final CheckpointCoordinator checkpoints, final long sequenceAtCheckpoint, final long epochAtCheckpoint,
        final long sinkDurableSequence)
    {
        this.checkpoints = checkpoints;
        this.sequence = sequenceAtCheckpoint;
        this.epoch = epochAtCheckpoint + 1;
        this.committedNotified = epochAtCheckpoint;
        this.suppressUpTo = sinkDurableSequence;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        if (runtime.isStopping())
        {
            // close() from a callback (perhaps this sink's, a row ago) promises nothing more is delivered, yet a
            // window firing or an epoch's flush emits many rows inside one call: they end here, unnumbered
            return;
        }
        final long seq = ++sequence;
        if (seq <= suppressUpTo)
        {
            replaysSuppressed.lazySet(replaysSuppressed.get() + 1);
            return;
        }
        try
        {
            sink.onRecord(record, epoch, seq);
        }
        catch (final Throwable t)
        {
            throw new SinkFailure(t);
        }
        if (recorder != null)
        {
            recorder.recordValue(Math.min(MAX_LATENCY_NS, Math.max(1, System.nanoTime() - record.ingestTimeNs())));
        }
        recordsOut.lazySet(recordsOut.get() + 1);
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        if (runtime.isStopping())
        {
            return;
        }
        lastWatermarkMs.lazySet(watermarkMs);
        try
        {
            sink.onWatermark(watermarkMs);
        }
        catch (final Throwable t)
        {
            throw new SinkFailure(t); // a watermark operator emits inside a record's call: not that record's fault
        }
    }

    @Override
    public void onEpoch(final long epochId)
    {
        if (runtime.isStopping())
        {
            return; // its rows may not all have left: the epoch is neither told nor checkpointed
        }
        try
        {
            sink.onEpoch(epochId);
        }
        catch (final Throwable t)
        {
            throw new SinkFailure(t);
        }
        epoch = epochId + 1;
        if (checkpoints != null)
        {
            checkpoints.onSinkBarrier(epochId, sequence);
        }
        if (epochReports != null)
        {
            epochReports.requestReport(epochId); // stores and unparks the progress thread: no wait here
        }
    }

    /**
     * On the sink's thread (a stage tick), or once more when the pipeline is released (its threads have exited):
     * tells the sink of newly durable epochs.
     */
    void notifyCommitted()
    {
        if (checkpoints == null)
        {
            return; // recovery refused the build before the sink output was resumed
        }
        final long committed = checkpoints.committedEpoch();
        if (committed > committedNotified)
        {
            committedNotified = committed;
            try
            {
                sink.onEpochCommitted(committed);
            }
            catch (final Throwable t)
            {
                throw new SinkFailure(t);
            }
        }
    }

    /** Micro-batch triggers: one progress report per epoch, when its rows have reached the sink. */
    void reportEpochs(final ProgressReporter reporter)
    {
        this.epochReports = reporter;
    }

    /** @return outputs of the replay after a recovery that the sink already held, so were not delivered again. */
    long replaysSuppressed()
    {
        return replaysSuppressed.get();
    }

    @Override
    public void onEndOfStream()
    {
        if (runtime.isStopping())
        {
            return; // closed while the end of stream fired the last windows: a closed pipeline does not complete
        }
        sink.onEndOfStream();
        if (checkpoints != null)
        {
            checkpoints.onSinkEnd(sequence);
        }
        runtime.complete();
    }

    @Override
    public long recordsOut()
    {
        return recordsOut.get();
    }

    @Override
    public long lastWatermarkMs()
    {
        return lastWatermarkMs.get();
    }

    /**
     * Moves what was recorded since the last call into {@code total}. Call from one reader thread at a time.
     */
    synchronized void drainLatencyInto(final Histogram total)
    {
        if (recorder != null)
        {
            interval = recorder.getIntervalHistogram(interval);
            total.add(interval);
        }
    }
}
