package dev.snapback.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.snapback.audit.AuditLog;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Mode;
import dev.snapback.model.Outcome;
import dev.snapback.policy.ActStep;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.CallBudget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One detector's decisions on one event, exactly once: claim the event in the audit log (a duplicate delivery stops
 * here), act on each decision, record the outcomes, page, complete the record, count.
 *
 * <p>A retry of an attempt that failed reuses what that attempt recorded: a fix it made is not made again (the
 * present state would now read as already compliant, and the page would lose what was done and how to undo it), and
 * a page it sent is not sent again. When the invocation's time runs out, whatever step it was in, the rest of the
 * budget pages "could not finish" and records it, and the invocation fails.
 */
final class DetectorRun {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorRun.class);

    private final AuditLog audit;
    private final ClaimStep claims;
    private final ActStep act;
    private final Notifier notifier;
    private final PipelineMetrics metrics;
    private final CallBudget budget;
    private final Clock clock;

    DetectorRun(AuditLog audit, ActStep act, Notifier notifier, PipelineMetrics metrics, CallBudget budget, Clock clock) {
        this.audit = audit;
        this.claims = new ClaimStep(audit, metrics);
        this.act = act;
        this.notifier = notifier;
        this.metrics = metrics;
        this.budget = budget;
        this.clock = clock;
    }

    /** Claims, acts, records, pages, completes. Returns the failures (already paged and audited). */
    List<String> decide(Assessment.Decided decided, ArrayNode results) {
        String detectorId = decided.detectorId();
        CloudTrailEvent event = decided.event();
        Instant started = clock.instant();
        Optional<AuditLog.Claim.Acquired> claimed;
        try {
            claimed = claims.claim(event, detectorId, started, results);
        } catch (RuntimeException e) {
            if (budget.actingTimeIsUp()) throw couldNotFinish(event, detectorId, null, null, List.of(), e);
            throw e;
        }
        if (claimed.isEmpty()) return List.of();
        AuditLog.Claim.Acquired claim = claimed.get();

        Mode mode = decided.decisions().getFirst().mode();
        List<AuditLog.Entry> entries = new ArrayList<>();
        try {
            for (Decision decision : decided.decisions()) {
                AuditLog.Entry entry = actOn(decision, claim.earlier());
                entries.add(entry);
                LOG.info("{}: {} -> {}", detectorId, decision.finding().title(), entry.outcome().label(), entry("detector", detectorId),
                        entry("action", decision.action().name()), entry("outcome", entry.outcome().label()),
                        entry("resource", decision.finding().resource().id()));
            }
            audit.record(event, detectorId, claim, mode, entries, clock.instant());
            for (int i = 0; i < entries.size(); i++) {
                AuditLog.Entry entry = entries.get(i);
                if (entry.paged() || !Notifier.pages(entry.decision(), entry.outcome())) continue;
                notifier.page(entry.decision(), entry.outcome());
                entries.set(i, entry.asPaged());
            }
        } catch (RuntimeException e) {
            if (budget.actingTimeIsUp()) throw couldNotFinish(event, detectorId, claim, mode, entries, e);
            // Recording or paging broke midway. Mark the item FAILED, keeping what was done and paged, so the retry
            // claims it again and pages what is left; if even that write fails, the original error still surfaces.
            completeOrSuppress(event, detectorId, claim, mode, entries, describe(e), e);
            metrics.count(detectorId, "Failures");
            throw e;
        }
        List<String> failures = entries.stream().filter(e -> e.outcome().failsTheInvocation())
                .map(e -> detectorId + " could not " + e.decision().finding().proposed().describe() + ": " + e.outcome().detail())
                .toList();
        if (!audit.complete(event, detectorId, claim, mode, entries, failures.isEmpty() ? null : String.join("; ", failures),
                clock.instant())) {
            LOG.warn("Audit item for {} was taken over by a later attempt; its record stands", detectorId, entry("detector", detectorId));
        }
        for (AuditLog.Entry entry : entries) {
            results.addObject().put("detector", detectorId).put("resource", entry.decision().finding().resource().id())
                    .put("action", entry.decision().action().name()).put("outcome", entry.outcome().label());
        }
        metrics.countDecided(detectorId, entries, failures.size(), Duration.between(started, clock.instant()));
        return failures;
    }

    /**
     * What an earlier attempt recorded, when it stands (a fix made, a state read), else the act itself. A page that
     * went out for the same outcome is not sent again; a failure pages on every attempt.
     */
    private AuditLog.Entry actOn(Decision decision, AuditLog.Earlier earlier) {
        Optional<AuditLog.Recorded> recorded = earlier.finding(decision).filter(r -> decision.action().name().equals(r.action()));
        if (recorded.isPresent() && recorded.get().outcome().isPresent()) {
            return new AuditLog.Entry(decision, recorded.get().outcome().get(), recorded.get().paged());
        }
        if (budget.actingTimeIsUp()) {
            throw new CallBudget.OutOfTimeException("no time left to " + decision.finding().proposed().describe());
        }
        Outcome outcome = counted(decision).orElseGet(() -> act.act(decision));
        boolean paged = !outcome.failsTheInvocation()
                && recorded.filter(r -> r.paged() && outcome.label().equals(r.label())).isPresent();
        return new AuditLog.Entry(decision, outcome, paged);
    }

    /**
     * A burst's finding that would page (or would in dry-run mode) is counted in the audit table first: only the one
     * that reaches the threshold in its window pages.
     */
    private Optional<Outcome> counted(Decision decision) {
        return decision.burst().map(burst -> audit.countBurst(decision.finding().cause(), decision.finding().detectorId(), burst)
                .outcome(burst, decision.action()));
    }

    /**
     * The invocation ran out of time: page that, with what was done, from the reserve kept for it, record it, and
     * return the exception that fails the invocation (retries, then the dead-letter queue).
     */
    private CouldNotFinishException couldNotFinish(CloudTrailEvent event, String detectorId, AuditLog.Claim.Acquired claim,
                                                   Mode mode, List<AuditLog.Entry> entries, RuntimeException cause) {
        budget.startReporting();
        metrics.count(detectorId, "OutOfTime");
        String error = "out of time: " + describe(cause);
        LOG.error("Event {} for {}: {}; paging and failing", event.eventId(), detectorId, error, entry("detector", detectorId));
        CouldNotFinishException failure = new CouldNotFinishException("event " + event.eventId() + " for " + detectorId
                + ": " + error, cause);
        List<String> done = entries.stream().filter(e -> e.outcome() instanceof Outcome.Remediated)
                .flatMap(e -> ((Outcome.Remediated) e.outcome()).actions().stream()).toList();
        try {
            notifier.couldNotFinish(event, detectorId, done, error);
        } catch (RuntimeException pageFailure) {
            failure.addSuppressed(pageFailure);
        }
        if (claim != null) completeOrSuppress(event, detectorId, claim, mode, entries, error, failure);
        return failure;
    }

    private void completeOrSuppress(CloudTrailEvent event, String detectorId, AuditLog.Claim.Acquired claim, Mode mode,
                                    List<AuditLog.Entry> entries, String error, RuntimeException failure) {
        try {
            audit.complete(event, detectorId, claim, mode, entries, error, clock.instant());
        } catch (RuntimeException auditFailure) {
            failure.addSuppressed(auditFailure);
        }
    }

    private static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
