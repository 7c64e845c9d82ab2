package io.rivulet.operators;

import io.rivulet.ringbuffer.BooleanField;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.SymbolField;

import java.nio.charset.StandardCharsets;

/**
 * A column expression of the declarative API, as in Spark's {@code Column}: {@code col("qty").gt(100)},
 * {@code col("price").times(col("qty")).as("notional")}. An expression is a tree built once when the pipeline
 * is defined; binding it to a schema resolves columns and checks types (a mistake fails there, with a message
 * naming the column), and evaluation allocates nothing.
 * <p>
 * Types: INT64, INT32 and TIMESTAMP columns are integral; arithmetic of integrals stays integral except
 * {@link #div}, which is always FLOAT64 (as in Spark); any FLOAT64 operand makes the result FLOAT64.
 * Symbols support {@link #eq}/{@link #ne}. Immutable.
 */
public abstract class Expr
{
    private static final String[] BINARY_SYMBOLS =
        {"+", "-", "*", "/", ">", ">=", "<", "<=", "==", "!=", "AND", "OR"};
    private static final int PLUS = 0;
    private static final int MINUS = 1;
    private static final int TIMES = 2;
    private static final int DIV = 3;
    private static final int GT = 4;
    private static final int GE = 5;
    private static final int LT = 6;
    private static final int LE = 7;
    private static final int EQ = 8;
    private static final int NE = 9;
    private static final int AND = 10;
    private static final int OR = 11;

    Expr()
    {
    }

    /**
     * @param name a column of the input schema.
     * @return an expression reading that column.
     */
    public static Expr col(final String name)
    {
        if (name == null || name.isEmpty())
        {
            throw new SchemaException("col(name) needs a column name, got " + (name == null ? "null" : "\"\""));
        }
        return new Column(name);
    }

