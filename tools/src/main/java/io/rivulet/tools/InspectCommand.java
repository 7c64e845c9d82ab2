package io.rivulet.tools;

import io.rivulet.journal.CheckpointDescriptor;
import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalKind;
import io.rivulet.journal.JournalReader;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code rivulet inspect <journal | checkpoint-dir>}: what a journal holds, from its schema file and its queue:
 * schema, kind, roll cycle, cycle files, record count, first and last index (and output sequence), first and last
 * record time (of its time column) and size on disk; reads two records. For a checkpoint directory, every
 * checkpoint file and whether it validates ({@link CheckpointReport}). Never writes.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Describe a journal: schema, kind, roll cycle, files, record count, index and time range, size.",
        "Or a checkpoint directory: each checkpoint's epoch, time, source positions, sink sequence, state sections " +
            "and validity (checksum ok or why not), the newest valid one (what recovery restores) marked.",
        "Exit status: 0 ok, 1 the path is missing or neither a journal nor a checkpoint directory, 2 usage."})
final class InspectCommand implements Callable<Integer>
{
    /** The output formats of {@code inspect}. */
    enum Format
    {
        /** Aligned lines for a person. */
        TEXT,
        /** One JSON object. */
        JSON
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<journal | checkpoint-dir>",
        description = "a journal's directory, or a pipeline's checkpoint directory (checkpointLocation)")
    Path path;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text or json; default ${DEFAULT-VALUE}")
    Format format;

    @Option(names = "--time-column", paramLabel = "COLUMN",
        description = "TIMESTAMP column for the first/last time (default: the first TIMESTAMP column)")
    String timeColumn;

    /** First and last record of a journal. */
    private static final class Ends
    {
        long firstIndex = -1;
        long lastIndex = -1;
        long firstSequence;
        long lastSequence;
        long firstTimeMs;
        long lastTimeMs;
    }

    private record CycleFile(String name, long bytes)
    {
    }

