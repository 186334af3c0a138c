package dev.snapback.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.alert.AlertRenderer;
import dev.snapback.alert.SnsNotifier;
import dev.snapback.audit.AuditLog;
import dev.snapback.config.FunctionEnvironment;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.Detectors;
import dev.snapback.detect.Finding;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.event.MalformedEventException;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.policy.ActStep;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.AwsClients;
import dev.snapback.remediate.CallBudget;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.SdkRemediationExecutor;
import dev.snapback.snapstart.CannedAwsHttpClient;
import dev.snapback.snapstart.PrimingMetrics;
import dev.snapback.snapstart.PrimingSample;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.cloudwatchlogs.emf.config.EnvironmentConfigurationProvider;
import software.amazon.cloudwatchlogs.emf.environment.Environments;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.logging.internal.PowertoolsLoggedFields;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;


/**
 * Everything one Lambda function does with one event, shared by the handlers: parse, check the event is for the
 * function's own account (else page and audit, never act), assess with the family's detectors in the modes the
 * {@link ModeGate} allows, and for each detector that decided something hand it to a {@link DetectorRun}: claim,
 * act, record, page, complete. A remediation that failed is paged and audited, then the invocation fails so Lambda
 * retries it and the dead-letter queue keeps it in the end; so does an event that is malformed, that no detector of
 * the function handles, or that the invocation ran out of time on.
 *
 * <p>Built once per container; every AWS call it makes is bounded by the invocation's {@link CallBudget}.
 */
public final class Pipeline {

    /**
     * The MDC key Powertools' JSON layout prints as the correlation id: the CloudTrail eventID here. Taken from
     * Powertools' own (internal) list of fields, so that a rename there breaks the build, not the logs.
     */
    static final String CORRELATION_ID = PowertoolsLoggedFields.CORRELATION_ID.getName();

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Audit and metric id of events from another account than the function's. */
    static final String FOREIGN_ACCOUNT = "foreign-account";

    private final Family family;
    private final ModeGate modes;
    private final DetectorRun run;
    private final PipelineMetrics metrics;
    private final CallBudget budget;

    private Pipeline(Family family, ModeGate modes, DetectorRun run, PipelineMetrics metrics, CallBudget budget) {
        this.family = family;
        this.modes = modes;
        this.run = run;
        this.metrics = metrics;
        this.budget = budget;
    }

    /** Wires a pipeline onto one set of AWS clients: the Lambda setup, and the tests' (with a stub endpoint). */
    public static Pipeline wire(Family family, Map<String, String> variables, AwsClients clients, Metrics metrics, Clock clock) {
        FunctionEnvironment environment = FunctionEnvironment.of(variables);
        SnapbackConfig config = environment.snapbackConfig();
        PipelineMetrics counts = new PipelineMetrics(metrics);
        Notifier notifier = new Notifier(new AlertRenderer(config.lateEventAfter()),
                new SnsNotifier(clients.sns(), environment.alertTopicArn()), clock);
        ModeGate modes = new ModeGate(config, config.detectors(family),
                environment.modesParameter() == null ? null : new ModeOverrides(clients.ssm(), environment.modesParameter()),
                notifier, counts);
        DetectorRun run = new DetectorRun(new AuditLog(clients.dynamoDb(), environment.auditTable()),
                new ActStep(new SdkRemediationExecutor(clients)), notifier, counts, clients.budget(), clock);
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

    /** The Lambda entry point: raw EventBridge JSON in, a short JSON summary out. */
    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        budget.start(Duration.ofMillis(context.getRemainingTimeInMillis()));
        JsonNode tree = readTree(input.readAllBytes());
        String account = functionAccount(context);
        JsonNode eventId = tree.path("detail").hasNonNull("eventID") ? tree.path("detail").path("eventID") : tree.path("eventID");
        ObjectNode summary = PowertoolsLogging.withLogging(context, () -> {
            // Set directly: Powertools' JMESPath capture would convert the event again and start a JMESPath engine
            // (ANTLR, Joda-Time) on a cold start, for a field one lookup away. withLogging clears the MDC afterwards.
            if (eventId.isTextual()) MDC.put(CORRELATION_ID, eventId.asText());
            return process(tree, account);
        });
        output.write(JSON.writeValueAsBytes(summary));
    }

