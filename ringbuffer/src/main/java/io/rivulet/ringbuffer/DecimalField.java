package io.rivulet.ringbuffer;

/**
 * A fixed-point decimal field ({@link FieldType#DECIMAL}): a signed 64-bit mantissa whose scale (digits after the
 * point, 0 to {@link Schema#MAX_DECIMAL_SCALE}) is part of the schema, so {@code 101.25} in a {@code DECIMAL(4)}
 * column is stored as the mantissa {@code 1012500}. Read and written on the hot path as a {@code long} through
 * {@link RecordFlyweight#getMantissa}/{@link RecordFlyweight#setMantissa}; the helpers here convert from text,
 * {@link java.math.BigDecimal} or another scale when the pipeline is defined (they allocate or may throw, so keep
 * them off the hot path, e.g. to precompute a constant). Immutable and thread-safe.
 */
public final class DecimalField extends Field
{
    private final int scale;

    DecimalField(final String name, final int index, final int offset, final int scale)
    {
        super(name, FieldType.DECIMAL, index, offset, 8);
        this.scale = scale;
    }

    /**
     * @return digits after the decimal point, 0 to {@link Schema#MAX_DECIMAL_SCALE}.
     */
    @Override
    public int scale()
    {
        return scale;
    }

    /**
     * Converts a value exactly to this column's mantissa, e.g. {@code "101.25"} to {@code 1012500} for scale 4.
     *
     * @param value a decimal number, e.g. {@code "-0.005"}.
     * @return the mantissa.
     * @throws IllegalArgumentException naming the column if the value is not a number, has more digits after the
     *                                  point than the scale (never rounds silently), or does not fit in 64 bits.
     */
    public long mantissaOf(final CharSequence value)
    {
        return Decimals.mantissa(value, scale, name());
    }

    /**
     * Converts a value exactly to this column's mantissa.
     *
     * @param value a decimal number.
     * @return the mantissa.
     * @throws IllegalArgumentException naming the column if digits would be lost or it does not fit in 64 bits.
     */
    public long mantissaOf(final java.math.BigDecimal value)
    {
        return Decimals.mantissa(value, scale, name());
    }

    /**
     * Converts {@code mantissa * 10^-valueScale} exactly to this column's mantissa.
     *
     * @param mantissa   unscaled value.
     * @param valueScale its scale, 0 to 18.
     * @return the mantissa at this column's scale.
     * @throws IllegalArgumentException naming the column if digits would be lost or the result overflows.
     */
    public long mantissaOf(final long mantissa, final int valueScale)
    {
        return Decimals.rescaleExact(mantissa, valueScale, scale, name());
    }

    /**
     * @return {@code name:DECIMAL(scale)}.
     */
    @Override
    public String typeDescription()
    {
        return "DECIMAL(" + scale + ")";
    }
}
