package io.rivulet.engine;

/**
 * Fails early, with the exact flag to add, when the JVM denies Agrona the {@code jdk.internal.misc.Unsafe} it
 * needs; otherwise the first off-heap buffer would fail deep inside with
 * {@code IllegalAccessError: class org.agrona.UnsafeApi cannot access class jdk.internal.misc.Unsafe}.
 * Probed once per JVM; checked by the public entry points ({@link Pipeline#from}, every source's creation).
 */
final class JvmAccessCheck
{
    /** The JVM flags Rivulet needs today (Agrona 2.x). */
    static final String REQUIRED_FLAGS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private static final String PROBLEM = probe();

    private JvmAccessCheck()
    {
    }

    /**
     * @throws IllegalStateException naming the missing JVM flag.
     */
    static void check()
    {
        if (PROBLEM != null)
        {
            throw new IllegalStateException(PROBLEM);
        }
    }

    private static String probe()
    {
        try
        {
            org.agrona.UnsafeApi.arrayBaseOffset(byte[].class);
            return null;
        }
        catch (final IllegalAccessError | ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            return "Rivulet needs the JVM flag " + REQUIRED_FLAGS + " (Agrona uses jdk.internal.misc.Unsafe for " +
                "off-heap memory): add it to the java command line (or JDK_JAVA_OPTIONS), or, for an executable " +
                "jar, 'Add-Exports: java.base/jdk.internal.misc' to its manifest. (" + ex + ")";
        }
    }
}
