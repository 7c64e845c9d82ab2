package io.rivulet.engine;

/**
 * Receives a pipeline's progress reports ({@link Pipeline#addProgressListener}). Called on the pipeline's progress
 * thread ({@code rivulet-<name>-progress}), never on a stage thread, one report at a time, in report order; a slow
 * listener delays the next report, not the records. Anything it throws (an {@code Error} or a sneaky-thrown checked
 * exception included) goes to the thread's uncaught-exception handler (printed by default) and does not stop the
 * pipeline, the other listeners or the later reports. Until it returns from the final report,
 * {@link Pipeline#awaitCompletion} does not return true; if it ignores interrupts and is still running 10 s after
 * {@link Pipeline#close()} stopped the stages, {@code close()} throws {@link IllegalStateException} naming the thread.
 */
@FunctionalInterface
public interface ProgressListener
{
    /**
     * @param progress the report; immutable, may be kept.
     */
    void onProgress(PipelineProgress progress);
}
