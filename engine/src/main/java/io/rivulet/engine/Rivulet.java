package io.rivulet.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Facts about the Rivulet library itself.
 */
public final class Rivulet
{
    private static final String VERSION = readVersion();

    private Rivulet()
    {
    }

    /**
     * @return the library version, e.g. {@code 0.1.0-SNAPSHOT} (also the jars' {@code Implementation-Version}).
     */
    public static String version()
    {
        return VERSION;
    }

    private static String readVersion()
    {
        // a resource filtered by the build rather than the jar manifest: it also works from classes directories
        try (InputStream in = Rivulet.class.getResourceAsStream("version.properties"))
        {
            if (in != null)
            {
                final Properties properties = new Properties();
                properties.load(in);
                final String version = properties.getProperty("version");
                if (version != null && !version.startsWith("$"))
                {
                    return version;
                }
            }
        }
        catch (final IOException ignore)
        {
            // fall through to the manifest
        }
        final String fromManifest = Rivulet.class.getPackage().getImplementationVersion();
        return fromManifest == null ? "unknown" : fromManifest;
    }
}
