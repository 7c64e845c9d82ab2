package io.rivulet.watermark;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;

/**
 * The header every built-in strategy writes before its state: which kind of strategy and its parameter, so a
 * checkpoint restored into a stream whose watermark definition changed fails with a message naming both
 * definitions instead of reading one strategy's state as another's.
 * <pre>
 *   [kind int][parameter long][the strategy's state ...]
 * </pre>
 */
final class StrategySnapshots
{
    static final int NO_WATERMARKS = 0x574D0000;
    static final int BOUNDED_OUT_OF_ORDERNESS = 0x574D0001;
    static final int PROCESSING_TIME = 0x574D0002;
    static final int IDLE_TIMEOUT = 0x574D0003;

    private StrategySnapshots()
    {
    }

    static void writeHeader(final SnapshotWriter out, final int kind, final long parameter)
    {
        out.putInt(kind).putLong(parameter);
    }

    /**
     * @throws IllegalStateException if the snapshot is of another kind of strategy or another parameter.
     */
    static void readHeader(final SnapshotReader in, final int kind, final long parameter)
    {
        final int actualKind = in.getInt();
        final long actualParameter = in.getLong();
        if (actualKind != kind || actualParameter != parameter)
        {
            throw new IllegalStateException("checkpoint holds the state of watermark strategy " +
                describe(actualKind, actualParameter) + " but this stream's strategy is " +
                describe(kind, parameter) + ": the watermark definition changed since the checkpoint; restore " +
                "with the definition that wrote it, or start without the checkpoint");
        }
    }

    static String describe(final int kind, final long parameter)
    {
        switch (kind)
        {
            case NO_WATERMARKS:
                return "noWatermarks()";
            case BOUNDED_OUT_OF_ORDERNESS:
                return "boundedOutOfOrderness(" + parameter + " ms)";
            case PROCESSING_TIME:
                return "processingTime(clock)";
            case IDLE_TIMEOUT:
                return "withIdleness(" + parameter + " ms, clock)";
            default:
                return "<unknown kind 0x" + Integer.toHexString(kind) + ">";
        }
    }
}
