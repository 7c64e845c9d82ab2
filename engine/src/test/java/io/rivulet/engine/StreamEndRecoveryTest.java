package io.rivulet.engine;

import io.rivulet.journal.EpochCutLog;
import io.rivulet.journal.Journal;
import io.rivulet.journal.JournalWriter;
import io.rivulet.operators.window.Aggregate;
import io.rivulet.operators.window.OutputMode;
import io.rivulet.operators.window.WindowSpec;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.SymbolField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash after the end of stream left the source and before its (final) checkpoint was written, under the
 * triggers whose epochs do not follow the clock: the rows the end of stream emitted (every window still open) are
 * in the output journal, and the input journal may have grown since (an app appends the next day). The replay
 * must end the stream at the same record, or those rows come out with other contents under the sequence numbers
 * the output holds, which then drops them: the output would keep rows no run computed.
 */
class StreamEndRecoveryTest extends ThreadLeakCheck
{
    private static final int RECORDS = 10_000;
    private static final int KEYS = 20;

    @TempDir
    Path tmp;

    private static PipelineBuilder job(final Path input, final Path output, final Path checkpoints,
        final Trigger trigger, final OutputMode mode)
    {
        return Pipeline.from(Sources.journal(input, ExactlyOnceJob.INPUT))
            .withWatermark("ts", 50)
            .groupBy(WindowSpec.tumbling("ts", 1_000), "key")
            .outputMode(mode)
            .agg(Aggregate.count(), Aggregate.sum("value"))
            .to(Sinks.journal(output))
            .name("stream-end")
            .trigger(trigger)
            .checkpointLocation(checkpoints)
            .checkpointInterval(Duration.ofMillis(5));
    }

