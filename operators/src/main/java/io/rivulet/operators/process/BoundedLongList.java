package io.rivulet.operators.process;

import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

/**
 * A list of at most N longs kept inside a key's fixed-width state record (list state for a
 * {@link KeyedProcessFunction}): declare it in the state schema with {@link #declare}, then view a key's state
 * through a flyweight of this class. Oldest first; no allocation.
 * <pre>
 *   state schema: ..., name_size INT32, name_0 INT64, ..., name_{N-1} INT64, ...
 * </pre>
 */
public final class BoundedLongList
{
    private final IntField size;
    private final LongField[] items;
    private RecordFlyweight state;

    /**
     * Adds the list's columns to a state schema under construction.
     *
     * @param state    the state schema builder.
     * @param name     list name (column prefix).
     * @param capacity most elements, 1 to 1024.
     * @return the builder.
     */
    public static Schema.Builder declare(final Schema.Builder state, final String name, final int capacity)
    {
        if (capacity < 1 || capacity > 1024)
        {
            throw new SchemaException("List state '" + name + "' capacity must be 1 to 1024, got " + capacity);
        }
        state.int32(name + "_size");
        for (int i = 0; i < capacity; i++)
        {
            state.int64(name + "_" + i);
        }
        return state;
    }

    /**
     * @param stateSchema a schema with the list {@link #declare declared}.
     * @param name        the list's name.
     */
    public BoundedLongList(final Schema stateSchema, final String name)
    {
        this.size = stateSchema.intField(name + "_size");
        int capacity = 0;
        while (stateSchema.hasField(name + "_" + capacity))
        {
            capacity++;
        }
        if (capacity == 0)
        {
            throw new SchemaException("State schema has no list '" + name + "'; declare it with " +
                "BoundedLongList.declare(builder, \"" + name + "\", capacity)");
        }
        items = new LongField[capacity];
        for (int i = 0; i < capacity; i++)
        {
            items[i] = stateSchema.longField(name + "_" + i);
        }
    }

    /**
     * @param state a key's state record (e.g. {@link KeyedContext#state()}).
     * @return this view, over that state.
     */
    public BoundedLongList wrap(final RecordFlyweight state)
    {
        this.state = state;
        return this;
    }

    /** @return number of elements. */
    public int size()
    {
        return state.getInt(size);
    }

    /** @return most elements. */
    public int capacity()
    {
        return items.length;
    }

    /**
     * @param index 0 (oldest) to size - 1.
     * @return the element.
     */
    public long get(final int index)
    {
        checkIndex(index);
        return state.getLong(items[index]);
    }

    /**
     * @param value to append.
     * @return false (and nothing changes) if the list is full.
     */
    public boolean add(final long value)
    {
        final int n = size();
        if (n == items.length)
        {
            return false;
        }
        state.setLong(items[n], value);
        state.setInt(size, n + 1);
        return true;
    }

    /**
     * Appends, dropping the oldest element first if the list is full (a sliding buffer of the last N).
     *
     * @param value to append.
     */
    public void addEvicting(final long value)
    {
        if (size() == items.length)
        {
            removeFirst();
        }
        add(value);
    }

    /**
     * @return the oldest element, removed.
     * @throws IllegalStateException if empty.
     */
    public long removeFirst()
    {
        final int n = size();
        if (n == 0)
        {
            throw new IllegalStateException("removeFirst() on an empty list");
        }
        final long first = state.getLong(items[0]);
        for (int i = 1; i < n; i++)
        {
            state.setLong(items[i - 1], state.getLong(items[i]));
        }
        state.setLong(items[n - 1], 0);
        state.setInt(size, n - 1);
        return first;
    }

    /** Empties the list. */
    public void clear()
    {
        final int n = size();
        for (int i = 0; i < n; i++)
        {
            state.setLong(items[i], 0);
        }
        state.setInt(size, 0);
    }

    private void checkIndex(final int index)
    {
        if (index < 0 || index >= size())
        {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size());
        }
    }
}
