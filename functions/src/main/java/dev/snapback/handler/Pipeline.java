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
import dev.snapback.detect.Detector;
import dev.snapback.detect.Detectors;
import dev.snapback.detect.Family;
import dev.snapback.detect.Finding;
import dev.snapback.detect.ResourceRef;
import dev.snapback.detect.Severity;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.event.MalformedEventException;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Decision;
import dev.snapback.policy.Evaluator;
import dev.snapback.policy.Mode;
import dev.snapback.policy.SnapbackConfig;
import dev.snapback.remediate.AwsClients;
import dev.snapback.remediate.Outcome;
import dev.snapback.remediate.Remediation;
import dev.snapback.remediate.RemediationExecutor;
import dev.snapback.remediate.SdkRemediationExecutor;
import dev.snapback.snapstart.CannedAwsHttpClient;
import dev.snapback.snapstart.PrimingMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Everything one Lambda function does with one event, shared by the four handlers:
 * parse, check the event is for the function's own account (else page and audit, never act), assess with the
 * family's detectors (modes possibly overridden at run time; an override that lowers a mode is paged), and for each
 * detector that decided something: claim the event in the audit table (a duplicate delivery stops here), act on
 * each decision, page when the decision pages, complete the audit item, count metrics. A remediation that failed is
 * paged and audited, then the invocation fails so Lambda retries it and the dead-letter queue keeps it in the end;
 * so does an event that is malformed or that no detector of the function handles.
 *
 * <p>Built once per container; the only state it keeps between events is the last mode override it saw.
 */
public final class Pipeline {

    /**
     * The MDC key Powertools' JSON layout prints as the correlation id: the CloudTrail eventID here. Taken from
     * Powertools' own (internal) list of fields, so that a rename there breaks the build, not the logs.
     */
    static final String CORRELATION_ID = PowertoolsLoggedFields.CORRELATION_ID.getName();

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CloudWatch namespace of the metrics, unless POWERTOOLS_METRICS_NAMESPACE names another. */
    static final String METRICS_NAMESPACE = "Snapback";
    /** Audit and metric id of events from another account than the function's. */
    static final String FOREIGN_ACCOUNT = "foreign-account";

    private final Family family;
    private final SnapbackConfig config;
    private final List<Detector> detectors;
    private final Evaluator deployed;
    private final ModeOverrides overrides;
    private final RemediationExecutor executor;
    private final AlertRenderer renderer = new AlertRenderer();
    private final SnsNotifier notifier;
    private final AuditLog audit;
    private final Metrics metrics;
    private final Clock clock;
    /** The override value last seen by this container, so a lowering is paged once per change. */
    private volatile Map<String, Mode> lastOverride = Map.of();

