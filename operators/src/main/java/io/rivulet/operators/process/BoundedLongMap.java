package io.rivulet.operators.process;

import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

/**
 * A map of at most N long -> long entries kept inside a key's fixed-width state record (map state for a
 * {@link KeyedProcessFunction}); lookups scan the entries, which is fastest for the small N this is for.
 * Declare it in the state schema with {@link #declare}. No allocation.
 * <pre>
 *   state schema: ..., name_size INT32, name_k0 INT64, name_v0 INT64, ..., name_k{N-1}, name_v{N-1}, ...
 * </pre>
 */
public final class BoundedLongMap
{
    private final IntField size;
    private final LongField[] keys;
    private final LongField[] values;
    private RecordFlyweight state;

    /**
     * Adds the map's columns to a state schema under construction.
     *
     * @param state    the state schema builder.
     * @param name     map name (column prefix).
     * @param capacity most entries, 1 to 256.
     * @return the builder.
     */
    public static Schema.Builder declare(final Schema.Builder state, final String name, final int capacity)
    {
        if (capacity < 1 || capacity > 256)
        {
            throw new SchemaException("Map state '" + name + "' capacity must be 1 to 256, got " + capacity);
        }
        state.int32(name + "_size");
        for (int i = 0; i < capacity; i++)
        {
            state.int64(name + "_k" + i).int64(name + "_v" + i);
        }
        return state;
    }

    /**
     * @param stateSchema a schema with the map {@link #declare declared}.
     * @param name        the map's name.
     */
    public BoundedLongMap(final Schema stateSchema, final String name)
    {
        this.size = stateSchema.intField(name + "_size");
        int capacity = 0;
        while (stateSchema.hasField(name + "_k" + capacity))
        {
            capacity++;
        }
        if (capacity == 0)
        {
            throw new SchemaException("State schema has no map '" + name + "'; declare it with " +
                "BoundedLongMap.declare(builder, \"" + name + "\", capacity)");
        }
        keys = new LongField[capacity];
        values = new LongField[capacity];
        for (int i = 0; i < capacity; i++)
        {
            keys[i] = stateSchema.longField(name + "_k" + i);
            values[i] = stateSchema.longField(name + "_v" + i);
        }
    }

    /**
     * @param state a key's state record (e.g. {@link KeyedContext#state()}).
     * @return this view, over that state.
     */
    public BoundedLongMap wrap(final RecordFlyweight state)
    {
        this.state = state;
        return this;
    }

    /** @return number of entries. */
    public int size()
    {
        return state.getInt(size);
    }

    /** @return most entries. */
    public int capacity()
    {
        return keys.length;
    }

    private int indexOf(final long key)
    {
        final int n = size();
        for (int i = 0; i < n; i++)
        {
            if (state.getLong(keys[i]) == key)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param key to look up.
     * @return true if present.
     */
    public boolean containsKey(final long key)
    {
        return indexOf(key) >= 0;
    }

    /**
     * @param key          to look up.
     * @param defaultValue returned if absent.
     * @return the value.
     */
    public long get(final long key, final long defaultValue)
    {
        final int i = indexOf(key);
        return i < 0 ? defaultValue : state.getLong(values[i]);
    }

    /**
     * @param key   to set.
     * @param value its value.
     * @return false (and nothing changes) if the key is new and the map is full.
     */
    public boolean put(final long key, final long value)
    {
        final int i = indexOf(key);
        if (i >= 0)
        {
            state.setLong(values[i], value);
            return true;
        }
        final int n = size();
        if (n == keys.length)
        {
            return false;
        }
        state.setLong(keys[n], key);
        state.setLong(values[n], value);
        state.setInt(size, n + 1);
        return true;
    }

    /**
     * @param key to remove.
     * @return true if it was present.
     */
    public boolean remove(final long key)
    {
        final int i = indexOf(key);
        if (i < 0)
        {
            return false;
        }
        final int last = size() - 1;
        state.setLong(keys[i], state.getLong(keys[last]));
        state.setLong(values[i], state.getLong(values[last]));
        state.setLong(keys[last], 0);
        state.setLong(values[last], 0);
        state.setInt(size, last);
        return true;
    }
}
