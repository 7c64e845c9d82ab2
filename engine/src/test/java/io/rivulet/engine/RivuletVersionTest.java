package io.rivulet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RivuletVersionTest
{
    @Test
    void shouldExposeTheBuildVersion()
    {
        assertTrue(Rivulet.version().matches("\\d+\\.\\d+\\.\\d+.*"), Rivulet.version());
    }
}
