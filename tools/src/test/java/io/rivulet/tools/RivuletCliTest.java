package io.rivulet.tools;

import io.rivulet.engine.Rivulet;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RivuletCliTest
{
    @Test
    void shouldPrintTheLibraryVersion()
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        final int exitCode;
        try
        {
            exitCode = RivuletCli.run("--version");
        }
        finally
        {
            System.setOut(original);
        }
        assertEquals(0, exitCode);
        assertEquals("rivulet " + Rivulet.version(), out.toString(StandardCharsets.UTF_8).trim());
    }
}
