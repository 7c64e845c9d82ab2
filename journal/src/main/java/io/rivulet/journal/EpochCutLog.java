package io.rivulet.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The second file of a checkpoint directory, beside {@link CheckpointStore}'s: where each epoch of a pipeline
 * whose epochs follow the wall clock (the engine's {@code Trigger.processingTime} with checkpoints) ended, made
 * durable before the epoch's marker leaves the source (Spark's offset log). The wall clock decides where such an
 * epoch ends, so without this a replay after a crash would end the epochs after the restored checkpoint at other
 * records and emit other rows under the sequence numbers the output already holds.
 * <p>
 * File {@value #FILE_NAME} in the checkpoint directory: {@value #SLOTS} fixed entries of {@value #ENTRY_BYTES}
 * bytes, epoch {@code e} in slot {@code e % SLOTS}, each the epoch (8 bytes), the source position its epoch ended
 * at (8: the index of its last record), its kind (4: 0 an epoch's end, 1 the end of stream, whose checkpoint is the
 * final one) and a CRC32C of those 20 bytes (4), little-endian. Entries are overwritten in place, so the file never
 * passes {@value #SLOTS} entries (96 KB). A write torn by a crash fails its CRC and reads as absent, which is
 * right: its marker was never published; a bad entry with an intact one after it is damage, and refused. One
 * checkpoint is in flight at a time, so at most one epoch past the newest checkpoint can have been cut; the slots
 * keep the cuts back past every retained checkpoint, for a recovery that falls back to an older one.
 * <p>
 * Pipelines whose epochs do not follow the clock log only where their stream ended ({@link #streamEndAfter}): what
 * the end of stream emits (every window still open) depends on where it fell, so a replay after a crash between
 * the end of stream and its checkpoint must end there too, even if the input journal has grown since.
 * <p>
 * Not thread-safe: one writer (the engine's source thread). Reading while a pipeline writes is safe ({@code rivulet
 * inspect} does): an entry being written fails its CRC and reads as absent.
 */
public final class EpochCutLog implements AutoCloseable
{
    public static final String FILE_NAME = "epoch-cuts";
    public static final int SLOTS = 4096;
    public static final int ENTRY_BYTES = 24;

    /** Kind of an entry: where an epoch ended. */
    public static final int EPOCH_END = 0;
    /** Kind of an entry: where the stream ended (the final checkpoint's epoch). */
    public static final int STREAM_END = 1;

    /** The epochs logged after a checkpoint: where each ended, and whether the stream ended after them. */
    public static final class Cuts
    {
        public static final Cuts NONE = new Cuts(new long[0], Long.MIN_VALUE);

        /** Positions where the epochs after the checkpoint ended, in order. */
        private final long[] positions;
        /** Where the stream ended after them, {@link Long#MIN_VALUE} if it did not (or that was not logged). */
        private final long streamEnd;

        Cuts(final long[] positions, final long streamEnd)
        {
            this.positions = positions;
            this.streamEnd = streamEnd;
        }

        /** @return journal indices of the last records of the epochs after the checkpoint, in order (a copy). */
        public long[] positions()
        {
            return positions.clone();
        }

        /** @return the index of the stream's last record, if the stream ended after them; else Long.MIN_VALUE. */
        public long streamEnd()
        {
            return streamEnd;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer entry = ByteBuffer.allocateDirect(ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    private EpochCutLog(final Path file, final FileChannel channel)
    {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens (or creates) the log in a checkpoint directory that exists.
     *
     * @throws UncheckedIOException if it cannot be opened.
     */
    public static EpochCutLog open(final Path checkpointDir)
    {
        final Path file = checkpointDir.resolve(FILE_NAME);
        try
        {
            final boolean created = !java.nio.file.Files.exists(file);
            final EpochCutLog log = new EpochCutLog(file, FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE));
            if (created)
            {
                fsyncDirectory(checkpointDir); // else a power loss could lose the file with its fsynced entries
            }
            return log;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the epoch log " + file, ex);
        }
    }

    /**
     * Reads a checkpoint directory's log without writing anything (for tools; safe while a pipeline writes it).
     *
     * @return as {@link #cutsAfter}, or {@link Cuts#NONE} if the directory has no log.
     * @throws UncheckedIOException if it exists but cannot be read.
     */
    public static Cuts read(final Path checkpointDir, final long afterEpoch)
    {
        return readOnly(checkpointDir, log -> log.cutsAfter(afterEpoch), Cuts.NONE);
    }

    /**
     * As {@link #streamEndAfter(long)}, read without writing anything (for tools; safe while a pipeline writes it).
     *
     * @return {@link Cuts#NONE} too if the directory has no log.
     * @throws UncheckedIOException if it exists but cannot be read.
     */
    public static Cuts streamEndAfter(final Path checkpointDir, final long afterEpoch)
    {
        return readOnly(checkpointDir, log -> log.streamEndAfter(afterEpoch), Cuts.NONE);
    }

    /**
     * For a log of stream ends only: where the stream ended in an epoch after {@code epoch} (the first such entry
     * of the next {@value #SLOTS} - 1 epochs; a later end of the same pipeline ended at the same record, as it
     * replayed this one). Epochs without an entry are expected here (their ends were not logged).
     *
     * @return a {@link Cuts} with no epoch positions and that stream end, or {@link Cuts#NONE}.
     */
    public Cuts streamEndAfter(final long epoch)
    {
        for (long e = epoch + 1; e < epoch + SLOTS; e++)
        {
            if (read(e) && entry.getInt(16) == STREAM_END)
            {
                return new Cuts(new long[0], entry.getLong(8));
            }
        }
        return Cuts.NONE;
    }

    /**
     * Whether a checkpoint directory's log holds the entry of {@code epoch}, read without writing anything.
     *
     * @return false if it does not, or the directory has no log.
     * @throws UncheckedIOException if the log exists but cannot be read.
     */
    public static boolean holds(final Path checkpointDir, final long epoch)
    {
        return readOnly(checkpointDir, log -> log.holds(epoch), false);
    }

    /**
     * @return what {@code query} reads from a checkpoint directory's log, opened read-only (safe while a pipeline
     *         writes it), or {@code absent} if the directory has no log.
     * @throws UncheckedIOException if it exists but cannot be read.
     */
    private static <T> T readOnly(final Path checkpointDir, final java.util.function.Function<EpochCutLog, T> query,
        final T absent)
    {
        final Path file = checkpointDir.resolve(FILE_NAME);
        if (!java.nio.file.Files.exists(file))
        {
            return absent;
        }
        try (EpochCutLog log = new EpochCutLog(file, FileChannel.open(file, StandardOpenOption.READ)))
        {
            return query.apply(log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the epoch log " + file, ex);
        }
    }

    /**
     * Records that {@code epoch} ends after the record at {@code position}, durably (fsync) before returning.
     *
     * @param epoch    the checkpoint epoch that ends.
     * @param position index of its last record.
     * @param kind     {@link #EPOCH_END} or {@link #STREAM_END}.
     * @throws UncheckedIOException if it could not be written: the epoch must not end then.
     */
    public void record(final long epoch, final long position, final int kind)
    {
        final ByteBuffer e = entry;
        e.clear();
        e.putLong(0, epoch).putLong(8, position).putInt(16, kind);
        crc.reset();
        e.limit(20);
        crc.update(e);
        e.clear();
        e.putInt(20, (int)crc.getValue());
        try
        {
            final long at = slotOffset(epoch);
            while (e.hasRemaining())
            {
                channel.write(e, at + e.position());
            }
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write epoch " + epoch + "'s end to " + file, ex);
        }
    }

    /**
     * @return where epochs {@code epoch + 1}, {@code epoch + 2}, ... ended, in order, up to the first epoch not
     *         recorded (usually none or one), and where the stream ended if that was logged after them.
     * @throws IllegalStateException if an entry is damaged while a later one is intact (not a torn last write).
     */
    public Cuts cutsAfter(final long epoch)
    {
        final java.util.ArrayList<Long> cuts = new java.util.ArrayList<>();
        long streamEnd = Long.MIN_VALUE;
        for (long e = epoch + 1; cuts.size() < SLOTS - 1; e++)
        {
            if (!read(e))
            {
                // a crash tears at most the last entry written; a bad one with a good one after it is damage
                if (read(e + 1))
                {
                    throw new IllegalStateException("the epoch log " + file + " is damaged: the entry of epoch " + e +
                        " is unreadable (checksum or epoch mismatch) while the entry of epoch " + (e + 1) + " after " +
                        "it is intact, so where epoch " + e + " ended is lost; restore the file from a backup, or " +
                        "start the pipeline over (startFresh() after deleting its checkpoints)");
                }
                break;
            }
            if (entry.getInt(16) == STREAM_END)
            {
                streamEnd = entry.getLong(8);
                break;
            }
            cuts.add(entry.getLong(8));
        }
        final long[] positions = new long[cuts.size()];
        for (int i = 0; i < positions.length; i++)
        {
            positions[i] = cuts.get(i);
        }
        return new Cuts(positions, streamEnd);
    }

    /**
     * @param epoch a checkpoint epoch.
     * @return true if the log holds a valid entry for it (every checkpoint of a pipeline that logs has one, epoch 0
     *         written when the pipeline starts).
     */
    public boolean holds(final long epoch)
    {
        return read(epoch);
    }

    /** @return true if the log holds a valid entry for {@code epoch}, then in {@link #entry}. */
    private boolean read(final long epoch)
    {
        final ByteBuffer e = entry;
        e.clear();
        try
        {
            final long at = slotOffset(epoch);
            while (e.hasRemaining())
            {
                if (channel.read(e, at + e.position()) < 0)
                {
                    return false; // beyond the end of the file: never written
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the epoch log " + file, ex);
        }
        if (e.getLong(0) != epoch)
        {
            return false;
        }
        crc.reset();
        e.position(0).limit(20);
        crc.update(e);
        e.clear();
        return (int)crc.getValue() == e.getInt(20);
    }

    /** Forgets every entry: a new pipeline's epochs start again at 1. */
    public void reset()
    {
        try
        {
            channel.truncate(0);
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot reset the epoch log " + file, ex);
        }
    }

    private static void fsyncDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignore)
        {
            // some file systems cannot fsync a directory
        }
    }

    private static long slotOffset(final long epoch)
    {
        return Math.floorMod(epoch, SLOTS) * (long)ENTRY_BYTES;
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // nothing was pending: every record() forced its entry
        }
    }
}