    /**
     * @param overrides run-time mode overrides, or {@code null} when no parameter is configured
     * @param metrics   Powertools metrics (EMF); every metric is flushed per detector with a {@code detector} dimension
     */
    public Pipeline(Family family, SnapbackConfig config, ModeOverrides overrides, RemediationExecutor executor,
                    SnsNotifier notifier, AuditLog audit, Metrics metrics, Clock clock) {
        this.family = family;
        this.config = config;
        this.detectors = Detectors.of(family, config);
        this.deployed = new Evaluator(config, detectors);
        this.overrides = overrides;
        this.executor = executor;
        this.notifier = notifier;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Wires a pipeline onto one set of AWS clients: the Lambda setup, and the tests' (with a stub endpoint). */
    public static Pipeline wire(Family family, Map<String, String> environment, AwsClients clients, Metrics metrics, Clock clock) {
        String modesParameter = environment.get(ModeOverrides.PARAMETER_VARIABLE);
        return new Pipeline(family,
                SnapbackConfig.fromEnvironment(environment),
                modesParameter == null || modesParameter.isBlank() ? null : new ModeOverrides(clients.ssm(), modesParameter),
                new SdkRemediationExecutor(clients),
                new SnsNotifier(clients.sns(), required(environment, SnsNotifier.TOPIC_VARIABLE)),
                new AuditLog(clients.dynamoDb(), required(environment, AuditLog.TABLE_VARIABLE)),
                metrics,
                clock);
    }

    /** The Lambda setup, from the function's environment. Fails the init when configuration is missing or invalid. */
    public static Pipeline fromEnvironment(Family family) {
        Map<String, String> environment = System.getenv();
        if (environment.get("AWS_LAMBDA_FUNCTION_NAME") == null && environment.get("AWS_EMF_ENVIRONMENT") == null) {
            // Outside Lambda (benchmarks, local runs) EMF would go looking for the EC2 metadata service: print instead.
            EnvironmentConfigurationProvider.getConfig().setEnvironmentOverride(Environments.Local);
        }
        Metrics metrics = MetricsFactory.getMetricsInstance();
        if (environment.get("POWERTOOLS_METRICS_NAMESPACE") == null) metrics.setNamespace(METRICS_NAMESPACE);
        return wire(family, environment, AwsClients.fromEnvironment(environment), metrics, Clock.systemUTC());
    }

    /**
     * A pipeline for SnapStart priming: the same configuration, but AWS clients whose calls the process answers itself
     * over loopback ({@link CannedAwsHttpClient}, placeholder credentials) and metrics that are serialized and dropped
     * ({@link PrimingMetrics}): priming must not count a remediation that never happened.
     */
    public static Pipeline forPriming(Family family, Map<String, String> environment) {
        AwsClients canned = new AwsClients(new CannedAwsHttpClient(), Region.of(environment.getOrDefault("AWS_REGION", "us-east-1")),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("snapstart-priming", "snapstart-priming")), null);
        return wire(family, environment, canned, PrimingMetrics.create(METRICS_NAMESPACE), Clock.systemUTC());
    }

