package io.rivulet.bench;

import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import org.openjdk.jmh.infra.Blackhole;

/** Operator outputs for the benchmarks: a sink that hands one column of every record to a JMH blackhole. */
final class BenchOutputs
{
    private BenchOutputs()
    {
    }

    /**
     * @param blackhole consumes the column.
     * @param column    read from every record.
     * @return an output that ignores markers.
     */
    static Output consuming(final Blackhole blackhole, final LongField column)
    {
        return new Output()
        {
            public void onRecord(final RecordFlyweight record)
            {
                blackhole.consume(record.getLong(column));
            }

            public void onWatermark(final long watermarkMs)
            {
            }

            public void onEpoch(final long epochId)
            {
            }

            public void onEndOfStream()
            {
            }
        };
    }
}
