package io.rivulet.tools;

import io.rivulet.operators.Expr;
import io.rivulet.ringbuffer.Field;
import io.rivulet.ringbuffer.Schema;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Parses the text of a {@code --where} condition into an {@link Expr} for a schema: a small recursive-descent
 * parser, checked against the schema so a mistake names its position (1-based, in characters).
 * <pre>
 *   condition := or
 *   or        := and ( 'or' and )*                    also ||
 *   and       := not ( 'and' not )*                   also &amp;&amp;
 *   not       := 'not' not | compare                  also !
 *   compare   := sum [ ( = | == | != | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;= ) sum ]
 *   sum       := product ( ( + | - ) product )*
 *   product   := unary ( ( * | / | // | % ) unary )*        // floor division, % modulo (integral)
 *   unary     := '-' unary | primary
 *   primary   := column | integer | fraction | 'text' | "text" | true | false | '(' condition ')'
 *              | round '(' sum ')' | hash '(' column ')'
 * </pre>
 * {@code //} and {@code %} are {@link Expr#floorDiv} and {@link Expr#mod} (integral operands, e.g.
 * {@code auction % 123 = 0}); {@code round(x)} is {@link Expr#round}, {@code hash(sym)} {@link Expr#hash}.
 * Keywords are case-insensitive, column names are not. Literals take their type from the other operand: a
 * fraction ({@code 101.5}, {@code 1e3}) is an exact decimal next to a DECIMAL column and a double otherwise; a quoted
 * text is a symbol, an ISO-8601 instant next to a TIMESTAMP column ({@code ts >= '2026-11-27T10:00:00Z'}), or a
 * decimal next to a DECIMAL column. Unlike the Java API, a DECIMAL mixed with a FLOAT64 column or divided is
 * converted to FLOAT64 (a filter can afford the inexact comparison; typing {@code .toDouble()} cannot be done here).
 * Stateless; allocates (not for a hot path).
 */
final class ExprParser
{
    /** A mistake in the text: what is wrong, and where. */
    static final class ParseError extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;
        private final int position;

        ParseError(final String what, final int index, final String hint)
        {
            super(what + " at position " + (index + 1) + (hint == null ? "" : "; " + hint));
            this.position = index + 1;
        }

        /** @return 1-based character position of the mistake. */
        int position()
        {
            return position;
        }
    }

    private enum Tok
    {
        IDENT, INTEGER, FRACTION, STRING, LPAREN, RPAREN, OP, AND, OR, NOT, TRUE, FALSE, END
    }

    private record Token(Tok kind, String text, int pos)
    {
        String shown()
        {
            return kind == Tok.END ? "end of the condition" : "'" + text + "'";
        }
    }

    /** Static type of a parsed operand; FRACTION and TEXT are literals whose type the other operand decides. */
    private enum Type
    {
        INTEGRAL, TIMESTAMP, FLOAT, DECIMAL, BOOL, SYMBOL, FRACTION, TEXT;

        boolean numeric()
        {
            return this == INTEGRAL || this == TIMESTAMP || this == FLOAT || this == DECIMAL || this == FRACTION;
        }
    }

    /** A parsed operand: its expression (null for unresolved literals), type, description and position. */
    private record Typed(Expr expr, Type type, String describe, int pos, String literal)
    {
    }

    private final String text;
    private final Schema schema;
    private final List<Token> tokens;
    private int next;

    private ExprParser(final String text, final Schema schema)
    {
        this.text = text;
        this.schema = schema;
        this.tokens = tokenize(text);
    }

    /**
     * @param text   the condition, e.g. {@code qty > 100 and sym = 'AAPL'}.
     * @param schema the columns it may name.
     * @return a boolean expression over {@code schema}.
     * @throws ParseError naming the mistake and its position.
     */
    static Expr parse(final String text, final Schema schema)
    {
        final ExprParser parser = new ExprParser(text, schema);
        if (parser.peek().kind == Tok.END)
        {
            throw new ParseError("empty condition", 0, "write e.g. " + parser.example());
        }
        final Typed condition = parser.or();
        final Token extra = parser.peek();
        if (extra.kind != Tok.END)
        {
            throw new ParseError("unexpected " + extra.shown(), extra.pos,
                extra.kind == Tok.OP && isComparison(extra.text) ? "comparisons do not chain: use 'and'" :
                    "expected 'and', 'or' or the end of the condition");
        }
        return parser.requireBool(condition, null).expr;
    }

    private String example()
    {
        final Field first = schema.fields().get(0);
        return first.name() + (first.type().isNumeric() ? " > 0" : " = 'X'");
    }

    private Typed or()
    {
        Typed left = and();
        while (peek().kind == Tok.OR)
        {
            take();
            final Typed right = and();
            left = new Typed(requireBool(left, "'or'").expr.or(requireBool(right, "'or'").expr), Type.BOOL,
                "a condition", left.pos, null);
        }
        return left;
    }

    private Typed and()
    {
        Typed left = not();
        while (peek().kind == Tok.AND)
        {
            take();
            final Typed right = not();
            left = new Typed(requireBool(left, "'and'").expr.and(requireBool(right, "'and'").expr), Type.BOOL,
                "a condition", left.pos, null);
        }
        return left;
    }

    private Typed not()
    {
        if (peek().kind == Tok.NOT)
        {
            final Token op = take();
            final Typed operand = not();
            return new Typed(requireBool(operand, "'not'").expr.not(), Type.BOOL, "a condition", op.pos, null);
        }
        return compare();
    }

    private Typed compare()
    {
        final Typed left = sum();
        final Token op = peek();
        if (op.kind != Tok.OP || !isComparison(op.text))
        {
            return left;
        }
        take();
        final Typed right = sum();
        Typed l = resolve(left, right.type);
        Typed r = resolve(right, l.type);
        final boolean equality = op.text.equals("=") || op.text.equals("==") || op.text.equals("!=") ||
            op.text.equals("<>");
        if (l.type == Type.SYMBOL || r.type == Type.SYMBOL || l.type == Type.BOOL || r.type == Type.BOOL)
        {
            if (l.type != r.type)
            {
                throw new ParseError("cannot compare " + l.describe + " with " + r.describe, op.pos, null);
            }
            if (!equality)
            {
                throw new ParseError("'" + op.text + "' needs numbers; " + l.describe + " can only be compared " +
                    "with = or !=", op.pos, null);
            }
        }
        else
        {
            requireNumeric(l, op);
            requireNumeric(r, op);
            if (l.type == Type.DECIMAL && r.type == Type.FLOAT || l.type == Type.FLOAT && r.type == Type.DECIMAL)
            {
                l = asDouble(l);
                r = asDouble(r);
            }
        }
        final Expr a = l.expr;
        final Expr b = r.expr;
        final Expr result;
        switch (op.text)
        {
            case "=":
            case "==":
                result = a.eq(b);
                break;
            case "!=":
            case "<>":
                result = a.ne(b);
                break;
            case "<":
                result = a.lt(b);
                break;
            case "<=":
                result = a.le(b);
                break;
            case ">":
                result = a.gt(b);
                break;
            default:
                result = a.ge(b);
                break;
        }
        return new Typed(result, Type.BOOL, "a condition", left.pos, null);
    }

    private Typed sum()
    {
        Typed left = product();
        while (peek().kind == Tok.OP && (peek().text.equals("+") || peek().text.equals("-")))
        {
            final Token op = take();
            left = arithmetic(left, op, product());
        }
        return left;
    }

    private Typed product()
    {
        Typed left = unary();
        while (peek().kind == Tok.OP && (peek().text.equals("*") || peek().text.equals("/") ||
            peek().text.equals("//") || peek().text.equals("%")))
        {
            final Token op = take();
            final Typed right = unary();
            left = op.text.length() == 1 && op.text.charAt(0) != '%' ? arithmetic(left, op, right) :
                integralOnly(left, op, right);
        }
        return left;
    }

    private Typed arithmetic(final Typed left, final Token op, final Typed right)
    {
        if (left.type == Type.FRACTION && right.type == Type.FRACTION)
        {
            // two fraction literals: no column decides, so doubles
            return arithmetic(resolve(left, Type.FLOAT), op, resolve(right, Type.FLOAT));
        }
        Typed l = resolve(left, right.type);
        Typed r = resolve(right, l.type);
        requireNumeric(l, op);
        requireNumeric(r, op);
        final boolean decimal = l.type == Type.DECIMAL || r.type == Type.DECIMAL;
        if (decimal && (op.text.equals("/") || l.type == Type.FLOAT || r.type == Type.FLOAT))
        {
            l = asDouble(l);
            r = asDouble(r);
        }
        final Type type;
        if (op.text.equals("/") || l.type == Type.FLOAT || r.type == Type.FLOAT)
        {
            type = Type.FLOAT;
        }
        else if (l.type == Type.DECIMAL || r.type == Type.DECIMAL)
        {
            type = Type.DECIMAL;
        }
        else if (!op.text.equals("*") && (l.type == Type.TIMESTAMP) != (r.type == Type.TIMESTAMP))
        {
            type = Type.TIMESTAMP; // ts + 1000 is still a time; ts - ts is a duration
        }
        else
        {
            type = Type.INTEGRAL;
        }
        final Expr result;
        switch (op.text)
        {
            case "+":
                result = l.expr.plus(r.expr);
                break;
            case "-":
                result = l.expr.minus(r.expr);
                break;
            case "*":
                result = l.expr.times(r.expr);
                break;
            default:
                result = l.expr.div(r.expr);
                break;
        }
        return new Typed(result, type, "'" + text.substring(left.pos, endOfLastToken()).trim() + "' (" +
            describeType(type) + ")", left.pos, null);
    }

    private Typed integralOnly(final Typed left, final Token op, final Typed right)
    {
        final Typed l = resolve(left, Type.INTEGRAL);
        final Typed r = resolve(right, Type.INTEGRAL);
        for (final Typed t : new Typed[]{l, r})
        {
            if (t.type != Type.INTEGRAL && t.type != Type.TIMESTAMP)
            {
                throw new ParseError("'" + op.text + "' needs integers, but " + t.describe + " is not one", t.pos,
                    "round it first: round(x) " + op.text + " n");
            }
        }
        final Expr result = op.text.equals("%") ? l.expr.mod(r.expr) : l.expr.floorDiv(r.expr);
        return new Typed(result, Type.INTEGRAL, "'" + text.substring(left.pos, endOfLastToken()).trim() + "' (" +
            describeType(Type.INTEGRAL) + ")", left.pos, null);
    }

    /** {@code round(x)} or {@code hash(sym)}: the name was taken, the next token is '('. */
    private Typed function(final Token name)
    {
        final String fn = name.text.toLowerCase(Locale.ROOT);
        take();
        final Typed arg = sum();
        final Token close = take();
        if (close.kind != Tok.RPAREN)
        {
            throw new ParseError("expected ')' to close " + fn + "(, found " + close.shown(), close.pos, null);
        }
        final String describe = fn + "(" + text.substring(arg.pos, close.pos).trim() + ")";
        if (fn.equals("round"))
        {
            final Typed a = resolve(arg, Type.FLOAT);
            requireNumeric(a, name);
            return new Typed(a.expr.round(), Type.INTEGRAL, "'" + describe + "' (INT64)", name.pos, null);
        }
        final Typed a = resolve(arg, Type.SYMBOL);
        if (a.type != Type.SYMBOL)
        {
            throw new ParseError("hash( needs a symbol, but " + a.describe + " is not one", arg.pos, null);
        }
        return new Typed(a.expr.hash(), Type.INTEGRAL, "'" + describe + "' (INT64)", name.pos, null);
    }

    private Typed unary()
    {
        if (peek().kind == Tok.OP && peek().text.equals("-"))
        {
            final Token minus = take();
            final Token literal = peek();
            if (literal.kind == Tok.INTEGER || literal.kind == Tok.FRACTION)
            {
                take();
                return number(new Token(literal.kind, "-" + literal.text, minus.pos));
            }
            final Typed operand = unary();
            requireNumeric(operand, minus);
            final Typed resolved = resolve(operand, Type.FLOAT);
            return new Typed(Expr.lit(0L).minus(resolved.expr), resolved.type == Type.TIMESTAMP ? Type.INTEGRAL :
                resolved.type, "-" + resolved.describe, minus.pos, null);
        }
        return primary();
    }

    private Typed primary()
    {
        final Token t = take();
        switch (t.kind)
        {
            case INTEGER:
            case FRACTION:
                return number(t);
            case STRING:
                return new Typed(null, Type.TEXT, "'" + t.text + "'", t.pos, t.text);
            case TRUE:
            case FALSE:
                return new Typed(Expr.lit(t.kind == Tok.TRUE), Type.BOOL, t.text.toLowerCase(Locale.ROOT), t.pos,
                    null);
            case IDENT:
                if (peek().kind == Tok.LPAREN && (t.text.equalsIgnoreCase("round") || t.text.equalsIgnoreCase("hash"))
                    && !schema.hasField(t.text))
                {
                    return function(t);
                }
                return column(t);
            case LPAREN:
            {
                final Typed inner = or();
                final Token close = take();
                if (close.kind != Tok.RPAREN)
                {
                    throw new ParseError("expected ')' to close the '(' at position " + (t.pos + 1) + ", found " +
                        close.shown(), close.pos, null);
                }
                return new Typed(inner.expr, inner.type, inner.describe, t.pos, inner.literal);
            }
            default:
                throw new ParseError("expected a column, a number or a quoted text, found " + t.shown(), t.pos,
                    null);
        }
    }

    private Typed column(final Token t)
    {
        if (!schema.hasField(t.text))
        {
            throw new ParseError("unknown column '" + t.text + "'", t.pos, "columns: " +
                schema.fields().stream().map(Field::name).collect(Collectors.joining(", ")));
        }
        final Field field = schema.field(t.text);
        final Type type;
        switch (field.type())
        {
            case TIMESTAMP:
                type = Type.TIMESTAMP;
                break;
            case FLOAT64:
                type = Type.FLOAT;
                break;
            case DECIMAL:
                type = Type.DECIMAL;
                break;
            case BOOLEAN:
                type = Type.BOOL;
                break;
            case SYMBOL:
                type = Type.SYMBOL;
                break;
            default:
                type = Type.INTEGRAL;
                break;
        }
        return new Typed(Expr.col(t.text), type, t.text + " (" + field.typeDescription() + ")", t.pos, null);
    }

    private static Typed number(final Token t)
    {
        if (t.kind == Tok.FRACTION)
        {
            return new Typed(null, Type.FRACTION, t.text, t.pos, t.text);
        }
        try
        {
            return new Typed(Expr.lit(Long.parseLong(t.text)), Type.INTEGRAL, t.text, t.pos, null);
        }
        catch (final NumberFormatException e)
        {
            throw new ParseError("the number " + t.text + " does not fit a 64-bit integer", t.pos,
                "write it as a fraction (" + t.text + ".0) to compare it as a double");
        }
    }

    /** Gives an unresolved literal the type the other operand asks for. */
    private static Typed resolve(final Typed t, final Type context)
    {
        if (t.type == Type.FRACTION)
        {
            if (context == Type.DECIMAL)
            {
                return new Typed(Expr.lit(new BigDecimal(t.literal)), Type.DECIMAL, t.describe, t.pos, null);
            }
            return new Typed(Expr.lit(Double.parseDouble(t.literal)), Type.FLOAT, t.describe, t.pos, null);
        }
        if (t.type != Type.TEXT)
        {
            return t;
        }
        if (context == Type.TIMESTAMP)
        {
            try
            {
                return new Typed(Expr.lit(Instant.parse(t.literal).toEpochMilli()), Type.TIMESTAMP, t.describe,
                    t.pos, null);
            }
            catch (final DateTimeParseException e)
            {
                throw new ParseError(t.describe + " is not an ISO-8601 instant", t.pos,
                    "write a time as e.g. '2026-11-27T10:00:00Z' or '2026-11-27T10:00:00.250Z'");
            }
        }
        if (context == Type.DECIMAL)
        {
            try
            {
                return new Typed(Expr.lit(new BigDecimal(t.literal.trim())), Type.DECIMAL, t.describe, t.pos, null);
            }
            catch (final NumberFormatException e)
            {
                throw new ParseError(t.describe + " is not a decimal number", t.pos, "write e.g. 101.25");
            }
        }
        for (int i = 0; i < t.literal.length(); i++)
        {
            final char c = t.literal.charAt(i);
            if (c == 0 || c > 127)
            {
                throw new ParseError("symbol " + t.describe + " holds a non-ASCII character", t.pos + 1 + i,
                    "symbols are US-ASCII");
            }
        }
        return new Typed(Expr.lit(t.literal), Type.SYMBOL, t.describe, t.pos, null);
    }

    private static Typed asDouble(final Typed t)
    {
        return t.type == Type.DECIMAL ? new Typed(t.expr.toDouble(), Type.FLOAT, t.describe, t.pos, null) : t;
    }

    private static void requireNumeric(final Typed t, final Token op)
    {
        if (!t.type.numeric())
        {
            throw new ParseError("'" + op.text + "' needs numbers, but " + t.describe + " is not a number", t.pos,
                null);
        }
    }

    /** @param where the operator needing a condition, or null for the whole text. */
    private Typed requireBool(final Typed t, final String where)
    {
        if (t.type != Type.BOOL)
        {
            final Typed r = t.type == Type.TEXT || t.type == Type.FRACTION ? resolve(t, Type.FLOAT) : t;
            if (where == null)
            {
                throw new ParseError(r.describe + " is not a condition", t.pos, "compare it, e.g. " + example());
            }
            throw new ParseError(where + " needs a condition, but " + r.describe + " is not one",
                t.pos, null);
        }
        return t;
    }

    private static String describeType(final Type type)
    {
        switch (type)
        {
            case INTEGRAL:
                return "INT64";
            case FLOAT:
                return "FLOAT64";
            case BOOL:
                return "BOOLEAN";
            default:
                return type.name();
        }
    }

    private static boolean isComparison(final String op)
    {
        switch (op)
        {
            case "=":
            case "==":
            case "!=":
            case "<>":
            case "<":
            case "<=":
            case ">":
            case ">=":
                return true;
            default:
                return false;
        }
    }

    private Token peek()
    {
        return tokens.get(next);
    }

    private Token take()
    {
        final Token t = tokens.get(next);
        if (t.kind != Tok.END)
        {
            next++;
        }
        return t;
    }

    private int endOfLastToken()
    {
        final Token last = tokens.get(next - 1);
        return last.kind == Tok.STRING ? findStringEnd(last.pos) : last.pos + last.text.length();
    }

    private int findStringEnd(final int start)
    {
        final char quote = text.charAt(start);
        int i = start + 1;
        while (i < text.length())
        {
            if (text.charAt(i) == quote)
            {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote)
                {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.length();
    }

    private static List<Token> tokenize(final String text)
    {
        final List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length())
        {
            final char c = text.charAt(i);
            if (Character.isWhitespace(c))
            {
                i++;
            }
            else if (Character.isLetter(c) || c == '_')
            {
                int j = i + 1;
                while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_'))
                {
                    j++;
                }
                final String word = text.substring(i, j);
                tokens.add(new Token(keyword(word), word, i));
                i = j;
            }
            else if (Character.isDigit(c) || c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))
            {
                i = number(text, i, tokens);
            }
            else if (c == '\'' || c == '"')
            {
                final StringBuilder value = new StringBuilder();
                int j = i + 1;
                boolean closed = false;
                while (j < text.length())
                {
                    final char d = text.charAt(j);
                    if (d == c)
                    {
                        if (j + 1 < text.length() && text.charAt(j + 1) == c)
                        {
                            value.append(c);
                            j += 2;
                            continue;
                        }
                        closed = true;
                        j++;
                        break;
                    }
                    value.append(d);
                    j++;
                }
                if (!closed)
                {
                    throw new ParseError("unterminated text (no closing " + c + ")", i,
                        "double a quote to put it inside the text: 'O''Brien'");
                }
                tokens.add(new Token(Tok.STRING, value.toString(), i));
                i = j;
            }
            else if (c == '(' || c == ')')
            {
                tokens.add(new Token(c == '(' ? Tok.LPAREN : Tok.RPAREN, String.valueOf(c), i));
                i++;
            }
            else
            {
                final String two = i + 1 < text.length() ? text.substring(i, i + 2) : "";
                switch (two)
                {
                    case "==":
                    case "!=":
                    case "<>":
                    case "<=":
                    case ">=":
                    case "//":
                        tokens.add(new Token(Tok.OP, two, i));
                        i += 2;
                        continue;
                    case "&&":
                        tokens.add(new Token(Tok.AND, two, i));
                        i += 2;
                        continue;
                    case "||":
                        tokens.add(new Token(Tok.OR, two, i));
                        i += 2;
                        continue;
                    default:
                        break;
                }
                if ("+-*/%=<>".indexOf(c) >= 0)
                {
                    tokens.add(new Token(Tok.OP, String.valueOf(c), i));
                }
                else if (c == '!')
                {
                    tokens.add(new Token(Tok.NOT, "!", i));
                }
                else
                {
                    throw new ParseError("unexpected character '" + c + "'", i,
                        "operators are = != < <= > >= + - * / // % and or not, texts are quoted: 'AAPL'");
                }
                i++;
            }
        }
        tokens.add(new Token(Tok.END, "", text.length()));
        return tokens;
    }

    private static int number(final String text, final int start, final List<Token> tokens)
    {
        int i = start;
        boolean fraction = false;
        while (i < text.length() && Character.isDigit(text.charAt(i)))
        {
            i++;
        }
        if (i < text.length() && text.charAt(i) == '.')
        {
            fraction = true;
            i++;
            while (i < text.length() && Character.isDigit(text.charAt(i)))
            {
                i++;
            }
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E'))
        {
            int j = i + 1;
            if (j < text.length() && (text.charAt(j) == '+' || text.charAt(j) == '-'))
            {
                j++;
            }
            if (j < text.length() && Character.isDigit(text.charAt(j)))
            {
                fraction = true;
                i = j;
                while (i < text.length() && Character.isDigit(text.charAt(i)))
                {
                    i++;
                }
            }
        }
        if (i < text.length() && (Character.isLetter(text.charAt(i)) || text.charAt(i) == '_'))
        {
            throw new ParseError("malformed number '" + text.substring(start, i + 1) + "'", start,
                "a column name starts with a letter");
        }
        tokens.add(new Token(fraction ? Tok.FRACTION : Tok.INTEGER, text.substring(start, i), start));
        return i;
    }

    private static Tok keyword(final String word)
    {
        switch (word.toLowerCase(Locale.ROOT))
        {
            case "and":
                return Tok.AND;
            case "or":
                return Tok.OR;
            case "not":
                return Tok.NOT;
            case "true":
                return Tok.TRUE;
            case "false":
                return Tok.FALSE;
            default:
                return Tok.IDENT;
        }
    }
}
