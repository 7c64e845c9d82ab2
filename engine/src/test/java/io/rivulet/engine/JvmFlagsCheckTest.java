package io.rivulet.engine;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        final String text = runChild(List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"),
            journal.resolve("j").toString());
        assertTrue(text.startsWith("FAILED java.lang.IllegalStateException: Rivulet's journals need the JVM flags " +
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED " +
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED"), text);
    }

    @Test
    void shouldNameTheMissingJvmFlagWhenStartedWithoutIt() throws Exception
    {
        final String text = runChild(List.of());
        assertTrue(text.startsWith("FAILED java.lang.IllegalStateException: Rivulet needs the JVM flag " +
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"), text);
    }

    /** Runs {@link NoJvmFlagsMain} in a child JVM started with {@code jvmFlags}, then only those. */
    private static String runChild(final List<String> jvmFlags, final String... args) throws Exception
    {
        final Path output = Files.createTempFile("no-jvm-flags", ".out");
        try
        {
            final List<String> command = new ArrayList<>();
            command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
            command.addAll(jvmFlags);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), NoJvmFlagsMain.class.getName()));
            command.addAll(List.of(args));
            final Process process = new ProcessBuilder(command)
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
}
