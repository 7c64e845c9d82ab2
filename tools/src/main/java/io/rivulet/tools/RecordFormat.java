package io.rivulet.tools;

import io.rivulet.ringbuffer.BooleanField;
import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;

import java.util.List;

/**
 * Writes journal records as text: an aligned table for a person, or one JSON object / CSV row per line for a
 * program. Table widths come from the schema (a SYMBOL(n) is n wide, a timestamp 24, a number 12) so rows
 * line up without reading ahead, which {@code --follow} cannot; a wider value widens its column from then on.
 * Timestamps are ISO-8601 UTC with milliseconds, decimals exact at their scale, doubles as {@link Double#toString};
 * in JSON the journal index is a string (it can exceed 2^53, where JSON readers using doubles lose digits).
 * Not thread-safe; reuses its buffers.
 */
final class RecordFormat
{
    /** The output formats of {@code rivulet tail --format}. */
    enum Kind
    {
        /** Aligned columns with a header line. */
        TABLE,
        /** One JSON object per line (pipes into {@code jq}). */
        JSON,
        /** A header line, then one RFC 4180 row per line. */
        CSV
    }

    private static final String GAP = "  ";

    private final Kind kind;
    private final List<Field> fields;
    private final boolean showIndex;
    private final boolean showSequence;
    private final String indexName;
    private final String sequenceName;
    /** Table column widths: [index], [sequence], then one per field. */
    private final int[] widths;
    private final StringBuilder cell = new StringBuilder(64);

    RecordFormat(final Kind kind, final Schema schema, final boolean showIndex, final boolean showSequence)
    {
        this.kind = kind;
        this.fields = schema.fields();
        this.showIndex = showIndex;
        this.showSequence = showSequence;
        // a schema column of the same name keeps its name; the journal's own column gets a '_'
        this.indexName = schema.hasField("index") ? "_index" : "index";
        this.sequenceName = schema.hasField("seq") ? "_seq" : "seq";
        this.widths = new int[2 + fields.size()];
        widths[0] = Math.max(indexName.length(), 14);
        widths[1] = Math.max(sequenceName.length(), 6);
        for (int i = 0; i < fields.size(); i++)
        {
            widths[2 + i] = Math.max(fields.get(i).name().length(), width(fields.get(i)));
        }
    }

    private static int width(final Field field)
    {
        switch (field.type())
        {
            case SYMBOL:
                return field.lengthBytes();
            case TIMESTAMP:
                return 24;
            case BOOLEAN:
                return 5;
            case INT32:
                return 11;
            case DECIMAL:
                return Math.max(12, field.scale() + 3);
            default:
                return 12;
        }
    }

    /**
     * Appends the header line (table and CSV; nothing for JSON).
     *
     * @param out where to append.
     */
    void header(final StringBuilder out)
    {
        if (kind == Kind.JSON)
        {
            return;
        }
        int column = 0;
        if (showIndex)
        {
            column = cell(out, column, 0, indexName, true);
        }
        if (showSequence)
        {
            column = cell(out, column, 1, sequenceName, true);
        }
        for (int i = 0; i < fields.size(); i++)
        {
            final Field field = fields.get(i);
            column = cell(out, column, 2 + i, field.name(), rightAligned(field));
        }
        endLine(out);
    }

    /**
     * Appends one record as a line.
     *
     * @param out      where to append.
     * @param index    its journal index.
     * @param sequence its output sequence (output journals).
     * @param record   the record, read during the call.
     */
    void row(final StringBuilder out, final long index, final long sequence, final RecordFlyweight record)
    {
        int column = 0;
        if (kind == Kind.JSON)
        {
            out.append('{');
        }
        if (showIndex)
        {
            cell.setLength(0);
            // a JSON string: FIVE_MINUTELY indexes pass 2^53, which jq 1.6 and JavaScript would round
            column = value(out, column, 0, indexName, cell.append(index), true, true);
        }
        if (showSequence)
        {
            cell.setLength(0);
            column = value(out, column, 1, sequenceName, cell.append(sequence), true, false);
        }
        for (int i = 0; i < fields.size(); i++)
        {
            final Field field = fields.get(i);
            cell.setLength(0);
            final boolean quoted = format(field, record, cell);
            column = value(out, column, 2 + i, field.name(), cell, rightAligned(field), quoted);
        }
        if (kind == Kind.JSON)
        {
            out.append('}');
        }
        endLine(out);
    }

    /** Formats a field's value into {@code cell}; returns true if JSON must quote it. */
    private boolean format(final Field field, final RecordFlyweight record, final StringBuilder cell)
    {
        switch (field.type())
        {
            case INT64:
                cell.append(record.getLong((LongField)field));
                return false;
            case TIMESTAMP:
                cell.append(JournalFiles.formatTime(record.getLong((LongField)field)));
                return true;
            case INT32:
                cell.append(record.getInt((IntField)field));
                return false;
            case FLOAT64:
            {
                final double v = record.getDouble((DoubleField)field);
                if (kind == Kind.JSON && (Double.isNaN(v) || Double.isInfinite(v)))
                {
                    cell.append("null"); // JSON has no NaN or Infinity
                }
                else
                {
                    cell.append(v);
                }
                return false;
            }
            case BOOLEAN:
                cell.append(record.getBoolean((BooleanField)field));
                return false;
            case DECIMAL:
                record.appendDecimal((DecimalField)field, cell);
                return false;
            default:
                record.appendSymbol((SymbolField)field, cell);
                return true;
        }
    }

    private static boolean rightAligned(final Field field)
    {
        return field.type().isNumeric() && field.type() != io.rivulet.ringbuffer.FieldType.TIMESTAMP;
    }

    private int value(final StringBuilder out, final int column, final int slot, final String name,
        final CharSequence text, final boolean right, final boolean quoted)
    {
        switch (kind)
        {
            case JSON:
                if (column > 0)
                {
                    out.append(',');
                }
                JournalFiles.appendJsonString(out, name).append(':');
                if (quoted)
                {
                    JournalFiles.appendJsonString(out, text);
                }
                else
                {
                    out.append(text);
                }
                return column + 1;
            default:
                return cell(out, column, slot, text, right);
        }
    }

    private int cell(final StringBuilder out, final int column, final int slot, final CharSequence text,
        final boolean right)
    {
        if (kind == Kind.CSV)
        {
            if (column > 0)
            {
                out.append(',');
            }
            appendCsv(out, text);
            return column + 1;
        }
        if (column > 0)
        {
            out.append(GAP);
        }
        if (text.length() > widths[slot])
        {
            widths[slot] = text.length();
        }
        final int pad = widths[slot] - text.length();
        if (right)
        {
            spaces(out, pad);
            out.append(text);
        }
        else
        {
            out.append(text);
            spaces(out, pad);
        }
        return column + 1;
    }

    private void endLine(final StringBuilder out)
    {
        if (kind == Kind.TABLE)
        {
            int end = out.length();
            while (end > 0 && out.charAt(end - 1) == ' ')
            {
                end--;
            }
            out.setLength(end);
        }
        out.append('\n');
    }

    private static void spaces(final StringBuilder out, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            out.append(' ');
        }
    }

    private static void appendCsv(final StringBuilder out, final CharSequence text)
    {
        boolean quote = false;
        for (int i = 0; i < text.length() && !quote; i++)
        {
            final char c = text.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote)
        {
            out.append(text);
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"')
            {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }
}
