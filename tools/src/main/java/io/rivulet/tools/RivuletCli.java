package io.rivulet.tools;

import io.rivulet.engine.Rivulet;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code rivulet} command line: {@code rivulet demo}, {@code sample}, and the journal tools {@code tail},
 * {@code inspect} (journals and checkpoint directories) and {@code replay}. User mistakes (a bad option, a missing journal, a bad {@code --where}) print one line on stderr
 * and exit with status 2 (usage) or 1 (the journal cannot be read), never with a stack trace.
 */
@Command(
    name = "rivulet",
    mixinStandardHelpOptions = true,
    versionProvider = RivuletCli.Version.class,
    description = "Rivulet: low-latency stream processing on off-heap rings sequenced by the LMAX Disruptor.",
    subcommands = {DemoCommand.class, SampleCommand.class, TailCommand.class, InspectCommand.class,
        ReplayCommand.class, CommandLine.HelpCommand.class})
public final class RivuletCli
{
    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        if (System.getProperty("chronicle.analytics.disable") == null)
        {
            System.setProperty("chronicle.analytics.disable", "true"); // a CLI run must not phone home or warn
        }
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
        // over System.out itself (not picocli's writer over an OutputStreamWriter), so checkError() sees a closed
        // pipe (`rivulet tail ... | head`) and tail stops instead of decoding the rest of the journal into it
        return commandLine(new PrintWriter(System.out, true), null).execute(args);
    }

    /**
     * @param out stdout for the commands, or null for System.out.
     * @param err stderr for the commands, or null for System.err.
     * @return the command line with the error handling of {@code rivulet}; tests run commands through it.
     */
    static CommandLine commandLine(final PrintWriter out, final PrintWriter err)
    {
        final CommandLine cli = new CommandLine(new RivuletCli()).setCaseInsensitiveEnumValuesAllowed(true);
        if (out != null)
        {
            cli.setOut(out);
        }
        if (err != null)
        {
            cli.setErr(err);
        }
        cli.setParameterExceptionHandler((ex, arguments) ->
        {
            final CommandLine command = ex.getCommandLine();
            final String message = ex.getMessage().startsWith("Error: ") ? ex.getMessage().substring(7) :
                ex.getMessage();
            command.getErr().println(prefix(command) + message + " (see " +
                command.getCommandSpec().qualifiedName() + " --help)");
            command.getErr().flush();
            return command.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            final String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (ex instanceof CliException)
            {
                commandLine.getErr().println(prefix(commandLine) + message);
                commandLine.getErr().flush();
                return ((CliException)ex).exitCode();
            }
            if (ex instanceof IllegalArgumentException)
            {
                commandLine.getErr().println(prefix(commandLine) + message);
                commandLine.getErr().flush();
                return 2;
            }
            commandLine.getErr().println(prefix(commandLine) + "failed: " + message);
            ex.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return 1;
        });
        return cli;
    }

    private static String prefix(final CommandLine command)
    {
        return command.getCommandSpec().qualifiedName() + ": ";
    }
}
