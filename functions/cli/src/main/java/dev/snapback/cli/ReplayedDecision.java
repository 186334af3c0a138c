package dev.snapback.cli;

import dev.snapback.detect.Finding;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.PageOnBurst;
import java.time.Instant;
import java.util.Comparator;

/**
 * One decision of a replay, reduced to what the report shows, so that thousands of them stay small in memory.
 * {@code decision} (with the whole event) is kept only for REMEDIATE decisions of an {@code --apply} run. A decision
 * counted in a burst ({@link Decision#burst}) carries it, and, once the replay has counted it in event-time order,
 * what the count came to.
 */
record ReplayedDecision(
        Instant time,
        String eventId,
        String account,
        String region,
        String actor,
        String sourceIp,
        String detectorId,
        String severity,
        String title,
        Decision.Action action,
        String remediationType,
        String remediation,
        String resourceType,
        String resource,
        String reason,
        PageOnBurst burst,
        Outcome counted,
        Decision decision) {

    /** Report order: by event time, then CloudTrail eventID, then detector; findings of one event keep theirs. */
    static final Comparator<ReplayedDecision> ORDER = Comparator.comparing(ReplayedDecision::time)
            .thenComparing(ReplayedDecision::eventId)
            .thenComparing(ReplayedDecision::detectorId);

    /**
     * {@code shared} returns the one copy of a value that many decisions repeat (a principal's burst, a detector's
     * title and fix), so that a replay's decisions hold each once; per-event values (eventID, time) are not passed.
     */
    static ReplayedDecision of(String detectorId, Decision decision, boolean keepForApply, Shared shared) {
        Finding finding = decision.finding();
        CloudTrailEvent event = finding.cause();
        return new ReplayedDecision(event.time(), event.eventId(), shared.apply(event.account()), shared.apply(event.region()),
                shared.apply(event.actor().label()), shared.apply(event.sourceIp()), detectorId, finding.severity().name(),
                shared.apply(finding.title()), decision.action(), finding.proposed().getClass().getSimpleName(),
                shared.apply(finding.proposed().describe()), finding.resource().type(), shared.apply(finding.resource().id()),
                shared.apply(decision.reason()), decision.burst().map(shared::apply).orElse(null), null,
                keepForApply && decision.action() == Decision.Action.REMEDIATE ? decision : null);
    }

    /** Returns the one copy of an equal value. */
    @FunctionalInterface
    interface Shared {
        <T> T apply(T value);
    }

    /** This decision with what its burst's count came to. */
    ReplayedDecision counted(Outcome outcome) {
        return new ReplayedDecision(time, eventId, account, region, actor, sourceIp, detectorId, severity, title, action,
                remediationType, remediation, resourceType, resource, reason, burst, outcome, decision);
    }

    /** Below its burst's threshold, or after the page: audited in a real run, never paged. */
    boolean isCounted() {
        return counted instanceof Outcome.Counted;
    }
}
