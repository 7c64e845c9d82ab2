package io.rivulet.engine;

/**
 * A sink that keeps numbered outputs durably (an output journal) and can say how far it got, so that after a
 * recovery the pipeline drops, before the sink, the replayed outputs it already holds.
 */
interface DurableSink
{
    /**
     * @return the output sequence number of the last output the sink holds durably (0 if none), as of when it
     * was opened; the pipeline's numbering and the sink's are the same.
     */
    long durableSequence();
}
