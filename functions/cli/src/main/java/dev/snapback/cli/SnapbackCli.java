package dev.snapback.cli;

import dev.snapback.remediate.AwsClients;
import dev.snapback.remediate.SdkRemediationExecutor;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/** The {@code snapback} command line. Exit codes: see {@link ReplayCommand}. */
@Command(name = "snapback", mixinStandardHelpOptions = true, version = "snapback 0.1.0",
        description = "Snapback: replay CloudTrail history through Snapback's detectors and policy.",
        subcommands = CommandLine.HelpCommand.class)
public final class SnapbackCli implements Runnable {

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, Terminal.system(), SnapbackCli::sdkCaller));
    }

    static int run(String[] args, Terminal terminal, Supplier<Caller> callers) {
        CommandLine cli = new CommandLine(new SnapbackCli())
                .addSubcommand("replay", new ReplayCommand(terminal, callers))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(terminal.out(), true))
                .setErr(new PrintWriter(terminal.err(), true));
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. snapback replay events/");
    }

    /**
     * The functions' own executor, with the standard credential chain, and the account STS GetCallerIdentity names
     * for those credentials; the SDK honours {@code AWS_ENDPOINT_URL}. Remediations run in each event's region; the
     * home region (default region chain, else us-east-1) picks the partition IAM is signed for and STS's region.
     * The clients live as long as the process.
     */
    private static Caller sdkCaller() {
        Region home;
        try {
            home = DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException e) {
            home = Region.US_EAST_1;
        }
        AwsClients clients = new AwsClients(home, DefaultCredentialsProvider.builder().build(), null);
        return new Caller(clients.sts().getCallerIdentity().account(), new SdkRemediationExecutor(clients));
    }
}
