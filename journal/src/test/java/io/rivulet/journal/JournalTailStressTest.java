package io.rivulet.journal;

import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTailStressTest extends JournalTestBase
{
    private static final int RECORDS = 1_000_000;
    private static final Schema SCHEMA = Schema.builder().int64("seq").int64("check").int64("a").int64("b")
        .int64("c").int64("d").int64("e").int64("f").build(); // 64-byte records
    private static final LongField SEQ = SCHEMA.longField("seq");
    private static final LongField CHECK = SCHEMA.longField("check");
    private static final LongField F = SCHEMA.longField("f");

    /** Checks order and content of every entry; fields, not a lambda, so the hot loop does not allocate. */
    private static final class Checker implements JournalHandler
    {
        long expected;
        long lastIndex = -1;
        String failure;

        @Override
        public void onRecord(final long index, final long ingestTimeNs, final long sequence, final RecordFlyweight r)
        {
            final long seq = r.getLong(SEQ);
            if (failure == null && (seq != expected || r.getLong(CHECK) != seq * 31 || r.getLong(F) != ~seq ||
                ingestTimeNs != seq || index <= lastIndex))
            {
                failure = "at entry " + expected + ": seq " + seq + " check " + r.getLong(CHECK) + " f " +
                    r.getLong(F) + " ingest " + ingestTimeNs + " index " + index + " after " + lastIndex;
            }
            lastIndex = index;
            expected++;
        }
    }

    @Test
    void shouldTailAMillionRecordsWhileAnotherThreadAppendsWithNoLossDuplicateOrReorder() throws Exception
    {
        // small mapping chunks: records cross many chunk boundaries
        try (Journal journal = Journal.at(tempDir.resolve("j")).schema(SCHEMA).blockSizeBytes(1 << 20).open())
        {
            final JournalReader reader = journal.reader();
            final JournalWriter writer = journal.writer();
            final AtomicReference<Throwable> writerError = new AtomicReference<>();
            final Thread writerThread = new Thread(() ->
            {
                try
                {
                    for (long i = 0; i < RECORDS; i++)
                    {
                        writer.claim().setLong(SEQ, i).setLong(CHECK, i * 31).setLong(F, ~i);
                        writer.commit(i);
                    }
                }
                catch (final Throwable t)
                {
                    writerError.set(t);
                }
            }, "journal-stress-writer");
            writerThread.start();

            final Checker checker = new Checker();
            final long deadlineNs = System.nanoTime() + 120_000_000_000L;
            while (checker.expected < RECORDS && writerError.get() == null && System.nanoTime() < deadlineNs)
            {
                if (reader.poll(checker, 256) == 0)
                {
                    Thread.onSpinWait();
                }
            }
            writerThread.join();
            assertNull(writerError.get());
            assertNull(checker.failure, checker.failure);
            assertEquals(RECORDS, checker.expected);
            assertEquals(0, reader.poll(checker, 256), "no duplicate at the end");
            assertEquals(RECORDS, journal.entryCount());
            assertTrue(checker.lastIndex == journal.lastIndex());
        }
    }
}
