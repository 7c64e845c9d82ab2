package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Factories for the built-in sources and for your own feed ({@link #feed}).
 */
public final class Sources
{
    private Sources()
    {
    }

    /**
     * A source the application publishes into from its own thread (claim, fill, commit): for embedding.
     *
     * @param schema of the published records.
     * @return the source; publish through it after the pipeline starts.
     */
    public static PublisherSource publisher(final Schema schema)
    {
        return new PublisherSource(schema);
    }

    /**
     * A source generating records on its own thread at a fixed pace: for demos and benchmarks.
     *
     * @param schema           of the generated records.
     * @param recordsPerSecond pace; 0 for as fast as the pipeline takes them.
     * @param count            records to generate before end-of-stream; {@link Long#MAX_VALUE} for unbounded.
     * @param generator        fills each record.
     * @return the source.
     */
    public static Source generator(
        final Schema schema, final long recordsPerSecond, final long count, final RecordGenerator generator)
    {
        if (recordsPerSecond < 0 || recordsPerSecond > 1_000_000_000L)
        {
            throw new SchemaException("recordsPerSecond must be 0 (unpaced) to 1e9, got " + recordsPerSecond);
        }
        if (count < 0)
        {
            throw new SchemaException("count must be >= 0, got " + count);
        }
        if (generator == null)
        {
            throw new SchemaException("generator is null");
        }
        return new GeneratorSource(schema, recordsPerSecond, count, generator);
    }

    /**
     * A finite in-memory source, for tests and examples. Rows are validated against the schema here.
     *
     * @param schema of the rows.
     * @param rows   each an {@code Object[]} or {@code List} of Long/Integer, Double, Boolean or String values
     *               in the schema's column order.
     * @return the source, which ends the stream after the last row.
     * @throws SchemaException naming the row and column of the first value that does not fit.
     */
    public static Source rows(final Schema schema, final List<?> rows)
    {
        return new RowsSource(schema, rows);
    }

    /**
     * @param schema of the rows.
     * @param rows   each an {@code Object[]} in the schema's column order.
     * @return see {@link #rows(Schema, List)}.
     */
    public static Source rows(final Schema schema, final Object[]... rows)
    {
        return new RowsSource(schema, Arrays.asList((Object[])rows));
    }

    /**
     * Your own feed (Aeron, FIX, Kafka, a socket...) as a source: the pipeline runs {@code function} on a thread
     * of its own, started with the pipeline, and the function publishes through its {@link SourceContext}
     * (claim, fill, commit or abort; watermarks; end of stream; whether to stop). See {@link SourceFunction}
     * for the lifecycle.
     *
     * @param schema   of the published records.
     * @param name     names the source in the plan, metrics and error messages, e.g. "fix-gateway".
     * @param function the feed's body.
     * @return the source.
     */
    public static Source feed(final Schema schema, final String name, final SourceFunction function)
    {
        if (name == null || name.isBlank())
        {
            throw new SchemaException("A feed needs a name (shown in the plan, metrics and errors), got " +
                (name == null ? "null" : "'" + name + "'"));
        }
        if (function == null)
        {
            throw new SchemaException("Feed '" + name + "' has no function; pass a SourceFunction (ctx -> ...)");
        }
        return new FeedSource(schema, name, function);
    }

    /**
     * Reads a journal with the schema stored in it: from the start, an index or the end; finite (the default:
     * up to the last entry at start, then the stream ends) or tailing. See {@link JournalSource}.
     *
     * @param dir the journal's directory; it must hold a journal.
     * @return the source, to configure before building the pipeline.
     * @throws IllegalArgumentException if {@code dir} is not a journal.
     */
    public static JournalSource journal(final Path dir)
    {
        return JournalSource.open(dir, null);
    }

    /**
     * As {@link #journal(Path)}, checking the journal holds records of the expected schema.
     *
     * @param dir      the journal's directory; it must hold a journal.
     * @param expected the schema the pipeline is written for.
     * @return the source.
     * @throws SchemaException if the journal's schema differs (the message shows both).
     */
    public static JournalSource journal(final Path dir, final Schema expected)
    {
        if (expected == null)
        {
            throw new IllegalArgumentException("Sources.journal(dir, expected): expected is null; give a Schema or " +
                "use Sources.journal(dir) to take the journal's own");
        }
        return JournalSource.open(dir, expected);
    }

    /**
     * A publisher whose commits go to a journal that the pipeline tails: the journal is the one source of truth for
     * what entered. See {@link JournaledPublisher}.
     *
     * @param dir    the journal's directory: created (with the schema) if new, else reopened.
     * @param schema of the published records.
     * @return the publisher; close it (or end its stream) when done.
     * @throws SchemaException if the journal exists with another schema (the message shows both).
     */
    public static JournaledPublisher journaled(final Path dir, final Schema schema)
    {
        return JournaledPublisher.open(dir, schema);
    }
}
