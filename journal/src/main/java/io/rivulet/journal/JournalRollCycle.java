package io.rivulet.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

/**
 * How often a journal starts a new file (a <i>cycle</i>); retention counts cycles. Cycles start at UTC
 * boundaries. Each maps to a Chronicle Queue roll cycle with room for at least 2^31 entries per cycle.
 */
public enum JournalRollCycle
{
    /** A file every five minutes (tests, very high rates). */
    FIVE_MINUTELY(RollCycles.FIVE_MINUTELY),
    /** A file every hour. */
    HOURLY(RollCycles.FAST_HOURLY),
    /** A file per UTC day: one trading day per file; the default. */
    DAILY(RollCycles.FAST_DAILY);
    // no WEEKLY: Chronicle's WEEKLY cycle fails lastIndex()/toEnd() (NOT_REACHED, then an assertion) in 2026.4

    private final RollCycle chronicle;

    JournalRollCycle(final RollCycle chronicle)
    {
        this.chronicle = chronicle;
    }

    /**
     * @return length of one cycle in milliseconds.
     */
    public long lengthMs()
    {
        return chronicle.lengthInMillis();
    }

    RollCycle chronicle()
    {
        return chronicle;
    }

    static JournalRollCycle of(final RollCycle chronicle)
    {
        for (final JournalRollCycle c : values())
        {
            if (c.chronicle.format().equals(chronicle.format()) && c.chronicle.lengthInMillis() ==
                chronicle.lengthInMillis())
            {
                return c;
            }
        }
        return null;
    }
}
