package io.rivulet.engine;

/**
 * A user-defined feed (Aeron, FIX, Kafka, a socket...), run by the pipeline on a thread of its own: create the
 * source with {@link Sources#feed}. The function publishes through its {@link SourceContext}:
 * <pre>{@code
 *   ctx -> {
 *       while (!ctx.isStopping()) {
 *           int work = subscription.poll(fragmentHandler, 10);   // the handler claims, fills, commits
 *           ctx.idle(work);                                      // idles per the pipeline's WaitMode
 *       }
 *   }
 * }</pre>
 * Lifecycle: {@code run} starts with the pipeline, on a thread named {@code rivulet-<pipeline>-source-<i>}.
 * Returning ends the stream (end of stream is published if {@link SourceContext#endOfStream()} was not called).
 * Throwing fails the pipeline with that exception as the cause (an open claim is aborted first). Once
 * {@link SourceContext#isStopping()} is true (the pipeline was closed or failed), claims return null and
 * {@code run} should return promptly: {@link Pipeline#close()} waits up to 10 s for it.
 */
@FunctionalInterface
public interface SourceFunction
{
    /**
     * Produces the source's records until its input ends or the pipeline stops.
     *
     * @param ctx the source's handle on the pipeline; valid during the call, on this thread.
     * @throws Exception to fail the pipeline with it as the cause.
     */
    void run(SourceContext ctx) throws Exception;
}
