package io.rivulet.tools;

import io.rivulet.journal.Journal;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.Schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/**
 * What the journal commands share: opening a journal a person named (with one-line messages for the usual
 * mistakes), the time column, and time formatting.
 */
final class JournalFiles
{
    /** ISO-8601 UTC with milliseconds, always three digits so a table column stays aligned. */
    static final DateTimeFormatter ISO_MILLIS = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    private JournalFiles()
    {
    }

    /**
     * Opens an existing journal to read. Never creates one: a path that is not a journal is an error.
     *
     * @param path the journal directory a person gave.
     * @return the open journal.
     * @throws CliException (status 1) naming the path and what is wrong with it.
     */
    static Journal open(final Path path)
    {
        if (!Files.exists(path))
        {
            throw new CliException("no journal at " + path + ": the path does not exist", 1);
        }
        if (!Files.isDirectory(path))
        {
            throw new CliException(path + " is a file, not a journal; give the journal's directory", 1);
        }
        if (!Files.exists(path.resolve(Journal.SCHEMA_FILE_NAME)))
        {
            throw new CliException(path + " is not a Rivulet journal: it has no '" + Journal.SCHEMA_FILE_NAME +
                "' file", 1);
        }
        try
        {
            return Journal.at(path).open();
        }
        catch (final IllegalArgumentException | IllegalStateException e)
        {
            throw new CliException(e.getMessage(), 1);
        }
    }

    /**
     * @param schema the journal's schema.
     * @param name   the column a person asked for, or null for the first TIMESTAMP column.
     * @return the time column, or null if {@code name} is null and the schema has no TIMESTAMP column.
     * @throws CliException (status 2) if {@code name} is not a TIMESTAMP column of the schema.
     */
    static Field timeColumn(final Schema schema, final String name)
    {
        if (name == null)
        {
            for (final Field field : schema.fields())
            {
                if (field.type() == FieldType.TIMESTAMP)
                {
                    return field;
                }
            }
            return null;
        }
        if (!schema.hasField(name))
        {
            throw new CliException("--time-column: the journal has no column '" + name + "'; its schema is " +
                schema, 2);
        }
        final Field field = schema.field(name);
        if (field.type() != FieldType.TIMESTAMP)
        {
            throw new CliException("--time-column: " + field + " is not a TIMESTAMP column", 2);
        }
        return field;
    }

    /**
     * @param text an ISO-8601 instant ({@code 2026-11-27T10:00:00Z}) or epoch milliseconds.
     * @return epoch milliseconds.
     */
    static long parseTime(final String text)
    {
        final String t = text.trim();
        if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-') && t.lastIndexOf('-') <= 0)
        {
            try
            {
                return Long.parseLong(t);
            }
            catch (final NumberFormatException e)
            {
                // falls through to the message below
            }
        }
        try
        {
            return Instant.parse(t).toEpochMilli();
        }
        catch (final DateTimeParseException e)
        {
            throw new CliException("--from-time: '" + text + "' is neither an ISO-8601 instant (e.g. " +
                "2026-11-27T10:00:00Z) nor epoch milliseconds", 2);
        }
    }

    /**
     * @param epochMs epoch milliseconds.
     * @return e.g. {@code 2026-11-27T10:00:00.000Z}.
     */
    static String formatTime(final long epochMs)
    {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMs));
    }

    /** Appends a JSON string literal (quoted, escaped per RFC 8259). */
    static StringBuilder appendJsonString(final StringBuilder out, final CharSequence s)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029')
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        return out.append('"');
    }
}
