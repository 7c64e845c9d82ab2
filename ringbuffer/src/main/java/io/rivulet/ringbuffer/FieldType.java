package io.rivulet.ringbuffer;

/**
 * The fixed-width field types a {@link Schema} can hold. Every type has a fixed encoded length, so a record
 * is a fixed-size slot and a field is a constant offset into it.
 */
public enum FieldType
{
    /** Signed 64-bit integer. */
    INT64(8, "longField"),
    /** Signed 32-bit integer. */
    INT32(4, "intField"),
    /** IEEE 754 double. */
    FLOAT64(8, "doubleField"),
    /** One byte, 0 or 1. */
    BOOLEAN(1, "booleanField"),
    /** Epoch milliseconds as a signed 64-bit integer: the type event time is read from. */
    TIMESTAMP(8, "longField"),
    /** Fixed-length US-ASCII text (a ticker, a venue code), right-padded with NUL; length set per field. */
    SYMBOL(0, "symbolField"),
    /**
     * Fixed-point decimal (prices, money): a signed 64-bit mantissa, the scale (digits after the point, 0 to
     * {@link Schema#MAX_DECIMAL_SCALE}) set per field, so {@code 101.25} at scale 4 is stored as {@code 1012500}.
     * Arithmetic on it is exact; see {@link DecimalField}.
     */
    DECIMAL(8, "decimalField");

    private final int lengthBytes;
    private final String schemaAccessor;

    FieldType(final int lengthBytes, final String schemaAccessor)
    {
        this.lengthBytes = lengthBytes;
        this.schemaAccessor = schemaAccessor;
    }

    /**
     * @return the {@link Schema} method that resolves a typed field of this type (e.g. {@code "longField"}), for
     * messages that tell the user how to resolve a field.
     */
    public String schemaAccessor()
    {
        return schemaAccessor;
    }

    /**
     * @return encoded length in bytes, or 0 for {@link #SYMBOL} whose length is chosen per field.
     */
    public int lengthBytes()
    {
        return lengthBytes;
    }

    /**
     * @return true for the integer types read with {@code getLong}/{@code getInt} and usable in arithmetic.
     */
    public boolean isIntegral()
    {
        return this == INT64 || this == INT32 || this == TIMESTAMP;
    }

    /**
     * @return true for every type usable in arithmetic and numeric comparison (integral, FLOAT64, DECIMAL).
     */
    public boolean isNumeric()
    {
        return isIntegral() || this == FLOAT64 || this == DECIMAL;
    }
}
