package io.rivulet.operators.join;

import io.rivulet.operators.Output;
import io.rivulet.operators.TwoInputOperator;
import io.rivulet.operators.internal.state.OffHeapHashTable;
import io.rivulet.operators.internal.state.OperatorSnapshotHeader;
import io.rivulet.operators.internal.state.StateGauges;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static io.rivulet.operators.join.KeyColumns.saturatedAdd;

/**
 * Stream-stream inner interval join (Flink's interval join), continuous: a left record {@code l} and a right
 * record {@code r} with equal keys match when {@code l.ts + lower <= r.ts <= l.ts + upper}. Each arriving record
 * is matched against the buffered records of the other side at once, one output row per match, then buffered.
 * <pre>
 *   per side (off-heap):
 *     index:  key bytes --&gt; sequence of the key's newest entry        (OffHeapHashTable)
 *     log:    [record][expiry][prev seq] ... circular, append order     (RecordLog, chains newest -&gt; oldest)
 *
 *   arriving left l:  walk right index[key] chain, emit (l, r) for live r in [l.ts + lower, l.ts + upper]
 *                     then append l to the left log if a future right could still match it
 * </pre>
 * <b>State bound.</b> With watermark {@code w} (records with event time {@code <= w} are not expected any more),
 * a left entry is dead once {@code w >= l.ts + upper} and a right entry once {@code w >= r.ts - lower}: no on-time
 * record of the other side can match it. Dead entries are never matched; they leave the log when they reach its
 * tail (the tail lags by about the input's out-of-orderness; a live entry at the tail that would outlive the
 * newest one is moved to the head rather than pinning the dead ones behind it) and their index entries are swept
 * once enough entries retired to pay for a sweep of the index, done in bounded steps, one per watermark.
 * <p>
 * <b>Late records.</b> A record is dropped and counted ({@link #lateRecordsDropped()}) only when it can match
 * nothing: no live buffered record of the other side and no on-time future one. For a left record that is
 * {@code l.ts + upper + max(0, -lower) <= w}; for a right one {@code r.ts - lower + max(0, upper) <= w}. An on-time
 * record ({@code ts > w}) is never dropped, so every matching pair of on-time records is emitted exactly once. A
 * record that is not dropped but already dead is matched and not buffered. This differs from Flink, which drops
 * a record iff {@code ts < w}: a record falls behind the merged watermark when its input comes back from
 * idleness or exceeds its declared disorder, and while its partners are still buffered, dropping it would lose
 * matches the state still holds.
 * <p>
 * <b>Output.</b> All left columns, then all right columns; a right column whose name is also a left column's is
 * renamed {@code right_<name>}. An output row's ingest time is that of the arriving record that produced it.
 * Allocation-free per record and per watermark; logs and indexes allocate only when they grow.
 * <p>
 * <b>Checkpointed state:</b> the watermark merger, both logs (live entries at their sequences) and both indexes
 * (byte for byte), the watermark and the sweep bookkeeping, so a restored join matches, retires, moves and
 * sweeps exactly as the uninterrupted one. The late-record counter starts from zero in a restored operator.
 */
final class IntervalJoinOperator extends TwoInputOperator
{
    static final String RIGHT_PREFIX = "right_";

    private static final int INITIAL_CAPACITY = 1024;
    private static final int SWEEP_CAPACITY_SHIFT = 3;
    private static final int SWEEP_STEP_SLOTS = 16 * 1024;
    /** Work allowed per watermark and side for moving live tail entries to the head (a chain link walked: 1). */
    static final int RELOCATE_BUDGET_UNITS = 16 * 1024;
    /** Cost of one move besides its chain walk: a record copy, an index lookup, an append. */
    static final int RELOCATE_COST_UNITS = 64;

