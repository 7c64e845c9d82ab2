package io.rivulet.ringbuffer;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fixed-point arithmetic on {@link FieldType#DECIMAL} mantissas: a value is {@code mantissa * 10^-scale} with a
 * {@code long} mantissa and a scale from 0 to {@link Schema#MAX_DECIMAL_SCALE}.
 * <p>
 * The hot-path methods ({@link #rescaleUp}, {@link #compare}, {@link #append}, {@link #divideHalfUp}) do not
 * allocate; arithmetic is exact and an overflow throws {@link ArithmeticException} (from
 * {@link Math#multiplyExact}/{@link Math#addExact}), never wraps. The conversions from text and
 * {@link BigDecimal} allocate and are meant for pipeline definition and the edges. Stateless and thread-safe.
 */
public final class Decimals
{
    private static final long[] POW10 = new long[Schema.MAX_DECIMAL_SCALE + 1];

    static
    {
        long p = 1;
        for (int i = 0; i < POW10.length; i++)
        {
            POW10[i] = p;
            p *= 10;
        }
    }

    private Decimals()
    {
    }

    /**
     * @param exponent 0 to {@link Schema#MAX_DECIMAL_SCALE}.
     * @return {@code 10^exponent}.
     */
    public static long pow10(final int exponent)
    {
        return POW10[exponent];
    }

    /**
     * Moves a mantissa to a larger scale exactly: {@code mantissa * 10^digits}.
     *
     * @param mantissa value to rescale.
     * @param digits   how many digits to add after the point, 0 to 18.
     * @return the rescaled mantissa.
     * @throws ArithmeticException if the result does not fit in 64 bits.
     */
    public static long rescaleUp(final long mantissa, final int digits)
    {
        return digits == 0 ? mantissa : Math.multiplyExact(mantissa, POW10[digits]);
    }

    /**
     * Compares two decimals of possibly different scales exactly, without overflow.
     *
     * @param a      first mantissa.
     * @param aScale its scale.
     * @param b      second mantissa.
     * @param bScale its scale.
     * @return negative, zero or positive as {@code a} is less than, equal to or greater than {@code b}.
     */
    public static int compare(final long a, final int aScale, final long b, final int bScale)
    {
        if (aScale == bScale)
        {
            return Long.compare(a, b);
        }
        return aScale < bScale ? compareRescaled(a, bScale - aScale, b) : -compareRescaled(b, aScale - bScale, a);
    }

    private static int compareRescaled(final long a, final int digits, final long b)
    {
        final long p = POW10[digits];
        final long high = Math.multiplyHigh(a, p);
        final long low = a * p;
        if (high != (low >> 63))
        {
            // |a * p| exceeds every long, so its sign decides
            return a < 0 ? -1 : 1;
        }
        return Long.compare(low, b);
    }

    /**
     * Divides rounding half away from zero ({@link RoundingMode#HALF_UP}), as {@code avg} of a decimal does.
     *
     * @param dividend mantissa.
     * @param divisor  positive count.
     * @return the rounded quotient.
     */
    public static long divideHalfUp(final long dividend, final long divisor)
    {
        final long quotient = dividend / divisor;
        final long remainder = dividend % divisor;
        // compare 2|r| with the divisor without overflowing: |r| >= divisor - |r|
        final long absRemainder = Math.abs(remainder);
        if (absRemainder >= divisor - absRemainder)
        {
            return dividend < 0 ? quotient - 1 : quotient + 1;
        }
        return quotient;
    }

    /**
     * Appends {@code mantissa * 10^-scale} in plain notation with exactly {@code scale} digits after the point,
     * e.g. {@code 101.2500}, {@code -0.0050}, {@code 0.0000}. Does not allocate if {@code out} has room.
     *
     * @param out      to append to.
     * @param mantissa unscaled value.
     * @param scale    digits after the point.
     * @return out.
     */
    public static StringBuilder append(final StringBuilder out, final long mantissa, final int scale)
    {
        if (scale == 0)
        {
            return out.append(mantissa);
        }
        final long p = POW10[scale];
        // with scale >= 1 neither part can be Long.MIN_VALUE, so abs() is safe
        final long integer = Math.abs(mantissa / p);
        final long fraction = Math.abs(mantissa % p);
        if (mantissa < 0)
        {
            out.append('-');
        }
        out.append(integer).append('.');
        for (long threshold = p / 10; threshold > 1 && fraction < threshold; threshold /= 10)
        {
            out.append('0');
        }
        if (fraction == 0)
        {
            out.append('0');
        }
        else
        {
            out.append(fraction);
        }
        return out;
    }

    /**
     * @param mantissa unscaled value.
     * @param scale    digits after the point.
     * @return the value as a {@link BigDecimal} (allocates).
     */
    public static BigDecimal toBigDecimal(final long mantissa, final int scale)
    {
        return BigDecimal.valueOf(mantissa, scale);
    }

    /**
     * Converts a value exactly to a mantissa at {@code scale}.
     *
     * @param value  decimal number.
     * @param scale  target scale.
     * @param column named in the error message.
     * @return the mantissa.
     * @throws IllegalArgumentException if digits would be lost or the mantissa does not fit in 64 bits.
     */
    public static long mantissa(final BigDecimal value, final int scale, final String column)
    {
        if (value == null)
        {
            throw new IllegalArgumentException("Decimal for column '" + column + "' is null");
        }
        final BigDecimal scaled;
        try
        {
            scaled = value.setScale(scale, RoundingMode.UNNECESSARY);
        }
        catch (final ArithmeticException e)
        {
            throw new IllegalArgumentException("Decimal " + value.toPlainString() + " has more digits after the " +
                "point than column '" + column + "' (scale " + scale + "); round it first (never rounded silently)");
        }
        try
        {
            return scaled.unscaledValue().longValueExact();
        }
        catch (final ArithmeticException e)
        {
            throw new IllegalArgumentException("Decimal " + value.toPlainString() + " does not fit column '" +
                column + "' (a 64-bit mantissa at scale " + scale + ": at most " +
                toBigDecimal(Long.MAX_VALUE, scale).toPlainString() + ")");
        }
    }

    /**
     * Parses a decimal number exactly to a mantissa at {@code scale}.
     *
     * @param value  e.g. {@code "101.25"} or {@code "-0.005"}.
     * @param scale  target scale.
     * @param column named in the error message.
     * @return the mantissa.
     * @throws IllegalArgumentException if it is not a number, digits would be lost, or it does not fit.
     */
    public static long mantissa(final CharSequence value, final int scale, final String column)
    {
        if (value == null)
        {
            throw new IllegalArgumentException("Decimal for column '" + column + "' is null");
        }
        final BigDecimal parsed;
        try
        {
            parsed = new BigDecimal(value.toString().trim());
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException("'" + value + "' is not a decimal number for column '" + column +
                "'; write it like 101.25 or -0.005");
        }
        return mantissa(parsed, scale, column);
    }

    /**
     * Converts {@code mantissa * 10^-fromScale} exactly to a mantissa at {@code toScale}.
     *
     * @param mantissa  unscaled value.
     * @param fromScale its scale, 0 to 18.
     * @param toScale   target scale, 0 to 18.
     * @param column    named in the error message.
     * @return the mantissa at {@code toScale}.
     * @throws IllegalArgumentException if digits would be lost or the result does not fit in 64 bits.
     */
    public static long rescaleExact(final long mantissa, final int fromScale, final int toScale, final String column)
    {
        checkScale(fromScale, column);
        if (toScale >= fromScale)
        {
            try
            {
                return rescaleUp(mantissa, toScale - fromScale);
            }
            catch (final ArithmeticException e)
            {
                throw new IllegalArgumentException("Decimal " + toBigDecimal(mantissa, fromScale).toPlainString() +
                    " does not fit column '" + column + "' (a 64-bit mantissa at scale " + toScale + ")");
            }
        }
        final long p = POW10[fromScale - toScale];
        if (mantissa % p != 0)
        {
            throw new IllegalArgumentException("Decimal " + toBigDecimal(mantissa, fromScale).toPlainString() +
                " has more digits after the point than column '" + column + "' (scale " + toScale +
                "); round it first (never rounded silently)");
        }
        return mantissa / p;
    }

    /**
     * @param scale  to check.
     * @param column named in the error message.
     * @throws SchemaException unless {@code 0 <= scale <= 18}.
     */
    public static void checkScale(final int scale, final String column)
    {
        if (scale < 0 || scale > Schema.MAX_DECIMAL_SCALE)
        {
            throw new SchemaException("Decimal scale " + scale + " for '" + column + "' is out of range; use 0 to " +
                Schema.MAX_DECIMAL_SCALE + " digits after the point (a 64-bit mantissa holds 18 digits)");
        }
    }
}
