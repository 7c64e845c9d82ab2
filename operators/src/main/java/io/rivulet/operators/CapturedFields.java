package io.rivulet.operators;

import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;

/**
 * Checks, when a pipeline is defined, the {@link Field}s a typed lambda captured (effectively final locals, and
 * Field arrays): a field named like a column of the schemas the lambda sees must fit that schema. This catches the
 * common mistake of a field resolved before a {@code select}/{@code map} changed the layout, before any record
 * flows. Fields whose name none of those schemas has are left alone (a lambda may read a record of its own, e.g.
 * reference data). Static constants are not captured and are not seen here; the flyweight's assertions
 * ({@code -ea}) catch those at the first record. Best effort: a lambda whose class cannot be inspected (a named
 * module that does not open its package) is skipped.
 */
final class CapturedFields
{
    private CapturedFields()
    {
    }

    static void check(final Object function, final String what, final Schema... schemas)
    {
        final Class<?> type = function.getClass();
        if (!type.isSynthetic() && !type.getName().contains("$$Lambda"))
        {
            return;
        }
        for (final java.lang.reflect.Field captured : type.getDeclaredFields())
        {
            if (java.lang.reflect.Modifier.isStatic(captured.getModifiers()))
            {
                continue;
            }
            final Object value;
            try
            {
                captured.setAccessible(true);
                value = captured.get(function);
            }
            catch (final RuntimeException | IllegalAccessException e)
            {
                return;
            }
            if (value instanceof Field)
            {
                checkField((Field)value, what, schemas);
            }
            else if (value instanceof Field[])
            {
                for (final Field f : (Field[])value)
                {
                    if (f != null)
                    {
                        checkField(f, what, schemas);
                    }
                }
            }
        }
    }

    private static void checkField(final Field field, final String what, final Schema... schemas)
    {
        Schema sameName = null;
        for (final Schema schema : schemas)
        {
            if (field.isValidFor(schema))
            {
                return;
            }
            if (sameName == null && schema.hasField(field.name()))
            {
                sameName = schema;
            }
        }
        if (sameName == null)
        {
            // a field of an unrelated schema (a lookup record the lambda reads, say) is not this mistake
            return;
        }
        throw new SchemaException(what + " uses field '" + field + "' resolved from " + field.schema() +
            ", but its records have " + schemas[0] + (schemas.length > 1 ? " (output " + schemas[1] + ")" : "") +
            ": " + field.mismatchReason(sameName) + ". Resolve the field from the schema at this point of the " +
            "pipeline, e.g. stream.schema()." + field.type().schemaAccessor() + "(\"" + field.name() + "\")");
    }

}
