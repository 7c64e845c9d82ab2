package io.rivulet.journal;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointStoreTest
{
    private static final long MB = 1024 * 1024;

    @TempDir
    Path tempDir;

    private final List<String> warnings = new ArrayList<>();

    private static UnsafeBuffer heapBuffer(final int length, final int seed)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        fill(buffer, 0, length, seed);
        return buffer;
    }

    private static void fill(final UnsafeBuffer buffer, final int offset, final int length, final int seed)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(offset + i, (byte)(seed + i * 31 + (i >>> 8)));
        }
    }

    private static void assertBytes(final CheckpointData.Section expected, final CheckpointData.Section actual)
    {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.length(), actual.length(), () -> "length of section " + expected.name());
        final DirectBuffer e = expected.buffer();
        final DirectBuffer a = actual.buffer();
        final int length = expected.length();
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (e.getLong(expected.offset() + i) != a.getLong(actual.offset() + i))
            {
                break;
            }
        }
        for (; i < length; i++)
        {
            final int index = i;
            assertEquals(e.getByte(expected.offset() + i), a.getByte(actual.offset() + i),
                () -> "section " + expected.name() + " byte " + index);
        }
    }

    private static CheckpointData checkpoint(final long epoch, final CheckpointData.Section... sections)
    {
        return new CheckpointData(epoch, 1_795_392_000_000L + epoch, "fp-v1", "source -> where -> sink",
            new long[] {100 + epoch, 200 + epoch}, new long[] {epoch * 10}, List.of(sections));
    }

    private static CheckpointData smallCheckpoint(final long epoch)
    {
        return checkpoint(epoch, new CheckpointData.Section("state", heapBuffer(1000, (int)epoch), 0, 1000));
    }

    private static List<String> fileNames(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void truncate(final Path file, final long size) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(size);
        }
    }

    private static void flipByte(final Path file, final long position) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte)(one.get(0) ^ 0x10)).clear();
            channel.write(one, position);
        }
    }

    @Test
    void shouldRoundTripHeaderAndSectionsFromHeapDirectAndRawMemory()
    {
        final ByteBuffer direct = ByteBuffer.allocateDirect(4096);
        final UnsafeBuffer directView = new UnsafeBuffer(direct, 100, 3000);
        fill(directView, 0, 3000, 7);
        final ByteBuffer raw = ByteBuffer.allocateDirect(777);
        final UnsafeBuffer rawAddress = new UnsafeBuffer(BufferUtil.address(raw), 777);
        fill(rawAddress, 0, 777, 9);
        final UnsafeBuffer heap = heapBuffer(5003, 3);

        final CheckpointData.Section[] sections = {
            new CheckpointData.Section("window-agg/state", heap, 3, 5000),
            new CheckpointData.Section("empty", heap, 0, 0),
            new CheckpointData.Section("direct", directView, 13, 2901),
            new CheckpointData.Section("raw \u00e9t\u00e9", rawAddress, 0, 777),
        };
        final CheckpointData written = new CheckpointData(42, 1_795_392_123_456L, "fingerprint \u2713",
            "journal(in) -> where(price > 10) -> journal(out)", new long[] {5, -1, Long.MAX_VALUE}, new long[] {},
            List.of(sections));

        final CheckpointStore store = CheckpointStore.open(tempDir.resolve("ckpt"), 2);
        final Path file = store.write(written);
        assertEquals("checkpoint-0000000000000000042.ckpt", file.getFileName().toString());

        final CheckpointData loaded = store.loadLatest(warnings::add).orElseThrow();
        assertEquals(List.of(), warnings);
        assertEquals(42, loaded.epoch());
        assertEquals(1_795_392_123_456L, loaded.createdAtEpochMs());
        assertEquals("fingerprint \u2713", loaded.pipelineFingerprint());
        assertEquals(written.pipelineDescription(), loaded.pipelineDescription());
        assertArrayEquals(new long[] {5, -1, Long.MAX_VALUE}, loaded.sourcePositions());
        assertArrayEquals(new long[] {}, loaded.sinkSequences());
        assertEquals(sections.length, loaded.sections().size());
        for (int i = 0; i < sections.length; i++)
        {
            assertBytes(sections[i], loaded.sections().get(i));
        }
        assertEquals(777, loaded.section("raw \u00e9t\u00e9").orElseThrow().length());
        assertEquals(Optional.empty(), loaded.section("missing"));
    }

    @Test
    void shouldRoundTripALargeSectionAndCheckpointsWithoutSections()
    {
        final int length = 50 * (int)MB + 5;
        final UnsafeBuffer big = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        fill(big, 0, length, 1);
        final CheckpointStore store = CheckpointStore.open(tempDir, 3);
        store.write(checkpoint(1));
        store.write(checkpoint(2, new CheckpointData.Section("big", big, 0, length)));

        final CheckpointData loaded = store.loadLatest(warnings::add).orElseThrow();
        assertEquals(2, loaded.epoch());
        assertBytes(new CheckpointData.Section("big", big, 0, length), loaded.sections().get(0));

        store.write(checkpoint(3));
        final CheckpointData noSections = store.loadLatest(warnings::add).orElseThrow();
        assertEquals(3, noSections.epoch());
        assertEquals(List.of(), noSections.sections());
        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldKeepOnlyTheNewestRetainCheckpoints() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 3);
        for (int epoch = 1; epoch <= 6; epoch++)
        {
            store.write(smallCheckpoint(epoch));
        }
        assertEquals(List.of(CheckpointDescriptor.fileName(4), CheckpointDescriptor.fileName(5),
            CheckpointDescriptor.fileName(6)), fileNames(tempDir));
        assertEquals(6, store.loadLatest(warnings::add).orElseThrow().epoch());
    }

    @Test
    void shouldNotCountACorruptCheckpointAsOneOfTheRetained() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 2);
        store.write(smallCheckpoint(1));
        store.write(smallCheckpoint(2));
        final Path third = store.write(smallCheckpoint(3));
        truncate(third, Files.size(third) - 10);
        store.write(smallCheckpoint(4));

        // 4 and 2 are the two valid ones kept; the torn 3 between them stays until it is older than both
        assertEquals(List.of(CheckpointDescriptor.fileName(2), CheckpointDescriptor.fileName(3),
            CheckpointDescriptor.fileName(4)), fileNames(tempDir));
        store.write(smallCheckpoint(5));
        assertEquals(List.of(CheckpointDescriptor.fileName(4), CheckpointDescriptor.fileName(5)), fileNames(tempDir));
    }

    @Test
    void shouldReplaceACheckpointOfTheSameEpoch()
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 2);
        store.write(checkpoint(7, new CheckpointData.Section("s", heapBuffer(10, 1), 0, 10)));
        final UnsafeBuffer second = heapBuffer(20, 2);
        store.write(checkpoint(7, new CheckpointData.Section("s", second, 0, 20)));
        final CheckpointData loaded = store.loadLatest(warnings::add).orElseThrow();
        assertBytes(new CheckpointData.Section("s", second, 0, 20), loaded.sections().get(0));
        assertEquals(1, store.list().size());
    }

    @Test
    void shouldUseThePreviousCheckpointWhenTheNewestIsTruncated() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 3);
        store.write(smallCheckpoint(41));
        final Path newest = store.write(smallCheckpoint(42));
        final long size = Files.size(newest);
        truncate(newest, size / 2);

        assertEquals(41, store.loadLatest(warnings::add).orElseThrow().epoch());
        assertEquals(List.of("checkpoint-0000000000000000042.ckpt: truncated: " + size / 2 +
            " bytes, the header says " + size + ", using the previous one"), warnings);
    }

    @Test
    void shouldUseThePreviousCheckpointWhenASectionByteFlipped() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 3);
        store.write(smallCheckpoint(1));
        final Path newest = store.write(smallCheckpoint(2));
        flipByte(newest, Files.size(newest) - 100); // inside the 1000-byte section body

        final CheckpointData loaded = store.loadLatest(warnings::add).orElseThrow();
        assertEquals(1, loaded.epoch());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).matches("checkpoint-0000000000000000002\\.ckpt: checksum mismatch " +
            "\\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\), using the previous one"), warnings.get(0));
    }

    @Test
    void shouldReturnEmptyAndWarnForEachFileWhenAllAreCorrupt() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 3);
        final Path first = store.write(smallCheckpoint(1));
        final Path second = store.write(smallCheckpoint(2));
        flipByte(first, 30);
        truncate(second, 3);

        assertEquals(Optional.empty(), store.loadLatest(warnings::add));
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).startsWith("checkpoint-0000000000000000002.ckpt: truncated or not a checkpoint: " +
            "only 3 bytes, using the previous one"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("checkpoint-0000000000000000001.ckpt: checksum mismatch"),
            warnings.get(1));
        assertTrue(warnings.get(1).endsWith(", and no older checkpoint is left"), warnings.get(1));
    }

    @Test
    void shouldCreateAMissingDirectoryAndFindNothingInIt()
    {
        final Path dir = tempDir.resolve("a/b/checkpoints");
        final CheckpointStore store = CheckpointStore.open(dir, 1);
        assertTrue(Files.isDirectory(dir));
        assertEquals(dir, store.dir());
        assertEquals(Optional.empty(), store.loadLatest(warnings::add));
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldFindNothingWhenTheDirectoryWasRemovedAfterOpen() throws IOException
    {
        final Path dir = tempDir.resolve("gone");
        final CheckpointStore store = CheckpointStore.open(dir, 1);
        Files.delete(dir);
        assertEquals(Optional.empty(), store.loadLatest(warnings::add));
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldIgnoreAndDeleteTheTempFileOfAWriteInterruptedBeforeItsRename() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 3);
        store.write(smallCheckpoint(1));
        final Path temp = store.writeTemp(smallCheckpoint(2));
        assertEquals(List.of(CheckpointDescriptor.fileName(1), CheckpointDescriptor.fileName(2) + ".tmp"),
            fileNames(tempDir));
        assertEquals(1, store.list().size(), "list() shows checkpoints only");
        assertTrue(Files.exists(temp), "list() deletes nothing");

        assertEquals(1, store.loadLatest(warnings::add).orElseThrow().epoch());
        assertEquals(List.of(), warnings);
        assertEquals(List.of(CheckpointDescriptor.fileName(1)), fileNames(tempDir));
    }

    @Test
    void shouldRemoveTheTempFileAndKeepEarlierCheckpointsWhenAWriteFails() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 3);
        store.write(smallCheckpoint(1));
        // a directory where the temp file goes makes the write fail at its first step
        Files.createDirectory(tempDir.resolve(CheckpointDescriptor.fileName(2) + ".tmp"));

        final UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> store.write(smallCheckpoint(2)));
        assertTrue(e.getMessage().contains(CheckpointDescriptor.fileName(2)), e.getMessage());
        assertEquals(List.of(CheckpointDescriptor.fileName(1)), fileNames(tempDir));
        assertEquals(1, store.loadLatest(warnings::add).orElseThrow().epoch());
    }

    @Test
    void shouldListEveryCheckpointNewestFirstWithValidityAndReason() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 5);
        store.write(checkpoint(1, new CheckpointData.Section("a", heapBuffer(10, 1), 0, 10),
            new CheckpointData.Section("b", heapBuffer(3, 1), 0, 3)));
        final Path flipped = store.write(smallCheckpoint(2));
        final Path truncated = store.write(smallCheckpoint(3));
        flipByte(flipped, Files.size(flipped) - 2);
        truncate(truncated, 100);

        final List<CheckpointInfo> infos = store.list();
        assertEquals(3, infos.size());

        final CheckpointInfo third = infos.get(0);
        assertEquals(truncated, third.file());
        assertEquals(3, third.epoch());
        assertFalse(third.valid());
        assertTrue(third.problem().startsWith("truncated: 100 bytes, the header says "), third.problem());
        assertEquals(100, third.sizeBytes());

        final CheckpointInfo second = infos.get(1);
        assertEquals(2, second.epoch());
        assertFalse(second.valid());
        assertTrue(second.problem().startsWith("checksum mismatch"), second.problem());
        assertEquals(List.of("state"), second.sectionNames(), "a checksum mismatch still shows the header");

        final CheckpointInfo first = infos.get(0 + 2);
        assertTrue(first.valid());
        assertNull(first.problem());
        assertEquals(1, first.epoch());
        assertEquals(1_795_392_000_001L, first.createdAtEpochMs());
        assertEquals("source -> where -> sink", first.pipelineDescription());
        assertArrayEquals(new long[] {101, 201}, first.sourcePositions());
        assertArrayEquals(new long[] {10}, first.sinkSequences());
        assertEquals(List.of("a", "b"), first.sectionNames());
        assertArrayEquals(new long[] {10, 3}, first.sectionLengths());
        assertEquals(Files.size(first.file()), first.sizeBytes());
    }

    @Test
    void shouldNameTheReasonForAFileOfAnotherFormat() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 5);
        Files.writeString(tempDir.resolve(CheckpointDescriptor.fileName(1)),
            "{\"this\": \"is a JSON file, not a checkpoint, but long enough to have a header\"}");
        Files.write(tempDir.resolve(CheckpointDescriptor.fileName(2)), new byte[] {1, 2});
        final Path otherVersion = store.write(smallCheckpoint(3));
        final ByteBuffer version = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 99);
        try (FileChannel channel = FileChannel.open(otherVersion, StandardOpenOption.WRITE))
        {
            channel.write(version, CheckpointDescriptor.VERSION_OFFSET);
        }
        Files.writeString(tempDir.resolve("notes.txt"), "not named like a checkpoint: never looked at");

        final List<CheckpointInfo> infos = store.list();
        assertEquals(3, infos.size());
        assertEquals("unsupported format version 99 (this build reads version 1)", infos.get(0).problem());
        assertEquals("truncated or not a checkpoint: only 2 bytes", infos.get(1).problem());
        assertEquals("not a Rivulet checkpoint (starts with bytes 7b2274686973223a, a checkpoint with " +
            "52564c54434b5054 \"RVLTCKPT\")", infos.get(2).problem());
        assertEquals(1, infos.get(2).epoch(), "the epoch of an unreadable file comes from its name");
        assertEquals(-1, infos.get(2).createdAtEpochMs());

        assertEquals(Optional.empty(), store.loadLatest(warnings::add));
        assertEquals(3, warnings.size());
    }

    @Test
    void shouldRejectACheckpointCopiedUnderAnotherEpochsName() throws IOException
    {
        final CheckpointStore store = CheckpointStore.open(tempDir, 5);
        final Path first = store.write(smallCheckpoint(1));
        Files.copy(first, tempDir.resolve(CheckpointDescriptor.fileName(9)));

        assertEquals(1, store.loadLatest(warnings::add).orElseThrow().epoch());
        assertEquals(List.of("checkpoint-0000000000000000009.ckpt: epoch in the header (1) differs from the " +
            "file name's, using the previous one"), warnings);
    }

    @Test
    void shouldRejectWrongArgumentsWithAMessageNamingTheFix() throws IOException
    {
        final IllegalArgumentException retain = assertThrows(IllegalArgumentException.class,
            () -> CheckpointStore.open(tempDir, 0));
        assertTrue(retain.getMessage().contains("retain must be >= 1"), retain.getMessage());

        final Path file = Files.writeString(tempDir.resolve("file"), "x");
        final IllegalArgumentException notDir = assertThrows(IllegalArgumentException.class,
            () -> CheckpointStore.open(file, 1));
        assertTrue(notDir.getMessage().contains("is a file, not a directory"), notDir.getMessage());

        final UnsafeBuffer buffer = heapBuffer(10, 0);
        final IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
            () -> new CheckpointData.Section("s", buffer, 5, 6));
        assertEquals("checkpoint section 's': range [5, 11) is outside its buffer of 10 bytes", range.getMessage());

        final CheckpointData.Section s = new CheckpointData.Section("s", buffer, 0, 1);
        final IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
            () -> checkpoint(1, s, s));
        assertTrue(duplicate.getMessage().contains("'s' appears twice"), duplicate.getMessage());

        assertThrows(IllegalArgumentException.class, () -> smallCheckpoint(-1));
    }

    @Test
    void shouldReportWriteThroughputOfA100MbCheckpoint()
    {
        final int length = 100 * (int)MB;
        final UnsafeBuffer state = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        fill(state, 0, length, 5);
        final UnsafeBuffer heapState = new UnsafeBuffer(new byte[length]);
        heapState.putBytes(0, state, 0, length);
        final CheckpointStore store = CheckpointStore.open(tempDir, 1);

        final long directStartNs = System.nanoTime();
        store.write(checkpoint(1, new CheckpointData.Section("state", state, 0, length)));
        final long directNs = System.nanoTime() - directStartNs;

        final long heapStartNs = System.nanoTime();
        store.write(checkpoint(2, new CheckpointData.Section("state", heapState, 0, length)));
        final long heapNs = System.nanoTime() - heapStartNs;

        final long loadStartNs = System.nanoTime();
        final CheckpointData loaded = store.loadLatest(warnings::add).orElseThrow();
        final long loadNs = System.nanoTime() - loadStartNs;
        assertEquals(length, loaded.sections().get(0).length());

        System.out.printf("CheckpointStore, 100 MB checkpoint incl. fsync: write from direct buffer %.0f MB/s " +
            "(%.0f ms), from heap array %.0f MB/s (%.0f ms); loadLatest (map + CRC32C) %.0f MB/s (%.0f ms)%n",
            100 / (directNs / 1e9), directNs / 1e6, 100 / (heapNs / 1e9), heapNs / 1e6,
            100 / (loadNs / 1e9), loadNs / 1e6);
    }
}
