package io.rivulet.journal;

/**
 * Fails early, with the exact flags to add, when the JVM denies Chronicle Queue the JDK internals it uses;
 * otherwise opening a queue fails deep inside Chronicle with an {@code AssertionError} or
 * {@code IllegalAccessError}. Checked (once per JVM) when a journal is opened.
 */
final class ChronicleAccessCheck
{
    /** The flags Chronicle Queue needs on Java 17 (PLATFORM.md); the parent pom's rivulet.chronicleFlags. */
    static final String REQUIRED_FLAGS = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED " +
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED";

    private static final String PROBLEM = probe();

    private ChronicleAccessCheck()
    {
    }

    /**
     * @throws IllegalStateException naming the missing JVM flags.
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
        final Module base = Object.class.getModule();
        final Module chronicle = net.openhft.chronicle.queue.ChronicleQueue.class.getModule();
        if (base.isExported("sun.nio.ch", chronicle) && base.isExported("jdk.internal.ref", chronicle) &&
            base.isOpen("java.lang.reflect", chronicle))
        {
            return null;
        }
        return "Rivulet's journals need the JVM flags " + REQUIRED_FLAGS + " (Chronicle Queue maps its files " +
            "through JDK internals): add them to the java command line (or JDK_JAVA_OPTIONS; ./rivulet and " +
            "tools/target/jvm.flags have them), or, for an executable jar, 'Add-Exports: java.base/sun.nio.ch " +
            "java.base/jdk.internal.ref' and 'Add-Opens: java.base/java.lang.reflect' to its manifest";
    }
}
