package io.rivulet.journal;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.rivulet.journal.JournalTest.ALL_TYPES;
import static io.rivulet.journal.JournalTest.ID;
import static io.rivulet.journal.JournalTest.append;
import static io.rivulet.journal.JournalTest.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OutputJournalTest extends JournalTestBase
{
    @Test
    void shouldNumberEntriesAndContinueTheSequenceAfterReopen()
    {
        final Path dir = tempDir.resolve("out");
        try (Journal journal = Journal.at(dir).schema(ALL_TYPES).output().open())
        {
            final JournalWriter writer = journal.writer();
            assertEquals(0, writer.lastSequence(), "empty journal");
            append(writer, 10);
            writer.claim().setLong(ID, 99);
            writer.abort();
            append(writer, 11);
            assertEquals(2, writer.lastSequence(), "an abort uses no sequence number");
        }
        try (Journal journal = Journal.at(dir).open())
        {
            assertEquals(JournalKind.OUTPUT, journal.kind());
            final JournalWriter writer = journal.writer();
            assertEquals(2, writer.lastSequence(), "read from the last entry on open");
            append(writer, 12);
            assertEquals(3, writer.lastSequence());
            final List<JournalTest.Row> rows = readAll(journal.reader());
            assertEquals(List.of(1L, 2L, 3L), rows.stream().map(JournalTest.Row::sequence).toList());
            assertEquals(List.of(10L, 11L, 12L), rows.stream().map(JournalTest.Row::id).toList());
            assertEquals(List.of(70L, 77L, 84L), rows.stream().map(JournalTest.Row::ingestTimeNs).toList());
        }
    }

    @Test
    void shouldGiveInputEntriesSequenceZero()
    {
        try (Journal journal = Journal.at(tempDir.resolve("in")).schema(ALL_TYPES).open())
        {
            append(journal.writer(), 1);
            assertEquals(0, journal.writer().lastSequence());
            assertEquals(0, readAll(journal.reader()).get(0).sequence());
            assertEquals(JournalDescriptor.INPUT_HEADER_LENGTH + ALL_TYPES.recordLengthBytes(),
                journal.metadata().entryLength());
        }
    }
}