    private static void run(final PipelineBuilder builder)
    {
        try (Pipeline p = builder.start())
        {
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS));
        }
    }

    /** Appends records that continue the input's event time: they would change the windows open at its end. */
    private static void append(final Path input, final int count)
    {
        final LongField id = ExactlyOnceJob.INPUT.longField("id");
        final SymbolField key = ExactlyOnceJob.INPUT.symbolField("key");
        final LongField value = ExactlyOnceJob.INPUT.longField("value");
        final LongField ts = ExactlyOnceJob.INPUT.longField("ts");
        try (Journal journal = Journal.at(input).schema(ExactlyOnceJob.INPUT).open();
            JournalWriter writer = journal.writer())
        {
            for (int i = 0; i < count; i++)
            {
                final RecordFlyweight r = writer.claim();
                r.setLong(id, RECORDS + i).setSymbol(key, "k" + (i % KEYS)).setLong(value, 1)
                    .setLong(ts, 1_700_000_000_000L + RECORDS - 500 + i);
                writer.commit();
            }
        }
    }

    private static void deleteNewestCheckpoint(final Path checkpoints) throws IOException
    {
        final List<Path> files;
        try (Stream<Path> list = Files.list(checkpoints))
        {
            files = list.filter(f -> f.getFileName().toString().endsWith(".ckpt")).sorted().toList();
        }
        assertTrue(files.size() >= 2, files::toString);
        Files.delete(files.get(files.size() - 1));
    }

    private void shouldEndTheReplayWhereTheStreamEnded(final Trigger trigger, final OutputMode mode)
        throws IOException
    {
        final Path input = tmp.resolve("input");
        final Path output = tmp.resolve("output");
        final Path checkpoints = tmp.resolve("checkpoints");
        ExactlyOnceJob.writeInput(input, RECORDS, KEYS, 7);
        run(job(input, output, checkpoints, trigger, mode));
        final List<String> golden = ExactlyOnceCrashTest.readOutput(output);
        assertTrue(golden.size() > KEYS, "rows: " + golden.size());

        // a kill -9 after the end of stream's rows reached the output and before its checkpoint reached the disk
        deleteNewestCheckpoint(checkpoints);
        final long loggedEnd = EpochCutLog.streamEndAfter(checkpoints, 0).streamEnd();
        assertNotEquals(Long.MIN_VALUE, loggedEnd, "where the stream ended is logged");
        append(input, 3_000);
        run(job(input, output, checkpoints, trigger, mode));
        assertEquals(golden, ExactlyOnceCrashTest.readOutput(output),
            "the replay ended the stream where the run before did; the records appended after it came after the end");

        // a rerun now, after the completed replay, resumes from the end's checkpoint, where event time has ended:
        // the appended records are late, as after any completed run
        run(job(input, output, checkpoints, trigger, mode));
        assertEquals(golden, ExactlyOnceCrashTest.readOutput(output));
    }

    @Test
    void shouldResumeACompletedAvailableNowRunAfterItsEnd() throws IOException
    {
        // APPEND: the end of stream closed the last windows. The state after it is checkpointed too (it was not:
        // a rerun restored the last epoch's, before the end, and emitted those windows again with other contents
        // under the sequence numbers the output held, which dropped them)
        final Path input = tmp.resolve("append-input");
        final Path output = tmp.resolve("append-output");
        final Path checkpoints = tmp.resolve("append-checkpoints");
        ExactlyOnceJob.writeInput(input, RECORDS, KEYS, 7);
        run(job(input, output, checkpoints, Trigger.availableNow(3_000), OutputMode.APPEND));
        final List<String> golden = ExactlyOnceCrashTest.readOutput(output);
        append(input, 3_000);
        run(job(input, output, checkpoints, Trigger.availableNow(3_000), OutputMode.APPEND));
        assertEquals(golden, ExactlyOnceCrashTest.readOutput(output), "late after the end, as under continuous");

        // a pipeline without event time goes on with what was appended: a nightly availableNow run over new input
        final Path passInput = tmp.resolve("pass-input");
        final Path passOutput = tmp.resolve("pass-output");
        final Path passCheckpoints = tmp.resolve("pass-checkpoints");
        ExactlyOnceJob.writeInput(passInput, RECORDS, KEYS, 7);
        final java.util.function.Supplier<PipelineBuilder> pass = () -> Pipeline.from(
                Sources.journal(passInput, ExactlyOnceJob.INPUT))
            .select(io.rivulet.operators.Expr.col("id"), io.rivulet.operators.Expr.col("key"))
            .to(Sinks.journal(passOutput)).name("pass").trigger(Trigger.availableNow(3_000))
            .checkpointLocation(passCheckpoints);
        run(pass.get());
        final List<String> first = ExactlyOnceCrashTest.readOutput(passOutput);
        assertEquals(RECORDS, first.size());
        append(passInput, 3_000);
        run(pass.get());
        final List<String> both = ExactlyOnceCrashTest.readOutput(passOutput);
        assertEquals(first, both.subList(0, RECORDS));
        assertEquals(RECORDS + 3_000, both.size(), "the appended records, once each");
    }

    @Test
    void shouldEndTheReplayOfAStreamThatEndedBeforeAnyRecordBeforeTheRecordsAppendedSince() throws IOException
    {
        final Path input = tmp.resolve("empty-input");
        final Path output = tmp.resolve("empty-output");
        final Path checkpoints = tmp.resolve("empty-checkpoints");
        try (Journal journal = Journal.at(input).schema(ExactlyOnceJob.INPUT).open())
        {
            assertEquals(-1, journal.lastIndex(), "an empty input journal");
        }
        run(job(input, output, checkpoints, Trigger.continuous(), OutputMode.APPEND));
        assertEquals(List.of(), ExactlyOnceCrashTest.readOutput(output));
        deleteNewestCheckpoint(checkpoints);
        append(input, 3_000);
        run(job(input, output, checkpoints, Trigger.continuous(), OutputMode.APPEND));
        assertEquals(List.of(), ExactlyOnceCrashTest.readOutput(output), "the stream had ended before any record");
    }

    /** A journaled publisher's app publishes and ends the stream itself; a replay must end where it did. */
    @Test
    void shouldEndAJournaledPublishersAvailableNowReplayWhereTheAppEndedTheStream() throws IOException
    {
        final Path journal = tmp.resolve("published");
        final Path checkpoints = tmp.resolve("published-checkpoints");
        final ProcessingTimeCheckpointTest.SequencedSink first = new ProcessingTimeCheckpointTest.SequencedSink();
        publishAndEnd(journal, checkpoints, first, 0, 2_000, 0);
        assertTrue(first.sequences.size() > KEYS, "rows: " + first.sequences.size());
        deleteNewestCheckpoint(checkpoints); // kill -9 before the end of stream's checkpoint reached the disk
        // the restarted app publishes more, within the windows the end of stream closed, and ends again
        final ProcessingTimeCheckpointTest.SequencedSink replay = new ProcessingTimeCheckpointTest.SequencedSink();
        publishAndEnd(journal, checkpoints, replay, 2_000, 3_000, 700);
        assertFalse(replay.sequences.isEmpty());
        for (final long sequence : replay.sequences)
        {
            if (first.bySequence.containsKey(sequence))
            {
                assertEquals(first.bySequence.get(sequence), replay.bySequence.get(sequence),
                    "output " + sequence + " replayed with other values");
            }
        }
    }

    private static void publishAndEnd(final Path journal, final Path checkpoints,
        final ProcessingTimeCheckpointTest.SequencedSink sink, final int from, final int to, final long tsShift)
    {
        final LongField id = ExactlyOnceJob.INPUT.longField("id");
        final SymbolField key = ExactlyOnceJob.INPUT.symbolField("key");
        final LongField value = ExactlyOnceJob.INPUT.longField("value");
        final LongField ts = ExactlyOnceJob.INPUT.longField("ts");
        try (JournaledPublisher in = Sources.journaled(journal, ExactlyOnceJob.INPUT);
            Pipeline p = Pipeline.from(in)
                .withWatermark("ts", 50)
                .groupBy(WindowSpec.tumbling("ts", 1_000), "key")
                .agg(Aggregate.count(), Aggregate.sum("value"))
                .to(sink).name("published").trigger(Trigger.availableNow(500)).checkpointLocation(checkpoints)
                .start())
        {
            for (int i = from; i < to; i++)
            {
                final RecordFlyweight r = in.claim();
                r.setLong(id, i).setSymbol(key, "k" + (i % KEYS)).setLong(value, 1)
                    .setLong(ts, 1_700_000_000_000L + i - tsShift);
                in.commit();
            }
            in.endOfStream();
            assertTrue(p.awaitCompletion(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldEndAContinuousReplayWhereTheStreamEndedAfterTheInputGrew() throws IOException
    {
        shouldEndTheReplayWhereTheStreamEnded(Trigger.continuous(), OutputMode.APPEND);
    }

    @Test
    void shouldEndAnAvailableNowReplayWhereTheStreamEndedAfterTheInputGrew() throws IOException
    {
        shouldEndTheReplayWhereTheStreamEnded(Trigger.availableNow(3_000), OutputMode.UPDATE);
    }
}
