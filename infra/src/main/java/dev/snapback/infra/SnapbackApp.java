package dev.snapback.infra;

import dev.snapback.model.InvalidConfigException;
import dev.snapback.model.OwnNames;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The CDK app: the Snapback stack in the home region, a forwarding stack in each other region whose events it must
 * see, and cdk-nag's AWS Solutions checks over all of them. Run by {@code cdk synth}/{@code cdk deploy} from
 * {@code infra/} (see cdk.json).
 */
public final class SnapbackApp {

    /** Context key of the functions' shaded jar, relative to the directory cdk runs in. */
    static final String FUNCTIONS_JAR = "functionsJar";

    public record Deployment(SnapbackStack home, List<ForwardingStack> forwarding) {
    }

    private SnapbackApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            Settings settings = Settings.fromContext(app.getNode()::tryGetContext, System.getenv());
            build(app, settings, functionsCode(app.getNode().tryGetContext(FUNCTIONS_JAR)),
                    System.getenv("CDK_DEFAULT_ACCOUNT"));
        } catch (InvalidConfigException e) {
            System.err.println("Snapback: invalid context value " + e.getMessage());
            System.exit(1);
        }
        app.synth();
    }

    /**
     * Adds Snapback's stacks to {@code app}, with {@code functionsCode} as every function's code, in {@code account}
     * (null: resolved at deploy time).
     */
    public static Deployment build(App app, Settings settings, Code functionsCode, String account) {
        SnapbackStack home = new SnapbackStack(app, OwnNames.HOME_STACK, props(account, settings.homeRegion(),
                "Snapback: remediates guardrail-breaking CloudTrail calls"), settings, functionsCode);
        List<ForwardingStack> forwarding = settings.forwardingRegions().stream().map(region -> {
            ForwardingStack stack = new ForwardingStack(app, OwnNames.forwardingStack(region), props(account, region,
                    "Snapback: forwards " + region + " CloudTrail events to " + settings.homeRegion()), settings);
            // Deploy the functions first, so nothing is forwarded to a bus without rules.
            stack.addStackDependency(home);
            return stack;
        }).toList();
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return new Deployment(home, forwarding);
    }

    private static StackProps props(String account, String region, String description) {
        return StackProps.builder()
                .env(Environment.builder().account(account).region(region).build())
                .description(description)
                .build();
    }

    private static Code functionsCode(Object configured) {
        Path jar = Path.of(configured == null ? "../functions/lambda/target/snapback-lambda.jar" : configured.toString());
        if (!Files.isRegularFile(jar)) {
            throw new InvalidConfigException(FUNCTIONS_JAR, jar.toAbsolutePath() + " does not exist; run ./mvnw package "
                    + "in the repository root first");
        }
        return Code.fromAsset(jar.toString());
    }
}
