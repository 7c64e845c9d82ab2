package io.rivulet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The watermark part of the event-time diagnosis: a lag only where it means something. */
class EventTimeDiagnosisTest
{
    private static final long NOW_MS = 1_795_000_000_000L;

    private static String watermark(final long watermarkMs)
    {
        final StringBuilder sb = new StringBuilder();
        EventTimeDiagnosis.appendWatermark(sb, watermarkMs, NOW_MS);
        return sb.toString();
    }

    @Test
    void shouldShowTheLagBehindTheWallClock()
    {
        assertEquals("watermark 1794999999500 (lag 500 ms)", watermark(NOW_MS - 500));
        assertEquals("watermark 1795000000000 (lag 0 ms)", watermark(NOW_MS));
        assertEquals("watermark 0 (lag 1795000000000 ms)", watermark(0));
    }

    @Test
    void shouldNotPrintANegativeOrWrappedLagForWatermarksOffTheWallClocksScale()
    {
        // before: "lag -9223370241854775807 ms"
        assertEquals("watermark 9223372036854775807 (lag n/a: ahead of the wall clock)", watermark(Long.MAX_VALUE));
        assertEquals("watermark 1795000000001 (lag n/a: ahead of the wall clock)", watermark(NOW_MS + 1));
        // before: the subtraction wrapped to a negative lag
        assertEquals("watermark -9223372036854775807 (lag n/a: not comparable to the wall clock)",
            watermark(Long.MIN_VALUE + 1));
    }
}
