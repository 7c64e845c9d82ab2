package io.rivulet.operators.window;

import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

/**
 * An event-time window over a TIMESTAMP column (epoch ms): tumbling, sliding (hopping) or session. A window is
 * the half-open interval [start, end). Immutable; validated when created and when bound to a schema.
 */
public final class WindowSpec
{
    /** Most windows one record may fall into (size / slide) for sliding windows. */
    public static final long MAX_WINDOWS_PER_RECORD = 1000;

    enum Kind
    {
        TUMBLING, SLIDING, SESSION
    }

    final Kind kind;
    final String timeColumn;
    final long sizeMs;
    final long slideMs;

    private WindowSpec(final Kind kind, final String timeColumn, final long sizeMs, final long slideMs)
    {
        if (timeColumn == null || timeColumn.isEmpty())
        {
            throw new SchemaException("A window needs its event-time column name");
        }
        this.kind = kind;
        this.timeColumn = timeColumn;
        this.sizeMs = sizeMs;
        this.slideMs = slideMs;
    }

    /**
     * @param timeColumn TIMESTAMP column holding the event time.
     * @param sizeMs     window length, > 0.
     * @return fixed, non-overlapping windows [k*size, (k+1)*size).
     */
    public static WindowSpec tumbling(final String timeColumn, final long sizeMs)
    {
        if (sizeMs <= 0)
        {
            throw new SchemaException("Window size must be > 0 ms, got " + sizeMs);
        }
        return new WindowSpec(Kind.TUMBLING, timeColumn, sizeMs, sizeMs);
    }

    /**
     * @param timeColumn TIMESTAMP column holding the event time.
     * @param sizeMs     window length, > 0.
     * @param slideMs    distance between window starts, 0 < slide <= size.
     * @return overlapping windows [k*slide, k*slide + size); each record falls into about size/slide windows.
     */
    public static WindowSpec sliding(final String timeColumn, final long sizeMs, final long slideMs)
    {
        if (sizeMs <= 0)
        {
            throw new SchemaException("Window size must be > 0 ms, got " + sizeMs);
        }
        if (slideMs <= 0 || slideMs > sizeMs)
        {
            throw new SchemaException("Window slide must be > 0 and <= size (" + sizeMs + " ms), got " + slideMs);
        }
        if (sizeMs / slideMs + (sizeMs % slideMs == 0 ? 0 : 1) > MAX_WINDOWS_PER_RECORD) // no size + slide: overflow
        {
            throw new SchemaException("size/slide = " + (sizeMs / slideMs) + " windows per record exceeds " +
                MAX_WINDOWS_PER_RECORD + "; use a larger slide");
        }
        return new WindowSpec(Kind.SLIDING, timeColumn, sizeMs, slideMs);
    }

    /**
     * @param timeColumn TIMESTAMP column holding the event time.
     * @param gapMs      inactivity gap, > 0: records of a key closer than this share a session.
     * @return session windows [first event, last event + gap) per key, merged as records arrive.
     */
    public static WindowSpec session(final String timeColumn, final long gapMs)
    {
        if (gapMs <= 0)
        {
            throw new SchemaException("Session gap must be > 0 ms, got " + gapMs);
        }
        return new WindowSpec(Kind.SESSION, timeColumn, gapMs, gapMs);
    }

    /**
     * @return true for session windows.
     */
    public boolean isSession()
    {
        return kind == Kind.SESSION;
    }

    /** @return true for a tumbling window ({@link #tumbling}). */
    public boolean isTumbling()
    {
        return kind == Kind.TUMBLING;
    }

    /** @return the event-time (TIMESTAMP) column the windows are over. */
    public String timeColumn()
    {
        return timeColumn;
    }

    /** @return window size, ms (for a session window, the gap). */
    public long sizeMs()
    {
        return sizeMs;
    }

    /** @return how far consecutive windows start apart, ms (the size for tumbling windows, the gap for sessions). */
    public long slideMs()
    {
        return slideMs;
    }

    LongField bindTimeField(final Schema schema)
    {
        final Field field = schema.field(timeColumn);
        if (field.type() != FieldType.TIMESTAMP)
        {
            throw new SchemaException("Window column '" + timeColumn + "' is " + field.type() +
                "; a window needs a TIMESTAMP column (epoch ms)");
        }
        return (LongField)field;
    }

    @Override
    public String toString()
    {
        switch (kind)
        {
            case TUMBLING:
                return "tumbling(" + timeColumn + ", " + sizeMs + " ms)";
            case SLIDING:
                return "sliding(" + timeColumn + ", " + sizeMs + " ms, " + slideMs + " ms)";
            default:
                return "session(" + timeColumn + ", gap " + sizeMs + " ms)";
        }
    }
}
