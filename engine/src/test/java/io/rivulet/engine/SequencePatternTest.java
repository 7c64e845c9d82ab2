package io.rivulet.engine;

import io.rivulet.engine.samples.SequencePatternDetector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequencePatternTest extends ThreadLeakCheck
{
    private static Object[] event(final String key, final long value, final long ts)
    {
        return new Object[]{key, value, ts};
    }

    @Test
    void shouldFireOnlyWhenKeySees2Then10Then5WithinTimeout()
    {
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(Sources.rows(SequencePatternDetector.INPUT,
                event("A", 2, 1000),
                event("B", 2, 1001),
                event("A", 10, 1002),
                event("B", 5, 1003),     // B: 2, 5 breaks the pattern
                event("B", 10, 1004),
                event("A", 5, 1005),     // A: 2, 10, 5 -> fires
                event("C", 10, 1006),
                event("C", 2, 1007),
                event("C", 10, 1008),
                event("D", 2, 1009),
                event("D", 10, 1010),
                event("E", 2, 1011),
                event("E", 2, 1012),     // E: a second 2 restarts the pattern
                event("E", 10, 1013),
                event("X", 0, 9000),     // advances the watermark past D's timeout (1009 + 5000)
                event("D", 5, 9001),     // too late for D: its 2 timed out
                event("C", 5, 9002),     // C: 2, 10 (at 1007..1008) timed out too
                event("E", 5, 1014)))    // E: its 2 timed out when X moved the watermark
            .withWatermark("ts", 0)
            .processByKey(new String[]{"key"}, SequencePatternDetector.STATE, SequencePatternDetector.OUTPUT,
                new SequencePatternDetector(5000))
            .to(sink).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
        // E's 2 at 1012 timed out at 6012 when X moved the watermark to 8999, so its late 5 starts nothing
        assertEquals(List.of(List.of("A", 1000L, 1005L)), sink.rows());
    }

    @Test
    void shouldFireForEachKeyIndependently()
    {
        final CollectingSink sink = Sinks.collecting();
        try (Pipeline p = Pipeline.from(Sources.rows(SequencePatternDetector.INPUT,
                event("A", 2, 1), event("B", 2, 2), event("A", 10, 3), event("B", 10, 4), event("B", 5, 5),
                event("A", 7, 6), event("A", 2, 7), event("A", 10, 8), event("A", 5, 9)))
            .withWatermark("ts", 10)
            .processByKey(new String[]{"key"}, SequencePatternDetector.STATE, SequencePatternDetector.OUTPUT,
                new SequencePatternDetector(1000))
            .to(sink).start())
        {
            assertTrue(p.awaitCompletion(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(List.of("B", 2L, 5L), List.of("A", 7L, 9L)), sink.rows());
    }
}
