package io.rivulet.operators.process;

import io.rivulet.operators.Operator;
import io.rivulet.operators.Output;
import io.rivulet.operators.internal.state.OffHeapHashTable;
import io.rivulet.operators.internal.state.OperatorSnapshotHeader;
import io.rivulet.operators.internal.state.StateGauges;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import io.rivulet.watermark.internal.TimerHandler;
import io.rivulet.watermark.internal.TimerQueue;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Runs a {@link KeyedProcessFunction} with off-heap per-key state and event-time timers.
 * <pre>
 *   states: key bytes -> [key id:8][state record]      ids: key id -> key bytes (so a timer finds its key)
 *   timers: TimerQueue of (timestamp, key id), fired in timestamp order as the watermark passes them
 * </pre>
 * Event-time timers fire before the watermark is forwarded; end of stream fires every pending event-time timer.
 * Processing-time timers fire on the stage's ticks. Allocation-free in steady state.
 * <p>
 * Checkpointed state: both tables byte for byte, both timer queues, the next key id, the watermark and the
 * scratch output record (a function may fill it across calls before it emits), so a restored operator calls
 * the function with the same state and fires the same timers in the same order as the uninterrupted one. State
 * a function keeps in its own fields is not checkpointed (see {@link KeyedProcessFunction}). In exactly-once
 * mode ({@link #requireDeterminism()}) processing-time timers are refused: the wall clock is not replayed.
 */
public final class KeyedProcessOperator extends Operator implements KeyedContext, TimerHandler
{
    private static final int ID_LENGTH = 8;

    private final Schema outputSchema;
    private final KeyedProcessFunction function;
    private final Field[] keyFields;
    private final int[] keyOffsets;
    private final int keyLength;
    private final int stateLength;
    private OffHeapHashTable states;
    private OffHeapHashTable keysById;
    private final TimerQueue timers = new TimerQueue();
    private final TimerQueue processingTimers = new TimerQueue();
    private final StateGauges stateGauges = new StateGauges();
    private final TimerHandler processingTimerHandler = (timestampMs, keyId) -> fire(timestampMs, keyId, true);
    private final UnsafeBuffer keyScratch;
    private final RecordFlyweight key;
    private final RecordFlyweight state;
    private final RecordFlyweight output;
    private final String description;
    private final OperatorSnapshotHeader snapshotHeader;
    private boolean deterministic;
    private long nextKeyId = 1;
    private long currentKeyId;
    private boolean newKey;
    private long watermarkMs = Long.MIN_VALUE;

    /**
     * @param input        input schema.
     * @param keyColumns   columns identifying a key, at least one.
     * @param stateSchema  layout of each key's state (fixed width).
     * @param outputSchema schema of the emitted records.
     * @param function     the per-key logic.
     */
    public KeyedProcessOperator(final Schema input, final String[] keyColumns, final Schema stateSchema,
        final Schema outputSchema, final KeyedProcessFunction function)
    {
        if (keyColumns == null || keyColumns.length == 0)
        {
            throw new SchemaException("keyBy(...) needs at least one key column");
        }
        if (stateSchema == null || outputSchema == null || function == null)
        {
            throw new SchemaException("process(stateSchema, outputSchema, function) needs all three");
        }
        final Schema.Builder keySchema = Schema.builder();
        keyFields = new Field[keyColumns.length];
        for (int i = 0; i < keyColumns.length; i++)
        {
            keyFields[i] = input.field(keyColumns[i]);
            keySchema.like(keyColumns[i], keyFields[i]);
        }
        final Schema keys = keySchema.build();
        keyOffsets = new int[keyFields.length];
        for (int i = 0; i < keyFields.length; i++)
        {
            keyOffsets[i] = keys.field(keyColumns[i]).offset();
        }
        this.keyLength = keys.recordLengthBytes();
        this.stateLength = stateSchema.recordLengthBytes();
        this.outputSchema = outputSchema;
        this.function = function;
        this.keyScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned((keyLength + 63) & ~63, 64));
        this.key = new RecordFlyweight(keys).wrap(keyScratch, 0);
        this.state = new RecordFlyweight(stateSchema);
        this.output = new RecordFlyweight(outputSchema).wrap(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(Math.max(8, outputSchema.recordLengthBytes()), 8)), 0);
        this.description = "keyBy" + java.util.Arrays.toString(keyColumns) + " process -> " + outputSchema;
        this.snapshotHeader = new OperatorSnapshotHeader(1, description + " state=" + stateSchema + " input=" +
            input);
    }

    @Override
    public Schema outputSchema()
    {
        return outputSchema;
    }

    /** Allocates the state tables here, not in the constructor: only an opened operator holds native memory. */
    @Override
    public void open(final Output output)
    {
        super.open(output);
        if (states == null)
        {
            states = new OffHeapHashTable(keyLength, ID_LENGTH + stateLength, 1024, 0.6f);
            keysById = new OffHeapHashTable(ID_LENGTH, keyLength, 1024, 0.6f);
        }
        publishStateGauges();
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final UnsafeBuffer scratch = keyScratch;
        for (int i = 0; i < keyFields.length; i++)
        {
            scratch.putBytes(keyOffsets[i], record.buffer(), record.offset() + keyFields[i].offset(),
                keyFields[i].lengthBytes());
        }
        final int value = states.getOrInsert(scratch, 0);
        final UnsafeBuffer values = states.valueBuffer();
        newKey = states.wasInserted();
        if (newKey)
        {
            currentKeyId = nextKeyId++;
            values.putLong(value, currentKeyId);
            final int idSlot = keysById.getOrInsert(currentKeyId);
            keysById.valueBuffer().putBytes(idSlot, scratch, 0, keyLength);
            // lookups into keysById never move entries of states, so 'value' is still valid
        }
        else
        {
            currentKeyId = values.getLong(value);
        }
        stateGauges.rowUpdated(); // the function may update the key's state: counted as an update
        state.wrap(values, value + ID_LENGTH);
        output.ingestTimeNs(record.ingestTimeNs());
        function.processRecord(record, this);
        state.wrap(null, 0);
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        if (watermarkMs > this.watermarkMs)
        {
            this.watermarkMs = watermarkMs;
            timers.advanceTo(watermarkMs, this);
        }
        output().onWatermark(watermarkMs);
    }

    @Override
    public void onEndOfStream()
    {
        watermarkMs = Long.MAX_VALUE;
        timers.advanceTo(Long.MAX_VALUE, this);
        publishStateGauges();
        output().onEndOfStream();
    }

    @Override
    public void onProcessingTime(final long nowMs)
    {
        processingTimers.advanceTo(nowMs, processingTimerHandler);
        publishStateGauges();
        output().onProcessingTime(nowMs);
    }

    @Override
    public void onTimer(final long timestampMs, final long keyId)
    {
        fire(timestampMs, keyId, false);
    }

    private void fire(final long timestampMs, final long keyId, final boolean processingTime)
    {
        final int idSlot = keysById.find(keyId);
        if (idSlot == OffHeapHashTable.MISSING)
        {
            return; // the key's state was cleared after the timer was set
        }
        keyScratch.putBytes(0, keysById.valueBuffer(), idSlot, keyLength);
        final int value = states.find(keyScratch, 0);
        if (value == OffHeapHashTable.MISSING)
        {
            return;
        }
        currentKeyId = keyId;
        newKey = false;
        state.wrap(states.valueBuffer(), value + ID_LENGTH);
        output.ingestTimeNs(System.nanoTime());
        if (processingTime)
        {
            function.onProcessingTimer(timestampMs, this);
        }
        else
        {
            function.onTimer(timestampMs, this);
        }
        state.wrap(null, 0);
    }

    @Override
    public RecordFlyweight key()
    {
        return key;
    }

    @Override
    public RecordFlyweight state()
    {
        if (state.buffer() == null)
        {
            throw new IllegalStateException("State is cleared for this key in this call");
        }
        return state;
    }

    @Override
    public boolean isNewKey()
    {
        return newKey;
    }

    @Override
    public void clearState()
    {
        states.remove(keyScratch, 0);
        keysById.remove(currentKeyId);
        state.wrap(null, 0);
    }

    @Override
    public void registerEventTimeTimer(final long timestampMs)
    {
        timers.register(timestampMs, currentKeyId);
    }

    @Override
    public void deleteEventTimeTimer(final long timestampMs)
    {
        timers.delete(timestampMs, currentKeyId);
    }

    @Override
    public void registerProcessingTimeTimer(final long timestampMs)
    {
        if (deterministic)
        {
            throw new IllegalStateException("exactly-once needs event time from the records: " + description +
                " registered a processing-time timer, which fires on the wall clock, so a replay would fire it " +
                "at another point; use registerEventTimeTimer(timestampMs) (the watermark fires it)");
        }
        processingTimers.register(timestampMs, currentKeyId);
    }

    @Override
    public void deleteProcessingTimeTimer(final long timestampMs)
    {
        processingTimers.delete(timestampMs, currentKeyId);
    }

    @Override
    public long currentWatermark()
    {
        return watermarkMs;
    }

    @Override
    public RecordFlyweight outputRecord()
    {
        return output;
    }

    @Override
    public void emit()
    {
        output().onRecord(output);
        output.buffer().setMemory(0, outputSchema.recordLengthBytes(), (byte)0);
    }

    @Override
    public boolean isStateful()
    {
        return true;
    }

    @Override
    public void snapshotState(final SnapshotWriter out)
    {
        snapshotHeader.write(out);
        out.putLong(nextKeyId).putLong(watermarkMs);
        out.putBytes(output.buffer(), 0, outputSchema.recordLengthBytes());
        states.snapshotTo(out);
        keysById.snapshotTo(out);
        timers.snapshotTo(out);
        processingTimers.snapshotTo(out);
    }

    @Override
    public void restoreState(final SnapshotReader in)
    {
        snapshotHeader.read(in);
        nextKeyId = in.getLong();
        watermarkMs = in.getLong();
        in.getBytes(output.buffer(), 0, outputSchema.recordLengthBytes());
        states.restoreFrom(in);
        keysById.restoreFrom(in);
        timers.restoreFrom(in);
        processingTimers.restoreFrom(in);
        in.expectEnd();
    }

    /** Processing-time timers are refused from now on (see {@link #registerProcessingTimeTimer}). */
    @Override
    public void requireDeterminism()
    {
        deterministic = true;
    }

    @Override
    public void close()
    {
        if (states != null)
        {
            states.close();
            keysById.close();
        }
        stateGauges.publish(0, 0);
    }

    private void publishStateGauges()
    {
        stateGauges.publish(states.size(), states.memoryBytes() + keysById.memoryBytes());
    }

    @Override
    protected final StateGauges stateGauges()
    {
        return stateGauges;
    }

    @Override
    public String describe()
    {
        return description;
    }
}
