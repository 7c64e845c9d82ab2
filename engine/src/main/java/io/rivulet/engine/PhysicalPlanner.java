package io.rivulet.engine;

import io.rivulet.journal.EpochCutLog;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.operators.internal.state.HugePages;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SlotRing;
import io.rivulet.ringbuffer.WaitMode;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a logical {@link RecordStream.PipelinePlan} into a {@link PhysicalPlan}: one ring per stage input, the
 * operators of each stage fused into a chain of direct calls (opened, which is when they allocate their state),
 * one {@link StageAgent} per stage, the sources bound to the first ring.
 * <pre>
 *   sources ==ring 0==> stage 0: chain(s) [-> fan-in] -> ... ==ring 1==> stage 1 ... -> SinkOutput -> sink
 * </pre>
 * Everything that can be refused without side effects (a source already used) is checked before any operator is
 * opened; if planning fails, whatever was opened is released (and the sinks, opened when the stream was defined,
 * are closed) before the exception propagates.
 */
final class PhysicalPlanner
{
    /** Records a source run on the stage thread publishes per duty cycle at most: a few L1-sized batches. */
    static final int SOURCE_STEP_LIMIT = 256;
    /** Smallest ring a source can run on its stage's thread with: a step's records plus two markers. */
    static final int MIN_RING_FOR_SOURCE_ON_STAGE = 8;

    private PhysicalPlanner()
    {
    }

    static PhysicalPlan plan(final String name, final RecordStream.PipelinePlan logical, final Sink sink,
        final Schema outputSchema, final WaitMode waitMode, final int ringCapacity, final boolean recordLatency,
        final long idleTimeoutNs, final ErrorPolicy errorPolicy, final PipelineRuntime runtime,
        final CheckpointSettings checkpoints, final Trigger trigger, final boolean sourceOnStageThread)
    {
        final List<Source> sources = logical.sources;
        final PhysicalPlan plan = new PhysicalPlan(sources, logical.fanIn,
            new SinkOutput(sink, runtime, recordLatency), sink, logical.sideSinks, errorPolicy.deadLetterSink());
        try
        {
            final Map<Source, Boolean> seen = new IdentityHashMap<>();
            for (final Source source : sources)
            {
                if (source.isBound() || seen.put(source, Boolean.TRUE) != null)
                {
                    throw new IllegalStateException("Source " + source + " is already used by a pipeline; " +
                        "create one source per pipeline (and per join side)");
                }
            }
            lockOutputJournals(sink, logical.sideSinks);
            if (checkpoints != null)
            {
                checkSettings(name, checkpoints, trigger);
                requireDeterminism(name, logical);
            }
            plan.trigger = trigger;
            if (trigger.isMicroBatch())
            {
                microBatch(logical);
                plan.sinkOutput.startEpochs(); // with checkpoints, resume() below numbers from the checkpoint
            }
            warmUpStateMemory(logical);
            wire(name, logical, plan, outputSchema, waitMode, ringCapacity, idleTimeoutNs, errorPolicy, runtime);
            for (int i = 0; i < sources.size(); i++)
            {
                sources.get(i).bind(plan.rings.get(0), runtime, i);
            }
            if (sourceOnStageThread)
            {
                runSourceOnStageThread(plan, ringCapacity);
            }
            if (checkpoints != null)
            {
                enableCheckpoints(name, plan, sink, outputSchema, checkpoints, runtime, trigger);
            }
            if (trigger.isProcessingTime() && checkpoints == null) // with checkpoints the source ends the epochs
            {
                plan.agents.get(0).epochsByTime(trigger.intervalNs());
                for (int i = 0; i < plan.agents.size(); i++)
                {
                    plan.agents.get(i).epochsForClockRows(plan.stageTails.get(i));
                }
            }
            else if (trigger.isAvailableNow())
            {
                for (final Source source : sources)
                {
                    source.context.epochsByCount(trigger.recordsPerEpoch(), plan.checkpoints);
                }
            }
            if (trigger.isMicroBatch())
            {
                plan.text = plan.text + "\ntrigger: " + trigger + " (micro-batch)";
            }
            return plan;
        }
        catch (final RuntimeException | Error ex)
        {
            final Throwable releaseFailure = plan.release();
            if (releaseFailure != null && releaseFailure != ex)
            {
                ex.addSuppressed(releaseFailure);
            }
            throw ex;
        }
    }

