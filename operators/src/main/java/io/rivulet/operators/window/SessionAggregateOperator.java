package io.rivulet.operators.window;

import io.rivulet.operators.Output;
import io.rivulet.operators.internal.state.OffHeapHashTable;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keyed session windows: a record opens [ts, ts + gap) and merges with every open session of its key that it
 * intersects (touching counts, as in Flink), so out-of-order records can bridge two sessions into one.
 * <pre>
 *   keys:     [group key bytes]        -&gt; [key id:8][open sessions n:8]
 *   ids:      [key id:8]               -&gt; [group key bytes]
 *   sessions: [key id:8][index:8]      -&gt; [start:8][end:8][accumulators]     index 0..n-1, kept dense
 *   timers:   (session end, key id)    one per open session
 * </pre>
 * A key holds as many open sessions as it needs: about {@code watermark delay / gap} for in-order data (a
 * session stays open until the watermark passes its end), more with lateness; the watermark bounds them, not a
 * constant. A record compares itself with its key's open sessions (O(open sessions)). Each session's end is a
 * timer, so a watermark closes exactly the sessions that end, without visiting other state. When merging,
 * first/last follow the sessions' start order. Session bounds saturate at {@code Long.MAX_VALUE}.
 * <p>
 * A checkpoint writes the three tables byte for byte and the next key id: ids are handed out in arrival order
 * and break ties between sessions ending at the same time, so they decide the order of fired rows.
 */
final class SessionAggregateOperator extends EventTimeAggregateOperator
{
    private static final int INITIAL_CAPACITY = 1024;
    private static final int START = 0;
    private static final int END = 8;
    private static final int ACC = 16;
    /** Micro-batch UPDATE: the dirty flag's offset in a session value (the accumulators follow it). */
    private static final int DIRTY = ACC;

    private OffHeapHashTable keys;
    private OffHeapHashTable ids;
    private OffHeapHashTable sessions;
    private final UnsafeBuffer sessionKey = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private int sessionLength;
    /** Offset of the accumulators in a session value: after the dirty flag in micro-batch UPDATE mode. */
    private int acc = ACC;
    private final DirtySessionEmitter dirtyEmitter = new DirtySessionEmitter();
    private long nextId;

    SessionAggregateOperator(final Schema input, final WindowSpec spec, final String[] keyColumns,
        final Aggregate[] aggregates, final OutputMode mode, final long allowedLatenessMs, final Output lateOutput)
    {
        super("session", input, spec, keyColumns, aggregates, mode, allowedLatenessMs, lateOutput, 0, ACC, 1, 0);
        sessionLength = stateValueLengthBytes;
    }

    /** Allocates the state tables here, not in the constructor: only an opened operator holds native memory. */
    @Override
    public void open(final Output output)
    {
        super.open(output);
        sessionLength = stateValueLengthBytes;
        acc = ACC + dirtyFlagBytes;
        if (keys == null)
        {
            keys = newTable(stateKeyLengthBytes, 16, INITIAL_CAPACITY);
            ids = newTable(8, stateKeyLengthBytes, INITIAL_CAPACITY);
            sessions = newTable(16, sessionLength, INITIAL_CAPACITY);
        }
        publishStateGauges();
    }

    @Override
    void publishStateGauges()
    {
        if (keys == null)
        {
            stateGauges.publish(0, 0);
            return;
        }
        stateGauges.publish(sessions.size(), keys.memoryBytes() + ids.memoryBytes() + sessions.memoryBytes());
    }

    private int findSession(final long id, final int index)
    {
        sessionKey.putLong(0, id);
        sessionKey.putLong(8, index);
        return sessions.find(sessionKey, 0);
    }

