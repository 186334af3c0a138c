package dev.snapback.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.event.MalformedEventException;
import dev.snapback.model.Family;
import dev.snapback.policy.Assessment;
import dev.snapback.remediate.CallBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.logging.internal.PowertoolsLoggedFields;

/**
 * Everything one Lambda function does with one event, shared by the handlers: parse, check the event is for the
 * function's own account (else page and audit, never act), assess with the family's detectors in the modes the
 * {@link ModeGate} allows, and for each detector that decided something hand it to a {@link DetectorRun}: claim,
 * act, record, page, complete. A remediation that failed is paged and audited, then the invocation fails so Lambda
 * retries it and the dead-letter queue keeps it in the end; so does an event that is malformed, that no detector of
 * the function handles, or that the invocation ran out of time on.
 *
 * <p>Built once per container ({@link Wiring}); every AWS call it makes is bounded by the invocation's {@link CallBudget}.
 */
public final class Pipeline {

    /**
     * The MDC key Powertools' JSON layout prints as the correlation id: the CloudTrail eventID here. Taken from
     * Powertools' own (internal) list of fields, so that a rename there breaks the build, not the logs.
     */
    static final String CORRELATION_ID = PowertoolsLoggedFields.CORRELATION_ID.getName();

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Family family;
    private final ModeGate modes;
    private final DetectorRun run;
    private final PipelineMetrics metrics;
    private final CallBudget budget;

    Pipeline(Family family, ModeGate modes, DetectorRun run, PipelineMetrics metrics, CallBudget budget) {
        this.family = family;
        this.modes = modes;
        this.run = run;
        this.metrics = metrics;
        this.budget = budget;
    }

    /** The Lambda entry point: raw EventBridge JSON in, a short JSON summary out. */
    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        budget.start(Duration.ofMillis(context.getRemainingTimeInMillis()));
        JsonNode tree = readTree(input.readAllBytes());
        String account = AccountGuard.functionAccount(context);
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
            run.decide(AccountGuard.foreignAccount(event, functionAccount), results);
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
}
