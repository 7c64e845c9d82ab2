package io.rivulet.engine;

import io.rivulet.journal.CheckpointData;
import io.rivulet.journal.CheckpointStore;
import io.rivulet.journal.EpochCutLog;
import io.rivulet.operators.Operator;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a pipeline's checkpoints: epoch markers double as checkpoint barriers (Chandy-Lamport on a single input,
 * so no alignment is needed).
 * <pre>
 *   source thread:  tryBegin() -> position recorded -> EPOCH marker into ring 0
 *   stage i thread: marker passes its chain -> snapshotStage(i): each stateful operator copies its state (memcpy)
 *   last stage:     marker reaches the sink output -> onSinkBarrier(): output sequence recorded
 *   all arrived:    checkpoint handed to the writer thread -> temp file, fsync, rename -> committedEpoch
 * </pre>
 * One checkpoint is in flight at a time: the source starts the next only after the previous one is on disk, so
 * each operator's {@link SnapshotWriter} is reused without a copy and a slow disk delays checkpoints instead of
 * queueing them. The stage pays for the memory copy only; the file is written on the writer thread.
 * <p>
 * Recovery ({@link #recover}) restores the newest valid checkpoint before the pipeline starts: operator state,
 * the source's position, the sink's output count. A new pipeline writes an empty checkpoint (epoch 0) at once, so
 * a crash before its first barrier still resumes with the right output numbering.
 */
final class CheckpointCoordinator implements AutoCloseable
{
    /** Consecutive failed checkpoint writes after which the pipeline fails rather than run on without them. */
    static final int MAX_CONSECUTIVE_WRITE_FAILURES = 3;

    private static final System.Logger LOG = System.getLogger("io.rivulet.checkpoint");

    /** A stateful operator of the plan and where its snapshot goes. */
    private static final class StatefulOperator
    {
        final Operator operator;
        final int stage;
        final String sectionName;
        final SnapshotWriter writer = new SnapshotWriter(4096);

        StatefulOperator(final Operator operator, final int stage, final String sectionName)
        {
            this.operator = operator;
            this.stage = stage;
            this.sectionName = sectionName;
        }
    }

    private final String pipelineName;
    private final CheckpointStore store;
    private final String fingerprint;
    private final String description;
    private final List<StatefulOperator> operators = new ArrayList<>();
    private final int stageCount;
    private final long intervalNs;
    private final long everyRecords;
    private final PipelineRuntime runtime;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicInteger arrivalsPending = new AtomicInteger();
    private final AtomicLong committedEpoch = new AtomicLong();
    private final AtomicLong checkpointsWritten = new AtomicLong();
    private final AtomicLong lastWriteNs = new AtomicLong();
    private final AtomicLong maxSnapshotNs = new AtomicLong();
    private final AtomicLong lastSnapshotNs = new AtomicLong();
    private final AtomicLong lastSnapshotBytes = new AtomicLong();
    private final long[] sourcePositions;
    private long restoredEpoch = -1;
    private long restoreNs;
    private volatile long inFlightEpoch;
    /** The checkpoint taken after end of stream, once the source began it; -1 before. */
    private volatile long finalEpoch = -1;
    /** The checkpoint after end of stream was complete but could not be written: close() reports it. */
    private volatile boolean finalWriteFailed;
    private volatile long sinkSequence;
    private volatile CheckpointData pending;
    private volatile boolean closing;
    private ExclusiveFileLock lock;
    private long nextEpoch = 1;
    /**
     * Where each epoch ended (processingTime) or only where the stream ended (other triggers), durable before the
     * marker or the end of stream leaves the source (see {@link EpochCutLog}); opened before {@link #recover}.
     */
    private EpochCutLog cutLog;
    /** {@link #cutLog} holds every epoch's end (processingTime), not only where the stream ended. */
    private boolean epochEndsLogged;
    /** After a recovery: where the epochs after the restored one ended in the run before, from {@link #cutLog}. */
    private EpochCutLog.Cuts loggedCuts = EpochCutLog.Cuts.NONE;
    private Thread writerThread;
    private int consecutiveFailures;

    CheckpointCoordinator(final String pipelineName, final CheckpointStore store, final String fingerprintText,
        final String description, final List<List<Operator>> stageOperators, final int sourceCount,
        final long intervalNs, final long everyRecords, final PipelineRuntime runtime)
    {
        this.pipelineName = pipelineName;
        this.store = store;
        this.fingerprint = sha256(fingerprintText);
        this.description = description;
        this.stageCount = stageOperators.size();
        this.intervalNs = intervalNs;
        this.everyRecords = everyRecords;
        this.runtime = runtime;
        this.sourcePositions = new long[sourceCount];
        for (int s = 0; s < stageOperators.size(); s++)
        {
            final List<Operator> ops = stageOperators.get(s);
            for (int o = 0; o < ops.size(); o++)
            {
                final Operator op = ops.get(o);
                if (op.isStateful())
                {
                    operators.add(new StatefulOperator(op, s, "stage " + s + " operator " + o + ": " + op.describe()));
                }
            }
        }
    }

    private static String sha256(final String text)
    {
        try
        {
            return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** What recovery found: where the source resumes and how the sink numbers on. */
    static final class Recovery
    {
        final long epoch;
        final long[] sourcePositions;
        final long sinkSequence;
        final boolean restored;

        Recovery(final long epoch, final long[] sourcePositions, final long sinkSequence, final boolean restored)
        {
            this.epoch = epoch;
            this.sourcePositions = sourcePositions;
            this.sinkSequence = sinkSequence;
            this.restored = restored;
        }
    }

    /**
     * Restores the newest valid checkpoint into the (opened) operators, or, if there is none, writes the initial
     * one with the given start positions. On the building thread, before any pipeline thread runs.
     *
     * @param startPositions     where each source starts when nothing is restored (see {@link SourcePosition}).
     * @param sinkDurableSequence the sink's last durable output, -1 for a sink that keeps none we can ask about.
     * @param startFresh         discard checkpoints that cannot be restored instead of failing.
     */
    Recovery recover(final long[] startPositions, final long sinkDurableSequence, final boolean startFresh)
    {
        lockDirectory();
        final long startNs = System.nanoTime();
        final Optional<CheckpointData> latest = store.loadLatest(warning ->
            LOG.log(System.Logger.Level.WARNING, "Pipeline '" + pipelineName + "': " + warning));
        String unusable = null;
        if (latest.isPresent())
        {
            final CheckpointData data = latest.get();
            if (!data.pipelineFingerprint().equals(fingerprint))
            {
                unusable = "the checkpoint in " + store.dir() + " (epoch " + data.epoch() + ") was written by " +
                    "another pipeline, so it cannot be restored into this one.\n  its pipeline:  " +
                    indent(data.pipelineDescription()) + "\n  this pipeline: " + indent(description) + "\nUse the " +
                    "directory of this pipeline's checkpoints, or";
            }
            else if (sinkDurableSequence >= 0 && data.sinkSequences()[0] > sinkDurableSequence)
            {
                unusable = "the checkpoint in " + store.dir() + " (epoch " + data.epoch() + ") has produced " +
                    data.sinkSequences()[0] + " outputs, but the output journal holds only " + sinkDurableSequence +
                    ": it was deleted or replaced after the checkpoint. Restore the output journal, or";
            }
            else if (epochEndsLogged && !cutLog.holds(data.epoch()))
            {
                // every processingTime checkpoint is an epoch whose end was logged before it began (epoch 0: at the
                // pipeline's start), so a log without it was lost, even when epoch 0 is restored
                unusable = "the checkpoint in " + store.dir() + " (epoch " + data.epoch() + ") was written under " +
                    "Trigger.processingTime, but its epoch log (" + EpochCutLog.FILE_NAME + ") has no entry for that " +
                    "epoch: the file was deleted, emptied or replaced, so where the epochs after the checkpoint ended " +
                    "is lost, and a replay could emit other rows under the sequence numbers already used. Restore " +
                    "the file together with the checkpoints, or";
            }
            else
            {
                restore(data);
                nextEpoch = data.epoch() + 1;
                committedEpoch.set(data.epoch());
                restoredEpoch = data.epoch();
                try
                {
                    loggedCuts = epochEndsLogged ? cutLog.cutsAfter(data.epoch()) :
                        cutLog.streamEndAfter(data.epoch());
                }
                catch (final IllegalStateException ex)
                {
                    throw new IllegalStateException("Pipeline '" + pipelineName + "': " + ex.getMessage(), ex);
                }
                restoreNs = System.nanoTime() - startNs;
                return new Recovery(data.epoch(), data.sourcePositions().clone(), data.sinkSequences()[0], true);
            }
        }
        else if (!store.list().isEmpty())
        {
            unusable = "the checkpoint directory " + store.dir() + " holds checkpoints but none is valid (see the " +
                "warnings): resuming from nothing would produce again every output they covered. Repair or remove " +
                "them, or";
        }
        else if (sinkDurableSequence > 0)
        {
            unusable = "there is no valid checkpoint in " + store.dir() + ", but the output journal already holds " +
                sinkDurableSequence + " outputs: if this pipeline's checkpoints were lost or are corrupt (see the " +
                "warnings), it cannot resume without producing them again. Give an empty output, or";
        }
        if (unusable != null)
        {
            if (!startFresh)
            {
                throw new IllegalStateException("Pipeline '" + pipelineName + "': " + unusable + " call " +
                    "startFresh() on the builder to discard the checkpoints and start over from the source's start " +
                    "(outputs are then appended after what the output holds)");
            }
            // the message without its closing advice ("..., or"), which startFresh() has just followed
            final int advice = unusable.lastIndexOf(". ");
            final int reasonEnd = unusable.lastIndexOf('\n') > 0 ? unusable.lastIndexOf('\n') :
                advice > 0 ? advice + 1 : unusable.length();
            LOG.log(System.Logger.Level.WARNING, "Pipeline '" + pipelineName + "': startFresh(): " +
                unusable.substring(0, reasonEnd).replace("\n", " ") + " Starting over.");
            deleteAll();
        }
        final long sinkStart = Math.max(0, sinkDurableSequence);
        // a new pipeline: epoch 0 is its empty state at the start positions, on disk before the first record
        System.arraycopy(startPositions, 0, sourcePositions, 0, startPositions.length);
        for (final StatefulOperator op : operators)
        {
            op.operator.snapshotState(op.writer.reset());
        }
        sinkSequence = sinkStart;
        cutLog.reset(); // a new pipeline: its epochs start again at 1
        // epoch 0's entry: a log without it, restoring epoch 0 later, was lost (not merely never written to)
        cutLog.record(0, startPositions[0], EpochCutLog.EPOCH_END);
        store.write(data(0));
        checkpointsWritten.set(1);
        nextEpoch = 1;
        return new Recovery(0, startPositions.clone(), sinkStart, false);
    }

    /**
     * Before {@link #recover}, for {@link Trigger#processingTime}: each epoch is a checkpoint, and where the wall
     * clock ended it is logged before its marker leaves the source ({@link #recordCut}), so a replay ends the
     * epochs the restored checkpoint does not cover at the same records.
     */
    void logEpochCuts()
    {
        cutLog = EpochCutLog.open(store.dir());
        epochEndsLogged = true;
    }

    /**
     * Before {@link #recover}, for the other triggers: only where the stream ended is logged (before the end of
     * stream leaves the source), so a replay after a crash before the final checkpoint ends the stream at the same
     * record, even if the input journal has grown since: what the end of stream emitted depends on where it fell.
     */
    void logStreamEnd()
    {
        cutLog = EpochCutLog.open(store.dir());
    }

    /** @return true if epoch ends are logged ({@link #logEpochCuts}). */
    boolean logsEpochCuts()
    {
        return epochEndsLogged;
    }

    /** @return the epoch {@link #recover} restored, 0 if it started a new pipeline. */
    long restoredEpochOrZero()
    {
        return Math.max(0, restoredEpoch);
    }

    /**
     * @return where the epochs after the restored checkpoint ended before the crash, in order (epoch
     *         {@code restored + 1} first), and where the stream ended; none if nothing was logged or restored.
     */
    EpochCutLog.Cuts loggedCuts()
    {
        return loggedCuts;
    }

    /**
     * On the source thread, between beginning a checkpoint and publishing its marker (or the end of stream, for
     * the final one): makes where it ends durable; if it cannot, abandons the checkpoint and throws, which fails
     * the pipeline: an epoch or a stream end not durable must not be emitted.
     *
     * @param kind {@link EpochCutLog#EPOCH_END} or {@link EpochCutLog#STREAM_END}.
     * @throws java.io.UncheckedIOException if it cannot be written.
     */
    void recordCut(final long epoch, final long position, final int kind)
    {
        try
        {
            cutLog.record(epoch, position, kind);
        }
        catch (final RuntimeException ex)
        {
            abandon();
            throw ex;
        }
    }

    /** @return true while a checkpoint is begun and not yet written. */
    boolean isInFlight()
    {
        return inFlight.get();
    }

    /**
     * One pipeline at a time per checkpoint directory: two writers would interleave checkpoints and each restore
     * the other's. An OS file lock, so a process killed with -9 leaves no stale lock behind.
     */
    private void lockDirectory()
    {
        final java.nio.file.Path lockFile = store.dir().resolve(".lock");
        try
        {
            lock = ExclusiveFileLock.tryAcquire(lockFile);
        }
        catch (final java.io.UncheckedIOException ex)
        {
            throw new java.io.UncheckedIOException("Pipeline '" + pipelineName + "': cannot lock " + lockFile,
                ex.getCause());
        }
        if (lock == null)
        {
            throw new IllegalStateException("Pipeline '" + pipelineName + "': the checkpoint directory " +
                store.dir() + " is in use by another running pipeline (in this process or another); give each " +
                "pipeline its own checkpointLocation, or close the other one first");
        }
    }

    private void releaseLock()
    {
        if (lock != null)
        {
            lock.close();
            lock = null;
        }
    }

    private void deleteAll()
    {
        for (final io.rivulet.journal.CheckpointInfo info : store.list())
        {
            try
            {
                java.nio.file.Files.deleteIfExists(info.file());
            }
            catch (final java.io.IOException e)
            {
                throw new java.io.UncheckedIOException("startFresh(): cannot delete " + info.file(), e);
            }
        }
    }

    private static String indent(final String text)
    {
        return text.replace("\n", "\n                 ");
    }

    private void restore(final CheckpointData data)
    {
        final List<CheckpointData.Section> sections = data.sections();
        if (sections.size() != operators.size() || data.sourcePositions().length != sourcePositions.length ||
            data.sinkSequences().length != 1)
        {
            throw mismatch(data, sections.size() + " operator snapshots for " + operators.size() +
                " stateful operators");
        }
        for (int i = 0; i < sections.size(); i++)
        {
            final CheckpointData.Section section = sections.get(i);
            final StatefulOperator op = operators.get(i);
            if (!section.name().equals(op.sectionName))
            {
                throw mismatch(data, "snapshot " + i + " is of '" + section.name() + "', expected '" +
                    op.sectionName + "'");
            }
            try
            {
                final SnapshotReader reader = new SnapshotReader(section.buffer(), section.offset(), section.length());
                op.operator.restoreState(reader);
                reader.expectEnd();
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalStateException("Pipeline '" + pipelineName + "': restoring '" + op.sectionName +
                    "' from the checkpoint of epoch " + data.epoch() + " in " + store.dir() + " failed: " +
                    ex.getMessage() + ". If the pipeline's definition changed on purpose, call startFresh() on the " +
                    "builder to discard its checkpoints.", ex);
            }
        }
    }

    private IllegalStateException mismatch(final CheckpointData data, final String detail)
    {
        return new IllegalStateException("Pipeline '" + pipelineName + "': the checkpoint of epoch " + data.epoch() +
            " in " + store.dir() + " does not fit this pipeline (" + detail + ")");
    }

    /** Starts the writer thread; with {@link #close()}, the coordinator's lifecycle is the pipeline's. */
    void start()
    {
        final Thread thread = new Thread(this::writeLoop, "rivulet-" + pipelineName + "-checkpoint");
        thread.setDaemon(true);
        writerThread = thread;
        thread.start();
    }

    /** @return nanoseconds between barriers by time (0: not by time). */
    long intervalNs()
    {
        return intervalNs;
    }

    /** @return records between barriers (0: not by count). */
    long everyRecords()
    {
        return everyRecords;
    }

    /**
     * On the source thread: starts a checkpoint unless one is in flight.
     *
     * @param sourceId the source injecting the barrier.
     * @param position where the source resumes from this checkpoint (see {@link SourcePosition}).
     * @return the epoch id to publish as the barrier, or -1 if a checkpoint is still in flight.
     */
    long tryBegin(final int sourceId, final long position)
    {
        if (closing || !inFlight.compareAndSet(false, true))
        {
            return -1;
        }
        final long epoch = nextEpoch++;
        sourcePositions[sourceId] = position;
        arrivalsPending.set(stageCount + 1);
        inFlightEpoch = epoch;
        return epoch;
    }

    /**
     * On the source thread, after its last record and before its end of stream: the state after end of stream is
     * checkpointed too (every stage snapshots once end of stream has passed it), so a rerun continues after the
     * end instead of replaying it: what end of stream emitted (the last windows) stays emitted once, even if the
     * journal grows before the rerun. Where the stream ended is logged first (every trigger): what end of stream
     * emits depends on it as an epoch's rows do on its end, so a replay after a crash before this checkpoint must
     * end there too. Waits for a checkpoint still being written.
     *
     * @return the final checkpoint's epoch, -1 if the pipeline is stopping.
     * @throws java.io.UncheckedIOException if the stream end cannot be logged (see {@link #recordCut}).
     */
    long beginFinal(final int sourceId, final long position)
    {
        while (!inFlight.compareAndSet(false, true))
        {
            if (closing || runtime.isStopping())
            {
                return -1;
            }
            LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(100));
        }
        final long epoch = nextEpoch++;
        sourcePositions[sourceId] = position;
        arrivalsPending.set(stageCount + 1);
        inFlightEpoch = epoch;
        finalEpoch = epoch;
        recordCut(epoch, position, EpochCutLog.STREAM_END);
        return epoch;
    }

    /** On stage {@code stage}'s thread, after end of stream passed its chain. */
    void snapshotStageAtEnd(final int stage)
    {
        final long epoch = finalEpoch;
        if (epoch >= 0)
        {
            snapshotStage(stage, epoch);
        }
    }

    /** On the last stage's thread, when end of stream reached the sink. */
    void onSinkEnd(final long outputSequence)
    {
        final long epoch = finalEpoch;
        if (epoch >= 0)
        {
            onSinkBarrier(epoch, outputSequence);
        }
    }

    /** The source could not publish the barrier it began (the pipeline is stopping). */
    void abandon()
    {
        inFlight.set(false);
    }

    /** On stage {@code stage}'s thread, after the barrier passed its chain. */
    void snapshotStage(final int stage, final long epoch)
    {
        if (epoch != inFlightEpoch)
        {
            return; // a marker of an abandoned epoch
        }
        final long startNs = System.nanoTime();
        for (final StatefulOperator op : operators)
        {
            if (op.stage == stage)
            {
                op.operator.snapshotState(op.writer.reset());
            }
        }
        final long tookNs = System.nanoTime() - startNs;
        lastSnapshotNs.lazySet(tookNs);
        if (tookNs > maxSnapshotNs.get())
        {
            maxSnapshotNs.lazySet(tookNs);
        }
        arrive(epoch);
    }

    /** On the last stage's thread, when the barrier reached the sink. */
    void onSinkBarrier(final long epoch, final long outputSequence)
    {
        if (epoch != inFlightEpoch)
        {
            return;
        }
        sinkSequence = outputSequence;
        arrive(epoch);
    }

    private void arrive(final long epoch)
    {
        if (arrivalsPending.decrementAndGet() == 0)
        {
            pending = data(epoch);
            LockSupport.unpark(writerThread);
        }
    }

    private CheckpointData data(final long epoch)
    {
        final List<CheckpointData.Section> sections = new ArrayList<>(operators.size());
        long bytes = 0;
        for (final StatefulOperator op : operators)
        {
            sections.add(new CheckpointData.Section(op.sectionName, op.writer.buffer(), 0, op.writer.length()));
            bytes += op.writer.length();
        }
        lastSnapshotBytes.lazySet(bytes);
        return new CheckpointData(epoch, System.currentTimeMillis(), fingerprint, description,
            sourcePositions.clone(), new long[]{sinkSequence}, sections);
    }

    private void writeLoop()
    {
        while (true)
        {
            final CheckpointData data = pending;
            if (data == null)
            {
                // close() comes after every pipeline thread exited, so no checkpoint can be handed over after
                // it; but one may have been handed over between the read above and this one
                if (closing && pending == null)
                {
                    return;
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            pending = null;
            final long startNs = System.nanoTime();
            try
            {
                store.write(data);
                lastWriteNs.lazySet(System.nanoTime() - startNs);
                checkpointsWritten.lazySet(checkpointsWritten.get() + 1);
                consecutiveFailures = 0;
                committedEpoch.set(data.epoch());
            }
            catch (final Error ex)
            {
                finalWriteFailed |= data.epoch() == finalEpoch;
                runtime.onError(ex); // no more checkpoints from this thread: stop rather than hang in beginFinal
                return;
            }
            catch (final RuntimeException ex)
            {
                finalWriteFailed |= data.epoch() == finalEpoch;
                consecutiveFailures++;
                LOG.log(System.Logger.Level.WARNING, "Pipeline '" + pipelineName + "': checkpoint of epoch " +
                    data.epoch() + " could not be written to " + store.dir() + " (" + consecutiveFailures + " in a " +
                    "row): " + ex.getMessage());
                if (consecutiveFailures >= MAX_CONSECUTIVE_WRITE_FAILURES)
                {
                    runtime.onError(new IllegalStateException("Pipeline '" + pipelineName + "': " +
                        consecutiveFailures + " checkpoints in a row could not be written to " + store.dir() +
                        "; stopping rather than run on without recovery points", ex));
                }
            }
            finally
            {
                inFlight.set(false);
            }
        }
    }

    /** @return the newest epoch on disk. Any thread. */
    long committedEpoch()
    {
        return committedEpoch.get();
    }

    CheckpointMetrics metrics(final long replaysSuppressed)
    {
        return new CheckpointMetrics(restoredEpoch, restoreNs, checkpointsWritten.get(), committedEpoch.get(),
            lastWriteNs.get(), lastSnapshotNs.get(), maxSnapshotNs.get(), lastSnapshotBytes.get(), replaysSuppressed);
    }

    /** Lets an in-progress write finish (it is a recovery point), then stops the writer thread. */
    @Override
    public void close()
    {
        closing = true;
        final Thread thread = writerThread;
        if (thread != null && thread != Thread.currentThread())
        {
            LockSupport.unpark(thread);
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (thread != null && thread.isAlive())
        {
            // still writing: keep the directory locked (the lock goes with the process) so no other pipeline
            // takes it while this writer renames and prunes files in it
            throw new IllegalStateException("Pipeline '" + pipelineName + "': the checkpoint writer did not finish " +
                "within 30 s; " + store.dir() + " stays locked until it does or the process exits");
        }
        if (cutLog != null)
        {
            cutLog.close();
        }
        releaseLock();
        if (finalWriteFailed)
        {
            throw new IllegalStateException("Pipeline '" + pipelineName + "': the checkpoint after end of stream " +
                "could not be written to " + store.dir() + " (see the warning); a rerun restores the one before it " +
                "and replays the end (an output journal drops what it holds)");
        }
    }
}
