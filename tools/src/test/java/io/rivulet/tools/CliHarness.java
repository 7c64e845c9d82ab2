package io.rivulet.tools;

import io.rivulet.journal.Journal;
import io.rivulet.engine.samples.PatternSample;
import io.rivulet.engine.samples.WindowedTradesSample;
import io.rivulet.journal.JournalWriter;
import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Runs {@code rivulet} commands in-process with captured stdout/stderr, and writes the journals they read.
 */
final class CliHarness
{
    static final Schema TRADES = Schema.builder()
        .int64("id").symbol("sym", 8).int64("qty").decimal("px", 4).timestamp("ts").build();
    static final LongField ID = TRADES.longField("id");
    static final SymbolField SYM = TRADES.symbolField("sym");
    static final LongField QTY = TRADES.longField("qty");
    static final DecimalField PX = TRADES.decimalField("px");
    static final LongField TS = TRADES.longField("ts");
    static final long T0_MS = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
    static final String[] SYMBOLS = {"AAPL", "MSFT", "GOOG"};

    /** What a command printed and returned. */
    record Result(int status, String out, String err)
    {
    }

    private CliHarness()
    {
    }

    static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = RivuletCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        final int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    /**
     * Appends trades {@code from} to {@code to - 1}: id i, symbol SYMBOLS[i % 3], qty 10 * i, px 100 + i/4 (exact
     * quarters), ts T0 + i seconds.
     *
     * @return the journal index of each record, by id - from.
     */
    static long[] appendTrades(final JournalWriter writer, final int from, final int to)
    {
        final long[] indexes = new long[to - from];
        for (int i = from; i < to; i++)
        {
            writer.claim().setLong(ID, i).setSymbol(SYM, SYMBOLS[i % 3]).setLong(QTY, 10L * i)
                .setDecimal(PX, 100_0000L + i * 2500L, 4).setLong(TS, T0_MS + i * 1000L);
            indexes[i - from] = writer.commit();
        }
        return indexes;
    }

    static long[] writeTrades(final Path dir, final int count)
    {
        try (Journal journal = Journal.at(dir).schema(TRADES).open())
        {
            return appendTrades(journal.writer(), 0, count);
        }
    }

    /**
     * Writes {@code count} trades of {@link WindowedTradesSample#INPUT} as the sample generates them: 10 per
     * event-time millisecond, up to 200 ms out of order, every 1000th 3 s late.
     */
    static void writeSampleTrades(final Path dir, final int count)
    {
        final Schema schema = WindowedTradesSample.INPUT;
        final String[] symbols = {"AAPL", "MSFT", "IBM"};
        try (Journal journal = Journal.at(dir).schema(schema).open())
        {
            final JournalWriter writer = journal.writer();
            for (long i = 0; i < count; i++)
            {
                final long disorderMs = (i * 7919) % 200 + (i % 1000 == 999 ? 3_000 : 0);
                writer.claim().setSymbol(schema.symbolField("sym"), symbols[(int)(i % 3)])
                    .setInt(schema.intField("qty"), 1 + (int)(i % 100))
                    .setDouble(schema.doubleField("px"), 100 + (i % 50) / 10.0)
                    .setLong(schema.longField("ts"), 1_700_000_000_000L + i / 10 - disorderMs);
                writer.commit();
            }
        }
    }

    /** Writes {@code count} events of {@link PatternSample#INPUT} as the sample generates them. */
    static void writeSampleEvents(final Path dir, final int count)
    {
        final Schema schema = PatternSample.INPUT;
        final long[] values = {2, 10, 5, 7};
        final String[] keys = {"K1", "K2", "K3", "K4", "K5", "K6", "K7"};
        try (Journal journal = Journal.at(dir).schema(schema).open())
        {
            final JournalWriter writer = journal.writer();
            for (long i = 0; i < count; i++)
            {
                final int k = (int)(i % keys.length);
                final long round = i / keys.length;
                writer.claim().setSymbol(schema.symbolField("key"), keys[k])
                    .setLong(schema.longField("value"), values[(int)((round * (k + 1)) % values.length)])
                    .setLong(schema.longField("ts"), 1_700_000_000_000L + i);
                writer.commit();
            }
        }
    }
}
