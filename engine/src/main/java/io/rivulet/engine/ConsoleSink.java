package io.rivulet.engine;

import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;

import java.io.PrintStream;
import java.util.List;

/**
 * Prints records as human-readable rows (a header, then one line per record up to a limit). For people, not
 * for the hot path: it formats text. FLOAT64 prints faithfully: the shortest digits that read back as the same
 * double ({@link Double#toString}), in plain notation for 1e-6 &lt;= |x| &lt; 1e15 ({@code 1.08345},
 * {@code 0.000012}, {@code 10000000.0}) and scientific outside it ({@code 1.0E-7}, {@code 1.0E15}); DECIMAL prints
 * exactly, with its column's scale ({@code 101.2500}, {@code -0.0050}). Every column is as wide as its type's
 * widest value (INT64 and TIMESTAMP 20 characters, FLOAT64 25, ...), so rows stay aligned whatever the values.
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
                else if (f.type() == FieldType.FLOAT64)
                {
                    appendDouble(record.getDouble((DoubleField)f), line);
                }
                else
                {
                    line.append(record.getValue(f));
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

    /** Widest FLOAT64 text: sign, "0.00000" and 17 significant digits ({@link #appendDouble}). */
    static final int FLOAT64_WIDTH = 25;

    /**
     * Appends {@code value}'s shortest round-trip digits ({@link Double#toString}), rewritten in plain notation
     * when its decimal exponent is in [-6, 14]: {@code 1.2E-5} becomes {@code 0.000012}, {@code 1.0E7}
     * {@code 10000000.0}. One String per value (Double.toString's).
     */
    static void appendDouble(final double value, final StringBuilder out)
    {
        final String text = Double.toString(value);
        final int e = text.indexOf('E');
        if (e < 0)
        {
            out.append(text);
            return;
        }
        final int exponent = Integer.parseInt(text, e + 1, text.length(), 10);
        if (exponent < -6 || exponent > 14)
        {
            out.append(text);
            return;
        }
        // text is [-]d.ddddE<exponent>: digits d dddd with the point after the first one
        final int signLength = text.charAt(0) == '-' ? 1 : 0;
        int lastDigit = e - 1;
        while (lastDigit > signLength + 1 && text.charAt(lastDigit) == '0')
        {
            lastDigit--;
        }
        if (signLength == 1)
        {
            out.append('-');
        }
        final int digitCount = 1 + lastDigit - (signLength + 1);
        final int pointAfter = exponent + 1;
        if (pointAfter <= 0)
        {
            out.append("0.");
            for (int i = 0; i < -pointAfter; i++)
            {
                out.append('0');
            }
        }
        for (int i = 0; i < digitCount; i++)
        {
            out.append(text.charAt(i == 0 ? signLength : signLength + 1 + i));
            if (i + 1 == pointAfter && i + 1 < digitCount)
            {
                out.append('.');
            }
        }
        if (pointAfter >= digitCount)
        {
            for (int i = digitCount; i < pointAfter; i++)
            {
                out.append('0');
            }
            out.append(".0");
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
            case INT32:
                return Math.max(f.name().length(), 11);        // -2147483648
            case FLOAT64:
                return Math.max(f.name().length(), FLOAT64_WIDTH);
            case DECIMAL:
                // Long.MIN_VALUE's 19 digits and sign, plus the point when there is a scale
                return Math.max(f.name().length(), f.scale() == 0 ? 20 : 21);
            default:
                return Math.max(f.name().length(), 20);        // INT64, TIMESTAMP: -9223372036854775808
        }
    }
}
