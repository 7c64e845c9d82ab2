package io.rivulet.engine;

/**
 * When results leave the pipeline, as in Spark's {@code trigger(...)}. Operators are written once; the trigger
 * decides whether they emit per record or per epoch.
 */
public final class Trigger
{
    private static final Trigger CONTINUOUS = new Trigger("continuous");

    private final String description;

    private Trigger(final String description)
    {
        this.description = description;
    }

    /**
     * Record-at-a-time: each record flows through the whole pipeline as soon as it arrives (lowest latency).
     *
     * @return the continuous trigger.
     */
    public static Trigger continuous()
    {
        return CONTINUOUS;
    }

    /**
     * @return true for {@link #continuous()}.
     */
    public boolean isContinuous()
    {
        return this == CONTINUOUS;
    }

    @Override
    public String toString()
    {
        return description;
    }
}
