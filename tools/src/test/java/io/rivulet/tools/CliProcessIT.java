package io.rivulet.tools;

import io.rivulet.engine.samples.PatternSample;
import io.rivulet.engine.samples.WindowedTradesSample;
import io.rivulet.journal.CheckpointDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code ./rivulet} launcher as a process, over journals and checkpoints the engine wrote: {@code inspect}
 * of a checkpoint directory (valid, then with a corrupt newest file), {@code replay} (output equal to the sample run
 * in-process), the error paths with their exit status, and {@code --help}. Runs in Maven's integration-test phase,
 * after {@code package} built the CLI jar; {@code RIVULET_SKIP_BUILD} keeps the launcher from building.
 */
class CliProcessIT
{
    private static final Path LAUNCHER = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent()
        .resolve("rivulet");

    @TempDir
    Path dir;

    private static CliHarness.Result rivulet(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("RIVULET_SKIP_BUILD", "1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        final Process process = builder.start();
        final CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        final CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        try
        {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "./rivulet " + String.join(" ", args) + " ended");
            return new CliHarness.Result(process.exitValue(), out.get(30, TimeUnit.SECONDS),
                err.get(30, TimeUnit.SECONDS));
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    private static String read(final InputStream in)
    {
        try
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            return "<" + e + ">";
        }
    }

    private static List<Path> checkpointFiles(final Path ckpt) throws IOException
    {
        try (Stream<Path> files = Files.list(ckpt))
        {
            return files.filter(f -> CheckpointDescriptor.epochOf(f.getFileName().toString()) >= 0).sorted().toList();
        }
    }

    @Test
    void shouldReplayASampleAndInspectItsCheckpointsThenFindThePreviousWhenTheNewestIsCorrupt() throws Exception
    {
        final Path in = dir.resolve("trades");
        final Path out = dir.resolve("out");
        final Path ckpt = dir.resolve("ckpt");
        CliHarness.writeSampleTrades(in, 100_000);

        final CliHarness.Result replay = rivulet("replay", in.toString(), "--to", out.toString(), "--pipeline",
            "windows", "--checkpoints", ckpt.toString(), "--checkpoint-every", "1000");
        assertEquals("", replay.err());
        assertEquals(0, replay.status());
        assertTrue(replay.out().startsWith("replayed " + in + " (100000 records) through 'windows' into " + out +
            ": "), replay.out());
        ReplayCommandTest.runSampleInProcess("windows", in, dir.resolve("reference"));
        final CliHarness.Result tailed = rivulet("tail", out.toString(), "--from-start", "--format", "csv",
            "--no-index");
        assertEquals(0, tailed.status(), tailed.err());
        assertEquals(ReplayCommandTest.csv(dir.resolve("reference")), tailed.out());

        final List<Path> files = checkpointFiles(ckpt);
        assertTrue(files.size() >= 2, "checkpoints kept: " + files);
        final Path newest = files.get(files.size() - 1);
        final Path previous = files.get(files.size() - 2);
        final long newestEpoch = CheckpointDescriptor.epochOf(newest.getFileName().toString());
        final long previousEpoch = CheckpointDescriptor.epochOf(previous.getFileName().toString());

        final CliHarness.Result valid = rivulet("inspect", ckpt.toString());
        assertEquals("", valid.err());
        assertEquals(0, valid.status());
        assertTrue(valid.out().startsWith("checkpoints    " + ckpt + "\nfiles          " + files.size() + " (" +
            files.size() + " valid)\nnewest valid   epoch " + newestEpoch + " (" + newest.getFileName() +
            "): recovery restores this one\n"), valid.out());
        final Matcher block = Pattern.compile("epoch " + newestEpoch + "  " + newest.getFileName() +
            "  valid  <- newest valid\n  created      \\S+Z\n  size         " + Files.size(newest) + " bytes\n" +
            "  source 0     (after index \\d+|from the start)\n  sink seq     (\\d+)\n  state        \\d+ sections?, " +
            "\\d+ bytes\n").matcher(valid.out());
        assertTrue(block.find(), valid.out());
        assertTrue(valid.out().contains("\nepoch " + previousEpoch + "  " + previous.getFileName() + "  valid\n"),
            valid.out());

        try (RandomAccessFile raf = new RandomAccessFile(newest.toFile(), "rw"))
        {
            final long offset = raf.length() - CheckpointDescriptor.TRAILER_LENGTH - 1; // the CRC covers it
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0xff);
        }
        final CliHarness.Result corrupt = rivulet("inspect", ckpt.toString());
        assertEquals(0, corrupt.status(), corrupt.err());
        assertTrue(corrupt.out().contains("files          " + files.size() + " (" + (files.size() - 1) +
            " valid)\nnewest valid   epoch " + previousEpoch + " (" + previous.getFileName() +
            "): recovery restores this one\n"), corrupt.out());
        assertTrue(Pattern.compile("\nepoch " + newestEpoch + "  " + newest.getFileName() + "  INVALID: checksum " +
            "mismatch \\(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\\)\n").matcher(corrupt.out()).find(), corrupt.out());
        assertTrue(corrupt.out().contains("\nepoch " + previousEpoch + "  " + previous.getFileName() +
            "  valid  <- newest valid\n"), corrupt.out());

        // the replay resumes from the previous checkpoint and the output journal still holds each result once
        final CliHarness.Result again = rivulet("replay", in.toString(), "--to", out.toString(), "--pipeline",
            "windows", "--checkpoints", ckpt.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains(": 0 new outputs, ") &&
            again.out().contains("resumed from checkpoint epoch " + previousEpoch + ","), again.out());
        assertEquals(tailed.out(), ReplayCommandTest.csv(out));
    }

