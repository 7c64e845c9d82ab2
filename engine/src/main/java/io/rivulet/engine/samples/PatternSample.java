package io.rivulet.engine.samples;

import io.rivulet.engine.Pipeline;
import io.rivulet.engine.RecordStream;
import io.rivulet.engine.Sinks;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;

import java.util.concurrent.TimeUnit;

/**
 * The mission's hard case, runnable: a stream of (key, value) events where only a key whose values arrive as
 * 2, then 10, then 5 within 5 s of event time raises an alert. See {@link SequencePatternDetector}.
 * <p>
 * {@link #INPUT} and {@link #operators} are the pipeline without its source and sink: {@code main} feeds it
 * generated events, {@code rivulet replay --pipeline pattern} a journal of {@link #INPUT} records.
 */
public final class PatternSample
{
    /** The events this sample reads: key, value, event time. */
    public static final Schema INPUT = SequencePatternDetector.INPUT;

    private PatternSample()
    {
    }

    /**
     * The sample's operators: watermark at the newest event, then the 2 -> 10 -> 5 pattern per key within 5 s.
     *
     * @param events a stream of {@link #INPUT} records.
     * @return the alerts ({@link SequencePatternDetector#OUTPUT}).
     */
    public static RecordStream operators(final RecordStream events)
    {
        return events
            .withWatermark("ts", 0)
            .processByKey(new String[]{"key"}, SequencePatternDetector.STATE, SequencePatternDetector.OUTPUT,
                new SequencePatternDetector(5_000));
    }

    /**
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        final Schema input = INPUT;
        final SymbolField key = input.symbolField("key");
        final LongField value = input.longField("value");
        final LongField ts = input.longField("ts");
        final long[] values = {2, 10, 5, 7};
        final String[] keys = {"K1", "K2", "K3", "K4", "K5", "K6", "K7"};

        try (Pipeline p = operators(Pipeline.from(Sources.generator(input, 0, 200_000, (i, r) ->
            {
                // keys cycle with different strides, so some see 2, 10, 5 in order and most do not
                final int k = (int)(i % keys.length);
                final long round = i / keys.length;
                r.setSymbol(key, keys[k]).setLong(value, values[(int)((round * (k + 1)) % values.length)])
                    .setLong(ts, 1_700_000_000_000L + i);
            })))
            .to(Sinks.console(System.out, 10))
            .name("pattern")
            .start())
        {
            p.awaitCompletion(60, TimeUnit.SECONDS);
            System.out.println("events in: " + p.metrics().stages().get(0).recordsIn() + ", alerts: " +
                p.metrics().sinkRecords());
        }
    }
}