    private final LongField leftTime;
    private final LongField rightTime;
    private final KeyColumns leftKeys;
    private final KeyColumns rightKeys;
    private final long lowerMs;
    private final long upperMs;
    private final long leftExpiryDelayMs;
    private final long rightExpiryDelayMs;
    private final long leftLateDelayMs;
    private final long rightLateDelayMs;
    private final Schema outputSchema;
    private final int[] leftCopy;
    private final int[] rightCopy;
    private final int leftRecordLengthBytes;
    private final int rightRecordLengthBytes;
    private final int keyLengthBytes;
    private RecordLog leftLog;
    private RecordLog rightLog;
    private OffHeapHashTable leftIndex;
    private OffHeapHashTable rightIndex;
    private final UnsafeBuffer keyScratch;
    private final RecordFlyweight leftView;
    private final RecordFlyweight rightView;
    private final RecordFlyweight row;
    private final DeadChainSweep deadChainSweep = new DeadChainSweep();
    private final AtomicLong lateDropped = new AtomicLong();
    private final StateGauges stateGauges = new StateGauges();
    private final String description;
    private final OperatorSnapshotHeader snapshotHeader;

    private long watermarkMs = Long.MIN_VALUE;
    private long relocations;
    private int leftRetiredSinceSweep;
    private int rightRetiredSinceSweep;
    private int leftSweepCursor = -1;
    private int rightSweepCursor = -1;

