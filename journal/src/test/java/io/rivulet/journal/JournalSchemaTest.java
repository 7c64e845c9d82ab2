package io.rivulet.journal;

import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.rivulet.journal.JournalTest.ALL_TYPES;
import static io.rivulet.journal.JournalTest.append;
import static io.rivulet.journal.JournalTest.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class JournalSchemaTest extends JournalTestBase
{
    @Test
    void shouldEncodeSchemaAsReadableTextInDeclarationOrder()
    {
        final String text = SchemaCodec.encode(new JournalMetadata(ALL_TYPES, JournalKind.INPUT,
            JournalRollCycle.DAILY));
        assertEquals("rivulet-journal 1\nkind INPUT\nrollCycle DAILY\nfield id INT64\nfield qty INT32\nfield px FLOAT64\n" +
            "field buy BOOLEAN\nfield ts TIMESTAMP\nfield sym SYMBOL 5\n", text);
        final JournalMetadata decoded = SchemaCodec.decode(text, "test");
        assertEquals(ALL_TYPES, decoded.schema());
        assertEquals(JournalKind.INPUT, decoded.kind());
        assertEquals(JournalRollCycle.DAILY, decoded.rollCycle());
        assertEquals(ALL_TYPES.recordLengthBytes(), decoded.schema().recordLengthBytes());
    }

    @Test
    void shouldPersistADecimalColumnWithItsScale()
    {
        final Schema prices = Schema.builder().symbol("sym", 4).decimal("px", 4).build();
        final Path dir = tempDir.resolve("decimal");
        try (Journal journal = Journal.at(dir).schema(prices).open())
        {
            journal.writer().claim().setSymbol(prices.symbolField("sym"), "AAPL")
                .setDecimal(prices.decimalField("px"), "-101.0050");
            journal.writer().commit();
        }
        try (Journal journal = Journal.at(dir).open())
        {
            assertEquals(prices, journal.schema());
            assertEquals(4, journal.schema().decimalField("px").scale());
            final long[] mantissa = new long[1];
            assertEquals(1, journal.reader().poll(
                (i, ns, seq, r) -> mantissa[0] = r.getMantissa(journal.schema().decimalField("px")), 10));
            assertEquals(-1_010_050L, mantissa[0]);
        }
    }

    @Test
    void shouldHaveACodecForEveryFieldType()
    {
        // a new FieldType fails here until SchemaCodec.TypeCodec gets its constant
        for (final FieldType type : FieldType.values())
        {
            assertEquals(type.name(), SchemaCodec.TypeCodec.of(type, "encode").name());
        }
    }

    @Test
    void shouldPersistSchemaSoAFreshReaderDecodesWithoutOne()
    {
        final Path dir = tempDir.resolve("j");
        try (Journal journal = Journal.at(dir).schema(ALL_TYPES).open())
        {
            append(journal.writer(), 5);
        }
        assertTrue(Files.isRegularFile(dir.resolve(Journal.SCHEMA_FILE_NAME)));
        try (Journal journal = Journal.at(dir).open())
        {
            assertEquals(ALL_TYPES, journal.schema());
            assertEquals(JournalKind.INPUT, journal.kind());
            assertEquals(List.of(5L), readAll(journal.reader()).stream().map(JournalTest.Row::id).toList());
        }
    }

    @Test
    void shouldFailWithBothSchemasWhenOpenedWithAnotherSchema()
    {
        final Path dir = tempDir.resolve("j");
        Journal.at(dir).schema(ALL_TYPES).open().close();
        final Schema other = Schema.builder().int64("id").int32("qty").build();
        final SchemaException e = assertThrows(SchemaException.class, () -> Journal.at(dir).schema(other).open());
        assertEquals("Journal " + dir.toAbsolutePath() + " holds records of schema\n  " + ALL_TYPES +
            "\nbut was opened with schema\n  " + other + "\nopen it with the schema it was written with (or without " +
            "schema() to use the stored one), or write to another directory", e.getMessage());

        final SchemaException kind = assertThrows(SchemaException.class,
            () -> Journal.at(dir).schema(ALL_TYPES).output().open());
        assertTrue(kind.getMessage().contains("is an INPUT journal but was opened as OUTPUT"), kind.getMessage());
    }

    @Test
    void shouldRejectAFileANonJournalAndAMissingJournalClearly() throws IOException
    {
        final Path file = Files.writeString(tempDir.resolve("file"), "x");
        assertEquals("Journal path " + file + " is a file, not a directory; give a directory for the journal",
            assertThrows(IllegalArgumentException.class, () -> Journal.at(file).schema(ALL_TYPES).open()).getMessage());

        final Path other = Files.createDirectories(tempDir.resolve("other"));
        Files.writeString(other.resolve("data.csv"), "a,b");
        final String notJournal = assertThrows(IllegalArgumentException.class,
            () -> Journal.at(other).schema(ALL_TYPES).open()).getMessage();
        assertTrue(notJournal.startsWith("Directory " + other + " is not empty and is not a Rivulet journal"),
            notJournal);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Journal.at(other).open()).getMessage()
            .startsWith("Directory " + other + " is not a Rivulet journal (it has no 'schema' file)"));

        final Path missing = tempDir.resolve("missing");
        assertEquals("Journal directory " + missing + " does not exist; give schema(...) to create a new journal " +
            "there", assertThrows(IllegalArgumentException.class, () -> Journal.at(missing).open()).getMessage());
        assertTrue(Files.notExists(missing), "reading a missing journal creates nothing");
    }

    @Test
    void shouldRejectACorruptOrNewerSchemaFile() throws IOException
    {
        final Path dir = Files.createDirectories(tempDir.resolve("j"));
        final Path schemaFile = dir.resolve(Journal.SCHEMA_FILE_NAME);
        Files.writeString(schemaFile, "hello\n");
        assertEquals(schemaFile + " is not a Rivulet journal schema (it does not start with 'rivulet-journal " +
            "<version>')", assertThrows(SchemaException.class, () -> Journal.at(dir).open()).getMessage());
        Files.writeString(schemaFile, "rivulet-journal 2\nkind INPUT\nrollCycle DAILY\nfield a INT64\n");
        assertTrue(assertThrows(SchemaException.class, () -> Journal.at(dir).open()).getMessage()
            .contains("written by a newer Rivulet"));
        Files.writeString(schemaFile, "rivulet-journal 1\nkind INPUT\nrollCycle DAILY\nfield a MONEY\n");
        assertTrue(assertThrows(SchemaException.class, () -> Journal.at(dir).open()).getMessage()
            .contains("unknown field type 'MONEY' in line 'field a MONEY'"));
        Files.writeString(schemaFile, "rivulet-journal 1\nkind INPUT\nrollCycle DAILY\nfield s SYMBOL\n");
        assertTrue(assertThrows(SchemaException.class, () -> Journal.at(dir).open()).getMessage()
            .contains("type SYMBOL needs a parameter"));
    }

    @Test
    void shouldRejectAnUnreadableSchemaFile() throws IOException
    {
        final Path dir = tempDir.resolve("j");
        Journal.at(dir).schema(ALL_TYPES).open().close();
        final Path schemaFile = dir.resolve(Journal.SCHEMA_FILE_NAME);
        if (!schemaFile.toFile().setReadable(false, false) || Files.isReadable(schemaFile))
        {
            return; // running as root: permissions are not enforced, nothing to test
        }
        try
        {
            assertEquals("Journal schema file " + schemaFile + " is not readable; fix its permissions",
                assertThrows(IllegalArgumentException.class, () -> Journal.at(dir).open()).getMessage());
        }
        finally
        {
            schemaFile.toFile().setReadable(true, false);
        }
    }

    @Test
    void shouldRejectAnotherRollCycleAndInvalidOptions()
    {
        final Path dir = tempDir.resolve("j");
        Journal.at(dir).schema(ALL_TYPES).rollCycle(JournalRollCycle.HOURLY).open().close();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Journal.at(dir).rollCycle(JournalRollCycle.DAILY).open());
        assertEquals("Journal " + dir + " was created with roll cycle HOURLY, not DAILY; leave rollCycle() out to " +
            "use the journal's own", e.getMessage());
        try (Journal journal = Journal.at(dir).open())
        {
            assertEquals(JournalRollCycle.HOURLY, journal.rollCycle());
        }
        assertEquals("Journal retainCycles is 0; keep at least 1 cycle (the one being written), or use " +
            "Journal.RETAIN_ALL to never delete",
            assertThrows(IllegalArgumentException.class, () -> Journal.at(dir).retainCycles(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Journal.at(dir).schema(null));
        assertThrows(IllegalArgumentException.class, () -> Journal.at(null));
        try
        {
            Journal.at(dir).rollCycle(null);
            fail("null roll cycle accepted");
        }
        catch (final IllegalArgumentException expected)
        {
            assertTrue(expected.getMessage().contains("DAILY"));
        }
    }
}