    /**
     * @return true if the session intersects [start, end] and is still open: a session the watermark closed takes
     * no more records, even while its firing waits (for the epoch's end in micro-batch, or for later steps of a
     * large firing in continuous mode), so a record meets the sessions it would meet had the firing been instant.
     */
    private boolean absorbs(final UnsafeBuffer buffer, final int session, final long start, final long end)
    {
        final long sessionEnd = buffer.getLong(session + END);
        return buffer.getLong(session + START) <= end && sessionEnd >= start && !isClosed(sessionEnd);
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        if (firePending)
        {
            continueFiring();
        }
        final long newStart = record.getLong(timeField);
        final long newEnd = saturatedAdd(newStart, spec.sizeMs);
        final UnsafeBuffer key = keyScratch;
        layout.copyKey(record, key, 0);
        final UnsafeBuffer sessionBuffer = sessions.valueBuffer();

        int keyEntry = keys.find(key, 0);
        long id = 0;
        int n = 0;
        if (keyEntry != OffHeapHashTable.MISSING)
        {
            id = keys.valueBuffer().getLong(keyEntry);
            n = (int)keys.valueBuffer().getLong(keyEntry + 8);
        }
        int target = -1;
        for (int i = 0; i < n; i++)
        {
            if (absorbs(sessionBuffer, findSession(id, i), newStart, newEnd))
            {
                target = i;
                break;
            }
        }

        if (target < 0)
        {
            if (isClosed(newEnd))
            {
                late(record);
                return;
            }
            if (keyEntry == OffHeapHashTable.MISSING)
            {
                id = nextId++;
                keyEntry = keys.getOrInsert(key, 0);
                keys.valueBuffer().putLong(keyEntry, id);
                final int idEntry = ids.getOrInsert(id(id), 0);
                ids.valueBuffer().putBytes(idEntry, key, 0, stateKeyLengthBytes);
            }
            sessionKey.putLong(0, id);
            sessionKey.putLong(8, n);
            final int s = sessions.getOrInsert(sessionKey, 0);
            sessionBuffer.putLong(s + START, newStart);
            sessionBuffer.putLong(s + END, newEnd);
            layout.init(sessionBuffer, s + acc);
            layout.accumulate(sessionBuffer, s + acc, record);
            stateGauges.rowUpdated();
            keys.valueBuffer().putLong(keyEntry + 8, n + 1);
            windowOpened(newEnd, id);
            if (dirtyFlagBytes != 0)
            {
                sessionBuffer.putLong(s + DIRTY, dirtyFlagOf(record.ingestTimeNs()));
            }
            else if (mode == OutputMode.UPDATE)
            {
                emit(newStart, newEnd, key, 0, sessionBuffer, s + acc, record.ingestTimeNs());
            }
            return;
        }

        int t = findSession(id, target);
        long hullStart = Math.min(sessionBuffer.getLong(t + START), newStart);
        long hullEnd = Math.max(sessionBuffer.getLong(t + END), newEnd);
        final long oldEnd = sessionBuffer.getLong(t + END);
        // later intersecting sessions fold into the target; the last session fills each hole (already visited)
        for (int i = n - 1; i > target; i--)
        {
            final int s = findSession(id, i);
            if (absorbs(sessionBuffer, s, newStart, newEnd))
            {
                t = findSession(id, target);
                final long start = sessionBuffer.getLong(s + START);
                final long end = sessionBuffer.getLong(s + END);
                hullStart = Math.min(hullStart, start);
                hullEnd = Math.max(hullEnd, end);
                layout.merge(sessionBuffer, t + acc, sessionBuffer, s + acc, start < sessionBuffer.getLong(t + START));
                windowMoved(end, id);
                removeSession(id, i, n);
                n--;
            }
        }
        t = findSession(id, target);
        sessionBuffer.putLong(t + START, hullStart);
        sessionBuffer.putLong(t + END, hullEnd);
        layout.accumulate(sessionBuffer, t + acc, record);
        stateGauges.rowUpdated();
        keys.valueBuffer().putLong(keyEntry + 8, n);
        if (hullEnd != oldEnd)
        {
            windowMoved(oldEnd, id);
            windowOpened(hullEnd, id);
        }
        if (dirtyFlagBytes != 0)
        {
            sessionBuffer.putLong(t + DIRTY, dirtyFlagOf(record.ingestTimeNs()));
        }
        else if (mode == OutputMode.UPDATE)
        {
            emit(hullStart, hullEnd, key, 0, sessionBuffer, t + acc, record.ingestTimeNs());
        }
    }

    private UnsafeBuffer id(final long id)
    {
        sessionKey.putLong(0, id);
        return sessionKey;
    }

