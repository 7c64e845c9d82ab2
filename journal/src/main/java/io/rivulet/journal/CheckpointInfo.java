package io.rivulet.journal;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link CheckpointStore#list()} knows about one checkpoint file, for {@code rivulet inspect}: its header
 * fields and whether it validates (with the reason when not). For a file whose header cannot be read, the
 * epoch comes from the file name and the header fields are empty (-1, null, empty arrays). Immutable.
 */
public final class CheckpointInfo
{
    private static final long[] NO_LONGS = new long[0];

    private final Path file;
    private final long epoch;
    private final long createdAtEpochMs;
    private final String problem;
    private final long sizeBytes;
    private final String pipelineDescription;
    private final long[] sourcePositions;
    private final long[] sinkSequences;
    private final List<String> sectionNames;
    private final long[] sectionLengths;

    CheckpointInfo(
        final Path file,
        final long epoch,
        final long createdAtEpochMs,
        final String problem,
        final long sizeBytes,
        final String pipelineDescription,
        final long[] sourcePositions,
        final long[] sinkSequences,
        final List<String> sectionNames,
        final long[] sectionLengths)
    {
        this.file = file;
        this.epoch = epoch;
        this.createdAtEpochMs = createdAtEpochMs;
        this.problem = problem;
        this.sizeBytes = sizeBytes;
        this.pipelineDescription = pipelineDescription;
        this.sourcePositions = sourcePositions == null ? NO_LONGS : sourcePositions;
        this.sinkSequences = sinkSequences == null ? NO_LONGS : sinkSequences;
        this.sectionNames = sectionNames == null ? List.of() : List.copyOf(sectionNames);
        this.sectionLengths = sectionLengths == null ? NO_LONGS : sectionLengths;
    }

    /** @return the checkpoint file. */
    public Path file()
    {
        return file;
    }

    /** @return the epoch (from the header when readable, else from the file name). */
    public long epoch()
    {
        return epoch;
    }

    /** @return creation time in ms since 1970-01-01T00:00Z, or -1 when the header is unreadable. */
    public long createdAtEpochMs()
    {
        return createdAtEpochMs;
    }

    /** @return true when the file validates and {@link CheckpointStore#loadLatest} could use it. */
    public boolean valid()
    {
        return problem == null;
    }

    /** @return why the file is not usable, or null when it is valid. */
    public String problem()
    {
        return problem;
    }

    /** @return the file size in bytes. */
    public long sizeBytes()
    {
        return sizeBytes;
    }

    /** @return the pipeline description, or null when the header is unreadable. */
    public String pipelineDescription()
    {
        return pipelineDescription;
    }

    /** @return a copy of the per-source resume positions (empty when the header is unreadable). */
    public long[] sourcePositions()
    {
        return sourcePositions.clone();
    }

    /** @return a copy of the per-sink sequences (empty when the header is unreadable). */
    public long[] sinkSequences()
    {
        return sinkSequences.clone();
    }

    /** @return the section names in file order (empty when the header is unreadable). */
    public List<String> sectionNames()
    {
        return sectionNames;
    }

    /** @return a copy of the section lengths in bytes, in file order. */
    public long[] sectionLengths()
    {
        return sectionLengths.clone();
    }

    @Override
    public String toString()
    {
        return file.getFileName() + " epoch=" + epoch + " " + sizeBytes + " B " +
            (problem == null ? "valid" : "INVALID: " + problem);
    }
}
