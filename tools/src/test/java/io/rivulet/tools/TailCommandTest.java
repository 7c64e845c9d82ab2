package io.rivulet.tools;

import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalRollCycle;
import io.rivulet.journal.JournalWriter;
import io.rivulet.ringbuffer.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static io.rivulet.tools.CliHarness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class TailCommandTest
{
    private static final String HEADER = String.format("%14s  %12s  %-8s  %12s  %12s  %s%n",
        "index", "id", "sym", "qty", "px", "ts");

    @TempDir
    Path dir;

    private Path journal()
    {
        return dir.resolve("trades");
    }

    /** The table row of trade {@code i} (see {@link CliHarness#appendTrades}) at journal index {@code index}. */
    private static String row(final long index, final int i)
    {
        return String.format("%14d  %12d  %-8s  %12d  %12s  %s%n", index, i, CliHarness.SYMBOLS[i % 3], 10L * i,
            new java.math.BigDecimal(100_0000L + i * 2500L).movePointLeft(4).toPlainString(),
            Instant.ofEpochMilli(CliHarness.T0_MS + i * 1000L).toString().replace("Z", ".000Z"));
    }

    private static String json(final long index, final int i)
    {
        return "{\"index\":\"" + index + "\",\"id\":" + i + ",\"sym\":\"" + CliHarness.SYMBOLS[i % 3] + "\",\"qty\":" +
            10L * i + ",\"px\":" + new java.math.BigDecimal(100_0000L + i * 2500L).movePointLeft(4).toPlainString() +
            ",\"ts\":\"" + Instant.ofEpochMilli(CliHarness.T0_MS + i * 1000L).toString().replace("Z", ".000Z") +
            "\"}\n";
    }

    private static String rows(final long[] indexes, final int from, final int to)
    {
        final StringBuilder s = new StringBuilder(HEADER);
        for (int i = from; i < to; i++)
        {
            s.append(row(indexes[i], i));
        }
        return s.toString();
    }

    private static void assertOk(final String expectedOut, final CliHarness.Result result)
    {
        assertEquals("", result.err());
        assertEquals(expectedOut, result.out());
        assertEquals(0, result.status());
    }

    private static void assertError(final int status, final String expectedErr, final CliHarness.Result result)
    {
        assertEquals(expectedErr + System.lineSeparator(), result.err());
        assertEquals(status, result.status());
    }

    @Test
    void shouldPrintTheLastTenRecordsAsAnAlignedTableByDefault()
    {
        final long[] indexes = CliHarness.writeTrades(journal(), 25);
        assertOk(rows(indexes, 15, 25), run("tail", journal().toString()));
    }

    @Test
    void shouldPrintTheLastNFromTheStartOrFromAnIndex()
    {
        final long[] indexes = CliHarness.writeTrades(journal(), 25);
        assertOk(rows(indexes, 22, 25), run("tail", journal().toString(), "-n", "3"));
        assertOk(rows(indexes, 0, 25), run("tail", journal().toString(), "-n", "100"));
        assertOk(HEADER, run("tail", journal().toString(), "-n", "0"));
        assertOk(rows(indexes, 0, 25), run("tail", journal().toString(), "--from-start"));
        assertOk(rows(indexes, 20, 25), run("tail", journal().toString(), "--from-index", Long.toString(indexes[20])));
        assertOk(rows(indexes, 20, 25), run("tail", journal().toString(), "--from-index",
            "0x" + Long.toHexString(indexes[20])));
    }

    @Test
    void shouldStopAfterTheLimit()
    {
        final long[] indexes = CliHarness.writeTrades(journal(), 25);
        assertOk(rows(indexes, 0, 4), run("tail", journal().toString(), "--from-start", "--limit", "4"));
        assertOk(HEADER, run("tail", journal().toString(), "--limit", "0"));
    }

    @Test
    void shouldPrintJsonLinesAndCsv()
    {
        final long[] indexes = CliHarness.writeTrades(journal(), 5);
        assertOk(json(indexes[3], 3) + json(indexes[4], 4), run("tail", journal().toString(), "-n", "2", "--format",
            "json"));
        assertOk("index,id,sym,qty,px,ts\n" +
            indexes[4] + ",4,MSFT,40,101.0000,2026-11-27T10:00:04.000Z\n",
            run("tail", journal().toString(), "-n", "1", "--format", "CSV"));
        assertOk("id,sym,qty,px,ts\n4,MSFT,40,101.0000,2026-11-27T10:00:04.000Z\n",
            run("tail", journal().toString(), "-n", "1", "--format", "csv", "--no-index"));
    }

    @Test
    void shouldEscapeSymbolsInJsonAndCsvAndFormatEveryType()
    {
        final Schema schema = Schema.builder().symbol("s", 8).float64("d").bool("b").int32("n").build();
        try (Journal j = Journal.at(journal()).schema(schema).open())
        {
            final JournalWriter w = j.writer();
            w.claim().setSymbol(schema.symbolField("s"), "a\"b,c\\").setDouble(schema.doubleField("d"), Double.NaN)
                .setBoolean(schema.booleanField("b"), true).setInt(schema.intField("n"), -7);
            w.commit();
            w.claim().setSymbol(schema.symbolField("s"), "x\ty").setDouble(schema.doubleField("d"), 0.1);
            w.commit();
        }
        assertOk("{\"s\":\"a\\\"b,c\\\\\",\"d\":null,\"b\":true,\"n\":-7}\n{\"s\":\"x\\ty\",\"d\":0.1,\"b\":false,\"n\":0}\n",
            run("tail", journal().toString(), "--format", "json", "--no-index"));
        assertOk("s,d,b,n\n\"a\"\"b,c\\\",NaN,true,-7\nx\ty,0.1,false,0\n",
            run("tail", journal().toString(), "--format", "csv", "--no-index"));
        assertOk(String.format("%-8s  %12s  %-5s  %11s%n%-8s  %12s  %-5s  %11s%n%-8s  %12s  %-5s  %11s%n",
                "s", "d", "b", "n", "a\"b,c\\", "NaN", "true", "-7", "x\ty", "0.1", "false", "0"),
            run("tail", journal().toString(), "--no-index"));
    }

    @Test
    void shouldFilterWithWhereAndCountTheLastNAmongMatches()
    {
        final long[] indexes = CliHarness.writeTrades(journal(), 25);
        // GOOG is i % 3 == 2: 2, 5, 8, 11, 14, 17, 20, 23; qty > 100 leaves 11 and up
        assertOk(HEADER + row(indexes[20], 20) + row(indexes[23], 23),
            run("tail", journal().toString(), "-n", "2", "--where", "sym = 'GOOG' and qty > 100"));
        assertOk(HEADER + row(indexes[11], 11) + row(indexes[14], 14),
            run("tail", journal().toString(), "--from-start", "--limit", "2", "--where", "sym = 'GOOG' and qty > 100"));
        assertOk(HEADER + row(indexes[24], 24),
            run("tail", journal().toString(), "--where", "px >= 106 or (ts < '2026-11-27T10:00:00.500Z' and id > 0)"));
        assertOk(HEADER, run("tail", journal().toString(), "--where", "sym = 'TSLA'"));
    }

    @Test
    void shouldStartAtTheFirstRecordAtOrAfterFromTime()
    {
        final long[] indexes = CliHarness.writeTrades(journal(), 25);
        assertOk(rows(indexes, 22, 25), run("tail", journal().toString(), "--from-time", "2026-11-27T10:00:21.500Z"));
        assertOk(rows(indexes, 22, 25), run("tail", journal().toString(), "--from-time",
            Long.toString(CliHarness.T0_MS + 22_000), "--time-column", "ts"));
        assertOk(HEADER, run("tail", journal().toString(), "--from-time", "2027-01-01T00:00:00Z"));
        assertOk(rows(indexes, 0, 2), run("tail", journal().toString(), "--from-time", "2020-01-01T00:00:00Z",
            "--limit", "2"));
    }

    @Test
    void shouldFindTheLastNRecordsAcrossCycleFiles()
    {
        final AtomicLong nowMs = new AtomicLong(CliHarness.T0_MS);
        final long[] first;
        final long[] second;
        try (Journal j = Journal.at(journal()).schema(CliHarness.TRADES).rollCycle(JournalRollCycle.FIVE_MINUTELY)
            .retainCycles(Journal.RETAIN_ALL).clock(nowMs::get).open())
        {
            first = CliHarness.appendTrades(j.writer(), 0, 4);
            nowMs.addAndGet(JournalRollCycle.FIVE_MINUTELY.lengthMs());
            second = CliHarness.appendTrades(j.writer(), 4, 6);
        }
        assertEquals(first[3] >>> 32 != second[0] >>> 32 || second[0] - first[3] > 1, true,
            "the two batches are in different cycles");
        final long[] all = {first[0], first[1], first[2], first[3], second[0], second[1]};
        assertOk(rows(all, 1, 6), run("tail", journal().toString(), "-n", "5"));
        assertOk(rows(all, 4, 6), run("tail", journal().toString(), "-n", "2"));
        assertOk(rows(all, 0, 6), run("tail", journal().toString(), "--from-start"));
        // five-minute cycle indexes pass 2^53: JSON gives them as strings, exact, to feed back to --from-index
        assertTrue(second[1] > 1L << 53, Long.toString(second[1]));
        assertOk(json(second[1], 5), run("tail", journal().toString(), "-n", "1", "--format", "json"));
        assertOk(rows(all, 5, 6), run("tail", journal().toString(), "--from-index", Long.toString(second[1])));
    }

    @Test
    void shouldPrintOutputJournalsWithTheirSequence()
    {
        final Schema schema = Schema.builder().int64("v").build();
        final long[] indexes = new long[3];
        try (Journal j = Journal.at(journal()).schema(schema).output().open())
        {
            for (int i = 0; i < 3; i++)
            {
                j.writer().claim().setLong(schema.longField("v"), 100 + i);
                indexes[i] = j.writer().commit();
            }
        }
        assertOk("{\"index\":\"" + indexes[2] + "\",\"seq\":3,\"v\":102}\n",
            run("tail", journal().toString(), "-n", "1", "--format", "json"));
        assertOk(String.format("%14s  %6s  %12s%n%14d  %6d  %12d%n", "index", "seq", "v", indexes[0], 1, 100),
            run("tail", journal().toString(), "--from-start", "--limit", "1"));
    }

    @Test
    void shouldGiveOneLineAndStatusOneForAPathThatIsNotAJournal() throws Exception
    {
        assertError(1, "rivulet tail: no journal at " + dir.resolve("nope") + ": the path does not exist",
            run("tail", dir.resolve("nope").toString()));
        assertError(1, "rivulet tail: " + dir + " is not a Rivulet journal: it has no 'schema' file",
            run("tail", dir.toString()));
        final Path file = Files.writeString(dir.resolve("file.txt"), "hello");
        assertError(1, "rivulet tail: " + file + " is a file, not a journal; give the journal's directory",
            run("tail", file.toString()));
        assertEquals(1, Files.list(dir).count(), "tail created nothing");
    }

    @Test
    void shouldGiveOneLineAndStatusTwoForUsageMistakes()
    {
        final long[] indexes = CliHarness.writeTrades(journal(), 3);
        final String j = journal().toString();
        assertError(2, "rivulet tail: --where: unknown column 'qtty' at position 1; columns: id, sym, qty, px, ts",
            run("tail", j, "--where", "qtty > 100"));
        assertError(2, "rivulet tail: --where: '>' needs numbers; sym (SYMBOL(8)) can only be compared with = or " +
            "!= at position 5", run("tail", j, "--where", "sym > 'A'"));
        assertError(2, "rivulet tail: --from-time: 'yesterday' is neither an ISO-8601 instant (e.g. " +
            "2026-11-27T10:00:00Z) nor epoch milliseconds", run("tail", j, "--from-time", "yesterday"));
        assertError(2, "rivulet tail: --from-start, --from-index=N are mutually exclusive (specify only one) " +
            "(see rivulet tail --help)", run("tail", j, "--from-start", "--from-index", "5"));
        assertError(2, "rivulet tail: --from-index: the journal has no record at index 5 (it holds indexes " +
            indexes[0] + " to " + indexes[2] + ")", run("tail", j, "--from-index", "5"));
        assertError(2, "rivulet tail: --from-index: 'abc' is not a journal index (a decimal number as printed in " +
            "the index column, or 0x followed by hex digits) (see rivulet tail --help)",
            run("tail", j, "--from-index", "abc"));
        assertError(2, "rivulet tail: Invalid value for option '--format': expected one of [TABLE, JSON, CSV] " +
            "(case-insensitive) but was 'xml' (see rivulet tail --help)", run("tail", j, "--format", "xml"));
        assertError(2, "rivulet tail: --limit must be >= 0, got -1 (see rivulet tail --help)",
            run("tail", j, "--limit", "-1"));
        assertError(2, "rivulet tail: --time-column: qty:INT64 is not a TIMESTAMP column",
            run("tail", j, "--from-time", "0", "--time-column", "qty"));
        assertError(2, "rivulet tail: Missing required parameter: '<journal>' (see rivulet tail --help)",
            run("tail"));
        assertError(2, "rivulet tail: Unknown option: '--folow' (see rivulet tail --help)",
            run("tail", j, "--folow"));
    }

    @Test
    void shouldRefuseFromTimeWithoutATimestampColumn()
    {
        final Schema schema = Schema.builder().int64("v").build();
        try (Journal j = Journal.at(journal()).schema(schema).open())
        {
            j.writer().claim().setLong(schema.longField("v"), 1);
            j.writer().commit();
        }
        assertError(2, "rivulet tail: --from-time: the journal has no TIMESTAMP column to read times from; its " +
            "schema is " + schema + " (use --from-index or --from-start)",
            run("tail", journal().toString(), "--from-time", "0"));
    }

    @Test
    void shouldPrintHelp()
    {
        final CliHarness.Result result = run("tail", "--help");
        assertEquals(0, result.status());
        assertTrue(result.out().startsWith("Usage: rivulet tail "), result.out());
        assertTrue(result.out().contains("--where=EXPR"), result.out());
    }

    @Test
    void shouldFollowRecordsAppendedByAnotherThreadUntilStopped() throws Exception
    {
        final long[] indexes = new long[8];
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "tail-follow-test"));
        try (Journal j = Journal.at(journal()).schema(CliHarness.TRADES).open())
        {
            System.arraycopy(CliHarness.appendTrades(j.writer(), 0, 3), 0, indexes, 0, 3);
            final CommandLine cli = RivuletCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
            final TailCommand tail = cli.getSubcommands().get("tail").getCommand();
            final Future<Integer> status = executor.submit(() -> cli.execute("tail", journal().toString(),
                "--follow", "-n", "2"));

            await(() -> out.toString().equals(rows(indexes, 1, 3)), out);
            System.arraycopy(CliHarness.appendTrades(j.writer(), 3, 5), 0, indexes, 3, 2);
            await(() -> out.toString().equals(rows(indexes, 1, 5)), out);
            System.arraycopy(CliHarness.appendTrades(j.writer(), 5, 8), 0, indexes, 5, 3);
            await(() -> out.toString().equals(rows(indexes, 1, 8)), out);

            tail.stop();
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
            assertEquals("", err.toString());
            assertEquals(rows(indexes, 1, 8), out.toString());
        }
        finally
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldFollowWithAFilterAndEndAtTheLimit() throws Exception
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "tail-follow-test"));
        try (Journal j = Journal.at(journal()).schema(CliHarness.TRADES).open())
        {
            CliHarness.appendTrades(j.writer(), 0, 3);
            final CommandLine cli = RivuletCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
            final Future<Integer> status = executor.submit(() -> cli.execute("tail", journal().toString(),
                "--follow", "-n", "0", "--where", "sym = 'AAPL'", "--limit", "2", "--format", "csv", "--no-index"));
            await(() -> out.toString().equals("id,sym,qty,px,ts\n"), out); // positioned at the end
            CliHarness.appendTrades(j.writer(), 3, 10); // AAPL: 3, 6, 9
            assertEquals(0, status.get(30, TimeUnit.SECONDS), "ends by itself after 2 records");
            assertEquals("id,sym,qty,px,ts\n3,AAPL,30,100.7500,2026-11-27T10:00:03.000Z\n" +
                "6,AAPL,60,101.5000,2026-11-27T10:00:06.000Z\n", out.toString());
            assertEquals("", err.toString());
        }
        finally
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    static void await(final BooleanSupplier condition, final StringWriter out) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("timed out; output so far:\n" + out);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
