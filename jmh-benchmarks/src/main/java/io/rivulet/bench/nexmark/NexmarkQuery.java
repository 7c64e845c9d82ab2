package io.rivulet.bench.nexmark;

import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Source;

import java.util.List;
import java.util.function.Consumer;

/**
 * One Nexmark query, twice: declared on Rivulet's public API ({@link #define}), and computed in plain Java with
 * plain collections over the same generated events ({@link #reference}), which tests compare row for row and the
 * benchmark runs side by side.
 */
public abstract class NexmarkQuery
{
    /** A result row of a reference computation. */
    public interface Row
    {
        /** @return the values in the Rivulet output schema's column order, boxed as a collecting sink boxes them. */
        List<Object> values();

        /** @return the value of the query's {@link #checkColumn()}, for the benchmark's cross-check. */
        long check();
    }

    /** @return e.g. {@code q5}. */
    public abstract String name();

    /** @return what the query computes, one line. */
    public abstract String description();

    /** @return true if the rows' order is part of the query's result (else tests compare them as multisets). */
    public boolean ordered()
    {
        return false;
    }

    /**
     * The query as a user writes it on the public API, up to the sink.
     *
     * @param generator the event stream (its sources are made here).
     * @param events    how many events of the stream to read.
     * @return the result stream; {@code to(sink)} runs it.
     */
    public abstract RecordStream define(NexmarkGenerator generator, long events);

    /**
     * The query over any source of {@link NexmarkEvents#EVENT} records (a publisher, a journal), for the queries
     * that read one stream.
     *
     * @param events the source of the whole event stream.
     * @return the result stream.
     * @throws UnsupportedOperationException for the joins, which read persons and auctions from two sources.
     */
    public RecordStream define(final Source events)
    {
        throw new UnsupportedOperationException(name() + " joins two sources (persons and auctions); use " +
            "define(generator, events)");
    }

    /** @return an INT64/TIMESTAMP output column summed into the benchmark's checksum. */
    public abstract String checkColumn();

    /**
     * The same query in plain Java over the same events, single-threaded.
     *
     * @param generator the event stream.
     * @param events    how many events of the stream to read.
     * @param out       receives each result row.
     */
    public abstract void reference(NexmarkGenerator generator, long events, Consumer<Row> out);

    /**
     * @param name {@code q0}, {@code q1}, ...
     * @return the query.
     * @throws IllegalArgumentException naming the queries there are.
     */
    public static NexmarkQuery named(final String name)
    {
        for (final NexmarkQuery q : all())
        {
            if (q.name().equalsIgnoreCase(name))
            {
                return q;
            }
        }
        throw new IllegalArgumentException("No Nexmark query '" + name + "'; the queries are " +
            all().stream().map(NexmarkQuery::name).toList());
    }

    /** @return q0, q1, q2, q3, q5, q7, q8. */
    public static List<NexmarkQuery> all()
    {
        return NexmarkQueries.ALL;
    }
}
