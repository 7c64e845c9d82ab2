package io.rivulet.operators;

import io.rivulet.ringbuffer.BooleanField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives one {@link Operator} on the test thread (Flink operator test harness style): writes input records
 * from boxed values into a reused flyweight, injects markers, and collects everything the operator emits,
 * in order, as {@link Row}s (boxed values + ingest time) and {@link Marker}s.
 */
final class OperatorHarness implements Output
{
    /** An emitted record, copied out while it was valid. */
    record Row(List<Object> values, long ingestTimeNs)
    {
    }

    /** An emitted marker. */
    record Marker(String kind, long value)
    {
    }

    private final Operator head;
    private final Operator operator;
    private final RecordFlyweight input;
    private final List<Object> events = new ArrayList<>();

    OperatorHarness(final Schema inputSchema, final Operator operator)
    {
        this(inputSchema, operator, operator);
    }

    /**
     * For a fused chain: input is pushed into {@code head}, which the test already connected through to
     * {@code tail}; the harness collects what {@code tail} emits.
     */
    OperatorHarness(final Schema inputSchema, final Operator head, final Operator tail)
    {
        this.head = head;
        this.operator = tail;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[inputSchema.recordLengthBytes() + 16]);
        this.input = new RecordFlyweight(inputSchema).wrap(buffer, 8);
        tail.open(this);
    }

    /** Pushes one record; {@code values} in the input schema's declaration order. */
    OperatorHarness push(final long ingestTimeNs, final Object... values)
    {
        final List<Field> fields = input.schema().fields();
        if (values.length != fields.size())
        {
            throw new IllegalArgumentException("expected " + fields.size() + " values, got " + values.length);
        }
        // garbage first, so an operator reading a field that was not written would show it
        input.buffer().setMemory(0, input.buffer().capacity(), (byte)0x7F);
        for (int i = 0; i < values.length; i++)
        {
            final Field f = fields.get(i);
            switch (f.type())
            {
                case INT64:
                case TIMESTAMP:
                    input.setLong((LongField)f, ((Number)values[i]).longValue());
                    break;
                case INT32:
                    input.setInt((IntField)f, (Integer)values[i]);
                    break;
                case FLOAT64:
                    input.setDouble((DoubleField)f, ((Number)values[i]).doubleValue());
                    break;
                case BOOLEAN:
                    input.setBoolean((BooleanField)f, (Boolean)values[i]);
                    break;
                case DECIMAL:
                    if (values[i] instanceof java.math.BigDecimal)
                    {
                        input.setDecimal((io.rivulet.ringbuffer.DecimalField)f, (java.math.BigDecimal)values[i]);
                    }
                    else
                    {
                        input.setDecimal((io.rivulet.ringbuffer.DecimalField)f, values[i].toString());
                    }
                    break;
                default:
                    input.setSymbol((SymbolField)f, (String)values[i]);
            }
        }
        input.ingestTimeNs(ingestTimeNs);
        head.onRecord(input);
        return this;
    }

    OperatorHarness watermark(final long watermarkMs)
    {
        head.onWatermark(watermarkMs);
        return this;
    }

    OperatorHarness epoch(final long epochId)
    {
        head.onEpoch(epochId);
        return this;
    }

    OperatorHarness endOfStream()
    {
        head.onEndOfStream();
        return this;
    }

    /** @return everything emitted, in order. */
    List<Object> events()
    {
        return events;
    }

    /** @return the values of the emitted records, in order. */
    List<List<Object>> rows()
    {
        final List<List<Object>> rows = new ArrayList<>();
        for (final Object e : events)
        {
            if (e instanceof Row)
            {
                rows.add(((Row)e).values());
            }
        }
        return rows;
    }

    /** @return the ingest times of the emitted records, in order. */
    List<Long> ingestTimes()
    {
        final List<Long> times = new ArrayList<>();
        for (final Object e : events)
        {
            if (e instanceof Row)
            {
                times.add(((Row)e).ingestTimeNs());
            }
        }
        return times;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        if (!record.schema().equals(operator.outputSchema()))
        {
            throw new AssertionError("emitted " + record.schema() + " but declares " + operator.outputSchema());
        }
        final List<Object> values = new ArrayList<>();
        for (final Field f : record.schema().fields())
        {
            values.add(record.getValue(f));
        }
        events.add(new Row(values, record.ingestTimeNs()));
    }

    @Override
    public void onWatermark(final long watermarkMs)
    {
        events.add(new Marker("watermark", watermarkMs));
    }

    @Override
    public void onEpoch(final long epochId)
    {
        events.add(new Marker("epoch", epochId));
    }

    @Override
    public void onEndOfStream()
    {
        events.add(new Marker("endOfStream", 0));
    }

    static List<Object> row(final Object... values)
    {
        return Arrays.asList(values);
    }
}
