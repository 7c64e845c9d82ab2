package io.rivulet.operators.internal.state;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the heap does not grow with the key count: 10M keys in a child JVM capped at a 256 MB heap.
 */
class OffHeapHashTableMemoryTest
{
    @Test
    void shouldHoldTenMillionLongKeysInA256MbHeap() throws Exception
    {
        final Path output = Files.createTempFile("ten-million-keys", ".out");
        try
        {
            final String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            final Process process = new ProcessBuilder(List.of(
                java,
                "-Xmx256m",
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                TenMillionKeysMain.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();

            final boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited)
            {
                process.destroyForcibly();
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            System.out.println(text);

            assertTrue(exited, "child JVM did not finish in 60 s; output:\n" + text);
            assertEquals(0, process.exitValue(), "child JVM failed; output:\n" + text);
            assertTrue(text.contains("OK size=" + TenMillionKeysMain.KEY_COUNT + " "), text);
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }
}
