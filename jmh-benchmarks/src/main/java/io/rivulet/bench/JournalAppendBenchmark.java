package io.rivulet.bench;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalDescriptor;
import io.rivulet.journal.JournalWriter;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
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
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Appending 64-byte records to a Chronicle Queue on one thread, one record per operation:
 * <ul>
 *   <li>{@code rawChronicle}: the baseline, a bare Chronicle appender writing the record's 8 longs into a
 *       document;</li>
 *   <li>{@code journal}: Rivulet's {@link JournalWriter} (claim a flyweight over an off-heap scratch record,
 *       fill the same 8 longs, {@code commit()} stamps {@code nanoTime} and copies header + record into the
 *       queue in one bulk write);</li>
 *   <li>{@code journalInPlace}: the alternative design, a flyweight over the queue's mapped memory filled in
 *       place inside the open document (kept to show why the writer copies instead).</li>
 * </ul>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the per-record allocation gate. The fork carries
 * Chronicle's JVM flags itself, so the benchmark does not depend on the launcher's flag file.
 * <p>
 * JMH runs the methods one after another, so on a shared, drifting machine their ratio is noise. {@link #main}
 * therefore also runs them <i>interleaved</i> in one JVM (short turns, many rounds) and prints each variant's
 * rate and the median per-round ratio to the raw appender:
 * {@code java <flags> -cp benchmarks.jar io.rivulet.bench.JournalAppendBenchmark [rounds] [turnMs]}.
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
public class JournalAppendBenchmark
{
    static final Schema RECORD = Schema.builder().int64("a").int64("b").int64("c").int64("d").int64("e")
        .int64("f").int64("g").int64("h").build(); // 64 bytes
    private static final LongField A = RECORD.longField("a");
    private static final LongField B = RECORD.longField("b");
    private static final LongField C = RECORD.longField("c");
    private static final LongField D = RECORD.longField("d");
    private static final LongField E = RECORD.longField("e");
    private static final LongField F = RECORD.longField("f");
    private static final LongField G = RECORD.longField("g");
    private static final LongField H = RECORD.longField("h");

    private Path root;
    private Journal journal;
    private JournalWriter writer;
    private SingleChronicleQueue rawQueue;
    private ExcerptAppender rawAppender;
    private SingleChronicleQueue inPlaceQueue;
    private ExcerptAppender inPlaceAppender;
    private final UnsafeBuffer inPlaceView = new UnsafeBuffer(0, 0);
    private final RecordFlyweight inPlaceRecord = new RecordFlyweight(RECORD);
    private long i;

    /**
     * Creates the three queues in a fresh temporary directory.
     *
     * @throws IOException if the directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        root = Files.createTempDirectory("rivulet-journal-bench");
        journal = Journal.at(root.resolve("journal")).schema(RECORD).open();
        writer = journal.writer();
        rawQueue = SingleChronicleQueueBuilder.binary(root.resolve("raw").toFile()).build();
        rawAppender = rawQueue.createAppender();
        inPlaceQueue = SingleChronicleQueueBuilder.binary(root.resolve("inplace").toFile()).build();
        inPlaceAppender = inPlaceQueue.createAppender();
    }

    /**
     * Closes the queues and deletes their files.
     *
     * @throws IOException if a file cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        journal.close();
        rawAppender.close();
        rawQueue.close();
        inPlaceAppender.close();
        inPlaceQueue.close();
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path p : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }

    /**
     * @return the journal index (consumed by JMH).
     */
    @Benchmark
    public long journal()
    {
        final long v = i++;
        writer.claim().setLong(A, v).setLong(B, v).setLong(C, v).setLong(D, v).setLong(E, v).setLong(F, v)
            .setLong(G, v).setLong(H, v);
        return writer.commit();
    }

    /**
     * @return the value written (consumed by JMH).
     */
    @Benchmark
    public long rawChronicle()
    {
        final long v = i++;
        try (DocumentContext dc = rawAppender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeLong(v).writeLong(v).writeLong(v).writeLong(v).writeLong(v).writeLong(v).writeLong(v)
                .writeLong(v);
        }
        return v;
    }

    /**
     * @return the value written (consumed by JMH).
     */
    @Benchmark
    public long journalInPlace()
    {
        final long v = i++;
        final int entryLength = JournalDescriptor.INPUT_HEADER_LENGTH + RECORD.recordLengthBytes();
        try (DocumentContext dc = inPlaceAppender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            final long position = bytes.writePosition();
            bytes.writeSkip(entryLength);
            inPlaceView.wrap(bytes.addressForWrite(position), entryLength);
            inPlaceView.setMemory(JournalDescriptor.INPUT_HEADER_LENGTH, RECORD.recordLengthBytes(), (byte)0);
            inPlaceRecord.wrap(inPlaceView, JournalDescriptor.INPUT_HEADER_LENGTH);
            inPlaceRecord.setLong(A, v).setLong(B, v).setLong(C, v).setLong(D, v).setLong(E, v).setLong(F, v)
                .setLong(G, v).setLong(H, v);
            inPlaceView.putLong(JournalDescriptor.INGEST_TIME_OFFSET, System.nanoTime());
        }
        return v;
    }

    /**
     * Interleaved comparison: warm-up, then {@code rounds} rounds in which each variant runs {@code turnMs}.
     *
     * @param args optional rounds (default 20) and turn length in ms (default 250).
     * @throws IOException if the temporary directory cannot be created or deleted.
     */
    public static void main(final String[] args) throws IOException
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        final long turnNs = (args.length > 1 ? Long.parseLong(args[1]) : 250) * 1_000_000L;
        final JournalAppendBenchmark b = new JournalAppendBenchmark();
        b.setUp();
        try
        {
            final String[] names = {"rawChronicle", "journal", "journalInPlace"};
            final double[][] rates = new double[names.length][rounds];
            for (int w = 0; w < 10; w++)
            {
                for (int v = 0; v < names.length; v++)
                {
                    b.turn(v, turnNs);
                }
            }
            for (int r = 0; r < rounds; r++)
            {
                for (int k = 0; k < names.length; k++)
                {
                    final int v = (r + k) % names.length; // rotate who goes first
                    rates[v][r] = b.turn(v, turnNs);
                }
            }
            for (int v = 0; v < names.length; v++)
            {
                final double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++)
                {
                    ratio[r] = rates[v][r] / rates[0][r];
                }
                System.out.printf("%-15s median %6.2f M/s  (min %.2f, max %.2f)  median ratio to raw %.3f%n",
                    names[v], median(rates[v]) / 1e6, Arrays.stream(rates[v]).min().orElse(0) / 1e6,
                    Arrays.stream(rates[v]).max().orElse(0) / 1e6, median(ratio));
            }
        }
        finally
        {
            b.tearDown();
        }
    }

    private double turn(final int variant, final long turnNs)
    {
        long ops = 0;
        final long startNs = System.nanoTime();
        long nowNs;
        do
        {
            for (int k = 0; k < 1024; k++)
            {
                switch (variant)
                {
                    case 0:
                        rawChronicle();
                        break;
                    case 1:
                        journal();
                        break;
                    default:
                        journalInPlace();
                }
            }
            ops += 1024;
            nowNs = System.nanoTime();
        }
        while (nowNs - startNs < turnNs);
        return ops * 1e9 / (nowNs - startNs);
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
