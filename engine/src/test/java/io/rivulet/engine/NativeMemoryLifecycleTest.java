package io.rivulet.engine;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory must not leak across pipeline lifecycles: 1,000 cycles of a definition rejected by the sink, a
 * build refused for a used source, a pipeline completed but never closed, and one closed without starting, each
 * with off-heap keyed or window state, in a child JVM with Native Memory Tracking. One leaked keyed-state
 * operator is ~128 KB of native memory, so a leak in any of the four paths grows "Other" by 100+ MB.
 */
class NativeMemoryLifecycleTest extends ThreadLeakCheck
{
    private static final int CYCLES = 1_000;
    private static final long MAX_GROWTH_KB = 16 * 1024;

    @Test
    void shouldNotGrowNativeMemoryOverThousandBuildFailCloseCycles() throws Exception
    {
        final Path output = Files.createTempFile("native-memory-cycles", ".out");
        try
        {
            final String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            final Process process = new ProcessBuilder(List.of(
                java, "-Xmx256m", "-XX:NativeMemoryTracking=summary", JvmAccessCheck.REQUIRED_FLAGS,
                "-cp", System.getProperty("java.class.path"),
                NativeMemoryCyclesMain.class.getName(), Integer.toString(CYCLES)))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            final boolean exited = process.waitFor(240, TimeUnit.SECONDS);
            if (!exited)
            {
                process.destroyForcibly();
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            System.out.println(text);
            assertTrue(exited, "child JVM did not finish in 240 s; output:\n" + text);
            assertEquals(0, process.exitValue(), "child JVM failed; output:\n" + text);
            final Matcher m = Pattern.compile("growth=(-?\\d+)KB").matcher(text);
            assertTrue(m.find(), text);
            final long growthKb = Long.parseLong(m.group(1));
            assertTrue(growthKb < MAX_GROWTH_KB, "native memory grew by " + growthKb + " KB over " + CYCLES +
                " cycles:\n" + text);
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }
}
