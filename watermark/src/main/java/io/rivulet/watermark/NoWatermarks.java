package io.rivulet.watermark;

/**
 * Watermark stays {@link WatermarkStrategy#NO_WATERMARK}. Stateless, so one shared instance.
 */
final class NoWatermarks implements WatermarkStrategy
{
    static final NoWatermarks INSTANCE = new NoWatermarks();

    private NoWatermarks()
    {
    }

    public void onEvent(final long eventTimeMs)
    {
    }

    public long currentWatermark()
    {
        return NO_WATERMARK;
    }

    public String toString()
    {
        return "NoWatermarks";
    }
}
