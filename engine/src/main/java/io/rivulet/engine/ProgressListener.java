package io.rivulet.engine;

/**
 * Receives a pipeline's progress reports ({@link Pipeline#addProgressListener}). Called on the pipeline's progress
 * thread ({@code rivulet-<name>-progress}), never on a stage thread, one report at a time, in report order; a slow
 * listener delays the next report, not the records. An exception it throws goes to the thread's uncaught-exception
 * handler (printed by default) and does not stop the pipeline or the other listeners.
 */
@FunctionalInterface
public interface ProgressListener
{
    /**
     * @param progress the report; immutable, may be kept.
     */
    void onProgress(PipelineProgress progress);
}
