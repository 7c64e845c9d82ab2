package io.rivulet.operators.internal.state;

/**
 * Binary layout of one slot of an {@link OffHeapHashTable}: a tag, the key, then the caller's value.
 * <pre>
 *   0        4        8                          8 + align8(K)                 8 + align8(K) + align8(V)
 *   +--------+--------+--------------------------+-----------------------------+
 *   |  tag   | unused |  key (K bytes) + pad     |  value (V bytes) + pad      |
 *   +--------+--------+--------------------------+-----------------------------+
 * </pre>
 * The tag is 0 for an empty slot, otherwise the low 32 bits of the key's hash with bit 31 set. Keeping the hash
 * lets probes reject most non-matching keys with one int compare and lets a resize or a backward-shift delete
 * find an entry's home slot without rehashing the key. Key and value start 8-byte aligned, so the value slot can
 * hold naturally aligned longs and doubles. Slots are 8-byte multiples; the table itself is 64-byte aligned.
 */
final class StateEntryDescriptor
{
    /** Offset of the int32 tag; 0 means the slot is empty. */
    static final int TAG_OFFSET = 0;
    /** Offset of the key in the slot. */
    static final int KEY_OFFSET = 8;
    /** Tag bit marking an occupied slot; the rest of the tag is hash bits. */
    static final int OCCUPIED_BIT = 0x8000_0000;

    private StateEntryDescriptor()
    {
    }

    /**
     * @param keyLengthBytes key length.
     * @return offset of the value in the slot.
     */
    static int valueOffset(final int keyLengthBytes)
    {
        return KEY_OFFSET + align8(keyLengthBytes);
    }

    /**
     * @param keyLengthBytes   key length.
     * @param valueLengthBytes value length.
     * @return slot length, a multiple of 8, or a negative number if it does not fit an int.
     */
    static long slotLength(final int keyLengthBytes, final int valueLengthBytes)
    {
        return (long)valueOffset(keyLengthBytes) + align8(valueLengthBytes);
    }

    /**
     * @param hash 64-bit hash of a key.
     * @return the tag stored for that key; never 0.
     */
    static int tag(final long hash)
    {
        return (int)hash | OCCUPIED_BIT;
    }

    static int align8(final int lengthBytes)
    {
        return (lengthBytes + 7) & ~7;
    }
}
