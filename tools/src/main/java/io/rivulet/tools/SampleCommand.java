package io.rivulet.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * Runs one of the readable samples in {@code io.rivulet.engine.samples} ({@link BundledSample}).
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Run a sample: 'windows' (event-time windows, late data) or 'pattern' (2 -> 10 -> 5 per key).")
final class SampleCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "NAME", description = "windows | pattern")
    String name;

    @Override
    public Integer call()
    {
        BundledSample.named(name, "sample").runMain();
        return 0;
    }
}
