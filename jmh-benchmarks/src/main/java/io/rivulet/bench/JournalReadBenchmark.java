package io.rivulet.bench;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalHandler;
import io.rivulet.journal.JournalReader;
import io.rivulet.journal.JournalWriter;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reading a journal on one thread, one record per operation: {@link JournalReader#poll} hands the next 64-byte
 * record ({@link JournalAppendBenchmark#RECORD}) to a handler as a flyweight over the queue's mapped memory, which
 * reads two of its columns. The journal holds 2M records written in setup; at its end the reader goes back to the
 * start (page cache warm: this is the decode cost, not the disk). Records/s and, with {@code -prof gc},
 * allocation per record. The fork carries Chronicle's JVM flags itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class JournalReadBenchmark implements JournalHandler
{
    private static final int RECORDS = 2_000_000;
    private static final LongField A = JournalAppendBenchmark.RECORD.longField("a");
    private static final LongField H = JournalAppendBenchmark.RECORD.longField("h");

    private Path root;
    private Journal journal;
    private JournalReader reader;
    private long sum;

    /**
     * Writes the journal in a fresh temporary directory and opens a reader at its start.
     *
     * @throws IOException if the directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        root = Files.createTempDirectory("rivulet-journal-read-bench");
        journal = Journal.at(root.resolve("journal")).schema(JournalAppendBenchmark.RECORD).open();
        final JournalWriter writer = journal.writer();
        for (long v = 0; v < RECORDS; v++)
        {
            writer.claim().setLong(A, v).setLong(H, -v);
            writer.commit();
        }
        reader = journal.reader();
    }

    /**
     * Closes the journal and deletes its files.
     *
     * @throws IOException if a file cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        reader.close();
        journal.close();
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path p : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }

    @Override
    public void onRecord(final long index, final long ingestTimeNs, final long sequence, final RecordFlyweight record)
    {
        sum += record.getLong(A) ^ record.getLong(H);
    }

    /** @return a running value of the records read (consumed by JMH). */
    @Benchmark
    public long read()
    {
        if (reader.poll(this, 1) == 0)
        {
            reader.toStart();
            reader.poll(this, 1);
        }
        return sum;
    }
}