    /**
     * Processes one event for the function in {@code functionAccount}; returns what was done per detector. Throws
     * after paging and auditing a failure, and for events no detector handles.
     */
    private ObjectNode process(JsonNode tree, String functionAccount) {
        CloudTrailEvent event;
        try {
            event = EventParser.parse(tree);
        } catch (MalformedEventException e) {
            throw malformed(e);
        }
        LOG.info("Received {} from {}", event.eventName(), event.actor().label(), entry("eventName", event.eventName()),
                entry("account", event.account()), entry("region", event.region()));

        ObjectNode summary = JSON.createObjectNode().put("eventId", event.eventId());
        ArrayNode results = summary.putArray("results");
        if (!functionAccount.equals(event.account())) {
            // Snapback's role can only act in its own account; an event from elsewhere is a routing mistake or a
            // forgery. Never act on it, but make sure someone knows.
            LOG.warn("Event {} is for account {}, this function acts in {}: paging, not acting", event.eventId(),
                    event.account(), functionAccount, entry("account", event.account()));
            run.decide(foreignAccount(event, functionAccount), results);
            return summary;
        }
        List<Assessment> assessments = modes.evaluator(functionAccount).assess(event);
        if (assessments.isEmpty()) {
            metrics.count(null, "UnhandledEvents");
            throw new UnhandledEventException("no detector of function " + family.functionId() + " handles "
                    + event.eventSource() + ":" + event.eventName() + " (event " + event.eventId()
                    + "); is the EventBridge rule wider than the detectors?");
        }
        List<String> failures = new ArrayList<>();
        for (Assessment assessment : assessments) {
            switch (assessment) {
                case Assessment.Ignored ignored -> {
                    LOG.info("Ignored by {}: {}", ignored.detectorId(), ignored.reason(), entry("detector", ignored.detectorId()));
                    metrics.count(ignored.detectorId(), "Ignored");
                    results.addObject().put("detector", ignored.detectorId()).put("outcome", "ignored").put("reason", ignored.reason());
                }
                case Assessment.Decided decided -> failures.addAll(run.decide(decided, results));
            }
        }
        if (!failures.isEmpty()) {
            throw new RemediationFailedException("event " + event.eventId() + ": " + String.join("; ", failures));
        }
        return summary;
    }

    /** The page-only decision for an event from another account than the function's, under its own audit id. */
    private static Assessment.Decided foreignAccount(CloudTrailEvent event, String functionAccount) {
        String title = "event for account " + event.account() + " delivered to Snapback in account " + functionAccount
                + "; nothing changed";
        Finding finding = new Finding(FOREIGN_ACCOUNT, Severity.HIGH, title, new ResourceRef("AWS::::Account", event.account()),
                new PageOnly(title), Map.of("eventAccount", event.account(), "snapbackAccount", functionAccount), event);
        return new Assessment.Decided(FOREIGN_ACCOUNT, event, List.of(new Decision(finding, Mode.PAGE, Decision.Action.PAGE,
                "Snapback acts only in its own account " + functionAccount)));
    }

    /** Parses the input once; input that is not JSON is malformed. */
    private JsonNode readTree(byte[] raw) {
        try {
            return JSON.readTree(raw);
        } catch (IOException e) {
            throw malformed(new MalformedEventException("not JSON: " + e.getMessage(), e));
        }
    }

    /** Nothing to attribute it to, so nobody to page: log, count, and fail so the dead-letter queue keeps it. */
    private MalformedEventException malformed(MalformedEventException e) {
        LOG.error("Malformed event, not processed: {}", e.getMessage(), entry("function", family.functionId()));
        metrics.count(null, "MalformedEvents");
        return e;
    }

    /** The account this function runs in: field 4 of its ARN ({@code arn:aws:lambda:region:account:function:name}). */
    static String functionAccount(Context context) {
        String[] arn = context.getInvokedFunctionArn().split(":");
        if (arn.length < 5 || !arn[4].matches("\\d{12}")) {
            throw new IllegalStateException("cannot tell this function's account from " + context.getInvokedFunctionArn());
        }
        return arn[4];
    }
}
