package io.rivulet.tools;

import io.rivulet.engine.CheckpointMetrics;
import io.rivulet.engine.JournalSink;
import io.rivulet.engine.Pipeline;
import io.rivulet.engine.PipelineBuilder;
import io.rivulet.engine.PipelineFailedException;
import io.rivulet.engine.Sink;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.journal.CheckpointInfo;
import io.rivulet.journal.CheckpointStore;
import io.rivulet.journal.Journal;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code rivulet replay <journal> --to <journal> --pipeline <sample>}: runs a bundled sample's operators
 * ({@link BundledSample}) over every record of an input journal, from its start to its end, into an output
 * journal, e.g. to rebuild outputs. With {@code --checkpoints DIR} the run is exactly-once and resumable: a
 * replay that was killed, run again with the same arguments, restores the newest checkpoint and the output
 * journal holds each result once.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Rerun a bundled sample pipeline over a journal (start to end) into an output journal.",
        "Samples: " + "windows (event-time windows, late data), pattern (2 -> 10 -> 5 per key); the input journal " +
            "must hold the sample's input schema (see the error message, or rivulet inspect).",
        "Exit status: 0 ok, 1 a journal is missing or unreadable or the pipeline failed, 2 usage."})
final class ReplayCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<journal>", description = "the input journal's directory")
    Path input;

    @Option(names = "--to", required = true, paramLabel = "<journal>",
        description = "the output journal's directory: created if new; with --checkpoints it may hold the " +
            "outputs of an earlier, interrupted run of the same replay")
    Path output;

    @Option(names = "--pipeline", required = true, paramLabel = "NAME", description = "the sample: windows | pattern")
    String pipeline;

    @Option(names = "--checkpoints", paramLabel = "DIR",
        description = "exactly-once and resumable: checkpoint into DIR (created if missing) and resume from it")
    Path checkpoints;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
        description = "with --checkpoints, also checkpoint every N input records (default: by time, every second)")
    long checkpointEvery;

    @Override
    public Integer call()
    {
        final BundledSample sample = BundledSample.named(pipeline, "--pipeline");
        if (checkpoints == null && checkpointEvery != 0)
        {
            throw new CliException("--checkpoint-every needs --checkpoints DIR", 2);
        }
        if (checkpointEvery < 0)
        {
            throw new CliException("--checkpoint-every must be >= 0 records, got " + checkpointEvery, 2);
        }
        final long inputRecords = checkInput(sample);
        checkOutput();

        final AtomicLong late = new AtomicLong();
        final Sink lateData = (RecordFlyweight record) -> late.lazySet(late.get() + 1); // one writer: the stage thread
        final JournalSink sink = Sinks.journal(output);
        final long outputsBefore = existingOutputs();
        PipelineBuilder builder = sample.operators(
            Pipeline.from(Sources.journal(input, sample.input()).fromStart().finite()), lateData)
            .to(sink)
            .name("replay-" + sample.sampleName());
        if (checkpoints != null)
        {
            builder = builder.checkpointLocation(checkpoints).checkpointEvery(checkpointEvery);
        }
        final Pipeline pipeline;
        try
        {
            pipeline = builder.build();
        }
        catch (final IllegalStateException e)
        {
            // e.g. the checkpoint directory belongs to another pipeline: the engine's message says which and why
            throw new CliException(e.getMessage().replace('\n', ' '), 1);
        }
        try (Pipeline p = pipeline.start())
        {
            p.awaitCompletion(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            final CheckpointMetrics ckpt = p.checkpointMetrics();
            final StringBuilder out = new StringBuilder(256);
            out.append("replayed ").append(input).append(" (").append(inputRecords).append(" records) through '")
                .append(sample.sampleName()).append("' into ").append(output).append(": ")
                .append(sink.lastSequence() - outputsBefore).append(" new outputs, last seq ")
                .append(sink.lastSequence());
            if (late.get() > 0)
            {
                out.append("; ").append(late.get()).append(" late records dropped");
            }
            if (ckpt != null)
            {
                out.append("; ").append(ckpt.restoredEpoch() >= 0 ? "resumed from checkpoint epoch " +
                    ckpt.restoredEpoch() + ", " : "").append(ckpt.checkpointsWritten()).append(" checkpoints written")
                    .append(ckpt.replaysSuppressed() > 0 ? ", " + ckpt.replaysSuppressed() +
                        " replayed outputs already in the output dropped" : "");
            }
            spec.commandLine().getOut().println(out);
            spec.commandLine().getOut().flush();
            return 0;
        }
        catch (final PipelineFailedException e)
        {
            final Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CliException("the replay failed: " + cause, 1);
        }
    }

    /** @return the input's record count, after checking it exists and holds the sample's input schema. */
    private long checkInput(final BundledSample sample)
    {
        try (Journal journal = JournalFiles.open(input))
        {
            final Schema schema = journal.schema();
            if (!schema.equals(sample.input()))
            {
                throw new CliException(input + " holds " + schema + ", but sample '" + sample.sampleName() +
                    "' reads " + sample.input() + ": replay a journal of the sample's input", 2);
            }
            return journal.entryCount();
        }
    }

    private void checkOutput()
    {
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize()))
        {
            throw new CliException("--to " + output + " is the input journal; give another directory", 2);
        }
        if (!Files.exists(output))
        {
            return;
        }
        if (!Files.isDirectory(output))
        {
            throw new CliException("--to " + output + " is a file; give a directory for the output journal", 2);
        }
        if (Files.exists(output.resolve(Journal.SCHEMA_FILE_NAME)))
        {
            final long outputs = existingOutputs();
            if (checkpoints == null && outputs > 0)
            {
                throw new CliException("--to " + output + " already holds " + outputs + " records: give " +
                    "a new output journal, or --checkpoints DIR to make the replay resumable", 2);
            }
            if (checkpoints != null && outputs > 0 && !hasValidCheckpoint())
            {
                // a fresh run would number its outputs after the existing ones: every result would be there twice
                throw new CliException("--to " + output + " already holds " + outputs + " records, but " +
                    checkpoints + " holds no checkpoint to resume from: give a new output journal, or the " +
                    "checkpoint directory of the replay that wrote it", 2);
            }
            return;
        }
        try (Stream<Path> files = Files.list(output))
        {
            if (files.findAny().isPresent())
            {
                throw new CliException("--to " + output + " is a directory with other files, not a journal; give a " +
                    "new directory for the output journal", 2);
            }
        }
        catch (final IOException e)
        {
            throw new CliException("--to " + output + ": cannot list it: " + e.getMessage(), 1);
        }
    }

    private boolean hasValidCheckpoint()
    {
        // open() would create a missing directory; list() only reads
        return Files.isDirectory(checkpoints) &&
            CheckpointStore.open(checkpoints, 1).list().stream().anyMatch(CheckpointInfo::valid);
    }

    private long existingOutputs()
    {
        if (!Files.exists(output.resolve(Journal.SCHEMA_FILE_NAME)))
        {
            return 0;
        }
        try (Journal journal = JournalFiles.open(output))
        {
            return journal.entryCount();
        }
    }
}
