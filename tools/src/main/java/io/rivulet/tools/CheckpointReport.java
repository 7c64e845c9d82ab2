package io.rivulet.tools;

import io.rivulet.journal.CheckpointDescriptor;
import io.rivulet.journal.CheckpointInfo;
import io.rivulet.journal.CheckpointStore;
import io.rivulet.journal.EpochCutLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code rivulet inspect} of a checkpoint directory: every checkpoint file, newest first, validated as recovery
 * validates it ({@link CheckpointStore#list()}: magic, version, length, CRC32C, section table), with its epoch,
 * creation time, source positions, sink sequence and state sections; the newest valid one (the one recovery
 * restores) is marked. Reads the files; never writes or deletes (safe while a pipeline writes checkpoints).
 */
final class CheckpointReport
{
    private static final String TEMP_GLOB = CheckpointDescriptor.FILE_PREFIX + "*" + CheckpointDescriptor.FILE_SUFFIX +
        CheckpointDescriptor.TEMP_SUFFIX;

    private CheckpointReport()
    {
    }

    /**
     * @param path a directory a person named.
     * @return true if it holds at least one checkpoint file or the temp file of an interrupted write.
     */
    static boolean isCheckpointDirectory(final Path path)
    {
        if (!Files.isDirectory(path))
        {
            return false;
        }
        try (Stream<Path> files = Files.list(path))
        {
            return files.anyMatch(f -> CheckpointDescriptor.epochOf(f.getFileName().toString()) >= 0 ||
                isTempFile(f));
        }
        catch (final IOException e)
        {
            throw new CliException("cannot list " + path + ": " + e.getMessage(), 1);
        }
    }

    private static boolean isTempFile(final Path file)
    {
        final String name = file.getFileName().toString();
        return name.startsWith(CheckpointDescriptor.FILE_PREFIX) &&
            name.endsWith(CheckpointDescriptor.FILE_SUFFIX + CheckpointDescriptor.TEMP_SUFFIX);
    }

    private static long tempFiles(final Path dir)
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(CheckpointReport::isTempFile).count();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static List<CheckpointInfo> list(final Path dir)
    {
        // open() creates a missing directory: the caller checked it exists
        return CheckpointStore.open(dir, 1).list();
    }

    private static CheckpointInfo newestValid(final List<CheckpointInfo> infos)
    {
        for (final CheckpointInfo info : infos)
        {
            if (info.valid())
            {
                return info;
            }
        }
        return null;
    }

    /** What a recovery from the newest valid checkpoint would replay from the epoch log, or why it cannot. */
    private static final class EpochLog
    {
        /** What the log holds: "processingTime" (every epoch's end) or "stream end" (other triggers). */
        final String kind;
        /** Null if the log could be read; else why not, for the text ("MISSING ...", "DAMAGED: ...") ... */
        final String problem;
        /** ... and for the JSON report. */
        final String jsonProblem;
        final EpochCutLog.Cuts cuts;
        final long epoch;

        EpochLog(final String kind, final String problem, final String jsonProblem, final EpochCutLog.Cuts cuts,
            final long epoch)
        {
            this.kind = kind;
            this.problem = problem;
            this.jsonProblem = jsonProblem;
            this.cuts = cuts;
            this.epoch = epoch;
        }
    }

    /**
     * @return the epoch log's state for the text and the JSON report; null if there is no log and none is needed
     *         (the newest valid checkpoint is not a processingTime one).
     */
    private static EpochLog epochLog(final Path dir, final CheckpointInfo newest)
    {
        final long epoch = newest == null ? 0 : newest.epoch();
        // a processingTime checkpoint's epoch is logged before it is taken: the log must hold it
        final boolean needed = newest != null && newest.pipelineDescription() != null &&
            newest.pipelineDescription().contains("trigger: processingTime");
        if (!needed && !Files.exists(dir.resolve(EpochCutLog.FILE_NAME)))
        {
            return null;
        }
        try
        {
            if (!needed)
            {
                if (newest == null)
                {
                    return null; // no checkpoint to restore: a recovery does not get as far as the log
                }
                // other triggers log only where the stream ended: shown when a recovery would end it there
                final EpochCutLog.Cuts end = EpochCutLog.streamEndAfter(dir, epoch);
                return end.streamEnd() == Long.MIN_VALUE ? null : new EpochLog("stream end", null, null, end, epoch);
            }
            if (needed && !EpochCutLog.holds(dir, epoch))
            {
                final String missing = "the entry of epoch " + epoch + " (the file was deleted, emptied or " +
                    "replaced): a recovery is refused";
                return new EpochLog("processingTime", "MISSING " + missing, "missing " + missing, null, epoch);
            }
            return new EpochLog("processingTime", null, null, EpochCutLog.read(dir, epoch), epoch);
        }
        catch (final IllegalStateException ex)
        {
            return new EpochLog(needed ? "processingTime" : "stream end", "DAMAGED: " + ex.getMessage(), ex.getMessage(), null,
                epoch);
        }
        catch (final java.io.UncheckedIOException ex)
        {
            return new EpochLog(needed ? "processingTime" : "stream end", "UNREADABLE: " + ex.getMessage(), ex.getMessage(),
                null, epoch);
        }
    }

    /** @return what a recovery from {@code epoch} would replay from the epoch log, in words. */
    private static String describeCuts(final EpochCutLog.Cuts cuts, final long epoch)
    {
        final long[] positions = cuts.positions();
        if (positions.length == 0 && cuts.streamEnd() == Long.MIN_VALUE)
        {
            return "no epoch logged after epoch " + epoch + "; a recovery ends new epochs by the clock";
        }
        final StringBuilder text = new StringBuilder();
        if (positions.length > 0)
        {
            text.append(positions.length == 1 ? "epoch " + (epoch + 1) :
                "epochs " + (epoch + 1) + "-" + (epoch + positions.length)).append(" ended after index ");
            final int shown = Math.min(positions.length, 5);
            for (int i = 0; i < shown; i++)
            {
                text.append(i == 0 ? "" : ", ").append(positions[i]);
            }
            text.append(shown < positions.length ? ", ..." : "");
        }
        if (cuts.streamEnd() != Long.MIN_VALUE)
        {
            text.append(positions.length > 0 ? "; " : "").append("the stream ended after index ")
                .append(cuts.streamEnd());
        }
        return text.append(positions.length > 0 ? ": a recovery ends the same epochs there" :
            " (its final checkpoint was not written): a recovery ends it there").toString();
    }

    /**
     * @param position a source position as the engine records it.
     * @return it in words: {@code after index N}, {@code at index N} or {@code from the start}.
     */
    static String describePosition(final long position)
    {
        if (position >= 0)
        {
            return "after index " + position;
        }
        if (position == -1)
        {
            return "from the start";
        }
        return "at index " + (-2 - position);
    }

    /**
     * @param dir an existing checkpoint directory.
     * @return the report for a person, aligned lines.
     */
    static String text(final Path dir)
    {
        final List<CheckpointInfo> infos = list(dir);
        final CheckpointInfo newest = newestValid(infos);
        final StringBuilder out = new StringBuilder(1024);
        line(out, "checkpoints", dir.toString());
        final long valid = infos.stream().filter(CheckpointInfo::valid).count();
        line(out, "files", infos.size() + " (" + valid + " valid)");
        line(out, "newest valid", newest == null ? "none: recovery would start from the source's start" :
            "epoch " + newest.epoch() + " (" + newest.file().getFileName() + "): recovery restores this one");
        final EpochLog epochLog = epochLog(dir, newest);
        if (epochLog != null)
        {
            line(out, "epoch log", EpochCutLog.FILE_NAME + " (" + epochLog.kind + "): " + (epochLog.problem != null ?
                epochLog.problem : describeCuts(epochLog.cuts, epochLog.epoch)));
        }
        String pipeline = newest == null ? null : newest.pipelineDescription();
        for (int i = 0; i < infos.size() && pipeline == null; i++)
        {
            pipeline = infos.get(i).pipelineDescription();
        }
        if (pipeline != null)
        {
            line(out, "pipeline", indent(pipeline));
        }
        final long temps = tempFiles(dir);
        if (temps > 0)
        {
            line(out, "temp files", temps + " (" + TEMP_GLOB + ": an interrupted write, ignored; recovery deletes it)");
        }
        for (final CheckpointInfo info : infos)
        {
            out.append('\n').append("epoch ").append(info.epoch()).append("  ").append(info.file().getFileName())
                .append("  ").append(info.valid() ? "valid" : "INVALID: " + info.problem())
                .append(info == newest ? "  <- newest valid" : "").append('\n');
            line(out, "  created", info.createdAtEpochMs() < 0 ? "-" :
                JournalFiles.formatTime(info.createdAtEpochMs()));
            line(out, "  size", info.sizeBytes() + " bytes");
            final long[] positions = info.sourcePositions();
            for (int i = 0; i < positions.length; i++)
            {
                line(out, "  source " + i, describePosition(positions[i]));
            }
            final long[] sequences = info.sinkSequences();
            for (int i = 0; i < sequences.length; i++)
            {
                line(out, "  sink seq" + (sequences.length > 1 ? " " + i : ""), Long.toString(sequences[i]));
            }
            final List<String> names = info.sectionNames();
            final long[] lengths = info.sectionLengths();
            long stateBytes = 0;
            int nameWidth = 0;
            for (int i = 0; i < names.size(); i++)
            {
                stateBytes += lengths[i];
                nameWidth = Math.max(nameWidth, names.get(i).length());
            }
            line(out, "  state", names.size() + (names.size() == 1 ? " section, " : " sections, ") + stateBytes +
                " bytes");
            for (int i = 0; i < names.size(); i++)
            {
                out.append("    ").append(names.get(i));
                pad(out, nameWidth - names.get(i).length() + 2);
                out.append(lengths[i]).append(" bytes\n");
            }
            if (info.pipelineDescription() != null && !info.pipelineDescription().equals(pipeline))
            {
                // recovery refuses a checkpoint of another pipeline shape: show the shape that wrote this one
                line(out, "  pipeline", indent(info.pipelineDescription()) + "\n" + " ".repeat(15) +
                    "(not the pipeline above)");
            }
        }
        return out.toString();
    }

    /**
     * @param dir an existing checkpoint directory.
     * @return the report as one JSON object and a newline.
     */
    static String json(final Path dir)
    {
        final List<CheckpointInfo> infos = list(dir);
        final CheckpointInfo newest = newestValid(infos);
        final StringBuilder out = new StringBuilder(1024);
        out.append("{\"checkpoints\":");
        JournalFiles.appendJsonString(out, dir.toString());
        out.append(",\"newestValidEpoch\":").append(newest == null ? "null" : Long.toString(newest.epoch()));
        out.append(",\"tempFiles\":").append(tempFiles(dir));
        out.append(",\"epochLog\":");
        appendEpochLogJson(out, dir, newest);
        out.append(",\"files\":[");
        for (int f = 0; f < infos.size(); f++)
        {
            final CheckpointInfo info = infos.get(f);
            out.append(f == 0 ? "" : ",").append("{\"file\":");
            JournalFiles.appendJsonString(out, info.file().getFileName().toString());
            out.append(",\"epoch\":").append(info.epoch()).append(",\"valid\":").append(info.valid());
            out.append(",\"problem\":");
            if (info.valid())
            {
                out.append("null");
            }
            else
            {
                JournalFiles.appendJsonString(out, info.problem());
            }
            out.append(",\"created\":").append(info.createdAtEpochMs() < 0 ? "null" :
                "\"" + JournalFiles.formatTime(info.createdAtEpochMs()) + "\"");
            out.append(",\"sizeBytes\":").append(info.sizeBytes());
            out.append(",\"sourcePositions\":[");
            final long[] positions = info.sourcePositions();
            for (int i = 0; i < positions.length; i++)
            {
                out.append(i == 0 ? "" : ",").append(positions[i]);
            }
            out.append("],\"sinkSequences\":[");
            final long[] sequences = info.sinkSequences();
            for (int i = 0; i < sequences.length; i++)
            {
                out.append(i == 0 ? "" : ",").append(sequences[i]);
            }
            out.append("],\"sections\":[");
            final List<String> names = info.sectionNames();
            final long[] lengths = info.sectionLengths();
            for (int i = 0; i < names.size(); i++)
            {
                out.append(i == 0 ? "" : ",").append("{\"name\":");
                JournalFiles.appendJsonString(out, names.get(i)).append(",\"bytes\":").append(lengths[i]).append('}');
            }
            out.append("],\"pipeline\":");
            if (info.pipelineDescription() == null)
            {
                out.append("null");
            }
            else
            {
                JournalFiles.appendJsonString(out, info.pipelineDescription());
            }
            out.append('}');
        }
        return out.append("]}\n").toString();
    }

    /** The epoch log in the JSON report (processingTime pipelines): what a recovery would replay, or the problem. */
    private static void appendEpochLogJson(final StringBuilder out, final Path dir, final CheckpointInfo newest)
    {
        final EpochLog epochLog = epochLog(dir, newest);
        if (epochLog == null)
        {
            out.append("null");
            return;
        }
        if (epochLog.jsonProblem != null)
        {
            out.append("{\"problem\":");
            JournalFiles.appendJsonString(out, epochLog.jsonProblem).append('}');
            return;
        }
        out.append("{\"epochEndsAfterNewest\":[");
        final long[] positions = epochLog.cuts.positions();
        for (int i = 0; i < positions.length; i++)
        {
            out.append(i == 0 ? "" : ",").append(positions[i]);
        }
        out.append("],\"streamEnd\":").append(epochLog.cuts.streamEnd() == Long.MIN_VALUE ? "null" :
            Long.toString(epochLog.cuts.streamEnd())).append('}');
    }

    private static String indent(final String multiLine)
    {
        return multiLine.replace("\n", "\n" + " ".repeat(15));
    }

    private static void line(final StringBuilder out, final String name, final String value)
    {
        out.append(name);
        pad(out, Math.max(1, 15 - name.length()));
        out.append(value).append('\n');
    }

    private static void pad(final StringBuilder out, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            out.append(' ');
        }
    }
}
