package io.warden.jobs.cli;

import io.warden.jobs.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code warden} command line: one entry point, a sub-command per task, {@code --help} on each.
 * Exit codes: 0 success, 1 failure while working, 2 wrong usage, 3 unusable configuration.
 */
@Command(
        name = "warden",
        mixinStandardHelpOptions = true,
        versionProvider = WardenCli.Version.class,
        description = "Streaming drift and attack detection for deployed ML models.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            ProduceCommand.class,
            SimulateCommand.class,
            TailCommand.class,
            EvaluateCommand.class,
            ProfileCommand.class,
            CommandLine.HelpCommand.class
        })
public final class WardenCli implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_CONFIG = 3;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests run it in-process). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new WardenCli());
        // picocli consults this mapper for usage errors too: they must keep their exit code 2.
        cli.setExitCodeExceptionMapper(
                e -> {
                    if (e instanceof CommandLine.ParameterException) {
                        return EXIT_USAGE;
                    }
                    return e instanceof ConfigException ? EXIT_CONFIG : EXIT_FAILURE;
                });
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    if (e instanceof ConfigException) {
                        commandLine
                                .getErr()
                                .println("warden: configuration error: " + e.getMessage());
                        return EXIT_CONFIG;
                    }
                    commandLine
                            .getErr()
                            .println("warden " + commandLine.getCommandName() + ": " + e);
                    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                        commandLine.getErr().println("  caused by: " + c);
                    }
                    return EXIT_FAILURE;
                });
        return cli;
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = WardenCli.class.getPackage().getImplementationVersion();
            return new String[] {"warden " + (v == null ? "(development build)" : v)};
        }
    }
}
