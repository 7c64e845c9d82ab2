package io.rivulet.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochCutLogTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadTheEpochsAfterACheckpointInOrderUpToTheFirstMissingOne()
    {
        try (EpochCutLog log = EpochCutLog.open(dir))
        {
            log.record(1, 100, EpochCutLog.EPOCH_END);
            log.record(2, 250, EpochCutLog.EPOCH_END);
            log.record(3, 251, EpochCutLog.EPOCH_END);
            assertArrayEquals(new long[]{100, 250, 251}, log.cutsAfter(0).positions());
            assertArrayEquals(new long[]{251}, log.cutsAfter(2).positions());
            assertArrayEquals(new long[0], log.cutsAfter(3).positions());
            assertEquals(Long.MIN_VALUE, log.cutsAfter(0).streamEnd());
        }
        try (EpochCutLog reopened = EpochCutLog.open(dir))
        {
            assertArrayEquals(new long[]{100, 250, 251}, reopened.cutsAfter(0).positions(), "durable across opens");
        }
    }

    @Test
    void shouldRefuseADamagedEntryBeforeAnIntactOne() throws IOException
    {
        try (EpochCutLog log = EpochCutLog.open(dir))
        {
            log.record(1, 100, EpochCutLog.EPOCH_END);
            log.record(2, 200, EpochCutLog.EPOCH_END);
            log.record(3, 300, EpochCutLog.EPOCH_END);
        }
        // bit rot in epoch 2's position: epoch 3's entry after it is intact, so this is no torn last write
        try (FileChannel channel = FileChannel.open(dir.resolve(EpochCutLog.FILE_NAME), StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[]{(byte)0x7f}), 2L * EpochCutLog.ENTRY_BYTES + 9);
        }
        try (EpochCutLog log = EpochCutLog.open(dir))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> log.cutsAfter(0));
            assertTrue(ex.getMessage().contains("damaged") && ex.getMessage().contains("epoch 2"), ex.getMessage());
            assertArrayEquals(new long[]{300}, log.cutsAfter(2).positions(), "past the damage it reads on");
        }
    }

    @Test
    void shouldEndTheHistoryAtTheStreamsEnd()
    {
        try (EpochCutLog log = EpochCutLog.open(dir))
        {
            log.record(7, 10, EpochCutLog.EPOCH_END);
            log.record(8, 20, EpochCutLog.STREAM_END);
            final EpochCutLog.Cuts cuts = log.cutsAfter(6);
            assertArrayEquals(new long[]{10}, cuts.positions());
            assertEquals(20, cuts.streamEnd());
        }
    }

    @Test
    void shouldReadATornEntryAsAbsent() throws IOException
    {
        try (EpochCutLog log = EpochCutLog.open(dir))
        {
            log.record(1, 100, EpochCutLog.EPOCH_END);
            log.record(2, 200, EpochCutLog.EPOCH_END);
        }
        // a crash in the middle of writing epoch 2's entry: its position half written
        try (FileChannel channel = FileChannel.open(dir.resolve(EpochCutLog.FILE_NAME), StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[]{(byte)0x7f}), 2L * EpochCutLog.ENTRY_BYTES + 9);
        }
        try (EpochCutLog log = EpochCutLog.open(dir))
        {
            assertArrayEquals(new long[]{100}, log.cutsAfter(0).positions());
        }
    }

    @Test
    void shouldKeepTheNewestEpochsWhenTheSlotsWrapAround()
    {
        try (EpochCutLog log = EpochCutLog.open(dir))
        {
            for (long epoch = 1; epoch <= 12; epoch++)
            {
                log.record(epoch, epoch * 10, EpochCutLog.EPOCH_END);
            }
            for (long epoch = EpochCutLog.SLOTS + 1; epoch <= EpochCutLog.SLOTS + 10; epoch++)
            {
                log.record(epoch, epoch * 10, EpochCutLog.EPOCH_END); // slots 1-10 again
            }
            assertEquals(10, log.cutsAfter(EpochCutLog.SLOTS).positions().length);
            assertArrayEquals(new long[]{110, 120}, log.cutsAfter(10).positions(), "slots 11 and 12 kept theirs");
            // epoch 5's slot now holds epoch SLOTS + 5: the history after epoch 4 reads as empty, not as wrong cuts
            assertArrayEquals(new long[0], log.cutsAfter(4).positions());
            assertEquals(13L * EpochCutLog.ENTRY_BYTES, Files.size(dir.resolve(EpochCutLog.FILE_NAME)),
                "slots 0-12: wrapping around overwrote, did not grow the file");
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldForgetEverythingOnReset()
    {
        try (EpochCutLog log = EpochCutLog.open(dir))
        {
            log.record(1, 100, EpochCutLog.EPOCH_END);
            log.reset();
            assertArrayEquals(new long[0], log.cutsAfter(0).positions());
        }
    }
}