    IntervalJoinOperator(final Schema left, final Schema right, final String leftTimeColumn,
        final String rightTimeColumn, final String[] leftKeyColumns, final String[] rightKeyColumns,
        final long lowerBoundMs, final long upperBoundMs)
    {
        if (left == null || right == null)
        {
            throw new SchemaException("intervalJoin " + (left == null ? "left" : "right") + " schema is null");
        }
        if (lowerBoundMs > upperBoundMs)
        {
            throw new SchemaException("intervalJoin lower bound " + lowerBoundMs + " ms is above upper bound " +
                upperBoundMs + " ms; a match needs left.ts + lower <= right.ts <= left.ts + upper");
        }
        leftTime = KeyColumns.timeField("intervalJoin left", left, leftTimeColumn);
        rightTime = KeyColumns.timeField("intervalJoin right", right, rightTimeColumn);
        leftKeys = new KeyColumns("intervalJoin left", left, leftKeyColumns);
        rightKeys = new KeyColumns("intervalJoin right", right, rightKeyColumns);
        checkKeysMatch(leftKeys.fields(), rightKeys.fields());

        lowerMs = lowerBoundMs;
        upperMs = upperBoundMs;
        final long minusLowerMs = lowerBoundMs == Long.MIN_VALUE ? Long.MAX_VALUE : -lowerBoundMs;
        leftExpiryDelayMs = upperBoundMs;
        rightExpiryDelayMs = minusLowerMs;
        leftLateDelayMs = saturatedAdd(upperBoundMs, Math.max(0, minusLowerMs));
        rightLateDelayMs = saturatedAdd(minusLowerMs, Math.max(0, upperBoundMs));

        final Schema.Builder out = Schema.builder();
        final Set<String> names = new HashSet<>();
        final String[] rightNames = new String[right.fieldCount()];
        for (final Field f : left.fields())
        {
            names.add(f.name());
            out.like(f.name(), f);
        }
        final List<Field> rightFields = right.fields();
        for (int i = 0; i < rightFields.size(); i++)
        {
            final Field f = rightFields.get(i);
            final String name = left.hasField(f.name()) ? RIGHT_PREFIX + f.name() : f.name();
            if (!names.add(name))
            {
                throw new SchemaException("intervalJoin output would have column '" + name + "' twice (right " +
                    "columns clashing with left ones are renamed " + RIGHT_PREFIX + "<name>); rename a column " +
                    "upstream with select(...)");
            }
            rightNames[i] = name;
            out.like(name, f);
        }
        outputSchema = out.build();
        leftCopy = copyPlan(left, left.fields().stream().map(Field::name).toArray(String[]::new), outputSchema);
        rightCopy = copyPlan(right, rightNames, outputSchema);

        final int keyLength = leftKeys.lengthBytes();
        leftRecordLengthBytes = left.recordLengthBytes();
        rightRecordLengthBytes = right.recordLengthBytes();
        keyLengthBytes = keyLength;
        keyScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned((keyLength + 63) & ~63, 64));
        leftView = new RecordFlyweight(left).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(8, left.recordLengthBytes()), 8)), 0);
        rightView = new RecordFlyweight(right).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(8, right.recordLengthBytes()), 8)), 0);
        row = new RecordFlyweight(outputSchema).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(outputSchema.recordLengthBytes(), 8)), 0);
        description = "intervalJoin on " + Arrays.toString(leftKeyColumns) + " = " +
            Arrays.toString(rightKeyColumns) + " where " + offset(leftTimeColumn, lowerBoundMs) + " <= " +
            (left.hasField(rightTimeColumn) ? RIGHT_PREFIX : "") + rightTimeColumn + " <= " +
            offset(leftTimeColumn, upperBoundMs);
        snapshotHeader = new OperatorSnapshotHeader(1, description + " left=" + left + " right=" + right);
    }

    /** {@code ts - 100 ms}, {@code ts + 100 ms}, or {@code ts} for 0. */
    private static String offset(final String column, final long offsetMs)
    {
        // -Long.MIN_VALUE wraps to itself; as unsigned it prints 2^63
        return offsetMs == 0 ? column : offsetMs < 0 ? column + " - " + Long.toUnsignedString(-offsetMs) + " ms" :
            column + " + " + offsetMs + " ms";
    }

    @Override
    public Schema outputSchema()
    {
        return outputSchema;
    }

    @Override
    public void onRecord(final int input, final RecordFlyweight record)
    {
        if (input == LEFT)
        {
            onLeft(record);
        }
        else
        {
            onRight(record);
        }
    }

    private void onLeft(final RecordFlyweight record)
    {
        final long tsMs = record.getLong(leftTime);
        final long watermarkMs = this.watermarkMs;
        if (saturatedAdd(tsMs, leftLateDelayMs) <= watermarkMs)
        {
            late();
            return;
        }
        leftKeys.pack(record, keyScratch, 0);
        final int indexOffset = rightIndex.find(keyScratch, 0);
        if (OffHeapHashTable.MISSING != indexOffset)
        {
            final long fromMs = saturatedAdd(tsMs, lowerMs);
            final long toMs = saturatedAdd(tsMs, upperMs);
            final RecordLog log = rightLog;
            final int timeOffset = rightTime.offset();
            final int expiryOffset = log.expiryOffset();
            final int prevOffset = log.prevSequenceOffset();
            final long tail = log.tail();
            long sequence = rightIndex.valueBuffer().getLong(indexOffset);
            while (sequence >= tail)
            {
                final UnsafeBuffer buffer = log.buffer(sequence);
                final int entry = log.offset(sequence);
                final long rightTsMs = buffer.getLong(entry + timeOffset);
                if (rightTsMs >= fromMs && rightTsMs <= toMs && buffer.getLong(entry + expiryOffset) > watermarkMs)
                {
                    emit(record.buffer(), record.offset(), buffer, entry, record.ingestTimeNs());
                }
                sequence = buffer.getLong(entry + prevOffset);
            }
        }
        final long expiryMs = saturatedAdd(tsMs, leftExpiryDelayMs);
        if (expiryMs > watermarkMs)
        {
            buffer(leftIndex, leftLog, record, expiryMs);
        }
    }

    private void onRight(final RecordFlyweight record)
    {
        final long tsMs = record.getLong(rightTime);
        final long watermarkMs = this.watermarkMs;
        if (saturatedAdd(tsMs, rightLateDelayMs) <= watermarkMs)
        {
            late();
            return;
        }
        rightKeys.pack(record, keyScratch, 0);
        final int indexOffset = leftIndex.find(keyScratch, 0);
        if (OffHeapHashTable.MISSING != indexOffset)
        {
            // l.ts + lower <= r.ts <= l.ts + upper  <=>  r.ts - upper <= l.ts <= r.ts - lower
            final long fromMs = saturatedAdd(tsMs, upperMs == Long.MIN_VALUE ? Long.MAX_VALUE : -upperMs);
            final long toMs = saturatedAdd(tsMs, rightExpiryDelayMs);
            final RecordLog log = leftLog;
            final int timeOffset = leftTime.offset();
            final int expiryOffset = log.expiryOffset();
            final int prevOffset = log.prevSequenceOffset();
            final long tail = log.tail();
            long sequence = leftIndex.valueBuffer().getLong(indexOffset);
            while (sequence >= tail)
            {
                final UnsafeBuffer buffer = log.buffer(sequence);
                final int entry = log.offset(sequence);
                final long leftTsMs = buffer.getLong(entry + timeOffset);
                if (leftTsMs >= fromMs && leftTsMs <= toMs && buffer.getLong(entry + expiryOffset) > watermarkMs)
                {
                    emit(buffer, entry, record.buffer(), record.offset(), record.ingestTimeNs());
                }
                sequence = buffer.getLong(entry + prevOffset);
            }
        }
        final long expiryMs = saturatedAdd(tsMs, rightExpiryDelayMs);
        if (expiryMs > watermarkMs)
        {
            buffer(rightIndex, rightLog, record, expiryMs);
        }
    }

    /** Appends the record to its side's log and makes it the head of its key's chain; the key is packed. */
    private void buffer(final OffHeapHashTable index, final RecordLog log, final RecordFlyweight record,
        final long expiryMs)
    {
        final int indexOffset = index.getOrInsert(keyScratch, 0);
        final UnsafeBuffer values = index.valueBuffer();
        final long prev = index.wasInserted() ? RecordLogDescriptor.NO_ENTRY : values.getLong(indexOffset);
        values.putLong(indexOffset, log.append(record.buffer(), record.offset(), expiryMs, prev));
        stateGauges.rowUpdated();
    }

    private void emit(final DirectBuffer leftBuffer, final int leftOffset, final DirectBuffer rightBuffer,
        final int rightOffset, final long ingestTimeNs)
    {
        final RecordFlyweight row = this.row;
        final MutableDirectBuffer out = row.buffer();
        copy(leftCopy, leftBuffer, leftOffset, out);
        copy(rightCopy, rightBuffer, rightOffset, out);
        row.ingestTimeNs(ingestTimeNs);
        output().onRecord(row);
    }

    /** Copies fields by a plan of (source offset, output offset, length) triples; the row is at offset 0. */
    private static void copy(final int[] plan, final DirectBuffer src, final int srcBase, final MutableDirectBuffer out)
    {
        for (int i = 0; i < plan.length; i += 3)
        {
            final int length = plan[i + 2];
            if (8 == length)
            {
                out.putLong(plan[i + 1], src.getLong(srcBase + plan[i]));
            }
            else
            {
                out.putBytes(plan[i + 1], src, srcBase + plan[i], length);
            }
        }
    }

    private void late()
    {
        lateDropped.lazySet(lateDropped.get() + 1);
    }

    @Override
    protected void onCombinedWatermark(final long watermarkMs)
    {
        if (watermarkMs > this.watermarkMs)
        {
            this.watermarkMs = watermarkMs;
            leftRetiredSinceSweep += retire(leftLog, leftIndex, leftKeys, leftView);
            rightRetiredSinceSweep += retire(rightLog, rightIndex, rightKeys, rightView);
            if (leftSweepCursor < 0 && leftRetiredSinceSweep > leftIndex.capacity() >>> SWEEP_CAPACITY_SHIFT)
            {
                leftSweepCursor = 0;
                leftRetiredSinceSweep = 0;
            }
            if (leftSweepCursor >= 0)
            {
                leftSweepCursor = sweepDeadChains(leftIndex, leftLog, leftSweepCursor);
            }
            if (rightSweepCursor < 0 && rightRetiredSinceSweep > rightIndex.capacity() >>> SWEEP_CAPACITY_SHIFT)
            {
                rightSweepCursor = 0;
                rightRetiredSinceSweep = 0;
            }
            if (rightSweepCursor >= 0)
            {
                rightSweepCursor = sweepDeadChains(rightIndex, rightLog, rightSweepCursor);
            }
        }
        output().onWatermark(watermarkMs);
    }

    /**
     * Retires expired entries from the log's tail. Append order is not event-time order, so a live tail entry can
     * pin the dead ones behind it; when it would outlive even the newest entry (a record far ahead in event time,
     * or a large {@code upper}), it pins beyond the log's natural retention, and it is moved to the head instead:
     * re-appended and relinked in its key's chain (a walk of that chain), then retiring goes on. Each entry of the
     * log is moved at most once per watermark and the moves of one watermark are bounded by
     * {@link #RELOCATE_BUDGET_UNITS} (the rest move at the next one), so no watermark pauses the stage for the
     * whole log; the log holds about what the watermark keeps alive rather than everything since the oldest live
     * outlier.
     *
     * @return entries retired.
     */
    private int retire(final RecordLog log, final OffHeapHashTable index, final KeyColumns keys,
        final RecordFlyweight view)
    {
        int retired = log.retireExpired(watermarkMs);
        final long end = log.head();
        if (log.tail() == end)
        {
            return retired;
        }
        final long newestExpiryMs = log.expiry(end - 1);
        int budget = RELOCATE_BUDGET_UNITS;
        while (budget > 0 && log.tail() < end && log.expiry(log.tail()) > newestExpiryMs)
        {
            // bounded per watermark: a hot key's chain walk is paid per move; what is left moves at the next one
            budget -= RELOCATE_COST_UNITS + relocateTail(log, index, keys, view);
            relocations++;
            retired += log.retireExpired(watermarkMs);
        }
        return retired;
    }

    /**
     * Moves the (live) tail entry of a log to its head, keeping its key's chain ordered newest to oldest.
     *
     * @return chain links walked to find the entry.
     */
    private int relocateTail(final RecordLog log, final OffHeapHashTable index, final KeyColumns keys,
        final RecordFlyweight view)
    {
        final long sequence = log.tail();
        final MutableDirectBuffer scratch = view.buffer();
        final int recordLength = view.schema().recordLengthBytes();
        scratch.putBytes(0, log.buffer(sequence), log.offset(sequence), recordLength); // the slot is about to go
        final long expiryMs = log.expiry(sequence);
        final long prev = log.prevSequence(sequence);
        keys.pack(view, keyScratch, 0);
        final int indexOffset = index.find(keyScratch, 0);
        final long newest = index.valueBuffer().getLong(indexOffset);
        final long newPrev;
        int walked = 0;
        if (newest == sequence)
        {
            newPrev = prev;
        }
        else
        {
            long next = newest;
            while (log.prevSequence(next) != sequence)
            {
                next = log.prevSequence(next);
                walked++;
            }
            log.prevSequence(next, prev);
            newPrev = newest;
        }
        log.dropTail();
        index.valueBuffer().putLong(indexOffset, log.append(scratch, 0, expiryMs, newPrev));
        return walked;
    }

    /** @return tail entries moved to the head so far (tests: the per-watermark bound). */
    long relocations()
    {
        return relocations;
    }

    /**
     * One step of a sweep removing index entries whose newest entry was retired. Each such key retired at least
     * one entry since the last sweep, so starting a sweep once per capacity/8 retirements costs at most 8 slot
     * visits per retired entry; a step looks at {@link #SWEEP_STEP_SLOTS} slots, so none pauses for a whole index.
     *
     * @return the next cursor, or -1 when the sweep is complete.
     */
    private int sweepDeadChains(final OffHeapHashTable index, final RecordLog log, final int cursor)
    {
        deadChainSweep.tail = log.tail();
        final int next = index.removeIfStep(deadChainSweep, cursor, SWEEP_STEP_SLOTS);
        return next >= index.capacity() ? -1 : next;
    }

    @Override
    public long lateRecordsDropped()
    {
        return lateDropped.get();
    }

    /**
     * @return records held in both logs, including dead ones not yet retired.
     */
    int bufferedRecords()
    {
        return leftLog.size() + rightLog.size();
    }

    /**
     * @return keys held in both indexes, including ones whose chain is dead but not yet swept.
     */
    int indexedKeys()
    {
        return leftIndex.size() + rightIndex.size();
    }

    /** Allocates the logs and indexes here, not in the constructor: only an opened operator holds native memory. */
    @Override
    public void open(final Output output)
    {
        super.open(output);
        if (leftLog == null)
        {
            leftLog = new RecordLog(leftRecordLengthBytes, INITIAL_CAPACITY);
            rightLog = new RecordLog(rightRecordLengthBytes, INITIAL_CAPACITY);
            leftIndex = new OffHeapHashTable(keyLengthBytes, 8, INITIAL_CAPACITY, 0.6f);
            rightIndex = new OffHeapHashTable(keyLengthBytes, 8, INITIAL_CAPACITY, 0.6f);
        }
        publishStateGauges();
    }

    @Override
    protected void onProcessingTime(final long nowMs)
    {
        publishStateGauges();
        super.onProcessingTime(nowMs);
    }

    private void publishStateGauges()
    {
        stateGauges.publish(leftLog.size() + rightLog.size(), leftLog.memoryBytes() + rightLog.memoryBytes() +
            leftIndex.memoryBytes() + rightIndex.memoryBytes());
    }

    @Override
    protected final StateGauges stateGauges()
    {
        return stateGauges;
    }

    @Override
    public void snapshotState(final SnapshotWriter out)
    {
        snapshotHeader.write(out);
        super.snapshotState(out);
        out.putLong(watermarkMs)
            .putLong(relocations)
            .putInt(leftRetiredSinceSweep)
            .putInt(rightRetiredSinceSweep)
            .putInt(leftSweepCursor)
            .putInt(rightSweepCursor);
        leftLog.snapshotTo(out);
        rightLog.snapshotTo(out);
        leftIndex.snapshotTo(out);
        rightIndex.snapshotTo(out);
    }

    @Override
    public void restoreState(final SnapshotReader in)
    {
        snapshotHeader.read(in);
        super.restoreState(in);
        watermarkMs = in.getLong();
        relocations = in.getLong();
        leftRetiredSinceSweep = in.getInt();
        rightRetiredSinceSweep = in.getInt();
        leftSweepCursor = in.getInt();
        rightSweepCursor = in.getInt();
        leftLog.restoreFrom(in);
        rightLog.restoreFrom(in);
        leftIndex.restoreFrom(in);
        rightIndex.restoreFrom(in);
        in.expectEnd();
    }

    @Override
    public void close()
    {
        if (leftLog != null)
        {
            leftLog.close();
            rightLog.close();
            leftIndex.close();
            rightIndex.close();
        }
        stateGauges.publish(0, 0);
    }

    @Override
    public String describe()
    {
        return description;
    }

    private static void checkKeysMatch(final Field[] left, final Field[] right)
    {
        if (left.length != right.length)
        {
            throw new SchemaException("intervalJoin needs as many right key columns as left ones: " +
                left.length + " left " + Arrays.toString(left) + ", " + right.length + " right " +
                Arrays.toString(right));
        }
        for (int i = 0; i < left.length; i++)
        {
            // keys compare as bytes: DECIMAL mantissas of different scales would never match
            if (left[i].type() != right[i].type() || left[i].lengthBytes() != right[i].lengthBytes() ||
                left[i].scale() != right[i].scale())
            {
                throw new SchemaException("intervalJoin key #" + (i + 1) + ": left " + left[i] + " and right " +
                    right[i] + " differ; paired key columns need the same type, length and scale (convert one " +
                    "with select(...), e.g. col(\"px\").toDecimal(n))");
            }
        }
    }

    /** @return (source offset, output offset, length) per column, in the input's declaration order. */
    private static int[] copyPlan(final Schema input, final String[] outputNames, final Schema output)
    {
        final List<Field> fields = input.fields();
        final int[] plan = new int[fields.size() * 3];
        for (int i = 0; i < fields.size(); i++)
        {
            plan[3 * i] = fields.get(i).offset();
            plan[3 * i + 1] = output.field(outputNames[i]).offset();
            plan[3 * i + 2] = fields.get(i).lengthBytes();
        }
        return plan;
    }

    /** Removes index entries whose newest sequence is below the log's tail. Reused. */
    private static final class DeadChainSweep implements OffHeapHashTable.EntryPredicate
    {
        long tail;

        @Override
        public boolean test(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            return buffer.getLong(valueOffset) < tail;
        }
    }
}
