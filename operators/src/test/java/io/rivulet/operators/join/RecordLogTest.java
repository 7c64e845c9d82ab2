package io.rivulet.operators.join;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordLogTest
{
    private static final int RECORD_LENGTH = 32;

    @Test
    void shouldGrowWithoutMovingOrCopyingLiveEntries()
    {
        try (RecordLog log = new RecordLog(RECORD_LENGTH, 16))
        {
            final UnsafeBuffer record = new UnsafeBuffer(new byte[RECORD_LENGTH]);
            final List<UnsafeBuffer> firstChunks = new ArrayList<>();
            long retiredUpTo = 0;
            for (long s = 0; s < 400_000; s++)
            {
                record.putLong(0, s);
                record.putLong(24, ~s);
                assertEquals(s, log.append(record, 0, s, s - 1));
                if (s == 10)
                {
                    firstChunks.add(log.buffer(0));
                }
                // retire slowly: the log keeps growing, with its tail inside some chunk, across growths
                if (s % 3 == 0)
                {
                    retiredUpTo += 2;
                    log.retireExpired(retiredUpTo - 1);
                }
            }
            assertEquals(log.head() - log.tail(), log.size());
            assertTrue(log.size() > 100_000);
            for (long s = log.tail(); s < log.head(); s++)
            {
                final UnsafeBuffer buffer = log.buffer(s);
                final int offset = log.offset(s);
                assertEquals(s, buffer.getLong(offset));
                assertEquals(~s, buffer.getLong(offset + 24));
                assertEquals(s, log.expiry(s));
                assertEquals(s - 1, log.prevSequence(s));
            }
            assertEquals(log.tail(), retiredUpTo);
        }
    }

    @Test
    void shouldKeepAChunkInPlaceWhileItsEntriesAreLive()
    {
        try (RecordLog log = new RecordLog(RECORD_LENGTH, 16))
        {
            final UnsafeBuffer record = new UnsafeBuffer(new byte[RECORD_LENGTH]);
            record.putLong(0, 42);
            log.append(record, 0, Long.MAX_VALUE, RecordLogDescriptor.NO_ENTRY);
            final UnsafeBuffer first = log.buffer(0);
            for (int i = 1; i < 200_000; i++) // many growths of the chunk array, entry 0 live throughout
            {
                log.append(record, 0, Long.MAX_VALUE, i - 1);
            }
            assertSame(first, log.buffer(0), "the first entry's chunk was never copied");
            assertEquals(42, log.buffer(0).getLong(log.offset(0)));
            final long bytes = log.memoryBytes();
            assertTrue(bytes >= 200_000L * 48 && bytes < 200_000L * 48 + 2 * 64 * 1024 + 1024,
                "memory grows in chunks: " + bytes);
        }
    }

    @Test
    void shouldReuseDeadChunksInSteadyState()
    {
        try (RecordLog log = new RecordLog(RECORD_LENGTH, 16))
        {
            final UnsafeBuffer record = new UnsafeBuffer(new byte[RECORD_LENGTH]);
            for (long s = 0; s < 10_000; s++)
            {
                log.append(record, 0, s, -1);
            }
            long bytes = 0;
            for (long s = 10_000; s < 1_000_000; s++) // ~5000 live at any time
            {
                log.append(record, 0, s, -1);
                log.retireExpired(s - 5_000);
                if (s == 100_000) // every slot of the chunk array has had its chunk by now
                {
                    bytes = log.memoryBytes();
                }
            }
            assertEquals(bytes, log.memoryBytes(), "no chunk allocated in steady state");
        }
    }
}
