package io.rivulet.engine;

import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

import java.io.PrintStream;
import java.util.List;

/**
 * Prints records as human-readable rows (a header, then one line per record up to a limit). For people, not
 * for the hot path: it formats text. FLOAT64 prints with 2 decimals; DECIMAL prints exactly, with its column's
 * scale ({@code 101.2500}, {@code -0.0050}).
 */
final class ConsoleSink implements Sink
{
    private final PrintStream out;
    private final long maxRows;
    private final StringBuilder line = new StringBuilder(256);
    private Schema schema;
    private long seen;

    ConsoleSink(final PrintStream out, final long maxRows)
    {
        this.out = out;
        this.maxRows = maxRows;
    }

    @Override
    public void open(final Schema schema)
    {
        this.schema = schema;
    }

    @Override
    public void onRecord(final RecordFlyweight record)
    {
        if (seen == 0)
        {
            printHeader();
        }
        if (seen++ < maxRows)
        {
            line.setLength(0);
            final List<Field> fields = schema.fields();
            line.append("| ");
            for (final Field f : fields)
            {
                final int start = line.length();
                if (f.type() == FieldType.DECIMAL)
                {
                    // exact, with the column's scale: 101.2500, -0.0050, 0.0000
                    record.appendDecimal((DecimalField)f, line);
                }
                else
                {
                    final Object value = record.getValue(f);
                    line.append(value instanceof Double ? String.format("%.2f", (Double)value) : value);
                }
                pad(start, width(f));
                line.append(" | ");
            }
            out.println(line);
        }
    }

    @Override
    public void onEndOfStream()
    {
        if (seen > maxRows)
        {
            out.println("... " + (seen - maxRows) + " more rows not shown (" + seen + " in total)");
        }
    }

    private void printHeader()
    {
        line.setLength(0);
        line.append("| ");
        for (final Field f : schema.fields())
        {
            final int start = line.length();
            line.append(f.name());
            pad(start, width(f));
            line.append(" | ");
        }
        out.println(line);
    }

    private void pad(final int start, final int width)
    {
        while (line.length() - start < width)
        {
            line.append(' ');
        }
    }

    private static int width(final Field f)
    {
        switch (f.type())
        {
            case SYMBOL:
                return Math.max(f.name().length(), f.lengthBytes());
            case BOOLEAN:
                return Math.max(f.name().length(), 5);
            case TIMESTAMP:
                return Math.max(f.name().length(), 13);
            case DECIMAL:
                return Math.max(f.name().length(), 12 + f.scale() / 2);
            default:
                return Math.max(f.name().length(), 12);
        }
    }
}
