package io.rivulet.operators.window;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accessors a caller uses to build on a window definition (e.g. windowJoin). */
class WindowSpecTest
{
    @Test
    void shouldExposeKindTimeColumnSizeAndSlide()
    {
        final WindowSpec tumbling = WindowSpec.tumbling("ts", 10_000);
        assertTrue(tumbling.isTumbling());
        assertFalse(tumbling.isSession());
        assertEquals("ts", tumbling.timeColumn());
        assertEquals(10_000, tumbling.sizeMs());
        assertEquals(10_000, tumbling.slideMs());
        final WindowSpec sliding = WindowSpec.sliding("dateTime", 10_000, 2_000);
        assertFalse(sliding.isTumbling());
        assertEquals("dateTime", sliding.timeColumn());
        assertEquals(2_000, sliding.slideMs());
        assertFalse(WindowSpec.session("ts", 50).isTumbling());
        assertEquals(50, WindowSpec.session("ts", 50).sizeMs());
    }
}