    /**
     * @param value a Long, Integer, Double, Float, Boolean or String (symbol) constant, or an {@link Expr}.
     * @return a literal expression (or {@code value} itself if it already is an expression).
     */
    public static Expr lit(final Object value)
    {
        if (value instanceof Expr)
        {
            return (Expr)value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
        {
            return new Literal(value, BoundExpr.Kind.LONG);
        }
        if (value instanceof Double || value instanceof Float)
        {
            return new Literal(value, BoundExpr.Kind.DOUBLE);
        }
        if (value instanceof Boolean)
        {
            return new Literal(value, BoundExpr.Kind.BOOL);
        }
        if (value instanceof String)
        {
            final String s = (String)value;
            for (int i = 0; i < s.length(); i++)
            {
                if (s.charAt(i) == 0 || s.charAt(i) > 127)
                {
                    throw new SchemaException("Symbol literal \"" + s + "\" must be ASCII without NUL");
                }
            }
            return new Literal(value, BoundExpr.Kind.SYMBOL);
        }
        throw new SchemaException("Unsupported literal " + value + (value == null ? "" : " of type " +
            value.getClass().getSimpleName()) + "; use a long, int, double, boolean or String");
    }

    /** @param other expression or constant. @return {@code this + other}. */
    public Expr plus(final Object other)
    {
        return new Binary(PLUS, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this - other}. */
    public Expr minus(final Object other)
    {
        return new Binary(MINUS, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this * other}. */
    public Expr times(final Object other)
    {
        return new Binary(TIMES, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this / other}, always FLOAT64. */
    public Expr div(final Object other)
    {
        return new Binary(DIV, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this > other}. */
    public Expr gt(final Object other)
    {
        return new Binary(GT, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this >= other}. */
    public Expr ge(final Object other)
    {
        return new Binary(GE, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this < other}. */
    public Expr lt(final Object other)
    {
        return new Binary(LT, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this <= other}. */
    public Expr le(final Object other)
    {
        return new Binary(LE, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this == other}. */
    public Expr eq(final Object other)
    {
        return new Binary(EQ, this, lit(other));
    }

    /** @param other expression or constant. @return {@code this != other}. */
    public Expr ne(final Object other)
    {
        return new Binary(NE, this, lit(other));
    }

    /** @param other boolean expression. @return {@code this AND other}. */
    public Expr and(final Expr other)
    {
        return new Binary(AND, this, other);
    }

    /** @param other boolean expression. @return {@code this OR other}. */
    public Expr or(final Expr other)
    {
        return new Binary(OR, this, other);
    }

    /** @return {@code NOT this}. */
    public Expr not()
    {
        return new Not(this);
    }

    /**
     * @param alias name of the output column for {@code select}.
     * @return this expression, named.
     */
    public Expr as(final String alias)
    {
        return new Alias(this, alias);
    }

    /**
     * @return the output column name: the alias, or the column name for a plain column; null otherwise.
     */
    public String name()
    {
        return null;
    }

    abstract BoundExpr bind(Schema schema);

    static BoundExpr bindBoolean(final Expr expr, final Schema schema, final String what)
    {
        final BoundExpr bound = expr.bind(schema);
        if (bound.kind != BoundExpr.Kind.BOOL)
        {
            throw new SchemaException(what + " needs a boolean expression, but " + expr + " is " + bound.kind);
        }
        return bound;
    }

    private static final class Column extends Expr
    {
        private final String name;

        Column(final String name)
        {
            this.name = name;
        }

        @Override
        public String name()
        {
            return name;
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            final Field field = schema.field(name);
            switch (field.type())
            {
                case INT64:
                case TIMESTAMP:
                {
                    final LongField f = (LongField)field;
                    return new BoundExpr(BoundExpr.Kind.LONG)
                    {
                        long evalLong(final RecordFlyweight r)
                        {
                            return r.getLong(f);
                        }

                        FieldType outputType()
                        {
                            return f.type();
                        }
                    };
                }
                case INT32:
                {
                    final IntField f = (IntField)field;
                    return new BoundExpr(BoundExpr.Kind.LONG)
                    {
                        long evalLong(final RecordFlyweight r)
                        {
                            return r.getInt(f);
                        }

                        FieldType outputType()
                        {
                            return FieldType.INT32;
                        }
                    };
                }
                case FLOAT64:
                {
                    final DoubleField f = (DoubleField)field;
                    return new BoundExpr(BoundExpr.Kind.DOUBLE)
                    {
                        double evalDouble(final RecordFlyweight r)
                        {
                            return r.getDouble(f);
                        }

                        FieldType outputType()
                        {
                            return FieldType.FLOAT64;
                        }
                    };
                }
                case BOOLEAN:
                {
                    final BooleanField f = (BooleanField)field;
                    return new BoundExpr(BoundExpr.Kind.BOOL)
                    {
                        boolean evalBool(final RecordFlyweight r)
                        {
                            return r.getBoolean(f);
                        }

                        FieldType outputType()
                        {
                            return FieldType.BOOLEAN;
                        }
                    };
                }
                default:
                    return new BoundExpr.SymbolColumn((SymbolField)field);
            }
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    private static final class Literal extends Expr
    {
        private final Object value;
        private final BoundExpr.Kind kind;

        Literal(final Object value, final BoundExpr.Kind kind)
        {
            this.value = value;
            this.kind = kind;
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            switch (kind)
            {
                case LONG:
                {
                    final long v = ((Number)value).longValue();
                    return new BoundExpr(BoundExpr.Kind.LONG)
                    {
                        long evalLong(final RecordFlyweight r)
                        {
                            return v;
                        }

                        FieldType outputType()
                        {
                            return FieldType.INT64;
                        }
                    };
                }
                case DOUBLE:
                {
                    final double v = ((Number)value).doubleValue();
                    return new BoundExpr(BoundExpr.Kind.DOUBLE)
                    {
                        double evalDouble(final RecordFlyweight r)
                        {
                            return v;
                        }

                        FieldType outputType()
                        {
                            return FieldType.FLOAT64;
                        }
                    };
                }
                case BOOL:
                {
                    final boolean v = (Boolean)value;
                    return new BoundExpr(BoundExpr.Kind.BOOL)
                    {
                        boolean evalBool(final RecordFlyweight r)
                        {
                            return v;
                        }

                        FieldType outputType()
                        {
                            return FieldType.BOOLEAN;
                        }
                    };
                }
                default:
                    return new BoundExpr.SymbolLiteral(((String)value).getBytes(StandardCharsets.US_ASCII));
            }
        }

        @Override
        public String toString()
        {
            return kind == BoundExpr.Kind.SYMBOL ? "'" + value + "'" : String.valueOf(value);
        }
    }

    private static final class Not extends Expr
    {
        private final Expr operand;

        Not(final Expr operand)
        {
            this.operand = operand;
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            final BoundExpr b = bindBoolean(operand, schema, "NOT");
            return new BoundExpr(BoundExpr.Kind.BOOL)
            {
                boolean evalBool(final RecordFlyweight r)
                {
                    return !b.evalBool(r);
                }

                FieldType outputType()
                {
                    return FieldType.BOOLEAN;
                }
            };
        }

        @Override
        public String toString()
        {
            return "NOT " + operand;
        }
    }

    private static final class Alias extends Expr
    {
        private final Expr expr;
        private final String alias;

        Alias(final Expr expr, final String alias)
        {
            if (alias == null || alias.isEmpty())
            {
                throw new SchemaException("as(name) needs a column name for " + expr);
            }
            this.expr = expr;
            this.alias = alias;
        }

        @Override
        public String name()
        {
            return alias;
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            return expr.bind(schema);
        }

        @Override
        public String toString()
        {
            return expr + " AS " + alias;
        }
    }

    private static final class Binary extends Expr
    {
        private final int op;
        private final Expr left;
        private final Expr right;

        Binary(final int op, final Expr left, final Expr right)
        {
            if (right == null)
            {
                throw new SchemaException("Operand of " + BINARY_SYMBOLS[op] + " is null in " + left + " " +
                    BINARY_SYMBOLS[op] + " null");
            }
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public String toString()
        {
            return "(" + left + " " + BINARY_SYMBOLS[op] + " " + right + ")";
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            final BoundExpr l = left.bind(schema);
            final BoundExpr r = right.bind(schema);
            switch (op)
            {
                case AND:
                case OR:
                    if (l.kind != BoundExpr.Kind.BOOL || r.kind != BoundExpr.Kind.BOOL)
                    {
                        throw mismatch(l, r, "boolean operands");
                    }
                    return op == AND ? new And(l, r) : new Or(l, r);
                case EQ:
                case NE:
                    if (l.kind == BoundExpr.Kind.SYMBOL || r.kind == BoundExpr.Kind.SYMBOL)
                    {
                        if (l.kind != r.kind)
                        {
                            throw mismatch(l, r, "two symbols");
                        }
                        return new SymbolCompare(op == EQ, l, r);
                    }
                    if (l.kind == BoundExpr.Kind.BOOL && r.kind == BoundExpr.Kind.BOOL)
                    {
                        return new BoolCompare(op == EQ, l, r);
                    }
                    return numericCompare(l, r);
                case GT:
                case GE:
                case LT:
                case LE:
                    return numericCompare(l, r);
                default:
                    if (!isNumeric(l) || !isNumeric(r))
                    {
                        throw mismatch(l, r, "numeric operands");
                    }
                    final boolean integral = op != DIV && l.kind == BoundExpr.Kind.LONG && r.kind == BoundExpr.Kind.LONG;
                    return integral ? new LongArithmetic(op, l, r) : new DoubleArithmetic(op, l, r);
            }
        }

        private BoundExpr numericCompare(final BoundExpr l, final BoundExpr r)
        {
            if (!isNumeric(l) || !isNumeric(r))
            {
                throw mismatch(l, r, "numeric operands");
            }
            return l.kind == BoundExpr.Kind.LONG && r.kind == BoundExpr.Kind.LONG ?
                new LongCompare(op, l, r) : new DoubleCompare(op, l, r);
        }

        private static boolean isNumeric(final BoundExpr e)
        {
            return e.kind == BoundExpr.Kind.LONG || e.kind == BoundExpr.Kind.DOUBLE;
        }

        private SchemaException mismatch(final BoundExpr l, final BoundExpr r, final String needed)
        {
            return new SchemaException("Cannot apply " + BINARY_SYMBOLS[op] + " to " + left + " (" + l.kind +
                ") and " + right + " (" + r.kind + ") in " + this + ": it needs " + needed);
        }
    }

    private abstract static class BoolResult extends BoundExpr
    {
        final BoundExpr l;
        final BoundExpr r;

        BoolResult(final BoundExpr l, final BoundExpr r)
        {
            super(Kind.BOOL);
            this.l = l;
            this.r = r;
        }

        @Override
        FieldType outputType()
        {
            return FieldType.BOOLEAN;
        }
    }

    private static final class And extends BoolResult
    {
        And(final BoundExpr l, final BoundExpr r)
        {
            super(l, r);
        }

        @Override
        boolean evalBool(final RecordFlyweight record)
        {
            return l.evalBool(record) && r.evalBool(record);
        }
    }

    private static final class Or extends BoolResult
    {
        Or(final BoundExpr l, final BoundExpr r)
        {
            super(l, r);
        }

        @Override
        boolean evalBool(final RecordFlyweight record)
        {
            return l.evalBool(record) || r.evalBool(record);
        }
    }

    private static final class SymbolCompare extends BoolResult
    {
        private final boolean equal;

        SymbolCompare(final boolean equal, final BoundExpr l, final BoundExpr r)
        {
            super(l, r);
            this.equal = equal;
        }

        @Override
        boolean evalBool(final RecordFlyweight record)
        {
            return l.symbolEquals(record, r) == equal;
        }
    }

    private static final class BoolCompare extends BoolResult
    {
        private final boolean equal;

        BoolCompare(final boolean equal, final BoundExpr l, final BoundExpr r)
        {
            super(l, r);
            this.equal = equal;
        }

        @Override
        boolean evalBool(final RecordFlyweight record)
        {
            return (l.evalBool(record) == r.evalBool(record)) == equal;
        }
    }

    private static final class LongCompare extends BoolResult
    {
        private final int op;

        LongCompare(final int op, final BoundExpr l, final BoundExpr r)
        {
            super(l, r);
            this.op = op;
        }

        @Override
        boolean evalBool(final RecordFlyweight record)
        {
            final long a = l.evalLong(record);
            final long b = r.evalLong(record);
            switch (op)
            {
                case GT:
                    return a > b;
                case GE:
                    return a >= b;
                case LT:
                    return a < b;
                case LE:
                    return a <= b;
                case EQ:
                    return a == b;
                default:
                    return a != b;
            }
        }
    }

    private static final class DoubleCompare extends BoolResult
    {
        private final int op;

        DoubleCompare(final int op, final BoundExpr l, final BoundExpr r)
        {
            super(l, r);
            this.op = op;
        }

        @Override
        boolean evalBool(final RecordFlyweight record)
        {
            final double a = l.evalDouble(record);
            final double b = r.evalDouble(record);
            switch (op)
            {
                case GT:
                    return a > b;
                case GE:
                    return a >= b;
                case LT:
                    return a < b;
                case LE:
                    return a <= b;
                case EQ:
                    return a == b;
                default:
                    return a != b;
            }
        }
    }

    private static final class LongArithmetic extends BoundExpr
    {
        private final int op;
        private final BoundExpr l;
        private final BoundExpr r;

        LongArithmetic(final int op, final BoundExpr l, final BoundExpr r)
        {
            super(Kind.LONG);
            this.op = op;
            this.l = l;
            this.r = r;
        }

        @Override
        long evalLong(final RecordFlyweight record)
        {
            final long a = l.evalLong(record);
            final long b = r.evalLong(record);
            switch (op)
            {
                case PLUS:
                    return a + b;
                case MINUS:
                    return a - b;
                default:
                    return a * b;
            }
        }

        @Override
        FieldType outputType()
        {
            return FieldType.INT64;
        }
    }

    private static final class DoubleArithmetic extends BoundExpr
    {
        private final int op;
        private final BoundExpr l;
        private final BoundExpr r;

        DoubleArithmetic(final int op, final BoundExpr l, final BoundExpr r)
        {
            super(Kind.DOUBLE);
            this.op = op;
            this.l = l;
            this.r = r;
        }

        @Override
        double evalDouble(final RecordFlyweight record)
        {
            final double a = l.evalDouble(record);
            final double b = r.evalDouble(record);
            switch (op)
            {
                case PLUS:
                    return a + b;
                case MINUS:
                    return a - b;
                case TIMES:
                    return a * b;
                default:
                    return a / b;
            }
        }

        @Override
        FieldType outputType()
        {
            return FieldType.FLOAT64;
        }
    }
}
