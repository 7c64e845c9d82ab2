package io.rivulet.engine;

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
 * Without {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}, defining a pipeline fails at the first
 * public entry point with one message naming the flag, not with Agrona's IllegalAccessError from deep inside.
 */
class JvmFlagsCheckTest
{
    @Test
    void shouldNameChronicleQueuesMissingJvmFlagsWhenAJournalOpensWithoutThem() throws Exception
    {
        final Path journal = Files.createTempDirectory("no-chronicle-flags");
        final String text = runChild("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            journal.resolve("j").toString());
        assertTrue(text.startsWith("FAILED java.lang.IllegalStateException: Rivulet's journals need the JVM flags " +
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED " +
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED"), text);
    }

    private static String runChild(final String flag, final String journal) throws Exception
    {
        final Path output = Files.createTempFile("no-jvm-flags", ".out");
        try
        {
            final String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            final Process process = new ProcessBuilder(List.of(java, flag, "-cp", System.getProperty("java.class.path"),
                NoJvmFlagsMain.class.getName(), journal))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            final boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited)
            {
                process.destroyForcibly();
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(exited, "child JVM did not finish; output:\n" + text);
            assertEquals(0, process.exitValue(), text);
            return text;
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    @Test
    void shouldNameTheMissingJvmFlagWhenStartedWithoutIt() throws Exception
    {
        final Path output = Files.createTempFile("no-jvm-flags", ".out");
        try
        {
            final String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            final Process process = new ProcessBuilder(List.of(
                java, "-cp", System.getProperty("java.class.path"), NoJvmFlagsMain.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            final boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited)
            {
                process.destroyForcibly();
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(exited, "child JVM did not finish; output:\n" + text);
            assertEquals(0, process.exitValue(), text);
            assertTrue(text.startsWith("FAILED java.lang.IllegalStateException: Rivulet needs the JVM flag " +
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"), text);
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }
}
