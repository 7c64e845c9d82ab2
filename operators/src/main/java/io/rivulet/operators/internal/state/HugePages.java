package io.rivulet.operators.internal.state;

import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;

/**
 * Asks Linux to back large state tables with transparent huge pages ({@code madvise(MADV_HUGEPAGE)}, through
 * OpenHFT's posix binding, which Chronicle Queue brings along).
 * <p>
 * <b>Why.</b> A keyed table is probed at random: with 4 KB pages a table of a few MB already overflows the
 * TLB, so every probe adds a page walk to its cache miss, and a page walk under virtualisation (nested page
 * tables) costs several more memory reads. One 2 MB page covers what 512 small ones did. On this VM a 100k-key
 * table update went from 56-90 to 34-56 ns with huge pages (interleaved runs). Linux's default THP mode,
 * {@code madvise}, gives huge pages only to memory that asks, which {@code Unsafe.allocateMemory} never does.
 * <p>
 * <b>Scope.</b> Only regions of at least {@link #MIN_LENGTH_BYTES} are advised, and only their 2 MB-aligned
 * interior (no memory is over-allocated for alignment). The advice must come before the memory is first touched,
 * so callers advise right after allocating and before zeroing. A huge page fault zeroes 2 MB at once (tens of
 * microseconds), and with the kernel's default {@code defrag} setting for advised memory it may compact memory
 * first: a table's growth is where that cost lands. Anywhere the binding cannot load (another OS, no native
 * library), or with {@code -Drivulet.state.hugePages=false}, nothing is advised and tables work as before.
 * <p>
 * Loading the binding takes a few hundred milliseconds once per JVM; {@link #warmUp()} lets a pipeline pay it
 * when it is built rather than on a stage thread at a table's first growth.
 */
public final class HugePages
{
    /** Smallest region advised: below it the TLB covers the table anyway. */
    public static final long MIN_LENGTH_BYTES = 4L << 20;
    private static final long HUGE_PAGE_BYTES = 2L << 20;
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("rivulet.state.hugePages")) &&
        System.getProperty("os.name", "").startsWith("Linux");

    private HugePages()
    {
    }

    /** Loaded on first use: the class initialiser runs once, on whichever thread gets here first. */
    private static final class Binding
    {
        static final PosixAPI POSIX = load();

        private static PosixAPI load()
        {
            try
            {
                final PosixAPI posix = PosixAPI.posix();
                // the library falls back to a no-op binding where it cannot load a native one
                return posix.getClass().getSimpleName().startsWith("NoOp") ? null : posix;
            }
            catch (final Throwable t)
            {
                return null; // no native binding here: tables keep small pages
            }
        }
    }

    /**
     * Loads the native binding now, if huge pages are enabled and not loaded yet.
     *
     * @return true if regions will be advised.
     */
    public static boolean warmUp()
    {
        return ENABLED && Binding.POSIX != null;
    }

    /**
     * Advises the 2 MB-aligned interior of a freshly allocated, not yet touched region. Never throws: huge pages
     * are only a speed-up.
     *
     * @param address     start of the region.
     * @param lengthBytes its length.
     */
    static void advise(final long address, final long lengthBytes)
    {
        if (!ENABLED || lengthBytes < MIN_LENGTH_BYTES)
        {
            return;
        }
        final long start = (address + HUGE_PAGE_BYTES - 1) & -HUGE_PAGE_BYTES;
        final long end = (address + lengthBytes) & -HUGE_PAGE_BYTES;
        final PosixAPI posix = Binding.POSIX;
        if (end > start && posix != null)
        {
            try
            {
                posix.madvise(start, end - start, MAdviseFlag.MADV_HUGEPAGE);
            }
            catch (final Throwable ignored)
            {
                // a speed-up only
            }
        }
    }
}