    /**
     * A single source that can run in steps moves onto stage 0's thread; a fan-in stage, a blocking source (a
     * user feed, the app's publisher, a paced generator) or a ring too small to hold a step keeps today's
     * threads.
     */
    private static void runSourceOnStageThread(final PhysicalPlan plan, final int ringCapacity)
    {
        if (plan.sources.size() != 1 || ringCapacity < MIN_RING_FOR_SOURCE_ON_STAGE)
        {
            return;
        }
        final Source source = plan.sources.get(0);
        if (!source.ownsThread() || !source.canRunOnStageThread())
        {
            return;
        }
        // one step fills at most a quarter of the ring (one poll's batch) plus a barrier and an end of stream,
        // so it never waits on a full ring, whose consumer is this very thread
        final int stepLimit = Math.min(SOURCE_STEP_LIMIT, ringCapacity / 4);
        source.onStageThread = true;
        plan.agents.get(0).runSource(source, stepLimit);
        plan.text = plan.text.replaceFirst("\n", " (on stage 0's thread)\n");
    }

    private static void wire(final String name, final RecordStream.PipelinePlan logical, final PhysicalPlan plan,
        final Schema outputSchema, final WaitMode waitMode, final int ringCapacity, final long idleTimeoutNs,
        final ErrorPolicy errorPolicy, final PipelineRuntime runtime)
    {
        final List<Source> sources = logical.sources;
        final TwoInputOperator fanIn = logical.fanIn;
        final StringBuilder planText = new StringBuilder();
        final Schema[] sourceSchemas = new Schema[sources.size()];
        int slotRecordLength = 0;
        for (int i = 0; i < sources.size(); i++)
        {
            sourceSchemas[i] = sources.get(i).schema();
            slotRecordLength = Math.max(slotRecordLength, sourceSchemas[i].recordLengthBytes());
            planText.append("source ").append(i).append(": ").append(sources.get(i)).append(" -> ")
                .append(sourceSchemas[i]).append('\n');
        }
        final long tickNs = StageAgent.TICK_INTERVAL_NS;
        SlotRing input = SlotRing.create(ringCapacity, slotRecordLength, waitMode, sources.size() > 1, tickNs);
        plan.rings.add(input);

        final List<RecordStream.StagePlan> stages = logical.stages;
        for (int i = 0; i < stages.size(); i++)
        {
            final RecordStream.StagePlan stage = stages.get(i);
            final boolean last = i == stages.size() - 1;
            final SlotRing next = last ? null : ring(stages.get(i + 1), ringCapacity, waitMode, tickNs);
            final StageTail tail = last ? plan.sinkOutput : new RingOutput(next);
            final Output chainHead = fuse(stage.operators, tail, plan);
            final List<Operator> fused = new ArrayList<>(stage.operators);
            final StringBuilder chain = new StringBuilder();
            describe(stage.operators, chain);

            final Output[] heads;
            final Schema[] inputSchemas;
            final TwoInputOperator stageFanIn = i == 0 ? fanIn : null;
            if (stageFanIn != null)
            {
                stageFanIn.open(chainHead);
                heads = new Output[sources.size()];
                final StringBuilder inputsText = new StringBuilder();
                for (int s = 0; s < heads.length; s++)
                {
                    final List<Operator> inputChain = logical.inputChains.get(s);
                    heads[s] = fuse(inputChain, stageFanIn.input(s), plan);
                    fused.addAll(inputChain);
                    inputsText.append(s == 0 ? "[" : " | ").append("input ").append(s).append(": ");
                    if (inputChain.isEmpty())
                    {
                        inputsText.append("(no operators)");
                    }
                    describe(inputChain, inputsText);
                }
                chain.insert(0, inputsText.append("] -> ").append(stageFanIn.describe())
                    .append(stage.operators.isEmpty() ? "" : " -> "));
                inputSchemas = sourceSchemas;
            }
            else
            {
                if (stage.operators.isEmpty())
                {
                    chain.append("(no operators)");
                }
                heads = new Output[]{chainHead};
                inputSchemas = new Schema[]{i == 0 ? sourceSchemas[0] : stage.inputSchema};
            }
            chain.append(chain.length() == 0 ? "" : " -> ").append(last ? "sink" : "ring");

            final String stageName = "rivulet-" + name + "-stage-" + i;
            plan.stageOperators.add(List.copyOf(fused));
            plan.stageDescriptions.add(chain.toString());
            plan.stageTails.add(tail);
            plan.agents.add(new StageAgent(stageName, input, inputSchemas, heads, runtime, stageFanIn, idleTimeoutNs,
                errorPolicy));
            planText.append("  ring[").append(ringCapacity).append(" x ").append(input.slotLength())
                .append("B, ").append(waitMode).append(input == plan.rings.get(0) && sources.size() > 1 ?
                ", " + sources.size() + " producers" : "").append(conflation(stage)).append("]\n  ")
                .append(stageName).append(": ")
                .append(chain).append('\n');
            if (next != null)
            {
                plan.rings.add(next);
                input = next;
            }
        }
        planText.append("sink -> ").append(outputSchema);
        if (errorPolicy.skipsRecords())
        {
            planText.append("\non record error: skip to the dead-letter sink");
        }
        plan.text = planText.toString();
    }

