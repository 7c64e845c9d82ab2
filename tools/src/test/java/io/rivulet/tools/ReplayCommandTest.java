package io.rivulet.tools;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.engine.samples.PatternSample;
import io.rivulet.engine.samples.WindowedTradesSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rivulet.tools.CliHarness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayCommandTest
{
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    /** The sample run in-process, straight through the engine API, into an output journal. */
    static void runSampleInProcess(final String sample, final Path in, final Path out)
    {
        final Pipeline pipeline = sample.equals("windows") ?
            WindowedTradesSample.operators(Pipeline.from(Sources.journal(in).fromStart().finite()), Sinks.discard())
                .to(Sinks.journal(out)).build() :
            PatternSample.operators(Pipeline.from(Sources.journal(in).fromStart().finite()))
                .to(Sinks.journal(out)).build();
        try (Pipeline p = pipeline.start())
        {
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS));
        }
    }

    static String csv(final Path journal)
    {
        final CliHarness.Result result = run("tail", journal.toString(), "--from-start", "--format", "csv",
            "--no-index");
        assertEquals(0, result.status(), result.err());
        return result.out();
    }

    @Test
    void shouldWriteWhatTheWindowsSampleWritesInProcess()
    {
        final Path in = dir.resolve("trades");
        CliHarness.writeSampleTrades(in, 20_000);
        final CliHarness.Result result = run("replay", in.toString(), "--to", dir.resolve("out").toString(),
            "--pipeline", "windows");
        assertEquals("", result.err());
        assertEquals(0, result.status());
        final Matcher summary = Pattern.compile("replayed " + Pattern.quote(in.toString()) +
            " \\(20000 records\\) through 'windows' into " + Pattern.quote(dir.resolve("out").toString()) +
            ": (\\d+) new outputs, last seq (\\d+); (\\d+) late records dropped" + NL).matcher(result.out());
        assertTrue(summary.matches(), result.out());
        assertEquals(summary.group(1), summary.group(2));

        runSampleInProcess("windows", in, dir.resolve("reference"));
        final String replayed = csv(dir.resolve("out"));
        assertEquals(csv(dir.resolve("reference")), replayed);
        // every trade is counted in one window row or reported late
        long counted = 0;
        final String[] lines = replayed.split("\n");
        assertEquals("seq,window_start,window_end,sym,count,sum_qty,avg_px", lines[0]);
        for (int i = 1; i < lines.length; i++)
        {
            counted += Long.parseLong(lines[i].split(",")[4]);
        }
        assertEquals(Long.parseLong(summary.group(1)), lines.length - 1);
        assertEquals(20_000, counted + Long.parseLong(summary.group(3)));
    }

    @Test
    void shouldWriteWhatThePatternSampleWritesInProcess()
    {
        final Path in = dir.resolve("events");
        CliHarness.writeSampleEvents(in, 50_000);
        final CliHarness.Result result = run("replay", in.toString(), "--to", dir.resolve("alerts").toString(),
            "--pipeline", "pattern");
        assertEquals("", result.err());
        assertEquals(0, result.status());
        runSampleInProcess("pattern", in, dir.resolve("reference"));
        final String alerts = csv(dir.resolve("alerts"));
        assertTrue(alerts.split("\n").length > 10, alerts);
        assertEquals(csv(dir.resolve("reference")), alerts);
    }

    @Test
    void shouldNotDuplicateOutputsWhenAReplayWithCheckpointsRunsAgain() throws IOException
    {
        final Path in = dir.resolve("trades");
        final Path out = dir.resolve("out");
        final Path checkpoints = dir.resolve("ckpt");
        CliHarness.writeSampleTrades(in, 20_000);
        final CliHarness.Result first = run("replay", in.toString(), "--to", out.toString(), "--pipeline", "windows",
            "--checkpoints", checkpoints.toString(), "--checkpoint-every", "2000");
        assertEquals(0, first.status(), first.err());
        assertTrue(first.out().contains(" checkpoints written"), first.out());
        final String written = csv(out);

        final CliHarness.Result again = run("replay", in.toString(), "--to", out.toString(), "--pipeline",
            "windows", "--checkpoints", checkpoints.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains(": 0 new outputs, last seq " + (written.split("\n").length - 1) +
            "; "), again.out());
        assertTrue(again.out().contains("resumed from checkpoint epoch "), again.out());
        assertEquals(written, csv(out), "the output journal holds each result once");

        runSampleInProcess("windows", in, dir.resolve("reference"));
        assertEquals(csv(dir.resolve("reference")), written);
        try (var files = Files.list(checkpoints))
        {
            assertTrue(files.count() >= 2, "checkpoints were written");
        }
    }

    @Test
    void shouldGiveOneLineAndANonZeroStatusForMistakes() throws IOException
    {
        final Path trades = dir.resolve("trades");
        CliHarness.writeSampleTrades(trades, 100);
        final Path out = dir.resolve("out").toAbsolutePath();

        assertEquals(new CliHarness.Result(2, "", "rivulet replay: --pipeline: unknown sample 'windowz'; the " +
            "samples are windows (event-time windows, late data), pattern (2 -> 10 -> 5 per key)" + NL),
            run("replay", trades.toString(), "--to", out.toString(), "--pipeline", "windowz"));

        assertEquals(new CliHarness.Result(2, "", "rivulet replay: " + trades + " holds " +
            WindowedTradesSample.INPUT + ", but sample 'pattern' reads " + PatternSample.INPUT +
            ": replay a journal of the sample's input" + NL),
            run("replay", trades.toString(), "--to", out.toString(), "--pipeline", "pattern"));
        assertTrue(Files.notExists(out), "nothing created on a mistake");

        assertEquals(new CliHarness.Result(1, "", "rivulet replay: no journal at " + dir.resolve("nope") +
            ": the path does not exist" + NL),
            run("replay", dir.resolve("nope").toString(), "--to", out.toString(), "--pipeline", "windows"));

        assertEquals(new CliHarness.Result(2, "", "rivulet replay: --to " + trades + " is the input journal; " +
            "give another directory" + NL),
            run("replay", trades.toString(), "--to", trades.toString(), "--pipeline", "windows"));

        assertEquals(0, run("replay", trades.toString(), "--to", out.toString(), "--pipeline", "windows").status());
        final CliHarness.Result twice = run("replay", trades.toString(), "--to", out.toString(), "--pipeline",
            "windows");
        assertEquals(2, twice.status());
        assertTrue(twice.err().matches("rivulet replay: --to " + Pattern.quote(out.toString()) + " already holds " +
            "\\d+ records: give a new output journal, or --checkpoints DIR to make the replay resumable" + NL),
            twice.err());

        final CliHarness.Result noCheckpoint = run("replay", trades.toString(), "--to", out.toString(),
            "--pipeline", "windows", "--checkpoints", dir.resolve("new-ckpt").toString());
        assertEquals(2, noCheckpoint.status());
        assertTrue(noCheckpoint.err().matches("rivulet replay: --to " + Pattern.quote(out.toString()) + " already " +
            "holds \\d+ records, but " + Pattern.quote(dir.resolve("new-ckpt").toString()) + " holds no checkpoint " +
            "to resume from: give a new output journal, or the checkpoint directory of the replay that wrote it" +
            NL), noCheckpoint.err());
        assertTrue(Files.notExists(dir.resolve("new-ckpt")), "nothing created on a mistake");

        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other").resolve("notes.txt"), "x");
        assertEquals(new CliHarness.Result(2, "", "rivulet replay: --to " + dir.resolve("other") + " is a " +
            "directory with other files, not a journal; give a new directory for the output journal" + NL),
            run("replay", trades.toString(), "--to", dir.resolve("other").toString(), "--pipeline", "windows"));

        assertEquals(new CliHarness.Result(2, "", "rivulet replay: --checkpoint-every needs --checkpoints DIR" +
            NL), run("replay", trades.toString(), "--to", dir.resolve("o2").toString(), "--pipeline", "windows",
            "--checkpoint-every", "10"));

        final Path checkpoints = dir.resolve("ckpt");
        assertEquals(0, run("replay", trades.toString(), "--to", dir.resolve("o3").toString(), "--pipeline",
            "windows", "--checkpoints", checkpoints.toString()).status());
        final Path events = dir.resolve("events");
        CliHarness.writeSampleEvents(events, 100);
        final CliHarness.Result otherPipeline = run("replay", events.toString(), "--to", dir.resolve("o4").toString(),
            "--pipeline", "pattern", "--checkpoints", checkpoints.toString());
        assertEquals(1, otherPipeline.status());
        assertTrue(otherPipeline.err().startsWith("rivulet replay: Pipeline 'replay-pattern': the checkpoint in " +
            checkpoints.toAbsolutePath() + " (epoch ") && otherPipeline.err().contains(" was written by another " +
            "pipeline, so it cannot be restored into this one.") && otherPipeline.err().indexOf('\n') ==
            otherPipeline.err().length() - 1, otherPipeline.err());

        final CliHarness.Result noTo = run("replay", trades.toString(), "--pipeline", "windows");
        assertEquals(2, noTo.status());
        assertEquals("rivulet replay: Missing required option: '--to=<journal>' (see rivulet replay --help)" + NL,
            noTo.err());

        final CliHarness.Result help = run("replay", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--checkpoints=DIR"), help.out());
    }
}
