package io.rivulet.journal;

import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

import java.util.List;

/**
 * Encodes a journal's {@link JournalMetadata} (schema, kind, roll cycle) as a small text document, so any reader (the
 * CLI, a script, a person with {@code cat}) can decode the journal without code. Uses only the public
 * {@link Schema} API. Fields are listed in declaration order; the binary layout follows from the schema.
 * <pre>
 *   rivulet-journal 1          &lt;- magic + format version (also versions the entry layout)
 *   kind INPUT                 &lt;- INPUT | OUTPUT, see JournalDescriptor
 *   rollCycle DAILY            &lt;- a JournalRollCycle: names the queue's cycle files
 *   field id INT64             &lt;- field &lt;name&gt; &lt;FieldType&gt; [&lt;parameter&gt;]
 *   field sym SYMBOL 8         &lt;- a SYMBOL's parameter is its length in bytes
 *   field px DECIMAL 4         &lt;- a DECIMAL's parameter is its scale
 * </pre>
 * Extending: a new {@link FieldType} is one constant in {@code TypeCodec} saying
 * how to read its parameter from a field and how to add it to a {@link Schema.Builder}.
 * Stateless and thread-safe; allocates (not for the hot path).
 */
public final class SchemaCodec
{
    /** First word of every schema file. */
    public static final String MAGIC = "rivulet-journal";
    /** Version of this text format and of the {@link JournalDescriptor} entry layout. */
    public static final int FORMAT_VERSION = 1;

    private SchemaCodec()
    {
    }