    @Override
    public Integer call()
    {
        if (!Files.exists(path))
        {
            throw new CliException("no journal or checkpoint directory at " + path + ": the path does not exist", 1);
        }
        if (CheckpointDescriptor.epochOf(path.getFileName().toString()) >= 0 && Files.isRegularFile(path))
        {
            throw new CliException(path + " is one checkpoint file; give its directory (" + path.toAbsolutePath()
                .getParent() + ") to see it next to the others", 1);
        }
        if (!Files.isDirectory(path))
        {
            throw new CliException(path + " is a file, not a journal or checkpoint directory; give the directory",
                1);
        }
        if (CheckpointReport.isCheckpointDirectory(path) && !Files.exists(path.resolve(Journal.SCHEMA_FILE_NAME)))
        {
            if (timeColumn != null)
            {
                throw new CliException("--time-column: " + path + " is a checkpoint directory, which has no " +
                    "columns; the option is for journals", 2);
            }
            final String report = format == Format.JSON ? CheckpointReport.json(path) : CheckpointReport.text(path);
            spec.commandLine().getOut().print(report);
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (Files.isDirectory(path) && !Files.exists(path.resolve(Journal.SCHEMA_FILE_NAME)))
        {
            throw new CliException(path + " is neither a Rivulet journal (it has no '" + Journal.SCHEMA_FILE_NAME +
                "' file) nor a checkpoint directory (it has no " + CheckpointDescriptor.FILE_PREFIX + "*" +
                CheckpointDescriptor.FILE_SUFFIX + " files)", 1);
        }
        try (Journal journal = JournalFiles.open(path))
        {
            final Schema schema = journal.schema();
            final Field time = JournalFiles.timeColumn(schema, timeColumn);
            final Ends ends = ends(journal, (LongField)time);
            final long records = journal.entryCount();
            final List<CycleFile> cycleFiles = new ArrayList<>();
            final long sizeBytes = files(journal.dir(), cycleFiles);
            final StringBuilder out = new StringBuilder(1024);
            if (format == Format.JSON)
            {
                json(out, journal, time, ends, records, cycleFiles, sizeBytes);
            }
            else
            {
                text(out, journal, time, ends, records, cycleFiles, sizeBytes);
            }
            spec.commandLine().getOut().print(out);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private static Ends ends(final Journal journal, final LongField time)
    {
        final Ends ends = new Ends();
        try (JournalReader reader = journal.reader())
        {
            reader.poll((index, ingestNs, seq, record) ->
            {
                ends.firstIndex = index;
                ends.firstSequence = seq;
                ends.firstTimeMs = time == null ? 0 : record.getLong(time);
            }, 1);
            final long last = journal.lastIndex();
            if (last >= 0 && reader.moveToIndex(last))
            {
                reader.poll((index, ingestNs, seq, record) ->
                {
                    ends.lastIndex = index;
                    ends.lastSequence = seq;
                    ends.lastTimeMs = time == null ? 0 : record.getLong(time);
                }, 1);
            }
        }
        return ends;
    }

    private static long files(final Path dir, final List<CycleFile> cycleFiles)
    {
        long total = 0;
        try (Stream<Path> entries = Files.list(dir))
        {
            for (final Path file : entries.sorted().toList())
            {
                if (!Files.isRegularFile(file))
                {
                    continue;
                }
                final long bytes = Files.size(file);
                total += bytes;
                if (file.getFileName().toString().endsWith(".cq4"))
                {
                    cycleFiles.add(new CycleFile(file.getFileName().toString(), bytes));
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("Cannot list journal directory " + dir + ": " + e, e);
        }
        return total;
    }

    private static void text(final StringBuilder out, final Journal journal, final Field time, final Ends ends,
        final long records, final List<CycleFile> cycleFiles, final long sizeBytes)
    {
        final boolean output = journal.kind() == JournalKind.OUTPUT;
        line(out, "journal", journal.dir().toString());
        line(out, "kind", journal.kind().name());
        line(out, "roll cycle", journal.rollCycle().name());
        out.append("schema\n");
        int nameWidth = 0;
        for (final Field field : journal.schema().fields())
        {
            nameWidth = Math.max(nameWidth, field.name().length());
        }
        for (final Field field : journal.schema().fields())
        {
            out.append("  ").append(field.name());
            pad(out, nameWidth - field.name().length() + 2);
            out.append(field.typeDescription()).append('\n');
        }
        line(out, "records", Long.toString(records));
        line(out, "first index", ends.firstIndex < 0 ? "-" : Long.toString(ends.firstIndex));
        line(out, "last index", ends.lastIndex < 0 ? "-" : Long.toString(ends.lastIndex));
        if (output)
        {
            line(out, "first seq", ends.firstIndex < 0 ? "-" : Long.toString(ends.firstSequence));
            line(out, "last seq", ends.lastIndex < 0 ? "-" : Long.toString(ends.lastSequence));
        }
        if (time != null)
        {
            line(out, "first time", ends.firstIndex < 0 ? "-" :
                JournalFiles.formatTime(ends.firstTimeMs) + "  (" + time.name() + ")");
            line(out, "last time", ends.lastIndex < 0 ? "-" :
                JournalFiles.formatTime(ends.lastTimeMs) + "  (" + time.name() + ")");
        }
        line(out, "cycle files", Integer.toString(cycleFiles.size()));
        for (final CycleFile file : cycleFiles)
        {
            out.append("  ").append(file.name).append("  ").append(file.bytes).append(" bytes\n");
        }
        line(out, "size", sizeBytes + " bytes (" + human(sizeBytes) + ", all files; cycle files are sparse)");
    }

    private static void json(final StringBuilder out, final Journal journal, final Field time, final Ends ends,
        final long records, final List<CycleFile> cycleFiles, final long sizeBytes)
    {
        out.append("{\"journal\":");
        JournalFiles.appendJsonString(out, journal.dir().toString());
        out.append(",\"kind\":\"").append(journal.kind().name()).append('"');
        out.append(",\"rollCycle\":\"").append(journal.rollCycle().name()).append('"');
        out.append(",\"schema\":[");
        boolean first = true;
        for (final Field field : journal.schema().fields())
        {
            out.append(first ? "" : ",").append("{\"name\":");
            JournalFiles.appendJsonString(out, field.name()).append(",\"type\":\"").append(field.type().name())
                .append('"');
            if (field.type() == FieldType.SYMBOL)
            {
                out.append(",\"length\":").append(field.lengthBytes());
            }
            if (field.type() == FieldType.DECIMAL)
            {
                out.append(",\"scale\":").append(field.scale());
            }
            out.append('}');
            first = false;
        }
        out.append("],\"records\":").append(records);
        out.append(",\"firstIndex\":").append(ends.firstIndex < 0 ? "null" : "\"" + ends.firstIndex + "\"");
        out.append(",\"lastIndex\":").append(ends.lastIndex < 0 ? "null" : "\"" + ends.lastIndex + "\""); // strings: > 2^53
        if (journal.kind() == JournalKind.OUTPUT)
        {
            out.append(",\"firstSequence\":").append(ends.firstIndex < 0 ? "null" : Long.toString(ends.firstSequence));
            out.append(",\"lastSequence\":").append(ends.lastIndex < 0 ? "null" : Long.toString(ends.lastSequence));
        }
        if (time != null)
        {
            out.append(",\"timeColumn\":");
            JournalFiles.appendJsonString(out, time.name());
            out.append(",\"firstTime\":").append(ends.firstIndex < 0 ? "null" :
                "\"" + JournalFiles.formatTime(ends.firstTimeMs) + "\"");
            out.append(",\"lastTime\":").append(ends.lastIndex < 0 ? "null" :
                "\"" + JournalFiles.formatTime(ends.lastTimeMs) + "\"");
        }
        out.append(",\"cycleFiles\":[");
        first = true;
        for (final CycleFile file : cycleFiles)
        {
            out.append(first ? "" : ",").append("{\"name\":");
            JournalFiles.appendJsonString(out, file.name).append(",\"bytes\":").append(file.bytes).append('}');
            first = false;
        }
        out.append("],\"sizeBytes\":").append(sizeBytes).append("}\n");
    }

    private static void line(final StringBuilder out, final String name, final String value)
    {
        out.append(name);
        pad(out, 13 - name.length());
        out.append(value).append('\n');
    }

    private static void pad(final StringBuilder out, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            out.append(' ');
        }
    }

    private static String human(final long bytes)
    {
        if (bytes < 1024)
        {
            return bytes + " B";
        }
        final String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int unit = -1;
        while (v >= 1024 && unit < units.length - 1)
        {
            v /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[unit]);
    }
}
