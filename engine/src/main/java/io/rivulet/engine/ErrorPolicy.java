package io.rivulet.engine;

/**
 * What a stage does when processing one data record throws (set with {@link PipelineBuilder#onRecordError}):
 * <ul>
 *   <li>{@link #fail()} (the default): the pipeline stops and {@link Pipeline#awaitCompletion} throws a
 *   {@link PipelineFailedException} whose cause is the exception.</li>
 *   <li>{@link #skip(DeadLetterSink)}: the record is dropped, counted ({@link StageMetrics#recordsSkipped()}) and
 *   handed, with the stage name and the exception, to a dead-letter sink; the stage goes on with the next one.</li>
 * </ul>
 * "The record" is the stage's <i>input</i> record, even when the exception comes from an operator deep in the
 * fused chain: it is the only record that exists at every point of the chain. Operators before the failing one
 * have already seen it (their state may include it; what they emitted before the exception stays emitted).
 * <p>
 * Never skipped, always failing the pipeline: exceptions from the pipeline's sink, a late-data sink or the
 * dead-letter sink itself (a sink that cannot take records is not a bad record), exceptions while handling
 * a watermark, tick, timer or end of stream (there is no record to blame), and an
 * {@link io.rivulet.operators.OperatorStateException}: a window aggregate that failed after part of its state
 * took the record (an overflowing {@code sum} after {@code count} counted it; skipping would leave the window
 * inconsistent), or rows of closed windows that failed downstream while a record passed (that record did not
 * produce them). Immutable, thread-safe.
 */
public final class ErrorPolicy
{
    private static final ErrorPolicy FAIL = new ErrorPolicy(null);

    private final DeadLetterSink deadLetterSink;

    private ErrorPolicy(final DeadLetterSink deadLetterSink)
    {
        this.deadLetterSink = deadLetterSink;
    }

    /**
     * @return the default policy: the first record error stops the pipeline with that error as the cause.
     */
    public static ErrorPolicy fail()
    {
        return FAIL;
    }

    /**
     * @param deadLetterSink receives each skipped record, on the stage thread that failed on it.
     * @return a policy that skips a failing record, counts it and sends it to {@code deadLetterSink}.
     * @throws IllegalArgumentException if {@code deadLetterSink} is null.
     */
    public static ErrorPolicy skip(final DeadLetterSink deadLetterSink)
    {
        if (deadLetterSink == null)
        {
            throw new IllegalArgumentException("ErrorPolicy.skip(deadLetterSink) needs a dead-letter sink; " +
                "pass (stage, record, error) -> { } to drop failing records silently");
        }
        return new ErrorPolicy(deadLetterSink);
    }

    /**
     * @return true for {@link #skip}.
     */
    public boolean skipsRecords()
    {
        return deadLetterSink != null;
    }

    DeadLetterSink deadLetterSink()
    {
        return deadLetterSink;
    }

    @Override
    public String toString()
    {
        return deadLetterSink == null ? "fail" : "skip";
    }
}