    private static void checkSettings(final String name, final CheckpointSettings settings, final Trigger trigger)
    {
        if (settings.dir == null)
        {
            throw new IllegalStateException("Pipeline '" + name + "': " + settings.settingGiven + "(...) is a " +
                "checkpoint setting, but the pipeline has no checkpointLocation(dir); add one (exactly-once) or drop " +
                "the setting");
        }
        if (settings.retained >= EpochCutLog.SLOTS)
        {
            throw new IllegalStateException("Pipeline '" + name + "': checkpointsRetained(" + settings.retained +
                "): the epoch log holds the last " + EpochCutLog.SLOTS + " epochs (where the stream ended, and " +
                "under Trigger.processingTime where each epoch ended), so a recovery falling back that far could " +
                "not find them; keep fewer than " + EpochCutLog.SLOTS);
        }
        // under a micro-batch trigger the epochs are the checkpoints: interval and count are not used
        if (settings.intervalNs == 0 && settings.everyRecords == 0 && !trigger.isMicroBatch())
        {
            throw new IllegalStateException("Pipeline '" + name + "': checkpointInterval(0) means by record count " +
                "only, but checkpointEvery is 0 too, so it would never checkpoint; give one of them a value");
        }
        if (java.nio.file.Files.exists(settings.dir.resolve(io.rivulet.journal.Journal.SCHEMA_FILE_NAME)))
        {
            throw new IllegalStateException("Pipeline '" + name + "': checkpointLocation(" + settings.dir + ") is a " +
                "journal's directory; give the checkpoints a directory of their own");
        }
    }

