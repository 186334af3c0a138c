package dev.snapback.handler;

import dev.snapback.alert.AlertRenderer;
import dev.snapback.alert.SnsNotifier;
import dev.snapback.audit.AuditLog;
import dev.snapback.config.FunctionEnvironment;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.model.Family;
import dev.snapback.policy.ActStep;
import dev.snapback.remediate.AwsClients;
import dev.snapback.remediate.SdkRemediationExecutor;
import dev.snapback.snapstart.CannedAwsHttpClient;
import dev.snapback.snapstart.PrimingMetrics;
import dev.snapback.snapstart.PrimingSample;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.cloudwatchlogs.emf.config.EnvironmentConfigurationProvider;
import software.amazon.cloudwatchlogs.emf.environment.Environments;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** How a {@link Pipeline} is put together: in Lambda from the function's environment, for priming, and in tests. */
public final class Wiring {

    /** Set by Lambda: the published version running, which every deployment that changes the function moves on. */
    static final String FUNCTION_VERSION = "AWS_LAMBDA_FUNCTION_VERSION";

    private Wiring() {
    }

    /** Wires a pipeline onto one set of AWS clients: the Lambda setup, and the tests' (with a stub endpoint). */
    public static Pipeline wire(Family family, Map<String, String> variables, AwsClients clients, Metrics metrics, Clock clock) {
        FunctionEnvironment environment = FunctionEnvironment.of(variables);
        SnapbackConfig config = environment.snapbackConfig();
        PipelineMetrics counts = new PipelineMetrics(metrics);
        Notifier notifier = new Notifier(new AlertRenderer(config.lateEventAfter()),
                new SnsNotifier(clients.sns(), environment.alertTopicArn()),
                environment.breakGlassTopicArn() == null ? null : new SnsNotifier(clients.sns(), environment.breakGlassTopicArn()),
                clock);
        AuditLog audit = new AuditLog(clients.dynamoDb(), environment.auditTable());
        ModeGate modes = new ModeGate(config, config.detectors(family),
                environment.modesParameter() == null ? null : new ModeOverrides(clients.ssm(), environment.modesParameter()),
                notifier, audit, variables.getOrDefault(FUNCTION_VERSION, "$LATEST"), counts, clock);
        DetectorRun run = new DetectorRun(audit, new ActStep(new SdkRemediationExecutor(clients)), notifier, counts,
                clients.budget(), clock);
        return new Pipeline(family, modes, run, counts, clients.budget());
    }

    /** The Lambda setup, from the function's environment. Fails the init when configuration is missing or invalid. */
    public static Pipeline fromEnvironment(Family family) {
        Map<String, String> environment = System.getenv();
        if (environment.get("AWS_LAMBDA_FUNCTION_NAME") == null && environment.get("AWS_EMF_ENVIRONMENT") == null) {
            // Outside Lambda (benchmarks, local runs) EMF would go looking for the EC2 metadata service: print instead.
            EnvironmentConfigurationProvider.getConfig().setEnvironmentOverride(Environments.Local);
        }
        Metrics metrics = MetricsFactory.getMetricsInstance();
        if (environment.get(FunctionEnvironment.METRICS_NAMESPACE) == null) metrics.setNamespace(FunctionEnvironment.DEFAULT_METRICS_NAMESPACE);
        return wire(family, environment, AwsClients.fromEnvironment(environment), metrics, Clock.systemUTC());
    }

    /**
     * A pipeline for SnapStart priming: the same configuration, but AWS clients whose calls the process answers itself
     * over loopback ({@link CannedAwsHttpClient}, placeholder credentials, the state the family's {@link PrimingSample}
     * left) and metrics that are serialized and dropped
     * ({@link PrimingMetrics}): priming must not count a remediation that never happened.
     */
    public static Pipeline forPriming(Family family, Map<String, String> environment) {
        AwsClients canned = new AwsClients(new CannedAwsHttpClient(PrimingSample.of(family).answers()),
                Region.of(environment.getOrDefault("AWS_REGION", "us-east-1")),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("snapstart-priming", "snapstart-priming")), null);
        return wire(family, environment, canned, PrimingMetrics.create(FunctionEnvironment.DEFAULT_METRICS_NAMESPACE), Clock.systemUTC());
    }
}
