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
 */
final class SinkOutput implements Output
{
    /** Latencies above this are clamped so recording never fails: 60 s. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;

    private final Sink sink;
    private final PipelineRuntime runtime;
    private final SingleWriterRecorder recorder;
    private final AtomicLong recordsOut = new AtomicLong();
    private final AtomicLong lastWatermarkMs = new AtomicLong(Long.MIN_VALUE);
    private Histogram interval;

    SinkOutput(final Sink sink, final PipelineRuntime runtime, final boolean recordLatency)
    {
        this.sink = sink;
        this.runtime = runtime;
        this.recorder = recordLatency ? new SingleWriterRecorder(1, MAX_LATENCY_NS, 3) : null;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        try
        {
            sink.onRecord(record);
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
        sink.onEpoch(epochId);
    }

    @Override
    public void onEndOfStream()
    {
        sink.onEndOfStream();
        runtime.complete();
    }

    long recordsOut()
    {
        return recordsOut.get();
    }

    /** @return the last watermark this stage emitted, Long.MIN_VALUE if none yet. */
    long lastWatermarkMs()
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
