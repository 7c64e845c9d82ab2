package io.rivulet.tools;

import io.rivulet.journal.Journal;
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
}
