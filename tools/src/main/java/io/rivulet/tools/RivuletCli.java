package io.rivulet.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rivulet} command line: {@code rivulet demo}, and later journal tail/inspect/replay.
 * User mistakes (bad options) print one clear message and the usage, never a stack trace.
 */
@Command(
    name = "rivulet",
    mixinStandardHelpOptions = true,
    version = "rivulet 0.1.0",
    description = "Rivulet: low-latency stream processing on off-heap rings sequenced by the LMAX Disruptor.",
    subcommands = {DemoCommand.class, SampleCommand.class, CommandLine.HelpCommand.class})
public final class RivuletCli
{
    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    static int run(final String... args)
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final CommandLine cli = new CommandLine(new RivuletCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            final String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (ex instanceof IllegalArgumentException)
            {
                commandLine.getErr().println("rivulet: " + message);
                return 2;
            }
            commandLine.getErr().println("rivulet: failed: " + message);
            ex.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli.execute(args);
    }
}
