package io.rivulet.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static io.rivulet.journal.CheckpointDescriptor.ALIGNMENT;
import static io.rivulet.journal.CheckpointDescriptor.CREATED_AT_OFFSET;
import static io.rivulet.journal.CheckpointDescriptor.EPOCH_OFFSET;
import static io.rivulet.journal.CheckpointDescriptor.FILE_SUFFIX;
import static io.rivulet.journal.CheckpointDescriptor.FORMAT_VERSION;
import static io.rivulet.journal.CheckpointDescriptor.HEADER_LENGTH_OFFSET;
import static io.rivulet.journal.CheckpointDescriptor.MAGIC;
import static io.rivulet.journal.CheckpointDescriptor.MIN_LENGTH;
import static io.rivulet.journal.CheckpointDescriptor.TEMP_SUFFIX;
import static io.rivulet.journal.CheckpointDescriptor.TOTAL_LENGTH_OFFSET;
import static io.rivulet.journal.CheckpointDescriptor.TRAILER_LENGTH;
import static io.rivulet.journal.CheckpointDescriptor.VARIABLE_OFFSET;
import static io.rivulet.journal.CheckpointDescriptor.VERSION_OFFSET;

/**
 * A directory of checkpoint files ({@link CheckpointDescriptor}), one per completed epoch, keeping the newest
 * {@code retain} of them.
 * <p>
 * Durability: {@link #write} streams the header and each section straight from its buffer into a temp file,
 * fsyncs it, renames it atomically to its final name and fsyncs the directory, so after a crash a checkpoint
 * file is either complete or absent; a torn or corrupted file (disk, copy, hand edit) fails its CRC32C and
 * {@link #loadLatest} falls back to the previous one.
 * <p>
 * Threading: one thread writes at a time (the engine's checkpoint thread); {@link #list()} may run at any time,
 * from any thread or process. {@link #loadLatest} deletes leftover temp files, so call it before writing starts
 * (recovery), not concurrently with {@link #write}. The store itself holds no mutable state.
 * <p>
 * Memory: writing allocates a header array (bytes: a few per position and section) and one 1 MiB direct
 * staging buffer for sections that are not backed by a direct {@link ByteBuffer}; loading maps the file, so a
 * loaded checkpoint's sections occupy page cache, not heap.
 */
public final class CheckpointStore
{
    /** Bytes written or checksummed per step: large enough for full-speed I/O, small enough to stay cached. */
    private static final int CHUNK_BYTES = 1 << 20;
    /** Bytes mapped at once to checksum a file on load. */
    private static final long CRC_MAP_BYTES = 64L << 20;
    private static final byte[] ZEROS = new byte[ALIGNMENT];
    private static final String MAGIC_TEXT = "RVLTCKPT";

    private final Path dir;
    private final int retain;

    private CheckpointStore(final Path dir, final int retain)
    {
        this.dir = dir;
        this.retain = retain;
    }

    /**
     * Opens a store, creating the directory (and its parents) if missing.
     *
     * @param dir    directory of checkpoint files.
     * @param retain how many of the newest valid checkpoints {@link #write} keeps, >= 1.
     * @return the store.
     * @throws IllegalArgumentException when {@code retain < 1}, or the path cannot be a checkpoint directory.
     */
    public static CheckpointStore open(final Path dir, final int retain)
    {
        if (dir == null)
        {
            throw new IllegalArgumentException("checkpoint directory must not be null");
        }
        if (retain < 1)
        {
            throw new IllegalArgumentException(
                "checkpoint retain must be >= 1 (the number of checkpoints kept), got " + retain);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new IllegalArgumentException("checkpoint directory " + dir +
                " is a file, not a directory: pass a directory path");
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("Cannot create checkpoint directory " + dir + ": " + e, e);
        }
        return new CheckpointStore(dir, retain);
    }

    /** @return the directory holding the checkpoint files. */
    public Path dir()
    {
        return dir;
    }

    /** @return how many valid checkpoints {@link #write} keeps. */
    public int retain()
    {
        return retain;
    }

