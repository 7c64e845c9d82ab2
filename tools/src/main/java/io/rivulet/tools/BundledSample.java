package io.rivulet.tools;

import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sink;
import io.rivulet.engine.samples.PatternSample;
import io.rivulet.engine.samples.WindowedTradesSample;
import io.rivulet.ringbuffer.Schema;

import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The samples bundled with Rivulet ({@code io.rivulet.engine.samples}) by the name {@code rivulet sample} and
 * {@code rivulet replay --pipeline} know them by: each one's runnable {@code main}, its input schema and its
 * operators (the pipeline without source and sink), so a replay runs exactly the sample's operators.
 */
enum BundledSample
{
    /** {@link WindowedTradesSample}: 1 s tumbling windows per symbol over trades, late data to a side output. */
    WINDOWS("windows", "event-time windows, late data", WindowedTradesSample.INPUT,
        WindowedTradesSample::operators, WindowedTradesSample::main),
    /** {@link PatternSample}: 2 -> 10 -> 5 per key within 5 s of event time. */
    PATTERN("pattern", "2 -> 10 -> 5 per key", PatternSample.INPUT,
        (events, lateData) -> PatternSample.operators(events), PatternSample::main);

    private final String sampleName;
    private final String summary;
    private final Schema input;
    private final BiFunction<RecordStream, Sink, RecordStream> operators;
    private final java.util.function.Consumer<String[]> main;

    BundledSample(
        final String sampleName,
        final String summary,
        final Schema input,
        final BiFunction<RecordStream, Sink, RecordStream> operators,
        final java.util.function.Consumer<String[]> main)
    {
        this.sampleName = sampleName;
        this.summary = summary;
        this.input = input;
        this.operators = operators;
        this.main = main;
    }

    /** @return the name on the command line. */
    String sampleName()
    {
        return sampleName;
    }

    /** @return the records the sample reads. */
    Schema input()
    {
        return input;
    }

    /**
     * @param in       a stream of {@link #input()} records.
     * @param lateData receives records a window dropped as late (samples without windows ignore it).
     * @return the sample's output stream.
     */
    RecordStream operators(final RecordStream in, final Sink lateData)
    {
        return operators.apply(in, lateData);
    }

    /** Runs the sample's own {@code main} over its generated input, printing to stdout. */
    void runMain()
    {
        main.accept(new String[0]);
    }

    /** @return e.g. {@code windows (event-time windows, late data), pattern (2 -> 10 -> 5 per key)}. */
    static String describeAll()
    {
        return Arrays.stream(values()).map(s -> s.sampleName + " (" + s.summary + ")")
            .collect(Collectors.joining(", "));
    }

    /**
     * @param name   a sample's name, as typed.
     * @param option the option or parameter that named it, for the message.
     * @return the sample.
     * @throws CliException (status 2) naming the known samples.
     */
    static BundledSample named(final String name, final String option)
    {
        for (final BundledSample sample : values())
        {
            if (sample.sampleName.equals(name))
            {
                return sample;
            }
        }
        throw new CliException(option + ": unknown sample '" + name + "'; the samples are " + describeAll(), 2);
    }
}