    /**
     * @param metadata schema and kind.
     * @return the text document, lines ending with {@code \n}.
     */
    public static String encode(final JournalMetadata metadata)
    {
        final StringBuilder out = new StringBuilder(64 + 32 * metadata.schema().fieldCount());
        out.append(MAGIC).append(' ').append(FORMAT_VERSION).append('\n');
        out.append("kind ").append(metadata.kind().name()).append('\n');
        out.append("rollCycle ").append(metadata.rollCycle().name()).append('\n');
        for (final Field field : metadata.schema().fields())
        {
            final TypeCodec codec = TypeCodec.of(field.type(), "encode");
            out.append("field ").append(field.name()).append(' ').append(field.type().name());
            if (codec.hasParameter)
            {
                out.append(' ').append(codec.parameter(field));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * @param text   a document written by {@link #encode}.
     * @param source where the text came from, named in error messages (a file path).
     * @return the decoded schema and kind.
     * @throws SchemaException naming the source and the line if the text is not a valid schema document.
     */
    public static JournalMetadata decode(final String text, final String source)
    {
        final List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty() && l.charAt(0) != '#')
            .toList();
        if (lines.isEmpty() || !lines.get(0).startsWith(MAGIC + " "))
        {
            throw new SchemaException(source + " is not a Rivulet journal schema (it does not start with '" +
                MAGIC + " <version>')");
        }
        final int version = parseInt(lines.get(0).substring(MAGIC.length() + 1).strip(), source, lines.get(0));
        if (version != FORMAT_VERSION)
        {
            throw new SchemaException(source + " has format version " + version + "; this Rivulet reads version " +
                FORMAT_VERSION + (version > FORMAT_VERSION ? " (written by a newer Rivulet: upgrade)" : ""));
        }
        JournalKind kind = null;
        JournalRollCycle rollCycle = null;
        final Schema.Builder builder = Schema.builder();
        for (int i = 1; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            final String[] words = line.split("\\s+");
            if (words[0].equals("kind") && words.length == 2)
            {
                try
                {
                    kind = JournalKind.valueOf(words[1]);
                }
                catch (final IllegalArgumentException e)
                {
                    throw new SchemaException(source + ": unknown journal kind in '" + line + "'; expected INPUT or " +
                        "OUTPUT");
                }
            }
            else if (words[0].equals("rollCycle") && words.length == 2)
            {
                try
                {
                    rollCycle = JournalRollCycle.valueOf(words[1]);
                }
                catch (final IllegalArgumentException e)
                {
                    throw new SchemaException(source + ": unknown roll cycle in '" + line + "'; expected one of " +
                        java.util.Arrays.toString(JournalRollCycle.values()));
                }
            }
            else if (words[0].equals("field") && (words.length == 3 || words.length == 4))
            {
                final TypeCodec codec = TypeCodec.named(words[2], source, line);
                if (codec.hasParameter != (words.length == 4))
                {
                    throw new SchemaException(source + ": '" + line + "': type " + words[2] +
                        (codec.hasParameter ? " needs a parameter" : " takes no parameter"));
                }
                codec.add(builder, words[1], codec.hasParameter ? parseInt(words[3], source, line) : 0);
            }
            else
            {
                throw new SchemaException(source + ": cannot read line '" + line + "'; expected 'kind <KIND>' or " +
                    "'rollCycle <CYCLE>' or 'field <name> <TYPE> [<parameter>]'");
            }
        }
        if (kind == null)
        {
            throw new SchemaException(source + " names no journal kind (a line 'kind INPUT' or 'kind OUTPUT')");
        }
        if (rollCycle == null)
        {
            throw new SchemaException(source + " names no roll cycle (a line like 'rollCycle DAILY')");
        }
        try
        {
            return new JournalMetadata(builder.build(), kind, rollCycle);
        }
        catch (final SchemaException e)
        {
            throw new SchemaException(source + ": " + e.getMessage());
        }
    }

    private static int parseInt(final String word, final String source, final String line)
    {
        try
        {
            return Integer.parseInt(word);
        }
        catch (final NumberFormatException e)
        {
            throw new SchemaException(source + ": '" + word + "' in line '" + line + "' is not a number");
        }
    }

    /**
     * How each field type is written and read back. One constant per {@link FieldType}, named alike.
     */
    enum TypeCodec
    {
        INT64(false)
        {
            void add(final Schema.Builder builder, final String name, final int parameter)
            {
                builder.int64(name);
            }
        },
        INT32(false)
        {
            void add(final Schema.Builder builder, final String name, final int parameter)
            {
                builder.int32(name);
            }
        },
        FLOAT64(false)
        {
            void add(final Schema.Builder builder, final String name, final int parameter)
            {
                builder.float64(name);
            }
        },
        BOOLEAN(false)
        {
            void add(final Schema.Builder builder, final String name, final int parameter)
            {
                builder.bool(name);
            }
        },
        TIMESTAMP(false)
        {
            void add(final Schema.Builder builder, final String name, final int parameter)
            {
                builder.timestamp(name);
            }
        },
        SYMBOL(true)
        {
            int parameter(final Field field)
            {
                return field.lengthBytes();
            }

            void add(final Schema.Builder builder, final String name, final int lengthBytes)
            {
                builder.symbol(name, lengthBytes);
            }
        },
        DECIMAL(true)
        {
            int parameter(final Field field)
            {
                return field.scale();
            }

            void add(final Schema.Builder builder, final String name, final int scale)
            {
                builder.decimal(name, scale);
            }
        };

        final boolean hasParameter;

        TypeCodec(final boolean hasParameter)
        {
            this.hasParameter = hasParameter;
        }

        int parameter(final Field field)
        {
            return 0;
        }

        abstract void add(Schema.Builder builder, String name, int parameter);

        static TypeCodec of(final FieldType type, final String action)
        {
            try
            {
                return valueOf(type.name());
            }
            catch (final IllegalArgumentException e)
            {
                throw new SchemaException("Cannot " + action + " field type " + type + " in a journal schema yet; " +
                    "add a constant for it to SchemaCodec.TypeCodec");
            }
        }

        static TypeCodec named(final String typeName, final String source, final String line)
        {
            try
            {
                return valueOf(typeName);
            }
            catch (final IllegalArgumentException e)
            {
                throw new SchemaException(source + ": unknown field type '" + typeName + "' in line '" + line +
                    "'; this Rivulet knows " + java.util.Arrays.toString(values()));
            }
        }
    }
}