    /** Removes session {@code index} of a key with {@code n} sessions, moving the last one into its place. */
    private void removeSession(final long id, final int index, final int n)
    {
        final int last = n - 1;
        if (index != last)
        {
            final int hole = findSession(id, index);
            final int moved = findSession(id, last);
            sessions.valueBuffer().putBytes(hole, sessions.valueBuffer(), moved, sessionLength);
        }
        sessionKey.putLong(0, id);
        sessionKey.putLong(8, last);
        sessions.remove(sessionKey, 0);
    }

    @Override
    void closeWindow(final long endMs, final long id, final boolean emit)
    {
        final int idEntry = ids.find(id(id), 0);
        if (idEntry == OffHeapHashTable.MISSING)
        {
            return;
        }
        final UnsafeBuffer groupKey = ids.valueBuffer();
        final int keyEntry = keys.find(groupKey, idEntry);
        final int n = (int)keys.valueBuffer().getLong(keyEntry + 8);
        final UnsafeBuffer sessionBuffer = sessions.valueBuffer();
        for (int i = 0; i < n; i++)
        {
            final int s = findSession(id, i);
            if (sessionBuffer.getLong(s + END) == endMs)
            {
                if (emit)
                {
                    emit(sessionBuffer.getLong(s + START), endMs, groupKey, idEntry, sessionBuffer, s + acc,
                        fireTimeNs);
                }
                removeSession(id, i, n);
                if (n == 1)
                {
                    keys.remove(groupKey, idEntry);
                    ids.remove(id(id), 0);
                }
                else
                {
                    keys.valueBuffer().putLong(keyEntry + 8, n - 1);
                }
                return;
            }
        }
    }

    /** @return state tables in the middle of a growth or migration (tests). */
    int resizingTables()
    {
        return (keys.isResizing() ? 1 : 0) + (ids.isResizing() ? 1 : 0) + (sessions.isResizing() ? 1 : 0);
    }

    @Override
    void snapshotWindows(final SnapshotWriter out)
    {
        checkOpened();
        out.putLong(nextId);
        keys.snapshotTo(out);
        ids.snapshotTo(out);
        sessions.snapshotTo(out);
    }

    @Override
    void restoreWindows(final SnapshotReader in)
    {
        checkOpened();
        nextId = in.getLong();
        keys.restoreFrom(in);
        ids.restoreFrom(in);
        sessions.restoreFrom(in);
    }

    private void checkOpened()
    {
        if (keys == null)
        {
            throw new IllegalStateException(describe() + ": snapshot or restore before open (or after close); " +
                "open the operator first");
        }
    }

    @Override
    void emitDirty()
    {
        sessions.forEach(dirtyEmitter); // table order: copied byte for byte by a checkpoint
    }

    /**
     * Micro-batch UPDATE: emits a session changed since the last epoch, stamped with the ingest time of its last
     * change (its dirty flag; a session merged by a record carries that record's), and clears the flag.
     */
    private final class DirtySessionEmitter implements OffHeapHashTable.EntryConsumer
    {
        @Override
        public void accept(final UnsafeBuffer buffer, final int keyOffset, final int valueOffset)
        {
            final long changedIngestTimeNs = buffer.getLong(valueOffset + DIRTY);
            if (changedIngestTimeNs != 0)
            {
                buffer.putLong(valueOffset + DIRTY, 0L);
                final int idEntry = ids.find(id(buffer.getLong(keyOffset)), 0); // a session key starts with its key id
                emit(buffer.getLong(valueOffset + START), buffer.getLong(valueOffset + END), ids.valueBuffer(),
                    idEntry, buffer, valueOffset + acc, changedIngestTimeNs);
            }
        }
    }

    @Override
    void emitAll()
    {
        throw new IllegalStateException("complete mode is not offered for session windows");
    }

    /** @return open sessions held, over all keys (tests). */
    int openSessions()
    {
        return sessions.size();
    }

    @Override
    public void close()
    {
        if (keys != null)
        {
            keys.close();
            ids.close();
            sessions.close();
            keys = null;
            ids = null;
            sessions = null;
        }
        publishStateGauges();
    }
}
