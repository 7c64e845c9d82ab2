package io.rivulet.journal;

import io.rivulet.ringbuffer.BooleanField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest extends JournalTestBase
{
    static final Schema ALL_TYPES = Schema.builder()
        .int64("id").int32("qty").float64("px").bool("buy").timestamp("ts").symbol("sym", 5).build();
    static final LongField ID = ALL_TYPES.longField("id");
    static final IntField QTY = ALL_TYPES.intField("qty");
    static final DoubleField PX = ALL_TYPES.doubleField("px");
    static final BooleanField BUY = ALL_TYPES.booleanField("buy");
    static final LongField TS = ALL_TYPES.longField("ts");
    static final SymbolField SYM = ALL_TYPES.symbolField("sym");

    /** One entry as read back, boxed: tests only. */
    record Row(long index, long ingestTimeNs, long sequence, long id, int qty, double px, boolean buy, long ts,
        String sym)
    {
    }

    static List<Row> readAll(final JournalReader reader)
    {
        final List<Row> rows = new ArrayList<>();
        while (reader.poll((index, ingestNs, seq, r) -> rows.add(new Row(index, ingestNs, seq, r.getLong(ID),
            r.getInt(QTY), r.getDouble(PX), r.getBoolean(BUY), r.getLong(TS), r.getSymbol(SYM))), 7) > 0)
        {
            // drain in small batches to exercise the batch limit
        }
        return rows;
    }

    static long append(final JournalWriter writer, final long id)
    {
        writer.claim().setLong(ID, id).setInt(QTY, (int)id * 10).setDouble(PX, id + 0.5).setBoolean(BUY, id % 2 == 0)
            .setLong(TS, 1_000 + id).setSymbol(SYM, "S" + id % 1000);
        return writer.commit(id * 7);
    }

    private Journal open(final Path dir)
    {
        return Journal.at(dir).schema(ALL_TYPES).open();
    }

    @Test
    void shouldRoundTripEveryFieldTypeIncludingExtremes()
    {
        try (Journal journal = open(tempDir.resolve("j")))
        {
            final JournalWriter writer = journal.writer();
            writer.claim().setLong(ID, Long.MIN_VALUE).setInt(QTY, Integer.MAX_VALUE).setDouble(PX, Double.NaN)
                .setBoolean(BUY, true).setLong(TS, Long.MAX_VALUE).setSymbol(SYM, "ABCDE");
            writer.commit(42);
            writer.claim().setLong(ID, -1).setInt(QTY, Integer.MIN_VALUE).setDouble(PX, -0.0)
                .setBoolean(BUY, false).setLong(TS, 0).setSymbol(SYM, "");
            writer.commit(43);
            writer.claim(); // untouched: every field zero
            writer.commit(44);

            final List<Row> rows = readAll(journal.reader());
            assertEquals(3, rows.size());
            assertEquals(new Row(rows.get(0).index(), 42, 0, Long.MIN_VALUE, Integer.MAX_VALUE, Double.NaN, true,
                Long.MAX_VALUE, "ABCDE"), rows.get(0));
            assertEquals(new Row(rows.get(1).index(), 43, 0, -1, Integer.MIN_VALUE, -0.0, false, 0, ""), rows.get(1));
            assertEquals(new Row(rows.get(2).index(), 44, 0, 0, 0, 0.0, false, 0, ""), rows.get(2));
            assertTrue(rows.get(0).index() < rows.get(1).index());
        }
    }

    @Test
    void shouldStampNanoTimeWhenCommittedWithoutIngestTime()
    {
        try (Journal journal = open(tempDir.resolve("j")))
        {
            final long before = System.nanoTime();
            journal.writer().claim().setLong(ID, 1);
            journal.writer().commit();
            final long after = System.nanoTime();
            final long[] ingest = new long[1];
            assertEquals(1, journal.reader().poll((i, ns, s, r) -> ingest[0] = r.ingestTimeNs(), 10));
            assertTrue(ingest[0] >= before && ingest[0] <= after, "ingest time " + ingest[0]);
        }
    }

    @Test
    void shouldRefuseAJournalWithAnEmptyCycleFileAtOnce() throws Exception
    {
        final Path dir = tempDir.resolve("damaged");
        try (Journal journal = open(dir))
        {
            append(journal.writer(), 1);
        }
        final Path cycle;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir))
        {
            cycle = files.filter(f -> f.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        java.nio.file.Files.write(cycle, new byte[0]); // truncated, or a copy that failed
        java.nio.file.Files.setLastModifiedTime(cycle,
            java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        // Chronicle used to wait about a minute, then fail deep inside
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> open(dir));
        assertTrue(refused.getMessage().contains("is damaged: its cycle file " + cycle.getFileName() +
            " is empty (0 bytes"), refused.getMessage());
    }

    @Test
    void shouldMoveAsideANewestCycleFileWhoseWriterDiedCreatingIt() throws Exception
    {
        final Path dir = tempDir.resolve("killed-roll");
        final long[] nowMs = {1_795_000_200_000L}; // 20 s into a five-minute cycle
        try (Journal journal = openRolling(dir, nowMs))
        {
            append(journal.writer(), 1);
            append(journal.writer(), 2);
            nowMs[0] += JournalRollCycle.FIVE_MINUTELY.lengthMs();
            append(journal.writer(), 3); // starts the next cycle's file
        }
        final Path newest = cycleFiles(dir).get(1);
        // what a writer killed while creating that file leaves: its first header never finished, nothing after it
        final long size = java.nio.file.Files.size(newest);
        java.nio.file.Files.delete(newest);
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(newest.toFile(), "rw"))
        {
            file.setLength(size);
            file.writeInt(Integer.reverseBytes(0xC000_0000)); // little-endian: "not complete", metadata
        }
        java.nio.file.Files.setLastModifiedTime(newest,
            java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - Journal.UNFINISHED_CYCLE_GRACE_MS));

        try (Journal journal = openRolling(dir, nowMs)) // Chronicle used to wait 2 x 10 s here, and 2 x 10 s more
        {
            assertEquals(1, cycleFiles(dir).size(), "the unfinished cycle file is moved aside at open");
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir))
            {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith(newest.getFileName() + "-") &&
                    f.getFileName().toString().endsWith(".discard")));
            }
            assertEquals(2, journal.writer().lastSequence(), "the entries before it are the journal's end");
            append(journal.writer(), 4);
            assertEquals(List.of(1L, 2L, 4L), readAll(journal.reader()).stream().map(Row::id).toList());
            assertEquals(List.of(1L, 2L, 3L), readAll(journal.reader()).stream().map(Row::sequence).toList());
        }
    }

    private static Journal openRolling(final Path dir, final long[] nowMs)
    {
        return Journal.at(dir).schema(ALL_TYPES).output().rollCycle(JournalRollCycle.FIVE_MINUTELY)
            .clock(() -> nowMs[0]).open();
    }

    private static List<Path> cycleFiles(final Path dir) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir))
        {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    @Test
    void shouldCreateAJournalWhoseCreationWasKilledBeforeItsSchemaFileWasRenamed() throws Exception
    {
        final Path dir = tempDir.resolve("interrupted");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve("schema.tmp"), "rivulet-journal 1\nkind IN"); // torn by kill -9
        try (Journal journal = open(dir)) // it used to refuse: "not empty and is not a Rivulet journal", forever
        {
            append(journal.writer(), 1);
        }
        try (Journal journal = open(dir))
        {
            assertEquals(List.of(1L), readAll(journal.reader()).stream().map(Row::id).toList());
        }
    }

    @Test
    void shouldContinueIndexesAfterReopen()
    {
        final Path dir = tempDir.resolve("j");
        final long firstIndex;
        final long secondIndex;
        try (Journal journal = open(dir))
        {
            firstIndex = append(journal.writer(), 1);
            secondIndex = append(journal.writer(), 2);
        }
        try (Journal journal = open(dir))
        {
            assertEquals(secondIndex, journal.lastIndex());
            final long third = append(journal.writer(), 3);
            assertEquals(secondIndex + 1, third, "same cycle: the next index");
            final List<Row> rows = readAll(journal.reader());
            assertEquals(List.of(1L, 2L, 3L), rows.stream().map(Row::id).toList());
            assertEquals(List.of(firstIndex, secondIndex, third), rows.stream().map(Row::index).toList());
        }
    }

    @Test
    void shouldReadFromStartFromIndexAndFromEnd()
    {
        try (Journal journal = open(tempDir.resolve("j")))
        {
            final JournalWriter writer = journal.writer();
            final long[] indexes = new long[10];
            for (int i = 0; i < 10; i++)
            {
                indexes[i] = append(writer, i);
            }
            final JournalReader fromEnd = journal.reader().toEnd();
            assertEquals(0, fromEnd.poll((i, ns, s, r) -> { }, 100));

            final JournalReader fromIndex = journal.reader();
            assertTrue(fromIndex.moveToIndex(indexes[6]));
            assertEquals(List.of(6L, 7L, 8L, 9L), readAll(fromIndex).stream().map(Row::id).toList());

            final JournalReader afterIndex = journal.reader();
            assertTrue(afterIndex.moveAfterIndex(indexes[6]));
            assertEquals(List.of(7L, 8L, 9L), readAll(afterIndex).stream().map(Row::id).toList());
            assertFalse(afterIndex.moveToIndex(indexes[9] + 100), "an index never written");

            final JournalReader fromStart = journal.reader();
            final List<Long> firstBatch = new ArrayList<>();
            assertEquals(4, fromStart.poll((i, ns, s, r) -> firstBatch.add(r.getLong(ID)), 4), "batch limit");
            assertEquals(List.of(0L, 1L, 2L, 3L), firstBatch);
            assertEquals(6, readAll(fromStart).size());

            append(writer, 10);
            assertEquals(List.of(10L), readAll(fromEnd).stream().map(Row::id).toList(), "tails new entries");
            assertEquals(List.of(10L), readAll(fromStart).stream().map(Row::id).toList());
            assertEquals(11, readAll(fromStart.toStart()).size());
        }
    }

    @Test
    void shouldLetTheWriterMoveBetweenLiveThreadsBetweenClaims() throws Exception
    {
        try (Journal journal = open(tempDir.resolve("j")))
        {
            final JournalWriter writer = journal.writer();
            final java.util.concurrent.ExecutorService a = java.util.concurrent.Executors.newSingleThreadExecutor();
            final java.util.concurrent.ExecutorService b = java.util.concurrent.Executors.newSingleThreadExecutor();
            try
            {
                for (long id = 1; id <= 4; id++) // both threads stay alive: Chronicle would reject the second
                {
                    final long value = id;
                    (id % 2 == 1 ? a : b).submit(() -> append(writer, value)).get();
                }
            }
            finally
            {
                a.shutdown();
                b.shutdown();
                assertTrue(a.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
                assertTrue(b.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(List.of(1L, 2L, 3L, 4L), readAll(journal.reader()).stream().map(Row::id).toList());
        }
    }

    @Test
    void shouldLeaveNoEntryOnAbort()
    {
        try (Journal journal = open(tempDir.resolve("j")))
        {
            final JournalWriter writer = journal.writer();
            final long first = append(writer, 1);
            writer.claim().setLong(ID, 99).setSymbol(SYM, "XX");
            writer.abort();
            final long second = append(writer, 2);
            assertEquals(first + 1, second, "the aborted record took no index");
            assertEquals(List.of(1L, 2L), readAll(journal.reader()).stream().map(Row::id).toList());
            assertEquals(2, journal.entryCount());

            writer.claim().setLong(ID, 5).setSymbol(SYM, "ABCDE");
            writer.abort();
            writer.claim();
            writer.commit(1);
            final List<Row> rows = readAll(journal.reader());
            assertEquals(new Row(rows.get(2).index(), 1, 0, 0, 0, 0.0, false, 0, ""), rows.get(2),
                "an aborted record's values do not leak into the next claim");
        }
    }

    @Test
    void shouldReadEntryAgainWhenHandlerThrows()
    {
        try (Journal journal = open(tempDir.resolve("j")))
        {
            append(journal.writer(), 1);
            append(journal.writer(), 2);
            final JournalReader reader = journal.reader();
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> reader.poll((i, ns, s, r) ->
                {
                    if (r.getLong(ID) == 2)
                    {
                        throw new IllegalStateException("boom");
                    }
                }, 10));
            assertEquals("boom", e.getMessage());
            assertEquals(List.of(2L), readAll(reader).stream().map(Row::id).toList());
        }
    }

    @Test
    void shouldRejectMisuseOfWriterWithClearMessages()
    {
        final Path dir = tempDir.resolve("j");
        final Journal journal = open(dir);
        final JournalWriter writer = journal.writer();
        assertSame(writer, journal.writer(), "one writer per journal");
        assertTrue(assertThrows(IllegalStateException.class, writer::commit).getMessage()
            .contains("commit() without a claimed record"));
        writer.claim();
        assertTrue(assertThrows(IllegalStateException.class, writer::claim).getMessage()
            .contains("claim() called again before commit() or abort()"));
        writer.abort();
        final JournalReader reader = journal.reader();
        journal.close();
        assertTrue(writer.isClosed());
        final IllegalStateException afterClose = assertThrows(IllegalStateException.class, writer::claim);
        assertEquals("JournalWriter of " + dir + " is closed; open the journal again to write", afterClose.getMessage());
        assertThrows(IllegalStateException.class, () -> reader.poll((i, ns, s, r) -> { }, 1));
        assertTrue(assertThrows(IllegalStateException.class, journal::writer).getMessage().contains("is closed"));
        journal.close();
    }
}
