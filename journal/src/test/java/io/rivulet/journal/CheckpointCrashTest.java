package io.rivulet.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills (SIGKILL) a child JVM that writes checkpoints back to back, so the kill lands inside a write, and checks
 * that the store still loads the newest checkpoint the child reported, whole, with no warning. A process kill
 * keeps the page cache, so this tests the temp-file-and-rename protocol, not fsync against power loss.
 */
class CheckpointCrashTest
{
    private static final int SECTION_BYTES = 8 << 20;

    @TempDir
    Path tempDir;

    private static byte expectedByte(final long epoch)
    {
        return (byte)(epoch * 7 + 1);
    }

    /** The child: writes epochs 1, 2, 3, ... and prints each epoch once its write returned. */
    public static void main(final String[] args)
    {
        final CheckpointStore store = CheckpointStore.open(Path.of(args[0]), 2);
        final UnsafeBuffer state = new UnsafeBuffer(ByteBuffer.allocateDirect(SECTION_BYTES));
        for (long epoch = 1; epoch <= 100_000; epoch++)
        {
            // a memset, so that the child spends its time inside write() and the kill lands there
            state.setMemory(0, SECTION_BYTES, expectedByte(epoch));
            store.write(new CheckpointData(epoch, System.currentTimeMillis(), "fp", "crash test",
                new long[] {epoch}, new long[] {epoch}, List.of(new CheckpointData.Section("state", state, 0,
                SECTION_BYTES))));
            System.out.println(epoch);
            System.out.flush();
        }
    }

    private static boolean hasTempFile(final Path dir) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir))
        {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".ckpt.tmp"));
        }
    }

    @Test
    void shouldLoadTheLastReportedCheckpointWholeAfterTheWriterIsKilledMidWrite() throws Exception
    {
        final Path dir = tempDir.resolve("ckpt");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CheckpointCrashTest.class.getName(),
            dir.toString()));
        final Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long lastReported = 0;
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)))
        {
            while (lastReported < 5)
            {
                final String line = out.readLine();
                assertNotNull(line, "the child exited before writing 5 checkpoints (see its stderr)");
                lastReported = Long.parseLong(line.trim());
            }
            // kill once the next write has created its temp file, so the kill lands inside a write (or just
            // after it); epochs the child reported after the last line read here only weaken the check below
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!hasTempFile(dir) && System.nanoTime() < deadlineNs)
            {
                Thread.onSpinWait();
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child died");
        }
        finally
        {
            child.destroyForcibly();
        }

        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir))
        {
            System.out.println("CheckpointCrashTest: last reported epoch " + lastReported + ", files after the kill: " +
                files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        final List<String> warnings = new ArrayList<>();
        final CheckpointData loaded = CheckpointStore.open(dir, 2).loadLatest(warnings::add).orElseThrow();
        assertEquals(List.of(), warnings);
        assertTrue(!hasTempFile(dir), "loadLatest deleted the interrupted write's temp file");
        final long reported = lastReported;
        assertTrue(loaded.epoch() >= reported, () -> "loaded " + loaded.epoch() + ", reported " + reported);
        final CheckpointData.Section section = loaded.section("state").orElseThrow();
        assertEquals(SECTION_BYTES, section.length());
        for (int i = 0; i < SECTION_BYTES; i += 4093)
        {
            assertEquals(expectedByte(loaded.epoch()), section.buffer().getByte(section.offset() + i));
        }
        assertEquals(loaded.epoch(), loaded.sourcePositions()[0]);
    }
}
