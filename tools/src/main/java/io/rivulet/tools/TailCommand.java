package io.rivulet.tools;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalHandler;
import io.rivulet.journal.JournalKind;
import io.rivulet.journal.JournalReader;
import io.rivulet.operators.Operator;
import io.rivulet.operators.Operators;
import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;

/**
 * {@code rivulet tail <journal>}: prints a journal's records, decoded with the schema stored in it, like
 * {@code tail}: the last 10 by default, or from the start, an index or a time; {@code --follow} keeps printing
 * what is appended until Ctrl-C (status 0) or {@link #stop()}.
 * <p>
 * {@code --from-time} is event time, not append time: the journal stores the writer's {@link System#nanoTime()},
 * which is not a wall clock, so the time is read from a TIMESTAMP column of the schema ({@code --time-column},
 * default the first one), and reading starts at the first record whose time is at or after it (records after that
 * one are printed whatever their time: event time may be out of order). It scans from the oldest record.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print a journal's records, decoded with the schema stored in it (the last 10 by default).",
        "Exit status: 0 ok (also after Ctrl-C with --follow), 1 the journal is missing or unreadable, 2 usage."})
final class TailCommand implements Callable<Integer>
{
    private static final int BATCH = 256;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<journal>", description = "the journal's directory")
    Path path;

    @Option(names = {"-f", "--follow"}, description = "keep printing records as they are appended (Ctrl-C stops)")
    boolean follow;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Start start;

    /** Where reading starts; at most one. */
    static final class Start
    {
        @Option(names = "--from-start", required = true, description = "from the oldest record")
        boolean fromStart;

        @Option(names = "--from-index", required = true, paramLabel = "N",
            description = "from the record with this journal index (as printed; decimal or 0x hex)")
        String fromIndex;

        @Option(names = "--from-time", required = true, paramLabel = "T",
            description = "from the first record whose time column is at or after T (ISO-8601 instant or epoch ms)")
        String fromTime;

        @Option(names = {"-n", "--lines"}, required = true, paramLabel = "N",
            description = "the last N records (matching --where, if given); default 10")
        int last;
    }

    @Option(names = "--time-column", paramLabel = "COLUMN",
        description = "TIMESTAMP column --from-time reads (default: the first TIMESTAMP column)")
    String timeColumn;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
        description = "table (aligned, for a person), json (one object per line) or csv; default ${DEFAULT-VALUE}")
    RecordFormat.Kind format;

    @Option(names = "--where", paramLabel = "EXPR",
        description = "only records matching, e.g. \"qty > 100 and sym = 'AAPL'\"")
    String where;

    @Option(names = "--limit", paramLabel = "N", description = "stop after printing N records")
    Long limit;

    @Option(names = "--no-index", negatable = false, description = "hide the journal index column")
    boolean noIndex;

    private volatile boolean running = true;
    private final CountDownLatch finished = new CountDownLatch(1);

    // per-record state of the print loop, reused
    private Operator filter;
    private boolean matched;
    private RecordFormat recordFormat;
    private final StringBuilder line = new StringBuilder(256);
    private long printed;
    private long printLimit;

    /**
     * Stops a {@code --follow} (or any) run: the loop ends after the batch it is printing, closes the journal and
     * {@link #call()} returns 0. Any thread.
     */
    void stop()
    {
        running = false;
    }

    @Override
    public Integer call()
    {
        validate();
        // before anything is printed, so a Ctrl-C right after the first line still exits cleanly
        final Object previousInterrupt = follow ? Interrupts.onInterrupt(this::stop) : null;
        final Thread hook = follow ? addShutdownHook() : null;
        try (Journal journal = JournalFiles.open(path))
        {
            final Schema schema = journal.schema();
            final Field timeField = start != null && start.fromTime != null ?
                JournalFiles.timeColumn(schema, timeColumn) : null;
            if (start != null && start.fromTime != null && timeField == null)
            {
                throw new CliException("--from-time: the journal has no TIMESTAMP column to read times from; its " +
                    "schema is " + schema + " (use --from-index or --from-start)", 2);
            }
            if (timeColumn != null && timeField == null)
            {
                JournalFiles.timeColumn(schema, timeColumn); // checks the name even without --from-time
            }
            filter = where == null ? null : whereFilter(schema);
            recordFormat = new RecordFormat(format, schema, !noIndex, journal.kind() == JournalKind.OUTPUT);
            printLimit = limit == null ? Long.MAX_VALUE : limit;
            final PrintWriter out = spec.commandLine().getOut();
            try (JournalReader reader = journal.reader())
            {
                position(reader, journal, timeField);
                line.setLength(0);
                recordFormat.header(line);
                out.print(line);
                out.flush();
                return follow ? followLoop(reader, out) : printToEnd(reader, out);
            }
            catch (final IllegalStateException e) // a corrupt entry: JournalReader names the index and why
            {
                throw new CliException(e.getMessage(), 1);
            }
        }
        finally
        {
            finished.countDown();
            if (follow)
            {
                Interrupts.restore(previousInterrupt);
                try
                {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                catch (final IllegalStateException shuttingDown)
                {
                    // the hook is running: it waited for this loop to close the journal
                }
            }
        }
    }

    private Thread addShutdownHook()
    {
        final Thread hook = new Thread(() ->
        {
            running = false; // SIGTERM, or System.exit elsewhere: let the loop close the journal first
            try
            {
                finished.await(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }, "rivulet-tail-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private void validate()
    {
        if (limit != null && limit < 0)
        {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 0, got " + limit);
        }
        if (start != null && start.fromIndex == null && start.fromTime == null && !start.fromStart && start.last < 0)
        {
            throw new ParameterException(spec.commandLine(), "-n must be >= 0, got " + start.last);
        }
        if (start != null && start.fromTime != null)
        {
            JournalFiles.parseTime(start.fromTime);
        }
        if (start != null && start.fromIndex != null)
        {
            parseIndex(start.fromIndex);
        }
    }

    private Operator whereFilter(final Schema schema)
    {
        final Operator operator;
        try
        {
            operator = Operators.where(schema, ExprParser.parse(where, schema));
        }
        catch (final IllegalArgumentException e) // ParseError, or SchemaException from binding
        {
            throw new CliException("--where: " + e.getMessage(), 2);
        }
        operator.open(new Output()
        {
            @Override
            public void onRecord(final RecordFlyweight record)
            {
                matched = true;
            }

            @Override
            public void onWatermark(final long watermarkMs)
            {
            }

            @Override
            public void onEpoch(final long epochId)
            {
            }

            @Override
            public void onEndOfStream()
            {
            }
        });
        return operator;
    }

    private boolean matches(final RecordFlyweight record)
    {
        if (filter == null)
        {
            return true;
        }
        matched = false;
        filter.onRecord(record);
        return matched;
    }

    private void position(final JournalReader reader, final Journal journal, final Field timeField)
    {
        if (start != null && start.fromStart)
        {
            reader.toStart();
        }
        else if (start != null && start.fromIndex != null)
        {
            final long index = parseIndex(start.fromIndex);
            if (!reader.moveToIndex(index))
            {
                throw new CliException("--from-index: the journal has no record at index " + index + " (it holds " +
                    range(journal) + ")", 2);
            }
        }
        else if (start != null && start.fromTime != null)
        {
            toTime(reader, (LongField)timeField, JournalFiles.parseTime(start.fromTime));
        }
        else
        {
            toLast(reader, journal, start == null ? 10 : start.last);
        }
    }

    private static String range(final Journal journal)
    {
        final long last = journal.lastIndex();
        if (last < 0)
        {
            return "no records";
        }
        final long[] first = {-1};
        try (JournalReader r = journal.reader())
        {
            r.poll((index, ingestNs, seq, record) -> first[0] = index, 1);
        }
        return "indexes " + first[0] + " to " + last;
    }

    /** Positions at the first record whose time is at or after {@code fromMs}, or at the end if none is. */
    private static void toTime(final JournalReader reader, final LongField timeField, final long fromMs)
    {
        final long[] found = {-1};
        final JournalHandler probe = (index, ingestNs, seq, record) ->
        {
            if (found[0] < 0 && record.getLong(timeField) >= fromMs)
            {
                found[0] = index;
            }
        };
        reader.toStart();
        while (found[0] < 0 && reader.poll(probe, 1) > 0)
        {
            // one at a time, so the reader stops right after the record found
        }
        if (found[0] >= 0)
        {
            reader.moveToIndex(found[0]);
        }
    }

    /** Positions so the reader's next {@code n} (matching) records are the journal's last ones. */
    private void toLast(final JournalReader reader, final Journal journal, final int n)
    {
        final long last = journal.lastIndex();
        if (n == 0 || last < 0)
        {
            reader.toEnd();
            return;
        }
        if (filter == null)
        {
            if (n >= journal.entryCount())
            {
                reader.toStart();
                return;
            }
            // indexes are contiguous inside a cycle; when the last n span cycles this index does not exist
            if (reader.moveToIndex(last - n + 1))
            {
                return;
            }
        }
        // scan, remembering the indexes of the last n (matching) records
        final long[] ring = new long[(int)Math.min(n, Math.max(1, journal.entryCount()))];
        final long[] count = {0};
        final JournalHandler remember = (index, ingestNs, seq, record) ->
        {
            if (matches(record))
            {
                ring[(int)(count[0]++ % ring.length)] = index;
            }
        };
        reader.toStart();
        while (reader.poll(remember, BATCH) > 0)
        {
            // to the end
        }
        if (count[0] == 0)
        {
            reader.toEnd();
            return;
        }
        final long oldest = count[0] <= ring.length ? ring[0] : ring[(int)(count[0] % ring.length)];
        reader.moveToIndex(oldest);
    }

    private int printToEnd(final JournalReader reader, final PrintWriter out)
    {
        final JournalHandler printer = this::print;
        while (running && printed < printLimit)
        {
            line.setLength(0);
            final int read = reader.poll(printer, BATCH);
            flush(out);
            if (read == 0 || out.checkError())
            {
                break;
            }
        }
        return 0;
    }

    private int followLoop(final JournalReader reader, final PrintWriter out)
    {
        final JournalHandler printer = this::print;
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(10));
        while (running && printed < printLimit && !out.checkError())
        {
            line.setLength(0);
            final int read = reader.poll(printer, BATCH);
            flush(out);
            idle.idle(read);
        }
        return 0;
    }

    private void flush(final PrintWriter out)
    {
        if (line.length() > 0)
        {
            out.print(line);
            out.flush();
            line.setLength(0);
        }
    }

    private void print(final long index, final long ingestNs, final long sequence, final RecordFlyweight record)
    {
        if (printed < printLimit && matches(record))
        {
            recordFormat.row(line, index, sequence, record);
            printed++;
        }
    }

    private long parseIndex(final String text)
    {
        final String t = text.trim();
        try
        {
            return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) :
                Long.parseLong(t);
        }
        catch (final NumberFormatException e)
        {
            throw new ParameterException(spec.commandLine(), "--from-index: '" + text + "' is not a journal index " +
                "(a decimal number as printed in the index column, or 0x followed by hex digits)");
        }
    }
}
