package io.rivulet.engine;

import io.rivulet.ringbuffer.RecordFlyweight;

/**
 * Receives the records an {@link ErrorPolicy#skip} pipeline skipped, with the stage and the exception. Called on
 * the failing stage's thread; several stages may call it concurrently if the pipeline has several stages.
 * If it throws, the pipeline fails with that exception.
 */
@FunctionalInterface
public interface DeadLetterSink
{
    /**
     * @param stageName the stage (and thread) name, e.g. {@code rivulet-orders-stage-0}.
     * @param record    the stage's input record ({@code record.schema()} is its schema); valid only during the
     *                  call: copy out what must outlive it.
     * @param error     what processing the record threw.
     */
    void onDeadLetter(String stageName, RecordFlyweight record, Throwable error);

    /** The pipeline released its resources (see {@link Pipeline#close()}); the default does nothing. */
    default void close()
    {
    }
}
