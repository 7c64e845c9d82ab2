package io.rivulet.tools;

import io.rivulet.engine.samples.PatternSample;
import io.rivulet.engine.samples.WindowedTradesSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * Runs one of the readable samples in {@code io.rivulet.engine.samples}.
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
        switch (name)
        {
            case "windows":
                WindowedTradesSample.main(new String[0]);
                return 0;
            case "pattern":
                PatternSample.main(new String[0]);
                return 0;
            default:
                throw new IllegalArgumentException("unknown sample '" + name + "'; choose windows or pattern");
        }
    }
}