    @Test
    void shouldReplayThePatternSampleAsItRunsInProcess() throws Exception
    {
        final Path in = dir.resolve("events");
        CliHarness.writeSampleEvents(in, 50_000);
        final CliHarness.Result replay = rivulet("replay", in.toString(), "--to", dir.resolve("alerts").toString(),
            "--pipeline", "pattern");
        assertEquals("", replay.err());
        assertEquals(0, replay.status());
        ReplayCommandTest.runSampleInProcess("pattern", in, dir.resolve("reference"));
        final String expected = ReplayCommandTest.csv(dir.resolve("reference"));
        assertTrue(expected.split("\n").length > 10, expected);
        assertEquals(expected, ReplayCommandTest.csv(dir.resolve("alerts")));
    }

    @Test
    void shouldGiveOneLineAndTheExitStatusForEveryMistake() throws Exception
    {
        final Path trades = dir.resolve("trades");
        CliHarness.writeSampleTrades(trades, 100);
        final Path nope = dir.resolve("nope");
        Files.createDirectories(dir.resolve("empty"));
        final String out = dir.resolve("out").toString();

        assertEquals(new CliHarness.Result(1, "", "rivulet inspect: no journal or checkpoint directory at " + nope +
            ": the path does not exist\n"), rivulet("inspect", nope.toString()));
        assertEquals(new CliHarness.Result(1, "", "rivulet inspect: " + dir.resolve("empty") + " is neither a " +
            "Rivulet journal (it has no 'schema' file) nor a checkpoint directory (it has no checkpoint-*.ckpt " +
            "files)\n"), rivulet("inspect", dir.resolve("empty").toString()));
        assertEquals(new CliHarness.Result(2, "", "rivulet inspect: Invalid value for option '--format': expected " +
            "one of [TEXT, JSON] (case-insensitive) but was 'yaml' (see rivulet inspect --help)\n"),
            rivulet("inspect", trades.toString(), "--format", "yaml"));

        assertEquals(new CliHarness.Result(2, "", "rivulet replay: --pipeline: unknown sample 'nexmark'; the " +
            "samples are windows (event-time windows, late data), pattern (2 -> 10 -> 5 per key)\n"),
            rivulet("replay", trades.toString(), "--to", out, "--pipeline", "nexmark"));
        assertEquals(new CliHarness.Result(2, "", "rivulet replay: " + trades + " holds " +
            WindowedTradesSample.INPUT + ", but sample 'pattern' reads " + PatternSample.INPUT +
            ": replay a journal of the sample's input\n"),
            rivulet("replay", trades.toString(), "--to", out, "--pipeline", "pattern"));
        assertEquals(new CliHarness.Result(1, "", "rivulet replay: no journal at " + nope +
            ": the path does not exist\n"), rivulet("replay", nope.toString(), "--to", out, "--pipeline", "windows"));
        assertEquals(new CliHarness.Result(2, "", "rivulet replay: Missing required option: '--to=<journal>' " +
            "(see rivulet replay --help)\n"), rivulet("replay", trades.toString(), "--pipeline", "windows"));
        assertEquals(new CliHarness.Result(2, "", "rivulet replay: Unknown options: '--checkpoint', '" +
            dir.resolve("c") + "' (see rivulet replay --help)\n"), rivulet("replay", trades.toString(), "--to", out, "--pipeline", "windows",
            "--checkpoint", dir.resolve("c").toString()));
        assertEquals(new CliHarness.Result(2, "", "rivulet replay: --to " + trades + " is the input journal; give " +
            "another directory\n"), rivulet("replay", trades.toString(), "--to", trades.toString(), "--pipeline",
            "windows"));
        assertTrue(Files.notExists(Path.of(out)), "a mistake creates nothing");

        for (final String command : new String[]{"inspect", "replay"})
        {
            final CliHarness.Result help = rivulet(command, "--help");
            assertEquals(0, help.status(), help.err());
            assertTrue(help.out().startsWith("Usage: rivulet " + command + " "), help.out());
        }
        final CliHarness.Result top = rivulet("--help");
        assertEquals(0, top.status());
        assertTrue(top.out().contains("  replay ") && top.out().contains("  inspect "), top.out());
    }
}
