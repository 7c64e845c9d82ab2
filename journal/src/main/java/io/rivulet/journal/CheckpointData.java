package io.rivulet.journal;

import org.agrona.DirectBuffer;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One checkpoint: the epoch it completes, the source positions to resume from, the sink sequences already
 * made visible, and named state snapshot sections (raw bytes, one per stateful operator or table).
 * <p>
 * Immutable apart from the section bytes, which stay in the caller's buffers: {@link CheckpointStore#write}
 * reads them in place, and a loaded checkpoint's sections view the file's memory (read only; valid as long as
 * the object is reachable). The arrays are copied in and out, so a caller cannot change a checkpoint by
 * changing an array. Allocation: only at construction and per getter call, never per record.
 */
public final class CheckpointData
{
    private final long epoch;
    private final long createdAtEpochMs;
    private final String pipelineFingerprint;
    private final String pipelineDescription;
    private final long[] sourcePositions;
    private final long[] sinkSequences;
    private final List<Section> sections;

    /**
     * @param epoch               the epoch this checkpoint completes, >= 0; also its file name.
     * @param createdAtEpochMs    wall-clock creation time, ms since 1970-01-01T00:00Z.
     * @param pipelineFingerprint identifies the pipeline shape; recovery refuses a checkpoint of another one.
     * @param pipelineDescription human-readable pipeline, for {@code rivulet inspect}.
     * @param sourcePositions     per source, the position to resume reading from (e.g. journal index).
     * @param sinkSequences       per sink, the last output sequence made visible.
     * @param sections            state snapshots; names unique, not null.
     * @throws IllegalArgumentException on a negative epoch, a null argument, a duplicate section name.
     */
    public CheckpointData(
        final long epoch,
        final long createdAtEpochMs,
        final String pipelineFingerprint,
        final String pipelineDescription,
        final long[] sourcePositions,
        final long[] sinkSequences,
        final List<Section> sections)
    {
        if (epoch < 0)
        {
            throw new IllegalArgumentException("checkpoint epoch must be >= 0, got " + epoch);
        }
        this.epoch = epoch;
        this.createdAtEpochMs = createdAtEpochMs;
        this.pipelineFingerprint = requireArg(pipelineFingerprint, "pipelineFingerprint");
        this.pipelineDescription = requireArg(pipelineDescription, "pipelineDescription");
        this.sourcePositions = requireArg(sourcePositions, "sourcePositions").clone();
        this.sinkSequences = requireArg(sinkSequences, "sinkSequences").clone();
        this.sections = List.copyOf(requireArg(sections, "sections"));
        final Set<String> names = new HashSet<>();
        for (final Section section : this.sections)
        {
            if (!names.add(section.name()))
            {
                throw new IllegalArgumentException("checkpoint section name '" + section.name() +
                    "' appears twice: give each section a unique name");
            }
        }
    }

    private static <T> T requireArg(final T value, final String name)
    {
        if (value == null)
        {
            throw new IllegalArgumentException("checkpoint " + name + " must not be null");
        }
        return value;
    }

    /** @return the epoch this checkpoint completes. */
    public long epoch()
    {
        return epoch;
    }

    /** @return creation time, ms since 1970-01-01T00:00Z. */
    public long createdAtEpochMs()
    {
        return createdAtEpochMs;
    }

    /** @return the pipeline fingerprint. */
    public String pipelineFingerprint()
    {
        return pipelineFingerprint;
    }

    /** @return the human-readable pipeline description. */
    public String pipelineDescription()
    {
        return pipelineDescription;
    }

    /** @return a copy of the per-source resume positions. */
    public long[] sourcePositions()
    {
        return sourcePositions.clone();
    }

    /** @return a copy of the per-sink last visible sequences. */
    public long[] sinkSequences()
    {
        return sinkSequences.clone();
    }

    /** @return the sections, in the order given (unmodifiable). */
    public List<Section> sections()
    {
        return sections;
    }

    /**
     * @param name of a section.
     * @return the section of that name, if any.
     */
    public Optional<Section> section(final String name)
    {
        for (final Section section : sections)
        {
            if (section.name().equals(name))
            {
                return Optional.of(section);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString()
    {
        return "CheckpointData{epoch=" + epoch + ", sections=" + sections.size() + ", pipeline=" +
            pipelineDescription + "}";
    }

    /**
     * A named range of bytes: {@code length} bytes of {@code buffer} from {@code offset}. The bytes are not
     * copied; the buffer must not change while a {@link CheckpointStore#write} of it runs.
     */
    public static final class Section
    {
        private final String name;
        private final DirectBuffer buffer;
        private final int offset;
        private final int length;

        /**
         * @param name   unique within the checkpoint, not null.
         * @param buffer holding the bytes (heap, direct or raw off-heap memory).
         * @param offset of the first byte in {@code buffer}.
         * @param length in bytes, >= 0.
         * @throws IllegalArgumentException when the range is not inside the buffer or an argument is null.
         */
        public Section(final String name, final DirectBuffer buffer, final int offset, final int length)
        {
            this.name = requireArg(name, "section name");
            this.buffer = requireArg(buffer, "section buffer");
            if (offset < 0 || length < 0 || (long)offset + length > buffer.capacity())
            {
                throw new IllegalArgumentException("checkpoint section '" + name + "': range [" + offset + ", " +
                    ((long)offset + length) + ") is outside its buffer of " + buffer.capacity() + " bytes");
            }
            this.offset = offset;
            this.length = length;
        }

        /** @return the section name. */
        public String name()
        {
            return name;
        }

        /** @return the buffer holding the bytes. */
        public DirectBuffer buffer()
        {
            return buffer;
        }

        /** @return offset of the first byte in {@link #buffer()}. */
        public int offset()
        {
            return offset;
        }

        /** @return length in bytes. */
        public int length()
        {
            return length;
        }

        @Override
        public String toString()
        {
            return name + "[" + length + " B]";
        }
    }
}
