package io.rivulet.engine.samples;

import io.rivulet.operators.process.KeyedContext;
import io.rivulet.operators.process.KeyedProcessFunction;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;

/**
 * The mission's hard case: act only when a key's values arrive as 2, then 10, then 5 (consecutive values of
 * that key), within a timeout of event time after the 2. The state between records (the 2 and the 10) lives
 * off-heap per key; a timer drops a half-seen pattern when the timeout passes.
 * <p>
 * Input: {@code key SYMBOL(8), value INT64, ts TIMESTAMP}. Output: {@code key, startTs, endTs}, one row per
 * completed pattern. Any other value resets the key's progress (a 2 restarts it).
 */
public final class SequencePatternDetector implements KeyedProcessFunction
{
    /** Input records. */
    public static final Schema INPUT = Schema.builder().symbol("key", 8).int64("value").timestamp("ts").build();
    /** Per-key state: how far the pattern got and when it started. */
    public static final Schema STATE = Schema.builder().int32("matched").timestamp("startTs").build();
    /** One row per completed pattern. */
    public static final Schema OUTPUT = Schema.builder().symbol("key", 8).timestamp("startTs").timestamp("endTs").build();

    private static final long[] PATTERN = {2, 10, 5};

    private final long timeoutMs;
    private final LongField value = INPUT.longField("value");
    private final LongField ts = INPUT.longField("ts");
    private final IntField matched = STATE.intField("matched");
    private final LongField startTs = STATE.longField("startTs");
    private final SymbolField keyIn = INPUT.symbolField("key");
    private final SymbolField keyOut = OUTPUT.symbolField("key");
    private final LongField outStart = OUTPUT.longField("startTs");
    private final LongField outEnd = OUTPUT.longField("endTs");

    /**
     * @param timeoutMs event time after the 2 within which the 10 and the 5 must arrive.
     */
    public SequencePatternDetector(final long timeoutMs)
    {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void processRecord(final RecordFlyweight record, final KeyedContext ctx)
    {
        final RecordFlyweight state = ctx.state();
        final long v = record.getLong(value);
        final int progress = state.getInt(matched);
        if (v == PATTERN[progress])
        {
            if (progress == 0)
            {
                state.setLong(startTs, record.getLong(ts));
                ctx.registerEventTimeTimer(record.getLong(ts) + timeoutMs);
            }
            if (progress + 1 == PATTERN.length)
            {
                final RecordFlyweight out = ctx.outputRecord();
                out.copySymbol(keyOut, record, keyIn); // checked: a record of another layout fails under -ea
                out.setLong(outStart, state.getLong(startTs)).setLong(outEnd, record.getLong(ts));
                ctx.emit();
                ctx.deleteEventTimeTimer(state.getLong(startTs) + timeoutMs);
                ctx.clearState();
                return;
            }
            state.setInt(matched, progress + 1);
        }
        else if (progress > 0)
        {
            ctx.deleteEventTimeTimer(state.getLong(startTs) + timeoutMs);
            if (v == PATTERN[0])
            {
                state.setInt(matched, 1).setLong(startTs, record.getLong(ts));
                ctx.registerEventTimeTimer(record.getLong(ts) + timeoutMs);
            }
            else
            {
                ctx.clearState();
            }
        }
        else
        {
            ctx.clearState(); // nothing matched: keep no state for this key
        }
    }

    @Override
    public void onTimer(final long timestampMs, final KeyedContext ctx)
    {
        ctx.clearState(); // the pattern did not complete in time
    }
}
