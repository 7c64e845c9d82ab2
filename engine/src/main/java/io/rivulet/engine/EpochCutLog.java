package io.rivulet.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Where each {@link Trigger#processingTime} epoch ended, made durable before the epoch's marker leaves the source
 * (Spark's offset log): the wall clock decides where an epoch ends, so without this a replay after a crash would
 * end the epochs after the restored checkpoint at other records and emit other rows under the sequence numbers
 * the output already holds.
 * <p>
 * File {@value #FILE_NAME} in the checkpoint directory: {@value #SLOTS} fixed entries of {@value #ENTRY_BYTES}
 * bytes, epoch {@code e} in slot {@code e % SLOTS}, each the epoch (8 bytes), the source position its epoch ended
 * at (8, see {@link SourcePosition}), its kind (4: 0 an epoch's end, 1 the end of stream, whose checkpoint is the
 * final one) and a CRC32C of those 20 bytes (4), little-endian. Entries are
 * overwritten in place, so the file never grows; a write torn by a crash fails its CRC and reads as absent, which
 * is right: its marker was never published. One checkpoint is in flight at a time, so at most one epoch past the
 * newest checkpoint can have been cut; the slots keep the cuts back past every retained checkpoint, for a
 * recovery that falls back to an older one.
 * <p>
 * Not thread-safe: written by the source's thread, read by the building thread before the pipeline starts.
 */
final class EpochCutLog implements AutoCloseable
{
    static final String FILE_NAME = "epoch-cuts";
    static final int SLOTS = 4096;
    static final int ENTRY_BYTES = 24;

    /** Kind of an entry: where an epoch ended. */
    static final int EPOCH_END = 0;
    /** Kind of an entry: where the stream ended (the final checkpoint's epoch). */
    static final int STREAM_END = 1;

    /** The epochs logged after a checkpoint: where each ended, and whether the stream ended after them. */
    static final class Cuts
    {
        static final Cuts NONE = new Cuts(new long[0], Long.MIN_VALUE);

        /** Positions where the epochs after the checkpoint ended, in order. */
        final long[] positions;
        /** Where the stream ended after them, {@link Long#MIN_VALUE} if it did not (or that was not logged). */
        final long streamEnd;

        Cuts(final long[] positions, final long streamEnd)
        {
            this.positions = positions;
            this.streamEnd = streamEnd;
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

    /** Opens (or creates) the log in a checkpoint directory that exists. */
    static EpochCutLog open(final Path checkpointDir)
    {
        final Path file = checkpointDir.resolve(FILE_NAME);
        try
        {
            return new EpochCutLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the epoch log " + file, ex);
        }
    }

    /**
     * Records that {@code epoch} ends after the record at {@code position}, durably (fsync) before returning.
     *
     * @param kind {@link #EPOCH_END} or {@link #STREAM_END}.
     * @throws UncheckedIOException if it could not be written: the epoch must not end then.
     */
    void record(final long epoch, final long position, final int kind)
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
     */
    Cuts cutsAfter(final long epoch)
    {
        final java.util.ArrayList<Long> cuts = new java.util.ArrayList<>();
        long streamEnd = Long.MIN_VALUE;
        for (long e = epoch + 1; cuts.size() < SLOTS - 1; e++)
        {
            if (!read(e))
            {
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
    void reset()
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
