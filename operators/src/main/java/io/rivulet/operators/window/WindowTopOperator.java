package io.rivulet.operators.window;

import io.rivulet.operators.Operator;
import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.BufferUtil;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The top {@code n} rows of each event-time window by a numeric column, keeping whole rows (SQL
 * {@code RANK() OVER (PARTITION BY window ORDER BY col DESC) <= n}): ties are kept, so a window may emit more than
 * {@code n} rows, and {@code n = 1} is the argmax with every tied winner. Two ways to know a row's window:
 * <ul>
 *   <li><b>assigned</b> ({@code window != null}): raw records go into the tumbling or sliding windows of their
 *       event time; output rows are {@code window_start, window_end}, then the input columns;</li>
 *   <li><b>given</b> ({@code window == null}): rows of an APPEND window aggregate carry their window in
 *       {@code window_start}/{@code window_end}; output rows are the input rows.</li>
 * </ul>
 * A window's rows are emitted when the watermark closes it ({@code W >= end - 1}), before the watermark goes on;
 * end of stream emits every open window. A row whose windows are all closed is late: dropped and counted in
 * {@link #lateRecordsDropped()}.
 * <p>
 * State per open window: its top values and candidate rows (the rows ranked {@code <= n} so far), in arrival
 * order, which is the order they are emitted in. Window states are pooled: allocation-free in steady state (a
 * window state grows only while a window holds more candidates than any before it).
 */
final class WindowTopOperator extends Operator
{
    private static final int INITIAL_ROWS = 16;

    private final Schema inputSchema;
    private final Schema outputSchema;
    private final WindowSpec window;
    private final int n;
    private final String orderColumn;
    private final Field orderField;
    private final int orderKind;
    private final LongField timeField;
    private final LongField startField;
    private final LongField endField;
    private final int rowLengthBytes;
    private final int rowOffsetInOutput;
    private final String description;
    private final Long2ObjectHashMap<WindowState> open = new Long2ObjectHashMap<>();
    private final AtomicLong lateDropped = new AtomicLong();
    private final RecordFlyweight out;
    private final RecordFlyweight stored;
    private WindowState[] pool = new WindowState[8];
    private int pooled;
    private long[] firing = new long[8];
    private long watermarkMs = Long.MIN_VALUE;

    WindowTopOperator(final Schema input, final WindowSpec window, final int n, final String orderColumn)
    {
        if (input == null)
        {
            throw new SchemaException("topPerWindow: no input schema");
        }
        if (n < 1)
        {
            throw new SchemaException("topPerWindow(n, ...): n is the number of ranks to keep per window, >= 1; " +
                "got " + n);
        }
        if (orderColumn == null || orderColumn.isEmpty())
        {
            throw new SchemaException("topPerWindow: name the numeric column to rank the rows by");
        }
        if (window != null && window.isSession())
        {
            throw new SchemaException("topPerWindow(" + window + ", ...): session windows are not supported (a " +
                "record's session is known only when it closes); use a tumbling or sliding window");
        }
        this.inputSchema = input;
        this.window = window;
        this.n = n;
        this.orderColumn = orderColumn;
        this.orderField = input.field(orderColumn);
        switch (orderField.type())
        {
            case INT64:
            case TIMESTAMP:
                orderKind = 0;
                break;
            case INT32:
                orderKind = 1;
                break;
            case DECIMAL:
                orderKind = 2;
                break;
            case FLOAT64:
                orderKind = 3;
                break;
            default:
                throw new SchemaException("topPerWindow ranks by a numeric column, but '" + orderColumn + "' is " +
                    orderField.typeDescription() + "; rank by an INT32, INT64, TIMESTAMP, DECIMAL or FLOAT64 column");
        }
        if (window != null)
        {
            timeField = window.bindTimeField(input);
            for (final String name : new String[]{Aggregate.WINDOW_START, Aggregate.WINDOW_END})
            {
                if (input.hasField(name))
                {
                    throw new SchemaException("topPerWindow(" + window + ", ...) adds the column '" + name +
                        "', which the input already has; for rows of a window aggregate use topPerWindow(n, \"" +
                        orderColumn + "\") without a window, else rename the column first");
                }
            }
            final Schema.Builder b = Schema.builder().timestamp(Aggregate.WINDOW_START).timestamp(Aggregate.WINDOW_END);
            for (final Field f : input.fields())
            {
                b.like(f.name(), f);
            }
            outputSchema = b.build();
            startField = outputSchema.longField(Aggregate.WINDOW_START);
            endField = outputSchema.longField(Aggregate.WINDOW_END);
            rowOffsetInOutput = 2 * Long.BYTES; // fields are laid out in order without gaps
        }
        else
        {
            timeField = null;
            startField = windowColumn(input, Aggregate.WINDOW_START, orderColumn);
            endField = windowColumn(input, Aggregate.WINDOW_END, orderColumn);
            outputSchema = input;
            rowOffsetInOutput = 0;
        }
        rowLengthBytes = input.recordLengthBytes();
        out = new RecordFlyweight(outputSchema).wrap(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(outputSchema.recordLengthBytes(), 8)), 0);
        stored = new RecordFlyweight(input);
        description = "topPerWindow(" + (window == null ? "" : window + ", ") + n + ", " + orderColumn + ")";
    }

    private static LongField windowColumn(final Schema input, final String name, final String orderColumn)
    {
        if (!input.hasField(name) || input.field(name).type() != io.rivulet.ringbuffer.FieldType.TIMESTAMP)
        {
            throw new SchemaException("topPerWindow(n, \"" + orderColumn + "\") ranks the rows of a window " +
                "aggregate, which carry their window in TIMESTAMP columns window_start and window_end; this input " +
                "has no TIMESTAMP '" + name + "' (" + input + "). For raw records give the window: " +
                "topPerWindow(WindowSpec.tumbling(timeColumn, sizeMs), n, \"" + orderColumn + "\")");
        }
        return input.longField(name);
    }

    @Override
    public Schema outputSchema()
    {
        return outputSchema;
    }

    private long orderValue(final RecordFlyweight r)
    {
        switch (orderKind)
        {
            case 0:
                return r.getLong((LongField)orderField);
            case 1:
                return r.getInt((IntField)orderField);
            case 2:
                return r.getMantissa((DecimalField)orderField);
            default:
            {
                // a long whose order is Double.compare's (NaN above +Infinity, -0.0 below 0.0)
                final long bits = Double.doubleToLongBits(r.getDouble((DoubleField)orderField));
                return bits ^ ((bits >> 63) & Long.MAX_VALUE);
            }
        }
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        final long value = orderValue(record);
        if (window == null)
        {
            final long endMs = record.getLong(endField);
            if (endMs - 1 <= watermarkMs && watermarkMs != Long.MIN_VALUE)
            {
                lateDropped.lazySet(lateDropped.get() + 1);
                return;
            }
            stateFor(record.getLong(startField), endMs).offer(value, record);
            return;
        }
        final long ts = record.getLong(timeField);
        final long slide = window.slideMs;
        final long size = window.sizeMs;
        final long lastStart = Math.floorDiv(ts, slide) * slide;
        boolean accepted = false;
        for (long start = lastStart; start > ts - size; start -= slide)
        {
            final long endMs = start + size;
            if (endMs - 1 <= watermarkMs && watermarkMs != Long.MIN_VALUE)
            {
                break; // earlier windows end earlier: closed too
            }
            stateFor(start, endMs).offer(value, record);
            accepted = true;
        }
        if (!accepted)
        {
            lateDropped.lazySet(lateDropped.get() + 1);
        }
    }

    private WindowState stateFor(final long startMs, final long endMs)
    {
        WindowState state = open.get(endMs);
        if (state == null)
        {
            state = pooled > 0 ? pool[--pooled] : new WindowState(n, rowLengthBytes);
            state.reset(startMs, endMs);
            open.put(endMs, state);
        }
        return state;
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        if (watermarkMs > this.watermarkMs)
        {
            this.watermarkMs = watermarkMs;
            fire(watermarkMs);
        }
        output().onWatermark(watermarkMs);
    }

    @Override
    public void onEndOfStream()
    {
        fire(Long.MAX_VALUE);
        output().onEndOfStream();
    }

    /** Emits and releases every window with {@code end - 1 <= watermark}, in order of their ends. */
    private void fire(final long watermarkMs)
    {
        int count = 0;
        for (final Long2ObjectHashMap<WindowState>.KeyIterator it = open.keySet().iterator(); it.hasNext(); )
        {
            final long endMs = it.nextLong();
            if (endMs - 1 <= watermarkMs || watermarkMs == Long.MAX_VALUE)
            {
                if (count == firing.length)
                {
                    firing = Arrays.copyOf(firing, count * 2);
                }
                firing[count++] = endMs;
            }
        }
        if (count == 0)
        {
            return;
        }
        Arrays.sort(firing, 0, count);
        for (int i = 0; i < count; i++)
        {
            final WindowState state = open.remove(firing[i]);
            emit(state);
            if (pooled == pool.length)
            {
                pool = Arrays.copyOf(pool, pooled * 2);
            }
            pool[pooled++] = state;
        }
    }

    private void emit(final WindowState state)
    {
        final UnsafeBuffer outBuffer = (UnsafeBuffer)out.buffer();
        for (int i = 0; i < state.count; i++)
        {
            if (window != null)
            {
                out.setLong(startField, state.startMs).setLong(endField, state.endMs);
            }
            outBuffer.putBytes(rowOffsetInOutput, state.rows, i * rowLengthBytes, rowLengthBytes);
            out.ingestTimeNs(state.ingestNs[i]).sourceIndex(RecordFlyweight.NO_SOURCE_INDEX);
            output().onRecord(out);
        }
    }

    @Override
    public long lateRecordsDropped()
    {
        return lateDropped.get();
    }

    @Override
    public boolean isStateful()
    {
        return true;
    }

    @Override
    public void snapshotState(final SnapshotWriter w)
    {
        w.putLong(watermarkMs).putInt(open.size());
        for (final WindowState s : open.values())
        {
            w.putLong(s.startMs).putLong(s.endMs).putInt(s.topCount).putLongs(s.top, s.topCount).putInt(s.count)
                .putLongs(s.values, s.count).putLongs(s.ingestNs, s.count).putBytes(s.rows, 0, s.count * rowLengthBytes);
        }
    }

    @Override
    public void restoreState(final SnapshotReader r)
    {
        open.clear();
        watermarkMs = r.getLong();
        final int windows = r.getInt();
        for (int i = 0; i < windows; i++)
        {
            final WindowState s = stateFor(r.getLong(), r.getLong());
            s.topCount = r.getInt();
            System.arraycopy(r.getLongs(n), 0, s.top, 0, s.topCount);
            final int count = r.getInt();
            s.ensureCapacity(count);
            final long[] values = r.getLongs(Integer.MAX_VALUE);
            final long[] ingest = r.getLongs(Integer.MAX_VALUE);
            r.expect(description + " rows in a window", count, values.length);
            System.arraycopy(values, 0, s.values, 0, count);
            System.arraycopy(ingest, 0, s.ingestNs, 0, count);
            r.getBytes(s.rows, 0, count * rowLengthBytes);
            s.count = count;
        }
    }

    @Override
    public String describe()
    {
        return description;
    }

    /** One open window: its top {@code n} values (with repeats, largest first) and its candidate rows. */
    private final class WindowState
    {
        final long[] top;
        int topCount;
        long startMs;
        long endMs;
        int count;
        long[] values;
        long[] ingestNs;
        UnsafeBuffer rows;

        WindowState(final int n, final int rowLengthBytes)
        {
            top = new long[n];
            values = new long[INITIAL_ROWS];
            ingestNs = new long[INITIAL_ROWS];
            rows = new UnsafeBuffer(new byte[INITIAL_ROWS * Math.max(rowLengthBytes, 8)]);
        }

        void reset(final long startMs, final long endMs)
        {
            this.startMs = startMs;
            this.endMs = endMs;
            topCount = 0;
            count = 0;
        }

        /** Ranks one row: keeps it if fewer than {@code n} values are above it, and evicts what that outranks. */
        void offer(final long value, final RecordFlyweight record)
        {
            final int n = top.length;
            if (topCount == n && value < top[n - 1])
            {
                return;
            }
            final long thresholdBefore = topCount == n ? top[n - 1] : Long.MIN_VALUE;
            int i = Math.min(topCount, n - 1);
            while (i > 0 && top[i - 1] < value)
            {
                top[i] = top[i - 1];
                i--;
            }
            top[i] = value;
            if (topCount < n)
            {
                topCount++;
            }
            ensureCapacity(count + 1);
            values[count] = value;
            ingestNs[count] = record.ingestTimeNs();
            rows.putBytes(count * rowLengthBytes, record.buffer(), record.offset(), rowLengthBytes);
            count++;
            final long threshold = topCount == n ? top[n - 1] : Long.MIN_VALUE;
            if (threshold > thresholdBefore)
            {
                evictBelow(threshold);
            }
        }

        private void evictBelow(final long threshold)
        {
            int kept = 0;
            for (int i = 0; i < count; i++)
            {
                if (values[i] >= threshold)
                {
                    if (kept != i)
                    {
                        values[kept] = values[i];
                        ingestNs[kept] = ingestNs[i];
                        rows.putBytes(kept * rowLengthBytes, rows, i * rowLengthBytes, rowLengthBytes);
                    }
                    kept++;
                }
            }
            count = kept;
        }

        void ensureCapacity(final int rowsNeeded)
        {
            if (rowsNeeded > values.length)
            {
                final int capacity = Math.max(rowsNeeded, values.length * 2);
                values = Arrays.copyOf(values, capacity);
                ingestNs = Arrays.copyOf(ingestNs, capacity);
                final UnsafeBuffer grown = new UnsafeBuffer(new byte[capacity * Math.max(rowLengthBytes, 8)]);
                grown.putBytes(0, rows, 0, count * rowLengthBytes);
                rows = grown;
            }
        }
    }
}