    /**
     * Exactly-once replays the journal and must produce the same outputs in the same order: refuses, before
     * anything opens, what would make a replay differ.
     */
    private static void requireDeterminism(final String name, final RecordStream.PipelinePlan logical)
    {
        final String prefix = "Pipeline '" + name + "' cannot be exactly-once (checkpointLocation): ";
        if (logical.sources.size() != 1)
        {
            throw new IllegalStateException(prefix + "it reads " + logical.sources.size() + " sources, and how " +
                "their records interleave in the pipeline is not reproducible on replay. Journal the merged input " +
                "first (both producers append to one journal) and read that, or drop checkpointLocation.");
        }
        final Source source = logical.sources.get(0);
        if (!source.isReplayable())
        {
            throw new IllegalStateException(prefix + "its source " + source + " cannot rewind to a checkpointed " +
                "position. Use a journal: Sources.journal(dir), or Sources.journaled(dir, schema) for records the " +
                "application publishes.");
        }
        for (final RecordStream.StagePlan stage : logical.stages)
        {
            if (stage.conflateKeys != null)
            {
                throw new IllegalStateException(prefix + "conflateBy drops values depending on how fast the " +
                    "consumer runs, which a replay does not reproduce; conflate after the exactly-once output " +
                    "(e.g. in a second pipeline reading the output journal), or drop checkpointLocation.");
            }
        }
        for (final Operator op : operators(logical))
        {
            try
            {
                op.requireDeterminism();
            }
            catch (final IllegalStateException ex)
            {
                throw new IllegalStateException(prefix + op.describe() + ": " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * Loads the huge-page binding for keyed state now, on the building thread, if any operator keeps state: its
     * first use costs a few hundred milliseconds, which a stage thread would otherwise pay at a table's growth.
     */
    private static void warmUpStateMemory(final RecordStream.PipelinePlan logical)
    {
        for (final Operator op : operators(logical))
        {
            if (op.isStateful())
            {
                HugePages.warmUp();
                return;
            }
        }
    }

    /** @return every operator of the plan: the stages' chains, then the inputs' chains before a fan-in. */
    private static List<Operator> operators(final RecordStream.PipelinePlan logical)
    {
        final List<Operator> all = new ArrayList<>();
        for (final RecordStream.StagePlan stage : logical.stages)
        {
            all.addAll(stage.operators);
        }
        for (final List<Operator> chain : logical.inputChains)
        {
            all.addAll(chain);
        }
        return all;
    }

    /** Tells every operator, before it opens, that results leave per epoch. */
    /** One writing pipeline per output journal, from build to release (the plan's release closes the sinks). */
    private static void lockOutputJournals(final Sink sink, final List<Sink> sideSinks)
    {
        if (sink instanceof JournalSink)
        {
            ((JournalSink)sink).lockForWriting();
        }
        for (final Sink side : sideSinks)
        {
            if (side instanceof JournalSink)
            {
                ((JournalSink)side).lockForWriting();
            }
        }
    }

    private static void microBatch(final RecordStream.PipelinePlan logical)
    {
        for (final Operator op : operators(logical))
        {
            op.microBatch();
        }
    }

    private static void enableCheckpoints(final String name, final PhysicalPlan plan, final Sink sink,
        final Schema outputSchema, final CheckpointSettings settings, final PipelineRuntime runtime,
        final Trigger trigger)
    {
        final Source source = plan.sources.get(0);
        // the shape a checkpoint must fit: schemas and operators (not ring sizes or wait modes, which may change)
        final StringBuilder shape = new StringBuilder();
        // the source's schema, not its path: a journal moved or remounted is the same pipeline
        shape.append("source: ").append(source.schema()).append('\n');
        for (int i = 0; i < plan.stageDescriptions.size(); i++)
        {
            shape.append("stage ").append(i).append(": ").append(plan.stageDescriptions.get(i)).append('\n');
        }
        // the trigger's kind too: continuous and micro-batch state differ, and a replay must end the epochs the run
        // before ended (processingTime logs where, so its interval may change; availableNow(n) counts n records)
        shape.append("trigger: ").append(trigger.isProcessingTime() ? "processingTime (any interval)" :
            trigger.toString()).append('\n');
        shape.append("sink -> ").append(outputSchema);
        final CheckpointCoordinator coordinator = new CheckpointCoordinator(name,
            io.rivulet.journal.CheckpointStore.open(settings.dir, settings.retained), shape.toString(),
            "reading " + source + "\n" + shape, plan.stageOperators, 1,
            trigger.isProcessingTime() ? trigger.intervalNs() : settings.intervalNs,
            trigger.isProcessingTime() ? 0 : settings.everyRecords, runtime);
        plan.checkpoints = coordinator;
        if (trigger.isProcessingTime())
        {
            // the trigger's epochs are the barriers, cut by the source where the wall clock says and logged
            coordinator.logEpochCuts();
        }
        else
        {
            coordinator.logStreamEnd();
        }
        // -1: a sink that keeps nothing we can ask about (a callback): it is told sequence numbers and epochs instead
        final long sinkDurable = sink instanceof DurableSink ? ((DurableSink)sink).durableSequence() : -1;
        final CheckpointCoordinator.Recovery recovery =
            coordinator.recover(new long[]{source.initialPosition()}, sinkDurable, settings.startFresh);
        source.resumeWithCheckpoints(coordinator, recovery.sourcePositions[0]);
        plan.sinkOutput.resume(coordinator, recovery.sinkSequence, recovery.epoch, Math.max(0, sinkDurable));
        for (int i = 0; i < plan.agents.size(); i++)
        {
            plan.agents.get(i).enableCheckpoints(coordinator, i,
                i == plan.agents.size() - 1 ? plan.sinkOutput : null);
        }
        plan.text = plan.text + "\ncheckpoints: " + settings.dir + (recovery.restored ? ", restored epoch " +
            recovery.epoch : ", new") + " (exactly-once)";
    }

    /** The ring feeding {@code stage}: conflating if the stage starts at a {@code conflateBy}. */
    private static SlotRing ring(final RecordStream.StagePlan stage, final int ringCapacity, final WaitMode waitMode,
        final long tickNs)
    {
        final int recordLength = stage.inputSchema.recordLengthBytes();
        final Field[] keys = stage.conflateKeys;
        if (keys == null)
        {
            return SlotRing.create(ringCapacity, recordLength, waitMode, false, tickNs);
        }
        final int[] offsets = new int[keys.length];
        final int[] lengths = new int[keys.length];
        for (int k = 0; k < keys.length; k++)
        {
            offsets[k] = keys[k].offset();
            lengths[k] = keys[k].lengthBytes();
        }
        return SlotRing.createConflating(ringCapacity, recordLength, waitMode, tickNs, offsets, lengths);
    }

    private static String conflation(final RecordStream.StagePlan stage)
    {
        if (stage.conflateKeys == null)
        {
            return "";
        }
        final StringBuilder text = new StringBuilder(", conflating by ");
        for (int k = 0; k < stage.conflateKeys.length; k++)
        {
            text.append(k == 0 ? "" : ", ").append(stage.conflateKeys[k].name());
        }
        return text.toString();
    }

    private static Output fuse(final List<Operator> operators, final Output tail, final PhysicalPlan plan)
    {
        Output head = tail;
        for (int j = operators.size() - 1; j >= 0; j--)
        {
            final Operator op = operators.get(j);
            plan.openedOperators.add(op); // before open(): an open() that allocates and then throws is closed too
            op.open(head);
            head = op;
        }
        return head;
    }

    /** Appends "op -> op -> ..."; nothing for an empty chain (the caller says what stands in its place). */
    private static void describe(final List<Operator> operators, final StringBuilder out)
    {
        final int start = out.length();
        for (final Operator op : operators)
        {
            out.append(out.length() == start ? "" : " -> ").append(op.describe());
        }
    }
}
