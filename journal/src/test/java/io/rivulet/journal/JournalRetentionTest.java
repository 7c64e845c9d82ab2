package io.rivulet.journal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.rivulet.journal.JournalTest.ALL_TYPES;
import static io.rivulet.journal.JournalTest.append;
import static io.rivulet.journal.JournalTest.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalRetentionTest extends JournalTestBase
{
    private static final long DAY_MS = 86_400_000L;
    private static final long MONDAY_MS = 1_795_392_000_000L; // 2026-11-23T00:00Z

    private static List<String> cycleFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }

    @Test
    void shouldDeleteCyclesOlderThanRetainedWhenTheWriterRolls() throws IOException
    {
        final Path dir = tempDir.resolve("j");
        final AtomicLong nowMs = new AtomicLong(MONDAY_MS + 3_600_000);
        try (Journal journal = Journal.at(dir).schema(ALL_TYPES).rollCycle(JournalRollCycle.DAILY).retainCycles(2)
            .clock(nowMs::get).open())
        {
            final JournalWriter writer = journal.writer();
            append(writer, 1);
            append(writer, 2);
            assertEquals(List.of("20261123F.cq4"), cycleFiles(dir));
            nowMs.addAndGet(DAY_MS);
            append(writer, 3);
            assertEquals(List.of("20261123F.cq4", "20261124F.cq4"), cycleFiles(dir), "2 cycles kept");
            nowMs.addAndGet(DAY_MS);
            append(writer, 4);
            assertEquals(List.of("20261124F.cq4", "20261125F.cq4"), cycleFiles(dir), "Monday deleted on the roll");
            assertEquals(List.of(3L, 4L), readAll(journal.reader()).stream().map(JournalTest.Row::id).toList());
        }

        // a writer opened days later deletes what expired meanwhile, before it writes
        nowMs.addAndGet(3 * DAY_MS);
        try (Journal journal = Journal.at(dir).retainCycles(2).clock(nowMs::get).open())
        {
            assertEquals(List.of("20261124F.cq4", "20261125F.cq4"), cycleFiles(dir), "a reader deletes nothing");
            assertEquals(2, readAll(journal.reader()).size());
            journal.writer();
            assertEquals(List.of(), cycleFiles(dir));
            append(journal.writer(), 5);
            assertEquals(List.of("20261128F.cq4"), cycleFiles(dir));
            assertEquals(List.of(5L), readAll(journal.reader()).stream().map(JournalTest.Row::id).toList());
        }
    }

    @Test
    void shouldKeepEverythingWithRetainAll() throws IOException
    {
        final Path dir = tempDir.resolve("j");
        final AtomicLong nowMs = new AtomicLong(MONDAY_MS);
        try (Journal journal = Journal.at(dir).schema(ALL_TYPES).rollCycle(JournalRollCycle.HOURLY)
            .retainCycles(Journal.RETAIN_ALL).clock(nowMs::get).open())
        {
            for (int i = 0; i < 30; i++)
            {
                append(journal.writer(), i);
                nowMs.addAndGet(3_600_000);
            }
            assertEquals(30, cycleFiles(dir).size());
            assertEquals(30, readAll(journal.reader()).size());
            assertTrue(journal.cycleFile(journal.rollCycle().chronicle().toCycle(journal.lastIndex())).toFile().isFile(),
                "the cycle file name Journal computes for retention is the one Chronicle wrote");
        }
    }

    @Test
    void shouldNameCycleFilesAsChronicleDoesForEveryRollCycle() throws IOException
    {
        // retention deletes files by computed name: a wrong name would silently keep everything
        for (final JournalRollCycle rollCycle : JournalRollCycle.values())
        {
            final Path dir = tempDir.resolve(rollCycle.name());
            final AtomicLong nowMs = new AtomicLong(MONDAY_MS + 2 * DAY_MS + 13 * 3_600_000L + 37 * 60_000L);
            try (Journal journal = Journal.at(dir).schema(ALL_TYPES).rollCycle(rollCycle).retainCycles(1)
                .clock(nowMs::get).open())
            {
                final long index = append(journal.writer(), 1);
                assertEquals(index, journal.lastIndex());
                final Path file = journal.cycleFile(rollCycle.chronicle().toCycle(index));
                assertEquals(List.of(file.getFileName().toString()), cycleFiles(dir), rollCycle.name());
                nowMs.addAndGet(rollCycle.lengthMs());
                append(journal.writer(), 2);
                assertEquals(1, cycleFiles(dir).size(), rollCycle + ": the previous cycle was deleted");
                assertEquals(0, journal.retentionFailures());
            }
        }
    }
}
