package io.rivulet.journal;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A durable, replayable sequence of fixed-schema records in a directory: a Chronicle Queue plus a
 * {@value #SCHEMA_FILE_NAME} file that records the schema, kind and roll cycle, so any reader can decode it without code.
 * <pre>
 *   try (Journal journal = Journal.at(dir).schema(trades).open())       // creates or reopens
 *   {
 *       JournalWriter writer = journal.writer();                         // one writer per journal
 *       writer.claim().setLong(ID, 1).setSymbol(SYM, "AAPL");            // fill in place
 *       writer.commit();                                                 // durable in the page cache
 *       JournalReader reader = journal.reader();                         // from the start
 *       reader.poll((index, ingestNs, seq, r) -> ..., 256);
 *   }
 * </pre>
 * Files: {@code <dir>/schema} (text, see {@link SchemaCodec}), Chronicle's {@code *.cq4} cycle files (entry
 * layout: {@link JournalDescriptor}) and {@code metadata.cq4t}. Open a journal once per process and share it;
 * {@link #close()} closes its writer and readers. {@code Journal} methods are thread-safe; a writer or a reader
 * belongs to one thread at a time.
 */
public final class Journal implements AutoCloseable
{
    /** Name of the file, next to the queue files, that holds the schema ({@link SchemaCodec} text). */
    public static final String SCHEMA_FILE_NAME = "schema";
    /** Default roll cycle: a file per UTC day. */
    public static final JournalRollCycle DEFAULT_ROLL_CYCLE = JournalRollCycle.DAILY;
    /** Default retention: the current cycle and the 6 before it (a week of daily files). */
    public static final int DEFAULT_RETAIN_CYCLES = 7;
    /** {@link Builder#retainCycles} value that never deletes a cycle. */
    public static final int RETAIN_ALL = Integer.MAX_VALUE;

    private static final System.Logger LOG = System.getLogger("io.rivulet.journal");
    private static final String CYCLE_FILE_SUFFIX = ".cq4";
    /** How long a cycle file may stay empty before it counts as damaged (a writer fills a new one at once). */
    private static final long EMPTY_CYCLE_GRACE_MS = 5_000;
    /**
     * How long a cycle file's first header may stay unfinished before its creator counts as dead: Chronicle's own
     * wait ({@code timeoutMS}, 10 s) before it discards such a file. A live creator finishes it within microseconds.
     */
    static final long UNFINISHED_CYCLE_GRACE_MS = 10_000;
    /** Chronicle's "not complete" bit in a header word: set while a header or entry is being written. */
    private static final int HEADER_NOT_COMPLETE = 0x8000_0000;
    private static final long UNFINISHED_CYCLE_POLL_MS = 20;

    private final Path dir;
    private final JournalMetadata metadata;
    private final SingleChronicleQueue queue;
    private final JournalRollCycle rollCycle;
    private final int retainCycles;
    private final DateTimeFormatter cycleFileFormat;
    private final List<JournalReader> readers = new ArrayList<>();
    private JournalWriter writer;
    private boolean closed;
    private volatile long retentionFailures;
    private volatile String lastRetentionFailure;

    private Journal(final Path dir, final JournalMetadata metadata, final SingleChronicleQueue queue,
        final JournalRollCycle rollCycle, final int retainCycles)
    {
        this.dir = dir;
        this.metadata = metadata;
        this.queue = queue;
        this.rollCycle = rollCycle;
        this.retainCycles = retainCycles;
        this.cycleFileFormat = DateTimeFormatter.ofPattern(rollCycle.chronicle().format()).withZone(ZoneOffset.UTC);
    }

    /**
     * @param dir the journal's directory; created (with parents) when a new journal is opened.
     * @return a builder for the journal at {@code dir}.
     */
    public static Builder at(final Path dir)
    {
        return new Builder(dir);
    }

    /**
     * @return the journal's directory.
     */
    public Path dir()
    {
        return dir;
    }

    /**
     * @return the schema of every record.
     */
    public Schema schema()
    {
        return metadata.schema();
    }

    /**
     * @return input or output journal.
     */
    public JournalKind kind()
    {
        return metadata.kind();
    }

    /**
     * @return schema and kind, as stored in the schema file.
     */
    public JournalMetadata metadata()
    {
        return metadata;
    }

    /**
     * @return the roll cycle the journal's files were created with.
     */
    public JournalRollCycle rollCycle()
    {
        return rollCycle;
    }

    /**
     * @return how many cycles the writer keeps ({@link #RETAIN_ALL}: all).
     */
    public int retainCycles()
    {
        return retainCycles;
    }

    /**
     * The journal's one writer, created on first call. An {@link JournalKind#OUTPUT output} journal's writer
     * numbers entries; it reads the last entry now to continue the sequence. Creating it also applies retention.
     *
     * @return the writer; use it from one thread at a time.
     */
    public synchronized JournalWriter writer()
    {
        ensureOpen();
        if (writer == null)
        {
            writer = new JournalWriter(this, queue, metadata);
        }
        return writer;
    }

    /**
     * A new reader positioned at the start of the journal (the oldest retained entry).
     *
     * @return the reader; use it from one thread at a time, close it (or the journal) when done.
     */
    public synchronized JournalReader reader()
    {
        ensureOpen();
        final JournalReader reader = new JournalReader(this, queue.createTailer(), metadata);
        readers.add(reader);
        return reader;
    }

    /**
     * @return the index of the last entry written, or -1 if the journal is empty.
     */
    public long lastIndex()
    {
        ensureOpen();
        final long index = queue.lastIndex();
        return index < 0 ? -1 : index;
    }

    /**
     * @return number of entries in the retained cycles.
     */
    public long entryCount()
    {
        ensureOpen();
        return queue.entryCount();
    }

    /**
     * Closes the writer, every reader and the queue files. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (writer != null)
        {
            writer.closeFromJournal();
        }
        for (final JournalReader reader : readers)
        {
            reader.closeFromJournal();
        }
        readers.clear();
        queue.close();
    }

    /**
     * @return true once {@link #close()} ran.
     */
    public synchronized boolean isClosed()
    {
        return closed;
    }

    @Override
    public String toString()
    {
        return "Journal(" + dir + ", " + metadata.kind() + ", " + metadata.schema() + ")";
    }

    synchronized void removeReader(final JournalReader reader)
    {
        readers.remove(reader);
    }

    synchronized void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("Journal " + dir + " is closed; open it again with Journal.at(dir)");
        }
    }

    /**
     * Deletes the cycle files older than the newest {@code retainCycles} cycles, counting back from
     * {@code currentCycle}. Called by the writer when it opens (failures throw: the app sees them at once) and
     * when it enters a new cycle (failures are counted, {@link #retentionFailures()}, never thrown: the entry
     * that started the cycle is already written), so off the per-record path.
     */
    void applyRetention(final int currentCycle, final boolean throwOnFailure)
    {
        if (retainCycles == RETAIN_ALL)
        {
            return;
        }
        final long oldestKept = (long)currentCycle - retainCycles + 1;
        final int firstCycle = queue.firstCycle();
        if (firstCycle == Integer.MAX_VALUE || firstCycle >= oldestKept)
        {
            return;
        }
        // cycles are named, not listed: Chronicle's listCyclesBetween needs both end cycles' files to exist
        for (long cycle = firstCycle; cycle < oldestKept; cycle++)
        {
            final Path file = cycleFile((int)cycle);
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException e)
            {
                final String message = "Cannot delete expired journal file " + file + " (retention " +
                    retainCycles + " cycles): " + e;
                if (throwOnFailure)
                {
                    throw new UncheckedIOException(message, e);
                }
                retentionFailures++;
                lastRetentionFailure = message;
            }
        }
        queue.refreshDirectoryListing();
    }

    /**
     * @return number of expired cycle files the writer failed to delete while rolling (it retries on the next
     * roll); see {@link #lastRetentionFailure()}.
     */
    public long retentionFailures()
    {
        return retentionFailures;
    }

    /**
     * @return what the last failed deletion said, or null.
     */
    public String lastRetentionFailure()
    {
        return lastRetentionFailure;
    }

    /**
     * @param cycle a cycle number.
     * @return the file Chronicle keeps that cycle in (its name is the cycle's start formatted with the roll
     * cycle's pattern, in UTC).
     */
    Path cycleFile(final int cycle)
    {
        final long startMs = rollCycle.chronicle().defaultEpoch() + (long)cycle * rollCycle.chronicle().lengthInMillis();
        return dir.resolve(cycleFileFormat.format(Instant.ofEpochMilli(startMs)) + CYCLE_FILE_SUFFIX);
    }

    /**
     * Options for opening a journal; {@link #open()} validates them and the directory. Not thread-safe.
     */
    public static final class Builder
    {
        private final Path dir;
        private Schema schema;
        private JournalKind kind;
        private JournalRollCycle rollCycle;
        private int retainCycles = DEFAULT_RETAIN_CYCLES;
        private LongSupplier clockMs;
        private long blockSizeBytes;

        private Builder(final Path dir)
        {
            if (dir == null)
            {
                throw new IllegalArgumentException("Journal directory is null; give a directory path");
            }
            this.dir = dir.toAbsolutePath().normalize();
        }

        /**
         * @param schema of every record. Required to create a journal; when reopening, must equal the stored
         *               schema; leave it out to read the stored one.
         * @return this.
         */
        public Builder schema(final Schema schema)
        {
            if (schema == null)
            {
                throw new IllegalArgumentException("Journal schema is null; give the record Schema, or leave " +
                    "schema() out to read the journal's own");
            }
            this.schema = schema;
            return this;
        }

        /**
         * @param kind {@link JournalKind#INPUT} (the default for a new journal) or {@link JournalKind#OUTPUT};
         *             when reopening, must equal the stored kind; leave it out to read the stored one.
         * @return this.
         */
        public Builder kind(final JournalKind kind)
        {
            if (kind == null)
            {
                throw new IllegalArgumentException("Journal kind is null; give INPUT or OUTPUT");
            }
            this.kind = kind;
            return this;
        }

        /**
         * Shorthand for {@code kind(JournalKind.OUTPUT)}: every entry carries an output sequence number.
         *
         * @return this.
         */
        public Builder output()
        {
            return kind(JournalKind.OUTPUT);
        }

        /**
         * @param rollCycle how often a new file starts; default {@link #DEFAULT_ROLL_CYCLE}. Fixed when the
         *                  journal is created: reopening with another one fails.
         * @return this.
         */
        public Builder rollCycle(final JournalRollCycle rollCycle)
        {
            if (rollCycle == null)
            {
                throw new IllegalArgumentException("Journal roll cycle is null; give one of " +
                    java.util.Arrays.toString(JournalRollCycle.values()));
            }
            this.rollCycle = rollCycle;
            return this;
        }

        /**
         * @param cycles how many cycles (files) the writer keeps, the current one included: older ones are
         *               deleted when the writer opens and whenever it starts a new cycle. Default
         *               {@link #DEFAULT_RETAIN_CYCLES}; {@link #RETAIN_ALL} keeps everything.
         * @return this.
         */
        public Builder retainCycles(final int cycles)
        {
            if (cycles < 1)
            {
                throw new IllegalArgumentException("Journal retainCycles is " + cycles + "; keep at least 1 " +
                    "cycle (the one being written), or use Journal.RETAIN_ALL to never delete");
            }
            this.retainCycles = cycles;
            return this;
        }

        /**
         * @param clockMs wall clock in epoch milliseconds deciding the current cycle; default the system clock.
         *                For tests and simulations. Called on every append: must not allocate.
         * @return this.
         */
        public Builder clock(final LongSupplier clockMs)
        {
            if (clockMs == null)
            {
                throw new IllegalArgumentException("Journal clock is null; leave clock() out for the system clock");
            }
            this.clockMs = clockMs;
            return this;
        }

        /** Chronicle's mapping chunk size; tests shrink it to cross chunk boundaries often. */
        Builder blockSizeBytes(final long blockSizeBytes)
        {
            this.blockSizeBytes = blockSizeBytes;
            return this;
        }

        /**
         * Opens the journal, creating it (directory, schema file, queue) if the directory is new or empty.
         *
         * @return the open journal; close it when done.
         * @throws IllegalArgumentException if the path is a file, not a journal, or unreadable.
         * @throws SchemaException          if the schema or kind differs from the stored one (the message shows
         *                                  both).
         * @throws IllegalStateException    if the JVM lacks the flags Chronicle Queue needs (the message names them).
         */
        public Journal open()
        {
            ChronicleAccessCheck.check();
            if (Files.exists(dir) && !Files.isDirectory(dir))
            {
                throw new IllegalArgumentException("Journal path " + dir + " is a file, not a directory; give a " +
                    "directory for the journal");
            }
            final Path schemaFile = dir.resolve(SCHEMA_FILE_NAME);
            final JournalMetadata metadata;
            if (Files.exists(schemaFile))
            {
                metadata = checkStored(readSchemaFile(schemaFile), schemaFile);
            }
            else
            {
                metadata = create(schemaFile);
            }
            if (!Files.isWritable(dir) || !Files.isReadable(dir))
            {
                throw new IllegalArgumentException("Journal directory " + dir + " is not readable and writable " +
                    "by this process; fix its permissions (Chronicle maps its files read-write, even to read)");
            }
            discardIfUnfinished(checkCycleFiles());
            final SingleChronicleQueue queue = buildQueue(metadata.rollCycle());
            if (JournalRollCycle.of(queue.rollCycle()) != metadata.rollCycle())
            {
                final String found = queue.rollCycle().toString();
                queue.close();
                throw new IllegalStateException("Journal " + dir + ": the queue's roll cycle " + found + " differs " +
                    "from " + metadata.rollCycle() + " in " + schemaFile + "; the journal was altered outside Rivulet");
            }
            return new Journal(dir, metadata, queue, metadata.rollCycle(), retainCycles);
        }

        private JournalMetadata checkStored(final JournalMetadata stored, final Path schemaFile)
        {
            if (schema != null && !schema.equals(stored.schema()))
            {
                throw new SchemaException("Journal " + dir + " holds records of schema\n  " + stored.schema() +
                    "\nbut was opened with schema\n  " + schema + "\nopen it with the schema it was written with " +
                    "(or without schema() to use the stored one), or write to another directory");
            }
            if (rollCycle != null && rollCycle != stored.rollCycle())
            {
                throw new IllegalArgumentException("Journal " + dir + " was created with roll cycle " +
                    stored.rollCycle() + ", not " + rollCycle + "; leave rollCycle() out to use the journal's own");
            }
            if (kind != null && kind != stored.kind())
            {
                throw new SchemaException("Journal " + dir + " is an " + stored.kind() + " journal but was opened " +
                    "as " + kind + " (see " + schemaFile + "); open it as " + stored.kind() + " or use another " +
                    "directory");
            }
            return stored;
        }

        private JournalMetadata create(final Path schemaFile)
        {
            if (schema == null)
            {
                throw new IllegalArgumentException(Files.isDirectory(dir) ?
                    "Directory " + dir + " is not a Rivulet journal (it has no '" + SCHEMA_FILE_NAME + "' file); " +
                        "give schema(...) to create a journal there, or the path of an existing journal" :
                    "Journal directory " + dir + " does not exist; give schema(...) to create a new journal there");
            }
            if (Files.isDirectory(dir))
            {
                try (Stream<Path> entries = Files.list(dir))
                {
                    final List<Path> present = entries.limit(3).toList();
                    final Path temp = dir.resolve(SCHEMA_FILE_NAME + ".tmp");
                    if (present.size() == 1 && present.get(0).equals(temp))
                    {
                        // a creation killed before its rename: nothing was written to the journal, create it again
                        Files.delete(temp);
                    }
                    else if (!present.isEmpty())
                    {
                        throw new IllegalArgumentException("Directory " + dir + " is not empty and is not a " +
                            "Rivulet journal (no '" + SCHEMA_FILE_NAME + "' file; it holds e.g. " +
                            present.get(0).getFileName() + "); give a new or empty directory");
                    }
                }
                catch (final IOException e)
                {
                    throw new IllegalArgumentException("Journal directory " + dir + " is not readable: " + e, e);
                }
            }
            final JournalMetadata metadata = new JournalMetadata(schema, kind == null ? JournalKind.INPUT : kind,
                rollCycle == null ? DEFAULT_ROLL_CYCLE : rollCycle);
            writeSchemaFile(schemaFile, SchemaCodec.encode(metadata));
            return metadata;
        }

        /**
         * An empty cycle file (truncated, or a copy that failed) makes Chronicle wait about a minute and then fail
         * deep inside, for readers and writers alike: refuse it at once, naming the file. A writer creating a new
         * cycle leaves it empty for an instant only, so a file counts as damaged once it has been empty for
         * {@link #EMPTY_CYCLE_GRACE_MS}.
         *
         * @return the newest cycle file (the greatest name: names sort by cycle), null if there is none.
         */
        private Path checkCycleFiles()
        {
            final long now = System.currentTimeMillis();
            Path newest = null;
            try (Stream<Path> entries = Files.list(dir))
            {
                for (final Path file : (Iterable<Path>)entries::iterator)
                {
                    if (!file.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX))
                    {
                        continue;
                    }
                    if (newest == null || file.compareTo(newest) > 0)
                    {
                        newest = file;
                    }
                    if (Files.size(file) == 0 &&
                        now - Files.getLastModifiedTime(file).toMillis() > EMPTY_CYCLE_GRACE_MS)
                    {
                        throw new IllegalArgumentException("Journal " + dir + " is damaged: its cycle file " +
                            file.getFileName() + " is empty (0 bytes; truncated, or a copy that failed). Restore " +
                            "it from a backup, or move it out of the directory to read the other cycles");
                    }
                }
            }
            catch (final IOException e)
            {
                throw new IllegalArgumentException("Journal directory " + dir + " is not readable: " + e, e);
            }
            return newest;
        }

        /**
         * A writer killed while it created a new cycle file leaves the file with its first header unfinished, and
         * nothing else in it (entries follow the header). Chronicle waits 10 s for that header at each open, for a
         * reader and again for the writer, before it moves the file aside: a restart stalled 35-55 s. Here the
         * file is moved aside (as Chronicle would, {@code <file>-<ms>.discard}) as soon as it has been unfinished
         * for {@link #UNFINISHED_CYCLE_GRACE_MS}, Chronicle's own limit; a younger one is watched until then, in
         * case a live writer is creating it. Only the newest cycle: an older one was finished before it.
         *
         * @param newest the newest cycle file, or null if there is none.
         */
        private void discardIfUnfinished(final Path newest)
        {
            if (newest == null)
            {
                return;
            }
            try
            {
                while (firstHeaderUnfinished(newest))
                {
                    final long ageMs = System.currentTimeMillis() - Files.getLastModifiedTime(newest).toMillis();
                    if (ageMs >= UNFINISHED_CYCLE_GRACE_MS)
                    {
                        final Path aside = newest.resolveSibling(newest.getFileName() + "-" +
                            System.currentTimeMillis() + ".discard");
                        Files.move(newest, aside);
                        LOG.log(System.Logger.Level.WARNING, "Journal {0}: cycle file {1} was never finished " +
                            "(its writer died while creating it; it holds no entries): moved aside to {2}", dir,
                            newest.getFileName(), aside.getFileName());
                        return;
                    }
                    Thread.sleep(Math.min(UNFINISHED_CYCLE_POLL_MS, UNFINISHED_CYCLE_GRACE_MS - ageMs));
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while opening journal " + dir, e);
            }
            catch (final IOException e)
            {
                // gone (a writer renamed or retention deleted it) or unreadable: Chronicle decides, as before
            }
        }

        private static boolean firstHeaderUnfinished(final Path cycleFile) throws IOException
        {
            try (FileChannel channel = FileChannel.open(cycleFile, StandardOpenOption.READ))
            {
                final java.nio.ByteBuffer header = ByteBuffer.allocate(Integer.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
                return channel.read(header, 0) == Integer.BYTES && (header.getInt(0) & HEADER_NOT_COMPLETE) != 0;
            }
        }

        private SingleChronicleQueue buildQueue(final JournalRollCycle storedRollCycle)
        {
            final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(storedRollCycle.chronicle());
            if (clockMs != null)
            {
                final LongSupplier clock = clockMs;
                builder.timeProvider((TimeProvider)clock::getAsLong);
            }
            if (blockSizeBytes > 0)
            {
                builder.blockSize(blockSizeBytes);
            }
            try
            {
                return builder.build();
            }
            catch (final RuntimeException | LinkageError e)
            {
                throw new IllegalStateException("Cannot open the Chronicle queue of journal " + dir + ": " + e +
                    "\nIf this is an access error, run the JVM with Chronicle's flags: " +
                    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=" +
                    "ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED " +
                    "-Dchronicle.analytics.disable=true", e);
            }
        }
    }

    static JournalMetadata readSchemaFile(final Path schemaFile)
    {
        if (!Files.isReadable(schemaFile))
        {
            throw new IllegalArgumentException("Journal schema file " + schemaFile + " is not readable; fix its " +
                "permissions");
        }
        try
        {
            return SchemaCodec.decode(Files.readString(schemaFile, StandardCharsets.US_ASCII), schemaFile.toString());
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("Cannot read journal schema file " + schemaFile + ": " + e, e);
        }
    }

    /**
     * Writes the schema file atomically: a reader sees no file or the whole file, even after a crash mid-write
     * (temp file, fsync, rename, fsync of the directory).
     */
    static void writeSchemaFile(final Path schemaFile, final String text)
    {
        final Path dir = schemaFile.getParent();
        final Path temp = dir.resolve(SCHEMA_FILE_NAME + ".tmp");
        try
        {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            try
            {
                Files.move(temp, schemaFile, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final AtomicMoveNotSupportedException e)
            {
                Files.move(temp, schemaFile, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ))
            {
                dirChannel.force(true);
            }
            catch (final IOException ignore)
            {
                // some file systems cannot fsync a directory; the rename itself is still atomic
            }
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("Cannot create journal " + dir + ": " + e, e);
        }
    }
}
