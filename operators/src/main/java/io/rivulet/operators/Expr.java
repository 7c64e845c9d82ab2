package io.rivulet.operators;

import io.rivulet.ringbuffer.BooleanField;
import io.rivulet.ringbuffer.DecimalField;
import io.rivulet.ringbuffer.Decimals;
import io.rivulet.ringbuffer.DoubleField;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.FieldType;
import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import io.rivulet.ringbuffer.SymbolField;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * A column expression of the declarative API, as in Spark's {@code Column}: {@code col("qty").gt(100)},
 * {@code col("price").times(col("qty")).as("notional")}. An expression is a tree built once when the pipeline
 * is defined; binding it to a schema resolves columns and checks types (a mistake fails there, with a message
 * naming the column), and evaluation allocates nothing.
 * <p>
 * Types: INT64, INT32 and TIMESTAMP columns are integral; arithmetic of integrals stays integral except
 * {@link #div}, which is always FLOAT64 (as in Spark); any FLOAT64 operand makes the result FLOAT64.
 * Symbols support {@link #eq}/{@link #ne}.
 * <p>
 * <b>DECIMAL</b> (fixed point, see {@code FieldType.DECIMAL}) arithmetic is exact, on 64-bit mantissas. An integral
 * operand counts as a decimal of scale 0. Result scales: {@code plus}/{@code minus} take the larger scale of the
 * two operands, {@code times} the sum of the scales (more than 18 is an error when the pipeline is defined: rescale
 * an operand with {@link #toDecimal} first); comparisons are exact across scales. Literals:
 * {@code lit(new BigDecimal("101.5"))} (scale of the BigDecimal), a long/int, or a String such as {@code "101.5"}
 * where the other operand is a decimal (parsed when the pipeline is defined). Mixing DECIMAL with FLOAT64 (a double
 * column or literal) is rejected: convert explicitly with {@link #toDouble} (inexact) or compare with a
 * BigDecimal/String literal. {@link #div} of a decimal is rejected too (not exact): use {@code toDouble()}.
 * <p>
 * <b>Overflow and extremes.</b> Integral and decimal {@code plus}/{@code minus}/{@code times} are exact: a result
 * that does not fit 64 bits throws {@link ArithmeticException} naming the expression, which fails the pipeline
 * (the stage stops with that cause; a silently wrapped price or quantity would be worse). {@link #div} is FLOAT64
 * and follows IEEE 754: {@code x / 0} is {@code Infinity} or {@code -Infinity}, {@code 0 / 0} is {@code NaN},
 * {@code Long.MIN_VALUE / -1} is {@code 9.223372036854776E18}; every comparison with NaN is false except
 * {@code ne}. Immutable.
 */
public abstract class Expr
{
    private static final String[] BINARY_SYMBOLS =
        {"+", "-", "*", "/", ">", ">=", "<", "<=", "==", "!=", "AND", "OR", "floorDiv", "mod"};
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
    private static final int FLOOR_DIV = 12;
    private static final int MOD = 13;

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
        if (value instanceof BigDecimal)
        {
            return new Literal(decimalLiteral((BigDecimal)value), BoundExpr.Kind.DECIMAL);
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
            value.getClass().getSimpleName()) + "; use a long, int, double, boolean, BigDecimal or String");
    }

    private static BigDecimal decimalLiteral(final BigDecimal value)
    {
        BigDecimal v = value.scale() < 0 ? value.setScale(0) : value;
        if (v.scale() > Schema.MAX_DECIMAL_SCALE)
        {
            v = v.stripTrailingZeros();
            if (v.scale() > Schema.MAX_DECIMAL_SCALE)
            {
                throw new SchemaException("Decimal literal " + value.toPlainString() + " has more than " +
                    Schema.MAX_DECIMAL_SCALE + " digits after the point; round it");
            }
        }
        if (v.unscaledValue().bitLength() > 63)
        {
            throw new SchemaException("Decimal literal " + value.toPlainString() + " does not fit a 64-bit " +
                "mantissa at scale " + v.scale());
        }
        return v;
    }

    /**
     * @return this numeric expression as FLOAT64: the explicit, inexact way to mix a DECIMAL with doubles
     *         (the nearest double to the decimal's value).
     */
    public Expr toDouble()
    {
        return new Convert(this, -1);
    }

    /**
     * Converts an integral or DECIMAL expression to DECIMAL({@code scale}): exact when the scale grows (an overflow
     * throws ArithmeticException on the record), rounded half away from zero ({@code RoundingMode.HALF_UP}) when it
     * shrinks, e.g. to bring {@code px.times(fxRate)} back to the price's scale. FLOAT64 is rejected (not exact).
     *
     * @param scale digits after the point, 0 to 18.
     * @return the converted expression.
     */
    public Expr toDecimal(final int scale)
    {
        Decimals.checkScale(scale, String.valueOf(this));
        return new Convert(this, scale);
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

    /**
     * Integral division rounded toward negative infinity ({@link Math#floorDiv}), e.g. a time bucket:
     * {@code col("ts").floorDiv(10_000).times(10_000)}. Both operands must be integral (INT32, INT64, TIMESTAMP); the
     * result is INT64. A zero divisor, or {@code Long.MIN_VALUE} divided by -1, throws {@link ArithmeticException}
     * naming the expression on that record (no silent wrap), which fails the pipeline.
     *
     * @param other integral expression or constant.
     * @return {@code floor(this / other)}.
     */
    public Expr floorDiv(final Object other)
    {
        return new Binary(FLOOR_DIV, this, lit(other));
    }

    /**
     * Integral modulo consistent with {@link #floorDiv} ({@link Math#floorMod}): the result has the sign of the
     * divisor, so {@code a == a.floorDiv(b) * b + a.mod(b)}. For a non-negative dividend and a positive divisor it is
     * the same as SQL {@code MOD} and Java's {@code %}; for a negative dividend it differs ({@code -7 mod 3} is 2,
     * not -1). Both operands must be integral; the result is INT64. A zero divisor throws
     * {@link ArithmeticException} naming the expression.
     *
     * @param other integral expression or constant.
     * @return {@code this mod other}.
     */
    public Expr mod(final Object other)
    {
        return new Binary(MOD, this, lit(other));
    }

    /**
     * Rounds a FLOAT64 or DECIMAL expression to the nearest INT64, halves away from zero (SQL {@code ROUND},
     * {@code RoundingMode.HALF_UP}): 2.5 is 3, -2.5 is -3. An integral expression is returned unchanged. NaN, an
     * infinity or a value outside the INT64 range throws {@link ArithmeticException} naming the expression on that
     * record (never a silent clamp). For a decimal at a smaller scale use {@link #toDecimal}.
     *
     * @return the rounded value, INT64.
     */
    public Expr round()
    {
        return new Round(this);
    }

    /**
     * Reads an integral expression as a TIMESTAMP (epoch ms) rather than an INT64, so a computed time can serve as
     * an event-time column, e.g. a window start: {@code col("ts").floorDiv(10_000).times(10_000).toTimestamp()}.
     * The value is unchanged; only the type of the column a projection writes changes.
     *
     * @return this value, typed TIMESTAMP.
     */
    public Expr toTimestamp()
    {
        return new AsTimestamp(this);
    }

    /**
     * A 64-bit hash of a SYMBOL expression's characters (the same value as
     * {@link RecordFlyweight#symbolHash}): equal symbols hash equal whatever the width of their columns. Fast (one
     * multiply per 8 characters) and well mixed, e.g. for bucketing: {@code col("sym").hash().mod(16)}. Not
     * cryptographic; stable across runs and JVMs.
     *
     * @return the hash, INT64.
     */
    public Expr hash()
    {
        return new Hash(this);
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
                case DECIMAL:
                {
                    final DecimalField f = (DecimalField)field;
                    return new BoundExpr(BoundExpr.Kind.DECIMAL, f.scale())
                    {
                        long evalLong(final RecordFlyweight r)
                        {
                            return r.getMantissa(f);
                        }

                        FieldType outputType()
                        {
                            return FieldType.DECIMAL;
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
                case DECIMAL:
                    return decimal((BigDecimal)value);
                default:
                    return new BoundExpr.SymbolLiteral(((String)value).getBytes(StandardCharsets.US_ASCII));
            }
        }

        static BoundExpr decimal(final BigDecimal value)
        {
            final long mantissa = value.unscaledValue().longValue();
            return new BoundExpr(BoundExpr.Kind.DECIMAL, value.scale())
            {
                long evalLong(final RecordFlyweight r)
                {
                    return mantissa;
                }

                FieldType outputType()
                {
                    return FieldType.DECIMAL;
                }
            };
        }

        /** A symbol literal next to a decimal operand is read as a decimal number, e.g. {@code "101.5"}. */
        BoundExpr asDecimal(final Expr context)
        {
            try
            {
                return decimal(decimalLiteral(new BigDecimal(((String)value).trim())));
            }
            catch (final NumberFormatException e)
            {
                throw new SchemaException("'" + value + "' is not a decimal number, in " + context +
                    "; write it like \"101.5\" or new BigDecimal(\"101.5\")");
            }
        }

        @Override
        public String toString()
        {
            return kind == BoundExpr.Kind.SYMBOL ? "'" + value + "'" :
                kind == BoundExpr.Kind.DECIMAL ? ((BigDecimal)value).toPlainString() : String.valueOf(value);
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
            BoundExpr l = left.bind(schema);
            BoundExpr r = right.bind(schema);
            // a String next to a decimal is a decimal literal: col("px").gt("101.5")
            if (l.kind == BoundExpr.Kind.DECIMAL && r.kind == BoundExpr.Kind.SYMBOL && right instanceof Literal)
            {
                r = ((Literal)right).asDecimal(this);
            }
            else if (r.kind == BoundExpr.Kind.DECIMAL && l.kind == BoundExpr.Kind.SYMBOL && left instanceof Literal)
            {
                l = ((Literal)left).asDecimal(this);
            }
            if (op == FLOOR_DIV || op == MOD)
            {
                if (l.kind != BoundExpr.Kind.LONG || r.kind != BoundExpr.Kind.LONG)
                {
                    throw new SchemaException("Cannot apply " + BINARY_SYMBOLS[op] + " to " + left + " (" +
                        l.describe() + ") and " + right + " (" + r.describe() + ") in " + this + ": it needs two " +
                        "integral operands (INT32, INT64, TIMESTAMP); round a FLOAT64 or DECIMAL first with .round()");
                }
                return new LongDivision(op == MOD, l, r, "in " + this);
            }
            if (l.kind == BoundExpr.Kind.DECIMAL || r.kind == BoundExpr.Kind.DECIMAL)
            {
                return bindDecimal(l, r);
            }
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
                    return integral ? new LongArithmetic(op, l, r, overflowMessage(BoundExpr.Kind.LONG, 0)) :
                        new DoubleArithmetic(op, l, r);
            }
        }

        private BoundExpr bindDecimal(final BoundExpr l, final BoundExpr r)
        {
            for (final BoundExpr e : new BoundExpr[]{l, r})
            {
                if (e.kind == BoundExpr.Kind.DOUBLE)
                {
                    throw new SchemaException("Cannot apply " + BINARY_SYMBOLS[op] + " to " + left + " (" +
                        l.describe() + ") and " + right + " (" + r.describe() + ") in " + this + ": mixing DECIMAL " +
                        "and FLOAT64 must be explicit; use a decimal literal (new BigDecimal(\"101.5\") or " +
                        "\"101.5\") or convert the decimal with .toDouble()");
                }
                if (e.kind != BoundExpr.Kind.DECIMAL && e.kind != BoundExpr.Kind.LONG)
                {
                    throw mismatch(l, r, "numeric operands");
                }
            }
            switch (op)
            {
                case GT:
                case GE:
                case LT:
                case LE:
                case EQ:
                case NE:
                    return new DecimalCompare(op, l, r);
                case PLUS:
                case MINUS:
                {
                    final int scale = Math.max(l.scale, r.scale);
                    return new DecimalArithmetic(op, l, r, scale, overflowMessage(BoundExpr.Kind.DECIMAL, scale));
                }
                case TIMES:
                {
                    final int scale = l.scale + r.scale;
                    if (scale > Schema.MAX_DECIMAL_SCALE)
                    {
                        throw new SchemaException("The product " + this + " of " + l.describe() + " and " +
                            r.describe() + " would have scale " + scale + ", more than " + Schema.MAX_DECIMAL_SCALE +
                            "; bring an operand to a smaller scale first with .toDecimal(n)");
                    }
                    return new DecimalArithmetic(op, l, r, scale, overflowMessage(BoundExpr.Kind.DECIMAL, scale));
                }
                case DIV:
                    throw new SchemaException("Cannot divide " + this + ": a DECIMAL quotient is not exact; " +
                        "convert explicitly with .toDouble() (FLOAT64), or multiply by a decimal literal instead");
                default:
                    throw mismatch(l, r, "boolean operands");
            }
        }

        private String overflowMessage(final BoundExpr.Kind kind, final int scale)
        {
            return (kind == BoundExpr.Kind.DECIMAL ? "DECIMAL(" + scale + ")" : "INT64") + " overflow in " + this +
                ": the result does not fit 64 bits" +
                (kind == BoundExpr.Kind.DECIMAL ? " at scale " + scale + " (rescale with .toDecimal(n))" : "");
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
            return new SchemaException("Cannot apply " + BINARY_SYMBOLS[op] + " to " + left + " (" + l.describe() +
                ") and " + right + " (" + r.describe() + ") in " + this + ": it needs " + needed);
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

        private final String overflow;

        LongArithmetic(final int op, final BoundExpr l, final BoundExpr r, final String overflow)
        {
            super(Kind.LONG);
            this.op = op;
            this.l = l;
            this.r = r;
            this.overflow = overflow;
        }

        @Override
        long evalLong(final RecordFlyweight record)
        {
            try
            {
                return exact(op, l.evalLong(record), r.evalLong(record));
            }
            catch (final ArithmeticException e)
            {
                throw new ArithmeticException(overflow);
            }
        }

        @Override
        FieldType outputType()
        {
            return FieldType.INT64;
        }
    }

    /** {@code a op b} for PLUS, MINUS or TIMES, throwing {@link ArithmeticException} on overflow. */
    static long exact(final int op, final long a, final long b)
    {
        switch (op)
        {
            case PLUS:
                return Math.addExact(a, b);
            case MINUS:
                return Math.subtractExact(a, b);
            default:
                return Math.multiplyExact(a, b);
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

    private static final class DecimalCompare extends BoolResult
    {
        private final int op;

        DecimalCompare(final int op, final BoundExpr l, final BoundExpr r)
        {
            super(l, r);
            this.op = op;
        }

        @Override
        boolean evalBool(final RecordFlyweight record)
        {
            final int c = Decimals.compare(l.evalLong(record), l.scale, r.evalLong(record), r.scale);
            switch (op)
            {
                case GT:
                    return c > 0;
                case GE:
                    return c >= 0;
                case LT:
                    return c < 0;
                case LE:
                    return c <= 0;
                case EQ:
                    return c == 0;
                default:
                    return c != 0;
            }
        }
    }

    /** Exact fixed-point plus/minus/times; operands are integral (scale 0) or DECIMAL mantissas. */
    private static final class DecimalArithmetic extends BoundExpr
    {
        private final int op;
        private final BoundExpr l;
        private final BoundExpr r;
        private final int lRescale;
        private final int rRescale;
        private final String overflow;

        DecimalArithmetic(final int op, final BoundExpr l, final BoundExpr r, final int scale, final String overflow)
        {
            super(Kind.DECIMAL, scale);
            this.op = op;
            this.l = l;
            this.r = r;
            // plus/minus align both operands to the result scale; times adds the scales, no alignment
            this.lRescale = op == TIMES ? 0 : scale - l.scale;
            this.rRescale = op == TIMES ? 0 : scale - r.scale;
            this.overflow = overflow;
        }

        @Override
        long evalLong(final RecordFlyweight record)
        {
            try
            {
                return exact(op, Decimals.rescaleUp(l.evalLong(record), lRescale),
                    Decimals.rescaleUp(r.evalLong(record), rRescale));
            }
            catch (final ArithmeticException e)
            {
                throw new ArithmeticException(overflow);
            }
        }

        @Override
        FieldType outputType()
        {
            return FieldType.DECIMAL;
        }
    }

    /** floorDiv and mod of two integrals, with the expression in the message of a failure. */
    private static final class LongDivision extends BoundExpr
    {
        private final boolean mod;
        private final BoundExpr l;
        private final BoundExpr r;
        private final String where;

        LongDivision(final boolean mod, final BoundExpr l, final BoundExpr r, final String where)
        {
            super(Kind.LONG);
            this.mod = mod;
            this.l = l;
            this.r = r;
            this.where = where;
        }

        @Override
        long evalLong(final RecordFlyweight record)
        {
            final long a = l.evalLong(record);
            final long b = r.evalLong(record);
            if (b == 0)
            {
                throw new ArithmeticException("Division by zero " + where + ": the divisor is 0 on this record");
            }
            if (mod)
            {
                return Math.floorMod(a, b);
            }
            if (a == Long.MIN_VALUE && b == -1)
            {
                throw new ArithmeticException("INT64 overflow " + where + ": Long.MIN_VALUE floorDiv -1 does not " +
                    "fit 64 bits");
            }
            return Math.floorDiv(a, b);
        }

        @Override
        FieldType outputType()
        {
            return FieldType.INT64;
        }
    }

    /** {@code round()}: FLOAT64 or DECIMAL to INT64, halves away from zero. */
    private static final class Round extends Expr
    {
        /** 2^63 as a double: the first double above the INT64 range. */
        private static final double TWO_POW_63 = 0x1p63;

        private final Expr operand;

        Round(final Expr operand)
        {
            this.operand = operand;
        }

        @Override
        public String name()
        {
            return operand.name();
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            final BoundExpr b = operand.bind(schema);
            switch (b.kind)
            {
                case LONG:
                    return b;
                case DOUBLE:
                {
                    final String outOfRange = "Cannot round " + this + ": the value is NaN, infinite or outside the " +
                        "INT64 range on this record";
                    return new BoundExpr(BoundExpr.Kind.LONG)
                    {
                        long evalLong(final RecordFlyweight r)
                        {
                            return roundHalfAwayFromZero(b.evalDouble(r), outOfRange);
                        }

                        FieldType outputType()
                        {
                            return FieldType.INT64;
                        }
                    };
                }
                case DECIMAL:
                {
                    final long divisor = Decimals.pow10(b.scale);
                    return new BoundExpr(BoundExpr.Kind.LONG)
                    {
                        long evalLong(final RecordFlyweight r)
                        {
                            return Decimals.divideHalfUp(b.evalLong(r), divisor);
                        }

                        FieldType outputType()
                        {
                            return FieldType.INT64;
                        }
                    };
                }
                default:
                    throw new SchemaException("Cannot round " + operand + " (" + b.describe() + ") in " + this +
                        ": it needs a numeric operand (FLOAT64, DECIMAL or integral)");
            }
        }

        static long roundHalfAwayFromZero(final double value, final String outOfRange)
        {
            final double magnitude = Math.abs(value);
            double rounded = Math.floor(magnitude);
            // exact: below 2^52 a double minus its floor loses no bits (and above, it has no fraction)
            if (magnitude - rounded >= 0.5)
            {
                rounded += 1.0;
            }
            if (!(rounded < TWO_POW_63) && !(value < 0 && rounded == TWO_POW_63))
            {
                throw new ArithmeticException(outOfRange);
            }
            return value < 0 ? (rounded == TWO_POW_63 ? Long.MIN_VALUE : -(long)rounded) : (long)rounded;
        }

        @Override
        public String toString()
        {
            return operand + ".round()";
        }
    }

    /** {@code toTimestamp()}: an integral value typed TIMESTAMP. */
    private static final class AsTimestamp extends Expr
    {
        private final Expr operand;

        AsTimestamp(final Expr operand)
        {
            this.operand = operand;
        }

        @Override
        public String name()
        {
            return operand.name();
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            final BoundExpr b = operand.bind(schema);
            if (b.kind != BoundExpr.Kind.LONG)
            {
                throw new SchemaException("Cannot read " + operand + " (" + b.describe() + ") as a TIMESTAMP in " +
                    this + ": it needs an integral value (epoch ms); round a FLOAT64 or DECIMAL first with .round()");
            }
            return new BoundExpr(BoundExpr.Kind.LONG)
            {
                long evalLong(final RecordFlyweight r)
                {
                    return b.evalLong(r);
                }

                FieldType outputType()
                {
                    return FieldType.TIMESTAMP;
                }
            };
        }

        @Override
        public String toString()
        {
            return operand + ".toTimestamp()";
        }
    }

    /** {@code hash()} of a symbol: {@link RecordFlyweight#symbolHash}'s value. */
    private static final class Hash extends Expr
    {
        private final Expr operand;

        Hash(final Expr operand)
        {
            this.operand = operand;
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            final BoundExpr b = operand.bind(schema);
            if (b.kind != BoundExpr.Kind.SYMBOL)
            {
                throw new SchemaException("Cannot hash " + operand + " (" + b.describe() + ") in " + this +
                    ": hash() takes a SYMBOL column; an integral value can serve as its own key");
            }
            if (b instanceof BoundExpr.SymbolColumn)
            {
                final SymbolField field = ((BoundExpr.SymbolColumn)b).field;
                return new BoundExpr(BoundExpr.Kind.LONG)
                {
                    long evalLong(final RecordFlyweight r)
                    {
                        return r.symbolHash(field);
                    }

                    FieldType outputType()
                    {
                        return FieldType.INT64;
                    }
                };
            }
            // a constant symbol (a literal, perhaps aliased): hash its characters once
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < b.outputLengthBytes() && b.symbolByte(null, i) != 0; i++)
            {
                text.append((char)b.symbolByte(null, i));
            }
            final long constant = RecordFlyweight.symbolHash(text);
            return new BoundExpr(BoundExpr.Kind.LONG)
            {
                long evalLong(final RecordFlyweight r)
                {
                    return constant;
                }

                FieldType outputType()
                {
                    return FieldType.INT64;
                }
            };
        }

        @Override
        public String toString()
        {
            return operand + ".hash()";
        }
    }

    /** {@code toDouble()} (targetScale -1) and {@code toDecimal(scale)}. */
    private static final class Convert extends Expr
    {
        private final Expr operand;
        private final int targetScale;

        Convert(final Expr operand, final int targetScale)
        {
            this.operand = operand;
            this.targetScale = targetScale;
        }

        @Override
        public String name()
        {
            return operand.name();
        }

        @Override
        BoundExpr bind(final Schema schema)
        {
            final BoundExpr b = operand.bind(schema);
            if (b.kind != BoundExpr.Kind.LONG && b.kind != BoundExpr.Kind.DECIMAL &&
                !(targetScale < 0 && b.kind == BoundExpr.Kind.DOUBLE))
            {
                throw new SchemaException("Cannot convert " + operand + " (" + b.describe() + ") " +
                    (targetScale < 0 ? "to FLOAT64" : "to DECIMAL(" + targetScale + ")") + " in " + this +
                    (b.kind == BoundExpr.Kind.DOUBLE ? ": a double is not exact; declare the column DECIMAL at " +
                    "the source" : ": it needs an integral or decimal operand"));
            }
            if (targetScale < 0)
            {
                if (b.kind == BoundExpr.Kind.DOUBLE)
                {
                    return b;
                }
                final double divisor = Decimals.pow10(b.scale);
                return new BoundExpr(BoundExpr.Kind.DOUBLE)
                {
                    double evalDouble(final RecordFlyweight r)
                    {
                        return b.evalLong(r) / divisor;
                    }

                    FieldType outputType()
                    {
                        return FieldType.FLOAT64;
                    }
                };
            }
            final int from = b.scale;
            final String overflow = "DECIMAL(" + targetScale + ") overflow in " + this + ": the value does not " +
                "fit a 64-bit mantissa at scale " + targetScale;
            if (targetScale >= from)
            {
                final int digits = targetScale - from;
                return new BoundExpr(BoundExpr.Kind.DECIMAL, targetScale)
                {
                    long evalLong(final RecordFlyweight r)
                    {
                        try
                        {
                            return Decimals.rescaleUp(b.evalLong(r), digits);
                        }
                        catch (final ArithmeticException e)
                        {
                            throw new ArithmeticException(overflow);
                        }
                    }

                    FieldType outputType()
                    {
                        return FieldType.DECIMAL;
                    }
                };
            }
            final long divisor = Decimals.pow10(from - targetScale);
            return new BoundExpr(BoundExpr.Kind.DECIMAL, targetScale)
            {
                long evalLong(final RecordFlyweight r)
                {
                    return Decimals.divideHalfUp(b.evalLong(r), divisor);
                }

                FieldType outputType()
                {
                    return FieldType.DECIMAL;
                }
            };
        }

        @Override
        public String toString()
        {
            return targetScale < 0 ? operand + ".toDouble()" : operand + ".toDecimal(" + targetScale + ")";
        }
    }
}
