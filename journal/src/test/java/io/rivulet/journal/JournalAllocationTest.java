package io.rivulet.journal;

import com.sun.management.ThreadMXBean;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counts the bytes this thread allocates (HotSpot's per-thread counter, exact) while appending and reading in
 * steady state: the hot path must not allocate per record.
 */
class JournalAllocationTest extends JournalTestBase
{
    private static final Schema SCHEMA = Schema.builder().int64("a").int64("b").symbol("s", 8).build();
    private static final LongField A = SCHEMA.longField("a");
    private static final int RECORDS = 200_000;

    /** A field, not a lambda per call: counts what it reads. */
    private static final class Summer implements JournalHandler
    {
        long sum;

        @Override
        public void onRecord(final long index, final long ingestTimeNs, final long sequence, final RecordFlyweight r)
        {
            sum += r.getLong(A) + sequence;
        }
    }

    private static long allocatedBytes()
    {
        return ((ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void append(final JournalWriter writer, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            writer.claim().setLong(A, i);
            writer.commit();
        }
    }

    @Test
    void shouldNotAllocatePerRecordWhenAppendingAndReading()
    {
        for (final JournalKind kind : JournalKind.values())
        {
            try (Journal journal = Journal.at(tempDir.resolve(kind.name())).schema(SCHEMA).kind(kind).open())
            {
                final JournalWriter writer = journal.writer();
                final JournalReader reader = journal.reader();
                final Summer summer = new Summer();
                append(writer, 20_000); // warm-up: JIT, first mappings
                while (reader.poll(summer, 256) > 0)
                {
                    summer.sum += 0;
                }

                final long beforeWrite = allocatedBytes();
                append(writer, RECORDS);
                final long writeBytes = allocatedBytes() - beforeWrite;

                final long beforeRead = allocatedBytes();
                int read = 0;
                int n;
                while ((n = reader.poll(summer, 256)) > 0)
                {
                    read += n;
                }
                final long readBytes = allocatedBytes() - beforeRead;

                assertEquals(RECORDS, read);
                // a few KB at most (an occasional Chronicle index block), far below one byte per record
                assertTrue(writeBytes < RECORDS / 4, kind + " writer allocated " + writeBytes + " bytes for " +
                    RECORDS + " records");
                assertTrue(readBytes < RECORDS / 4, kind + " reader allocated " + readBytes + " bytes for " +
                    RECORDS + " records");
            }
        }
    }
}
