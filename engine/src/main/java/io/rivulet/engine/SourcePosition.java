package io.rivulet.engine;

import io.rivulet.journal.JournalReader;

/**
 * Where a replayable source resumes, as a checkpoint records it, in one {@code long}: {@code p >= 0} resumes after
 * the journal entry with index {@code p} (the last one published before the barrier); {@link #FROM_START} from the
 * oldest entry; {@link #atIndex(long)} at an entry, inclusive (a {@code fromIndex} start that emitted nothing yet).
 */
final class SourcePosition
{
    /** Resume from the journal's oldest entry. */
    static final long FROM_START = -1;

    private SourcePosition()
    {
    }

    /** @return the position that resumes at {@code index}, inclusive. */
    static long atIndex(final long index)
    {
        return -2 - index;
    }

    /**
     * Moves a reader to a position.
     *
     * @return null if done, else what is missing, for the caller's message.
     */
    static String seek(final JournalReader reader, final long position)
    {
        if (position == FROM_START)
        {
            reader.toStart();
            return null;
        }
        if (position >= 0)
        {
            return reader.moveAfterIndex(position) ? null : "index " + position + " (0x" +
                Long.toHexString(position) + ")";
        }
        final long index = -2 - position;
        return reader.moveToIndex(index) ? null : "index " + index + " (0x" + Long.toHexString(index) + ")";
    }
}