    /**
     * Durably and atomically writes one checkpoint: temp file in the directory, write, fsync, atomic rename to
     * {@link CheckpointDescriptor#fileName}, fsync of the directory; then deletes checkpoints beyond
     * {@link #retain()}, oldest first (files that fail a header check do not count as kept). A checkpoint of the
     * same epoch is replaced.
     * <p>
     * Called from a background thread; the section buffers must not change during the call.
     *
     * @param data the checkpoint.
     * @return the final file.
     * @throws UncheckedIOException on an I/O failure; the temp file is removed and any earlier checkpoint of the
     *                              same epoch is untouched.
     */
    public Path write(final CheckpointData data)
    {
        final Path target = dir.resolve(CheckpointDescriptor.fileName(data.epoch()));
        final Path temp = writeTemp(data);
        try
        {
            try
            {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException e)
            {
                // the file is complete and fsynced already; a non-atomic replace can only lose this checkpoint
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory();
        }
        catch (final IOException e)
        {
            deleteQuietly(temp);
            throw new UncheckedIOException("Cannot write checkpoint " + target + ": " + e, e);
        }
        applyRetention();
        return target;
    }

    /**
     * Writes and fsyncs the temp file of {@code data} without renaming it: the state a crash before the rename
     * leaves behind. Package-private so tests can produce that state.
     */
    Path writeTemp(final CheckpointData data)
    {
        final Path temp = dir.resolve(CheckpointDescriptor.fileName(data.epoch()) + TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            writeTo(channel, data);
            channel.force(true);
        }
        catch (final IOException e)
        {
            deleteQuietly(temp);
            throw new UncheckedIOException("Cannot write checkpoint " + temp + ": " + e, e);
        }
        catch (final RuntimeException e)
        {
            deleteQuietly(temp);
            throw e;
        }
        return temp;
    }

    private static void writeTo(final FileChannel channel, final CheckpointData data) throws IOException
    {
        final List<CheckpointData.Section> sections = data.sections();
        final byte[] fingerprint = data.pipelineFingerprint().getBytes(StandardCharsets.UTF_8);
        final byte[] description = data.pipelineDescription().getBytes(StandardCharsets.UTF_8);
        final long[] sourcePositions = data.sourcePositions();
        final long[] sinkSequences = data.sinkSequences();
        final byte[][] names = new byte[sections.size()][];
        long headerBytes = VARIABLE_OFFSET + 4 + fingerprint.length + 4 + description.length +
            4 + 8L * sourcePositions.length + 4 + 8L * sinkSequences.length + 4;
        for (int i = 0; i < names.length; i++)
        {
            names[i] = sections.get(i).name().getBytes(StandardCharsets.UTF_8);
            headerBytes += 4 + names[i].length + 16;
        }
        final long headerLength = CheckpointDescriptor.align(headerBytes);
        if (headerLength > CheckpointDescriptor.MAX_HEADER_LENGTH)
        {
            throw new IllegalArgumentException("checkpoint header of " + headerLength + " bytes exceeds " +
                CheckpointDescriptor.MAX_HEADER_LENGTH + ": shorten the pipeline description or use fewer sections");
        }
        final long[] bodyOffsets = new long[names.length];
        long position = headerLength;
        for (int i = 0; i < names.length; i++)
        {
            bodyOffsets[i] = position;
            position = CheckpointDescriptor.align(position + sections.get(i).length());
        }
        final long totalLength = position + TRAILER_LENGTH;

        final ByteBuffer header = ByteBuffer.allocate((int)headerLength).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(MAGIC).putInt(FORMAT_VERSION).putInt((int)headerLength).putLong(totalLength)
            .putLong(data.epoch()).putLong(data.createdAtEpochMs());
        header.putInt(fingerprint.length).put(fingerprint).putInt(description.length).put(description);
        header.putInt(sourcePositions.length);
        for (final long p : sourcePositions)
        {
            header.putLong(p);
        }
        header.putInt(sinkSequences.length);
        for (final long s : sinkSequences)
        {
            header.putLong(s);
        }
        header.putInt(names.length);
        for (int i = 0; i < names.length; i++)
        {
            header.putInt(names[i].length).put(names[i]).putLong(bodyOffsets[i]).putLong(sections.get(i).length());
        }
        header.clear();

        final CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, header.capacity());
        writeFully(channel, header);

        ByteBuffer staging = null;
        long written = headerLength;
        for (int i = 0; i < names.length; i++)
        {
            final CheckpointData.Section section = sections.get(i);
            final DirectBuffer buffer = section.buffer();
            final ByteBuffer backing = buffer.byteBuffer();
            if (backing != null && backing.isDirect())
            {
                writeDirect(channel, crc, backing, buffer.wrapAdjustment() + section.offset(), section.length());
            }
            else
            {
                if (staging == null)
                {
                    staging = ByteBuffer.allocateDirect(CHUNK_BYTES);
                }
                writeStaged(channel, crc, buffer, section.offset(), section.length(), staging);
            }
            written += section.length();
            written = writePadding(channel, crc, written);
        }

        final ByteBuffer trailer = ByteBuffer.allocate(TRAILER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putInt(0, (int)crc.getValue());
        writeFully(channel, trailer);
    }

    /** Bytes of a direct ByteBuffer go to the file with no copy in Java code. */
    private static void writeDirect(
        final FileChannel channel, final CRC32C crc, final ByteBuffer backing, final int start, final int length)
        throws IOException
    {
        final ByteBuffer view = backing.duplicate();
        for (int pos = start, end = start + length; pos < end; )
        {
            final int chunk = Math.min(CHUNK_BYTES, end - pos);
            view.limit(pos + chunk).position(pos);
            crc.update(view);
            view.position(pos);
            writeFully(channel, view);
            pos += chunk;
        }
    }

    /**
     * Heap arrays and raw addresses are copied through a bounded direct buffer: handing the channel a large heap
     * buffer would make the JDK allocate (and cache per thread) a temporary direct buffer of the same size.
     */
    private static void writeStaged(
        final FileChannel channel,
        final CRC32C crc,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final ByteBuffer staging) throws IOException
    {
        for (int pos = 0; pos < length; )
        {
            final int chunk = Math.min(staging.capacity(), length - pos);
            buffer.getBytes(offset + pos, staging, 0, chunk);
            staging.limit(chunk).position(0);
            crc.update(staging);
            staging.position(0);
            writeFully(channel, staging);
            pos += chunk;
        }
        staging.clear();
    }

    private static long writePadding(final FileChannel channel, final CRC32C crc, final long written)
        throws IOException
    {
        final int padding = (int)(CheckpointDescriptor.align(written) - written);
        if (padding > 0)
        {
            crc.update(ZEROS, 0, padding);
            writeFully(channel, ByteBuffer.wrap(ZEROS, 0, padding));
        }
        return written + padding;
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    private void fsyncDirectory()
    {
        try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            dirChannel.force(true);
        }
        catch (final IOException ignore)
        {
            // some file systems cannot fsync a directory; the rename itself is still atomic
        }
    }

    private void applyRetention()
    {
        int kept = 0;
        for (final Path file : checkpointFilesNewestFirst())
        {
            if (kept >= retain)
            {
                deleteQuietly(file);
            }
            else if (headerLooksValid(file))
            {
                kept++;
            }
        }
    }

    /** The cheap part of validation (no checksum): enough to not count a torn file as a kept checkpoint. */
    private static boolean headerLooksValid(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size < MIN_LENGTH)
            {
                return false;
            }
            final ByteBuffer fixed = readAt(channel, 0, VARIABLE_OFFSET);
            return fixed.getLong(0) == MAGIC && fixed.getInt(VERSION_OFFSET) == FORMAT_VERSION &&
                fixed.getLong(TOTAL_LENGTH_OFFSET) == size;
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /**
     * The newest checkpoint that validates (magic, version, length, CRC32C over the whole file, section table in
     * bounds). Newer files that do not validate are skipped, each reported to {@code warnings} with its file
     * name and the reason. Leftover temp files of interrupted writes are deleted. The returned sections view the
     * file's mapped memory (read only).
     *
     * @param warnings receives one message per skipped file, on the calling thread.
     * @return the newest valid checkpoint, or empty when there is none (or the directory is empty or missing).
     * @throws UncheckedIOException when the directory cannot be listed.
     */
    public Optional<CheckpointData> loadLatest(final Consumer<String> warnings)
    {
        deleteTempFiles();
        final List<Path> files = checkpointFilesNewestFirst();
        for (int i = 0; i < files.size(); i++)
        {
            final Path file = files.get(i);
            final Parsed parsed = parse(file, true);
            if (parsed.problem == null)
            {
                return Optional.of(parsed.data);
            }
            warnings.accept(file.getFileName() + ": " + parsed.problem +
                (i + 1 < files.size() ? ", using the previous one" : ", and no older checkpoint is left"));
        }
        return Optional.empty();
    }

    /**
     * Every checkpoint file, newest first, validated as {@link #loadLatest} does (reads each file whole; does not
     * delete anything, so it is safe while another process writes).
     *
     * @return one entry per checkpoint file; empty when the directory is empty or missing.
     */
    public List<CheckpointInfo> list()
    {
        final List<CheckpointInfo> infos = new ArrayList<>();
        for (final Path file : checkpointFilesNewestFirst())
        {
            infos.add(parse(file, false).info);
        }
        return infos;
    }

    private List<Path> checkpointFilesNewestFirst()
    {
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (Stream<Path> paths = Files.list(dir))
        {
            return paths
                .filter(p -> CheckpointDescriptor.epochOf(p.getFileName().toString()) >= 0 && Files.isRegularFile(p))
                .sorted(Comparator.comparingLong(
                    (Path p) -> CheckpointDescriptor.epochOf(p.getFileName().toString())).reversed())
                .toList();
        }
        catch (final NoSuchFileException e)
        {
            return List.of();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("Cannot list checkpoint directory " + dir + ": " + e, e);
        }
    }

    private void deleteTempFiles()
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.list(dir))
        {
            paths.filter(CheckpointStore::isTempFile).forEach(CheckpointStore::deleteQuietly);
        }
        catch (final IOException ignore)
        {
            // a temp file that stays is ignored anyway
        }
    }

    private static boolean isTempFile(final Path file)
    {
        final String name = file.getFileName().toString();
        return name.startsWith(CheckpointDescriptor.FILE_PREFIX) && name.endsWith(FILE_SUFFIX + TEMP_SUFFIX);
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // retention and cleanup are best effort; a file left behind is ignored or retried next time
        }
    }

    /** Outcome of reading one file: a problem (null when valid), the info, and the data when asked for. */
    private static final class Parsed
    {
        String problem;
        CheckpointInfo info;
        CheckpointData data;
    }

    private static Parsed parse(final Path file, final boolean load)
    {
        final Parsed parsed = new Parsed();
        final long nameEpoch = CheckpointDescriptor.epochOf(file.getFileName().toString());
        long size = -1;
        long epoch = nameEpoch;
        long createdAtMs = -1;
        String description = null;
        long[] sourcePositions = null;
        long[] sinkSequences = null;
        List<String> sectionNames = null;
        long[] sectionLengths = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            size = channel.size();
            parsed.problem = checkFixedHeader(channel, size);
            if (parsed.problem == null)
            {
                final ByteBuffer fixed = readAt(channel, 0, VARIABLE_OFFSET);
                final int headerLength = fixed.getInt(HEADER_LENGTH_OFFSET);
                final long totalLength = fixed.getLong(TOTAL_LENGTH_OFFSET);
                epoch = fixed.getLong(EPOCH_OFFSET);
                createdAtMs = fixed.getLong(CREATED_AT_OFFSET);

                final int storedCrc = readAt(channel, totalLength - TRAILER_LENGTH, TRAILER_LENGTH).getInt(0);
                final int computedCrc = crc32c(channel, totalLength - TRAILER_LENGTH);
                if (storedCrc != computedCrc)
                {
                    parsed.problem = String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)",
                        storedCrc, computedCrc);
                }

                // parsed even after a checksum mismatch, defensively, so that inspect can show what it can
                final ByteBuffer header = readAt(channel, 0, headerLength);
                header.position(VARIABLE_OFFSET);
                String fingerprint = null;
                String headerProblem = null;
                try
                {
                    fingerprint = getString(header, "fingerprint");
                    description = getString(header, "description");
                    sourcePositions = getLongs(header, "source position");
                    sinkSequences = getLongs(header, "sink sequence");
                    final int sectionCount = getCount(header, 4 + 16, "section");
                    sectionNames = new ArrayList<>(sectionCount);
                    sectionLengths = new long[sectionCount];
                    final long[] sectionOffsets = new long[sectionCount];
                    final long bodyEnd = totalLength - TRAILER_LENGTH;
                    for (int i = 0; i < sectionCount; i++)
                    {
                        final String name = getString(header, "section name");
                        final long offset = header.getLong();
                        final long length = header.getLong();
                        sectionNames.add(name);
                        sectionLengths[i] = length;
                        sectionOffsets[i] = offset;
                        if (headerProblem == null && (offset < headerLength || length < 0 ||
                            length > Integer.MAX_VALUE || offset > bodyEnd - length))
                        {
                            headerProblem = "section '" + name + "' [" + offset + ", " + (offset + length) +
                                ") lies outside the body area [" + headerLength + ", " + bodyEnd + ")";
                        }
                    }
                    if (headerProblem == null && epoch != nameEpoch)
                    {
                        headerProblem = "epoch in the header (" + epoch + ") differs from the file name's";
                    }
                    if (parsed.problem == null && headerProblem == null && load)
                    {
                        parsed.data = new CheckpointData(epoch, createdAtMs, fingerprint, description,
                            sourcePositions, sinkSequences, mapSections(channel, sectionNames, sectionOffsets,
                            sectionLengths));
                    }
                }
                catch (final BufferUnderflowException | IllegalArgumentException e)
                {
                    headerProblem = "corrupt header (" + (e.getMessage() == null ? "runs past its length" :
                        e.getMessage()) + ")";
                }
                if (parsed.problem == null)
                {
                    parsed.problem = headerProblem;
                }
            }
        }
        catch (final IOException e)
        {
            parsed.problem = "cannot read: " + e;
        }
        parsed.info = new CheckpointInfo(file, epoch, createdAtMs, parsed.problem, size, description,
            sourcePositions, sinkSequences, sectionNames, sectionLengths);
        return parsed;
    }

    /** Magic, version and lengths: the checks that say what kind of file this is, most telling first. */
    private static String checkFixedHeader(final FileChannel channel, final long size) throws IOException
    {
        if (size < 8)
        {
            return "truncated or not a checkpoint: only " + size + " bytes";
        }
        final long magic = readAt(channel, 0, 8).getLong(0);
        if (magic != MAGIC)
        {
            // big-endian hex shows the bytes in file order, as a hex dump of the file would
            return String.format("not a Rivulet checkpoint (starts with bytes %016x, a checkpoint with %016x \"%s\")",
                Long.reverseBytes(magic), Long.reverseBytes(MAGIC), MAGIC_TEXT);
        }
        if (size < MIN_LENGTH)
        {
            return "truncated: " + size + " bytes, shorter than any checkpoint (" + MIN_LENGTH + ")";
        }
        final ByteBuffer fixed = readAt(channel, 0, VARIABLE_OFFSET);
        final int version = fixed.getInt(VERSION_OFFSET);
        if (version != FORMAT_VERSION)
        {
            return "unsupported format version " + version + " (this build reads version " + FORMAT_VERSION + ")";
        }
        final long totalLength = fixed.getLong(TOTAL_LENGTH_OFFSET);
        if (size < totalLength)
        {
            return "truncated: " + size + " bytes, the header says " + totalLength;
        }
        if (size > totalLength)
        {
            return "longer than written: " + size + " bytes, the header says " + totalLength;
        }
        final int headerLength = fixed.getInt(HEADER_LENGTH_OFFSET);
        if (headerLength < MIN_LENGTH - TRAILER_LENGTH || headerLength > totalLength - TRAILER_LENGTH ||
            headerLength > CheckpointDescriptor.MAX_HEADER_LENGTH)
        {
            return "corrupt header (header length " + headerLength + " in a file of " + totalLength + " bytes)";
        }
        return null;
    }

    private static List<CheckpointData.Section> mapSections(
        final FileChannel channel, final List<String> names, final long[] offsets, final long[] lengths)
        throws IOException
    {
        final List<CheckpointData.Section> sections = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++)
        {
            final int length = (int)lengths[i];
            // each section mapped alone: a file may exceed the 2 GiB of one mapping, a section may not
            final UnsafeBuffer buffer = length == 0 ? new UnsafeBuffer(new byte[0]) :
                new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_ONLY, offsets[i], length));
            sections.add(new CheckpointData.Section(names.get(i), buffer, 0, length));
        }
        return sections;
    }

    private static int crc32c(final FileChannel channel, final long length) throws IOException
    {
        final CRC32C crc = new CRC32C();
        for (long pos = 0; pos < length; )
        {
            final long chunk = Math.min(CRC_MAP_BYTES, length - pos);
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, pos, chunk);
            crc.update(mapped);
            pos += chunk;
        }
        return (int)crc.getValue();
    }

    private static ByteBuffer readAt(final FileChannel channel, final long position, final int length)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer, position + buffer.position()) < 0)
            {
                throw new IOException("unexpected end of file at " + (position + buffer.position()));
            }
        }
        buffer.clear();
        return buffer;
    }

    private static int getCount(final ByteBuffer header, final int minBytesEach, final String what)
    {
        final int count = header.getInt();
        if (count < 0 || (long)count * minBytesEach > header.remaining())
        {
            throw new IllegalArgumentException(what + " count " + count + " does not fit the header");
        }
        return count;
    }

    private static String getString(final ByteBuffer header, final String what)
    {
        final int length = getCount(header, 1, what + " length");
        final byte[] bytes = new byte[length];
        header.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long[] getLongs(final ByteBuffer header, final String what)
    {
        final long[] values = new long[getCount(header, 8, what)];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = header.getLong();
        }
        return values;
    }
}
