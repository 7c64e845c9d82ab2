package io.rivulet.tools;

import io.rivulet.journal.Journal;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.rivulet.tools.CliHarness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

class InspectCommandTest
{
    @TempDir
    Path dir;

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException e)
        {
            throw new AssertionError(e);
        }
    }

    private static long totalSize(final Path journal) throws IOException
    {
        try (Stream<Path> files = Files.list(journal))
        {
            return files.mapToLong(InspectCommandTest::size).sum();
        }
    }

    private static Path cycleFile(final Path journal) throws IOException
    {
        try (Stream<Path> files = Files.list(journal))
        {
            return files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    @Test
    void shouldDescribeAnInputJournal() throws IOException
    {
        final Path journal = dir.resolve("trades");
        final long[] indexes = CliHarness.writeTrades(journal, 20);
        final CliHarness.Result text = run("inspect", journal.toString());
        final Path cycle = cycleFile(journal);
        final long total = totalSize(journal);
        final String[] lines = text.out().split("\n");
        assertEquals(String.join("\n",
            "journal      " + journal,
            "kind         INPUT",
            "roll cycle   DAILY",
            "schema",
            "  id   INT64",
            "  sym  SYMBOL(8)",
            "  qty  INT64",
            "  px   DECIMAL(4)",
            "  ts   TIMESTAMP",
            "records      20",
            "first index  " + indexes[0],
            "last index   " + indexes[19],
            "first time   2026-11-27T10:00:00.000Z  (ts)",
            "last time    2026-11-27T10:00:19.000Z  (ts)",
            "cycle files  1",
            "  " + cycle.getFileName() + "  " + size(cycle) + " bytes"), String.join("\n",
            java.util.Arrays.copyOf(lines, lines.length - 1)));
        assertEquals(true, lines[lines.length - 1].startsWith("size         " + total + " bytes ("),
            lines[lines.length - 1]);
        assertEquals("", text.err());
        assertEquals(0, text.status());

        final CliHarness.Result json = run("inspect", journal.toString(), "--format", "json");
        assertEquals("{\"journal\":\"" + journal + "\",\"kind\":\"INPUT\",\"rollCycle\":\"DAILY\",\"schema\":[" +
            "{\"name\":\"id\",\"type\":\"INT64\"},{\"name\":\"sym\",\"type\":\"SYMBOL\",\"length\":8}," +
            "{\"name\":\"qty\",\"type\":\"INT64\"},{\"name\":\"px\",\"type\":\"DECIMAL\",\"scale\":4}," +
            "{\"name\":\"ts\",\"type\":\"TIMESTAMP\"}],\"records\":20,\"firstIndex\":\"" + indexes[0] +
            "\",\"lastIndex\":\"" + indexes[19] + "\",\"timeColumn\":\"ts\",\"firstTime\":\"2026-11-27T10:00:00.000Z\"," +
            "\"lastTime\":\"2026-11-27T10:00:19.000Z\",\"cycleFiles\":[{\"name\":\"" + cycle.getFileName() +
            "\",\"bytes\":" + size(cycle) + "}],\"sizeBytes\":" + total + "}\n", json.out());
        assertEquals(0, json.status());
    }

    @Test
    void shouldShowTheSequenceOfAnOutputJournalAndNoTimesWithoutATimestampColumn()
    {
        final Path journal = dir.resolve("out");
        final Schema schema = Schema.builder().int64("v").build();
        final long[] indexes = new long[3];
        try (Journal j = Journal.at(journal).schema(schema).output().open())
        {
            for (int i = 0; i < 3; i++)
            {
                j.writer().claim().setLong(schema.longField("v"), i);
                indexes[i] = j.writer().commit();
            }
        }
        final CliHarness.Result text = run("inspect", journal.toString());
        assertEquals(0, text.status());
        assertEquals(true, text.out().contains("kind         OUTPUT\n"), text.out());
        assertEquals(true, text.out().contains("first index  " + indexes[0] + "\nlast index   " + indexes[2] +
            "\nfirst seq    1\nlast seq     3\ncycle files  1\n"), text.out());
        final CliHarness.Result json = run("inspect", journal.toString(), "--format", "json");
        assertEquals(true, json.out().contains(",\"records\":3,\"firstIndex\":\"" + indexes[0] + "\",\"lastIndex\":\"" +
            indexes[2] + "\",\"firstSequence\":1,\"lastSequence\":3,\"cycleFiles\":["), json.out());
    }

    @Test
    void shouldDescribeAnEmptyJournal()
    {
        final Path journal = dir.resolve("empty");
        Journal.at(journal).schema(CliHarness.TRADES).open().close();
        final CliHarness.Result text = run("inspect", journal.toString());
        assertEquals(0, text.status());
        assertEquals(true, text.out().contains("records      0\nfirst index  -\nlast index   -\nfirst time   -\n" +
            "last time    -\n"), text.out());
        final CliHarness.Result json = run("inspect", journal.toString(), "--format", "json");
        assertEquals(true, json.out().contains("\"records\":0,\"firstIndex\":null,\"lastIndex\":null," +
            "\"timeColumn\":\"ts\",\"firstTime\":null,\"lastTime\":null,"), json.out());
        assertEquals(0, CliHarness.run("tail", journal.toString(), "--format", "json").out().length());
    }

    @Test
    void shouldGiveOneLineAndANonZeroStatusForMistakes() throws IOException
    {
        assertEquals(new CliHarness.Result(1, "", "rivulet inspect: no journal or checkpoint directory at " +
            dir.resolve("nope") + ": the path does not exist" + System.lineSeparator()),
            run("inspect", dir.resolve("nope").toString()));
        Files.writeString(dir.resolve("notes.txt"), "x");
        assertEquals(new CliHarness.Result(1, "", "rivulet inspect: " + dir + " is neither a Rivulet journal (it " +
            "has no 'schema' file) nor a checkpoint directory (it has no checkpoint-*.ckpt files)" +
            System.lineSeparator()), run("inspect", dir.toString()));
        assertEquals(new CliHarness.Result(1, "", "rivulet inspect: " + dir.resolve("notes.txt") + " is a file, " +
            "not a journal or checkpoint directory; give the directory" + System.lineSeparator()),
            run("inspect", dir.resolve("notes.txt").toString()));
        final Path journal = dir.resolve("trades");
        CliHarness.writeTrades(journal, 1);
        assertEquals(new CliHarness.Result(2, "", "rivulet inspect: --time-column: the journal has no column " +
            "'tss'; its schema is " + CliHarness.TRADES + System.lineSeparator()),
            run("inspect", journal.toString(), "--time-column", "tss"));
        assertEquals(2, run("inspect", journal.toString(), "--format", "yaml").status());
        assertEquals(0, run("inspect", "--help").status());
    }
}
