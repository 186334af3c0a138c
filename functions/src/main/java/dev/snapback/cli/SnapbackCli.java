package dev.snapback.cli;

import dev.snapback.remediate.RemediationExecutor;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code snapback} command line. Exit codes: see {@link ReplayCommand}. */
@Command(name = "snapback", mixinStandardHelpOptions = true, version = "snapback 0.1.0",
        description = "Snapback: replay CloudTrail history through Snapback's detectors and policy.",
        subcommands = CommandLine.HelpCommand.class)
public final class SnapbackCli implements Runnable {

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, Terminal.system(), SnapbackCli::sdkExecutor));
    }

    static int run(String[] args, Terminal terminal, Supplier<RemediationExecutor> executors) {
        CommandLine cli = new CommandLine(new SnapbackCli())
                .addSubcommand("replay", new ReplayCommand(terminal, executors))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(terminal.out(), true))
                .setErr(new PrintWriter(terminal.err(), true));
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. snapback replay events/");
    }

    private static RemediationExecutor sdkExecutor() {
        throw new UnsupportedOperationException("this build has no AWS SDK executor; --apply is not available yet");
    }
}
