package io.rivulet.engine;

import io.rivulet.operators.Operator;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.ringbuffer.internal.SlotRing;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link PhysicalPlanner} wired: rings, stage agents with their fused (opened) operator chains, the sink
 * end, and everything that holds resources until {@link #release()}. Immutable after planning, except that
 * {@link #release()} closes the operators and sinks once.
 */
final class PhysicalPlan
{
    final List<Source> sources;
    final List<SlotRing> rings = new ArrayList<>();
    final List<StageAgent> agents = new ArrayList<>();
    final List<String> stageDescriptions = new ArrayList<>();
    final List<StageTail> stageTails = new ArrayList<>();
    /** Per stage, the operators fused on it (the fan-in's input chains included), for their counters. */
    final List<List<Operator>> stageOperators = new ArrayList<>();
    final TwoInputOperator fanIn;
    final SinkOutput sinkOutput;
    final Sink sink;
    final List<Sink> sideSinks;
    final DeadLetterSink deadLetterSink;
    /** Operators whose open() ran: they may hold native memory until close(). */
    final List<Operator> openedOperators = new ArrayList<>();
    String text = "";
    /** Null unless the pipeline checkpoints. */
    CheckpointCoordinator checkpoints;
    /** When results leave: set by the planner. */
    Trigger trigger = Trigger.continuous();

    PhysicalPlan(final List<Source> sources, final TwoInputOperator fanIn, final SinkOutput sinkOutput,
        final Sink sink, final List<Sink> sideSinks, final DeadLetterSink deadLetterSink)
    {
        this.sources = sources;
        this.fanIn = fanIn;
        this.sinkOutput = sinkOutput;
        this.sink = sink;
        this.sideSinks = sideSinks;
        this.deadLetterSink = deadLetterSink;
    }

    /**
     * Closes every operator (freeing its native memory), the fan-in operator, the sink, the side-output sinks and
     * the dead-letter sink, each even if an earlier one throws. Call once, when no thread runs the operators.
     *
     * @return the first exception thrown (later ones suppressed in it), or null.
     */
    Throwable release()
    {
        Throwable first = null;
        if (checkpoints != null)
        {
            first = closeQuietly(first, checkpoints::close); // lets a write in progress finish first
            first = closeQuietly(first, sinkOutput::notifyCommitted); // the final checkpoint, at end of stream
        }
        for (final Operator op : openedOperators)
        {
            first = closeQuietly(first, op::close);
        }
        if (fanIn != null)
        {
            // a fan-in built but not opened holds nothing; close() is safe either way
            first = closeQuietly(first, fanIn::close);
        }
        first = closeQuietly(first, sink::close);
        for (final Sink side : sideSinks)
        {
            first = closeQuietly(first, side::close);
        }
        if (deadLetterSink != null)
        {
            first = closeQuietly(first, deadLetterSink::close);
        }
        return first;
    }

    /**
     * @return {@code first}, with what {@code close} threw suppressed in it, unless that is {@code first} again or
     *         wraps it (a closing part rethrowing the failure it stored): the failure would be listed inside itself.
     */
    static Throwable closeQuietly(final Throwable first, final Runnable close)
    {
        try
        {
            close.run();
            return first;
        }
        catch (final RuntimeException | Error ex)
        {
            if (first == null)
            {
                return ex;
            }
            int depth = 0;
            for (Throwable t = ex; t != null && depth < 64; t = t.getCause(), depth++) // bounded: causes may cycle
            {
                if (t == first)
                {
                    return first;
                }
            }
            first.addSuppressed(ex);
            return first;
        }
    }
}
