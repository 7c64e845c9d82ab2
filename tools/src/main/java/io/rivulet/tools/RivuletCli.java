package io.rivulet.tools;

import io.rivulet.engine.Rivulet;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rivulet} command line: {@code rivulet demo}, and later journal tail/inspect/replay.
 * User mistakes (bad options) print one clear message and the usage, never a stack trace.
 */
@Command(
    name = "rivulet",
    mixinStandardHelpOptions = true,
    versionProvider = RivuletCli.Version.class,
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

    /** {@code rivulet --version}: the library's version, from {@link Rivulet#version()}. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            return new String[]{"rivulet " + Rivulet.version()};
        }
    }

    static int run(final String... args)
    {
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