    /** The Lambda entry point: raw EventBridge JSON in, a short JSON summary out. */
    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
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
            decide(foreignAccount(event, functionAccount), results);
            return summary;
        }
        List<Assessment> assessments = evaluator(functionAccount).assess(event);
        if (assessments.isEmpty()) {
            count(null, Map.of("UnhandledEvents", 1.0));
            throw new UnhandledEventException("no detector of function " + family.functionId() + " handles "
                    + event.eventSource() + ":" + event.eventName() + " (event " + event.eventId()
                    + "); is the EventBridge rule wider than the detectors?");
        }
        List<String> failures = new ArrayList<>();
        for (Assessment assessment : assessments) {
            switch (assessment) {
                case Assessment.Ignored ignored -> {
                    LOG.info("Ignored by {}: {}", ignored.detectorId(), ignored.reason(), entry("detector", ignored.detectorId()));
                    count(ignored.detectorId(), Map.of("Ignored", 1.0));
                    results.addObject().put("detector", ignored.detectorId()).put("outcome", "ignored").put("reason", ignored.reason());
                }
                case Assessment.Decided decided -> failures.addAll(decide(decided, results));
            }
        }
        if (!failures.isEmpty()) {
            throw new RemediationFailedException("event " + event.eventId() + ": " + String.join("; ", failures));
        }
        return summary;
    }

    /** Claims, acts, pages, audits. Returns the failures (already paged and audited). */
    private List<String> decide(Assessment.Decided decided, ArrayNode results) {
        String detectorId = decided.detectorId();
        CloudTrailEvent event = decided.event();
        Instant started = clock.instant();
        String token;
        switch (audit.claim(event, detectorId, started)) {
            case AuditLog.Claim.Acquired acquired -> token = acquired.token();
            case AuditLog.Claim.Done done -> {
                LOG.info("Duplicate delivery: {} already handled this event ({})", detectorId, done.outcome(), entry("detector", detectorId));
                count(detectorId, Map.of("Duplicates", 1.0));
                results.addObject().put("detector", detectorId).put("outcome", "duplicate");
                return List.of();
            }
            case AuditLog.Claim.InProgress inProgress -> {
                // Usually a benign concurrent duplicate delivery. Failing (nothing is lost: the retry finds the item
                // done, or the claim stale) trips the Errors alarm; ClaimConflicts tells the two apart.
                LOG.warn("Concurrent delivery: {} is being handled by another invocation since {}; failing so Lambda"
                        + " retries (counted as ClaimConflicts, nothing is lost)", detectorId, inProgress.claimedAt(),
                        entry("detector", detectorId));
                count(detectorId, Map.of("ClaimConflicts", 1.0));
                throw new ClaimConflictException("event " + event.eventId() + " for " + detectorId
                        + " was claimed at " + inProgress.claimedAt() + " by another invocation");
            }
        }

        Mode mode = decided.decisions().getFirst().mode();
        List<AuditLog.Entry> entries = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            for (Decision decision : decided.decisions()) {
                Outcome outcome = act(decision);
                entries.add(new AuditLog.Entry(decision, outcome));
                LOG.info("{}: {} -> {}", detectorId, decision.finding().title(), outcome.label(), entry("detector", detectorId),
                        entry("action", decision.action().name()), entry("outcome", outcome.label()),
                        entry("resource", decision.finding().resource().id()));
                if (pages(decision, outcome)) notifier.publish(renderer.render(decision, outcome));
                if (outcome instanceof Outcome.Failed failed) failures.add(detectorId + " could not " + decision.finding().proposed().describe() + ": " + failed.error());
                results.addObject().put("detector", detectorId).put("resource", decision.finding().resource().id())
                        .put("action", decision.action().name()).put("outcome", outcome.label());
            }
        } catch (RuntimeException e) {
            // act() never throws: rendering or paging broke midway. Mark the item FAILED so the retry claims it
            // again, then fail; if even the audit write fails, the original error still surfaces.
            try {
                complete(event, detectorId, token, mode, entries, e.getClass().getSimpleName() + ": " + e.getMessage());
            } catch (RuntimeException auditFailure) {
                e.addSuppressed(auditFailure);
            }
            count(detectorId, Map.of("Failures", 1.0));
            throw e;
        }
        complete(event, detectorId, token, mode, entries, failures.isEmpty() ? null : String.join("; ", failures));
        Map<String, Double> counts = new HashMap<>();
        counts.put("Findings", (double) entries.size());
        counts.put("Remediations", (double) entries.stream().filter(e -> e.outcome() instanceof Outcome.Remediated).count());
        counts.put("Failures", (double) failures.size());
        counts.put("Pages", (double) entries.stream().filter(e -> pages(e.decision(), e.outcome())).count());
        counts.put("Duration", (double) Duration.between(started, clock.instant()).toMillis());
        count(detectorId, counts);
        return failures;
    }

    private Outcome act(Decision decision) {
        return switch (decision.action()) {
            case REMEDIATE -> {
                try {
                    yield executor.execute(decision.finding().proposed(), decision.finding().cause());
                } catch (RuntimeException e) {
                    yield new Outcome.Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            case DRY_RUN -> new Outcome.DryRun(decision.finding().proposed().describe());
            case PAGE -> new Outcome.Paged(decision.reason());
            case EXEMPT -> new Outcome.Exempted(decision.reason());
            case OFF -> new Outcome.Off(decision.reason());
        };
    }

    /**
     * Off and exempt decisions are audited, never paged; so is releasing a quarantine that was not there (every MFA
     * enrolment by anyone asks for a release, and most users were never quarantined).
     */
    private static boolean pages(Decision decision, Outcome outcome) {
        if (decision.finding().proposed() instanceof Remediation.ReleaseQuarantine
                && outcome instanceof Outcome.AlreadyCompliant) return false;
        return switch (decision.action()) {
            case REMEDIATE, DRY_RUN, PAGE -> true;
            case EXEMPT, OFF -> false;
        };
    }

    /** The page-only decision for an event from another account than the function's, under its own audit id. */
    private static Assessment.Decided foreignAccount(CloudTrailEvent event, String functionAccount) {
        String title = "event for account " + event.account() + " delivered to Snapback in account " + functionAccount
                + "; nothing changed";
        Finding finding = new Finding(FOREIGN_ACCOUNT, Severity.HIGH, title, new ResourceRef("AWS::::Account", event.account()),
                new Remediation.PageOnly(title), Map.of("eventAccount", event.account(), "snapbackAccount", functionAccount),
                event);
        return new Assessment.Decided(FOREIGN_ACCOUNT, event, List.of(new Decision(finding, Mode.PAGE, Decision.Action.PAGE,
                "Snapback acts only in its own account " + functionAccount)));
    }

    private void complete(CloudTrailEvent event, String detectorId, String token, Mode mode, List<AuditLog.Entry> entries, String error) {
        if (!audit.complete(event, detectorId, token, mode, entries, error, clock.instant())) {
            LOG.warn("Audit item for {} was taken over by a later attempt; its record stands", detectorId, entry("detector", detectorId));
        }
    }

    /** The deployed evaluator, or one with the run-time mode overrides applied; a bad override never stops Snapback. */
    private Evaluator evaluator(String functionAccount) {
        if (overrides == null) return deployed;
        Map<String, Mode> override;
        SnapbackConfig overridden;
        try {
            override = overrides.read();
            Map<String, Mode> modes = new HashMap<>(config.modes());
            modes.putAll(override);
            overridden = config.withModes(modes);
        } catch (RuntimeException e) {
            LOG.warn("Ignoring the mode override in SSM parameter {}, keeping the deployed modes: {}",
                    overrides.parameterName(), e.getMessage());
            count(null, Map.of("InvalidModeOverrides", 1.0));
            return deployed;
        }
        if (!override.equals(lastOverride)) reportLowered(override, functionAccount);
        if (override.isEmpty()) return deployed;
        LOG.info("Mode override from {}: {}", overrides.parameterName(), override);
        return new Evaluator(overridden, detectors);
    }

    /**
     * Anyone who may write the parameter can switch Snapback off: a new override that lowers one of this function's
     * detectors below its deployed mode is logged, counted and paged, once per change of the value in this container.
     */
    private void reportLowered(Map<String, Mode> override, String functionAccount) {
        List<AlertRenderer.Lowered> lowered = new ArrayList<>();
        for (Detector detector : detectors) {
            String id = detector.spec().id();
            Mode deployedMode = config.modeFor(detector.spec());
            Mode overrideMode = override.get(id);
            if (overrideMode != null && overrideMode.isWeakerThan(deployedMode)) {
                LOG.warn("Mode override in {} lowers {} from {} to {}", overrides.parameterName(), id,
                        deployedMode.label(), overrideMode.label(), entry("detector", id));
                count(id, Map.of("ModeLowered", 1.0));
                lowered.add(new AlertRenderer.Lowered(id, deployedMode, overrideMode));
            }
        }
        try {
            if (!lowered.isEmpty()) notifier.publish(renderer.modesLowered(overrides.parameterName(), functionAccount, lowered));
            lastOverride = override;
        } catch (RuntimeException e) {
            LOG.error("Could not page that the mode override lowers {}; will try again with the next event: {}",
                    lowered, e.toString());
        }
    }

    /** Emits the counts as one EMF record, with a {@code detector} dimension when there is one. */
    private void count(String detectorId, Map<String, Double> counts) {
        try {
            metrics.flushMetrics(scoped -> {
                if (detectorId != null) scoped.addDimension("detector", detectorId);
                counts.forEach((name, value) -> scoped.addMetric(name, value,
                        name.equals("Duration") ? MetricUnit.MILLISECONDS : MetricUnit.COUNT));
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not emit metrics: {}", e.getMessage());
        }
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
        count(null, Map.of("MalformedEvents", 1.0));
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

    private static String required(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) throw new IllegalStateException(name + " is not set");
        return value;
    }
}
