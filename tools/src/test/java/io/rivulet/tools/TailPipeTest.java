package io.rivulet.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TailPipeTest
{
    @TempDir
    Path dir;

    /** Stdout whose reader went away after 1000 bytes, like {@code | head}: every later write fails. */
    private static final class ClosedPipe extends OutputStream
    {
        int bytes;
        int failedWrites;

        @Override
        public void write(final int b) throws IOException
        {
            write(new byte[]{(byte)b}, 0, 1);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            if (bytes >= 1000)
            {
                failedWrites++;
                throw new IOException("Broken pipe");
            }
            bytes += len;
        }
    }

    @Test
    void shouldStopReadingWhenStdoutIsClosed()
    {
        final Path journal = dir.resolve("trades");
        CliHarness.writeTrades(journal, 5000); // about 20 batches of 256
        final ClosedPipe pipe = new ClosedPipe();
        final PrintStream original = System.out;
        final int status;
        System.setOut(new PrintStream(pipe, true));
        try
        {
            status = RivuletCli.run("tail", journal.toString(), "--from-start");
        }
        finally
        {
            System.setOut(original);
        }
        assertEquals(0, status);
        assertTrue(pipe.failedWrites > 0 && pipe.failedWrites <= 2,
            "stops after the first failed batch, wrote " + pipe.failedWrites + " times into the closed pipe");
    }
}
