package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Factories for the built-in sinks. Any {@link Sink} lambda is also a callback sink.
 */
public final class Sinks
{
    private Sinks()
    {
    }

    /**
     * A callback sink that checks, when the pipeline is built, that it receives the schema it was written for.
     *
     * @param expected the schema the callback reads.
     * @param callback receives each record on the sink thread.
     * @return the sink.
     */
    public static Sink callback(final Schema expected, final Sink callback)
    {
        if (expected == null || callback == null)
        {
            throw new SchemaException("callback(expected, callback) needs a schema and a callback");
        }
        return new Sink()
        {
            public void open(final Schema schema)
            {
                if (!expected.equals(schema))
                {
                    throw new SchemaException("Sink expects " + expected + " but the pipeline produces " + schema +
                        "; fix the select/map before the sink or the sink's schema");
                }
                callback.open(schema);
            }

            public void onRecord(final io.rivulet.ringbuffer.RecordFlyweight record)
            {
                callback.onRecord(record);
            }

            public void onRecord(final io.rivulet.ringbuffer.RecordFlyweight record, final long epoch,
                final long sequence)
            {
                callback.onRecord(record, epoch, sequence);
            }

            public void onEpochCommitted(final long epoch)
            {
                callback.onEpochCommitted(epoch);
            }

            public void onWatermark(final long watermarkMs)
            {
                callback.onWatermark(watermarkMs);
            }

            public void onEpoch(final long epochId)
            {
                callback.onEpoch(epochId);
            }

            public void onEndOfStream()
            {
                callback.onEndOfStream();
            }

            public void close()
            {
                callback.close();
            }
        };
    }

    /**
     * @return a sink printing every record to standard output.
     */
    public static Sink console()
    {
        return console(System.out, Long.MAX_VALUE);
    }

    /**
     * @param out     where to print.
     * @param maxRows rows to print; later rows are counted, not printed.
     * @return a sink printing rows as an aligned table, each column as wide as its type's widest value: DECIMAL
     *         exactly at its scale, FLOAT64 with its shortest round-trip digits ({@code 1.08345},
     *         {@code 0.000012}; scientific below 1e-6 and from 1e15). Formats text per row: not for the hot path.
     */
    public static Sink console(final PrintStream out, final long maxRows)
    {
        if (out == null || maxRows < 0)
        {
            throw new SchemaException("console(out, maxRows) needs a stream and maxRows >= 0");
        }
        return new ConsoleSink(out, maxRows);
    }

    /**
     * @return a sink keeping every record as a boxed row, for tests.
     */
    public static CollectingSink collecting()
    {
        return new CollectingSink();
    }

    /**
     * @return a sink ignoring records (latency and counters are still recorded).
     */
    public static Sink discard()
    {
        return record -> { };
    }

    /**
     * An output journal: every record is appended with a stable output sequence number (1, 2, 3, ...). See
     * {@link JournalSink}.
     *
     * @param dir the output journal's directory: created with the stream's schema if new, else reopened.
     * @return the sink; {@link JournalSink#lastSequence()} tells how far it wrote.
     */
    public static JournalSink journal(final Path dir)
    {
        return new JournalSink(dir);
    }
}
