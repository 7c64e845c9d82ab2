package io.rivulet.operators.process;

import io.rivulet.operators.Output;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedStateTest
{
    private static RecordFlyweight record(final Schema schema)
    {
        return new RecordFlyweight(schema).wrap(new UnsafeBuffer(new byte[schema.recordLengthBytes()]), 0);
    }

    @Test
    void shouldBehaveLikeABoundedDequeAgainstReference()
    {
        final Schema schema = BoundedLongList.declare(Schema.builder().int64("other"), "last", 5).build();
        final BoundedLongList list = new BoundedLongList(schema, "last").wrap(record(schema));
        final ArrayDeque<Long> reference = new ArrayDeque<>();
        final Random random = new Random(1);
        for (int i = 0; i < 10_000; i++)
        {
            final int op = random.nextInt(4);
            final long v = random.nextLong();
            if (op == 0)
            {
                assertEquals(reference.size() < 5, list.add(v));
                if (reference.size() < 5)
                {
                    reference.addLast(v);
                }
            }
            else if (op == 1)
            {
                list.addEvicting(v);
                if (reference.size() == 5)
                {
                    reference.removeFirst();
                }
                reference.addLast(v);
            }
            else if (op == 2 && !reference.isEmpty())
            {
                assertEquals(reference.removeFirst(), list.removeFirst());
            }
            else if (op == 3 && random.nextInt(20) == 0)
            {
                list.clear();
                reference.clear();
            }
            assertEquals(reference.size(), list.size());
            assertEquals(new ArrayList<>(reference), contents(list));
        }
        list.clear();
        assertThrows(IllegalStateException.class, list::removeFirst);
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(0));
    }

    private static List<Long> contents(final BoundedLongList list)
    {
        final List<Long> values = new ArrayList<>();
        for (int i = 0; i < list.size(); i++)
        {
            values.add(list.get(i));
        }
        return values;
    }

    @Test
    void shouldBehaveLikeABoundedMapAgainstReference()
    {
        final Schema schema = BoundedLongMap.declare(Schema.builder(), "m", 8).build();
        final BoundedLongMap map = new BoundedLongMap(schema, "m").wrap(record(schema));
        final Map<Long, Long> reference = new HashMap<>();
        final Random random = new Random(2);
        for (int i = 0; i < 10_000; i++)
        {
            final long key = random.nextInt(12);
            final long value = random.nextLong();
            if (random.nextBoolean())
            {
                final boolean fits = reference.containsKey(key) || reference.size() < 8;
                assertEquals(fits, map.put(key, value));
                if (fits)
                {
                    reference.put(key, value);
                }
            }
            else
            {
                assertEquals(reference.remove(key) != null, map.remove(key));
            }
            assertEquals(reference.size(), map.size());
            for (long k = 0; k < 12; k++)
            {
                assertEquals(reference.getOrDefault(k, -1L), map.get(k, -1L));
                assertEquals(reference.containsKey(k), map.containsKey(k));
            }
        }
    }

    @Test
    void shouldRejectUndeclaredOrBadCapacities()
    {
        assertThrows(SchemaException.class, () -> BoundedLongList.declare(Schema.builder(), "l", 0));
        assertThrows(SchemaException.class, () -> BoundedLongMap.declare(Schema.builder(), "m", 257));
        final Schema plain = Schema.builder().int32("l_size").build();
        assertThrows(SchemaException.class, () -> new BoundedLongList(plain, "l"));
        assertThrows(SchemaException.class, () -> new BoundedLongMap(plain, "nope"));
    }

    @Test
    void shouldKeepListStatePerKeyInProcessFunction()
    {
        final Schema input = Schema.builder().int64("key").int64("value").timestamp("ts").build();
        final LongField key = input.longField("key");
        final LongField value = input.longField("value");
        final Schema state = BoundedLongList.declare(Schema.builder(), "last", 3).build();
        final Schema output = Schema.builder().int64("key").int64("sumOfLast3").build();
        final LongField outKey = output.longField("key");
        final LongField outSum = output.longField("sumOfLast3");
        final BoundedLongList last = new BoundedLongList(state, "last");

        final KeyedProcessOperator op = new KeyedProcessOperator(input, new String[]{"key"}, state, output,
            (record, ctx) ->
            {
                last.wrap(ctx.state()).addEvicting(record.getLong(value));
                long sum = 0;
                for (int i = 0; i < last.size(); i++)
                {
                    sum += last.get(i);
                }
                ctx.outputRecord().setLong(outKey, record.getLong(key)).setLong(outSum, sum);
                ctx.emit();
            });
        final List<List<Long>> rows = new ArrayList<>();
        op.open(new Output()
        {
            public void onRecord(final RecordFlyweight r)
            {
                rows.add(List.of(r.getLong(outKey), r.getLong(outSum)));
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
        });
        final RecordFlyweight in = record(input);
        final long[][] events = {{1, 10}, {2, 100}, {1, 20}, {1, 30}, {2, 200}, {1, 40}};
        for (final long[] e : events)
        {
            op.onRecord(in.setLong(key, e[0]).setLong(value, e[1]));
        }
        assertEquals(List.of(List.of(1L, 10L), List.of(2L, 100L), List.of(1L, 30L), List.of(1L, 60L),
            List.of(2L, 300L), List.of(1L, 90L)), rows);
        assertTrue(op.describe().contains("keyBy"));
        op.close();
    }
}
