package io.rivulet.operators.window;

/**
 * When an aggregation emits its result rows, with Spark's meaning.
 */
public enum OutputMode
{
    /**
     * Each window's row is emitted once, final, when the watermark passes the window's end plus the allowed
     * lateness; its state is then dropped. Late records are dropped (counted) or sent to the late-data output.
     */
    APPEND,
    /**
     * A row is emitted every time it changes (per record in continuous mode). State is dropped when the
     * watermark passes the window's end plus the allowed lateness; late records as in {@link #APPEND}.
     */
    UPDATE,
    /**
     * The whole result table is emitted each time a window's end passes the watermark, and at end of stream.
     * Nothing is dropped or late: state grows with the number of windows and keys, so use it for small results.
     */
    COMPLETE
}
