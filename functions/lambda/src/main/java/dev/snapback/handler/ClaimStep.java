package dev.snapback.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.snapback.audit.AuditLog;
import dev.snapback.event.CloudTrailEvent;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Exactly once per event and detector: the claim in the audit log that a {@link DetectorRun} acts under. */
final class ClaimStep {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimStep.class);

    private final AuditLog audit;
    private final PipelineMetrics metrics;

    ClaimStep(AuditLog audit, PipelineMetrics metrics) {
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * Claims the event in the audit log: the claim to act on, or none for a duplicate delivery (done before). A claim
     * another invocation holds right now fails this one.
     */
    Optional<AuditLog.Claim.Acquired> claim(CloudTrailEvent event, String detectorId, Instant now, ArrayNode results) {
        switch (audit.claim(event, detectorId, now)) {
            case AuditLog.Claim.Acquired acquired -> {
                return Optional.of(acquired);
            }
            case AuditLog.Claim.Done done -> {
                LOG.info("Duplicate delivery: {} already handled this event ({})", detectorId, done.outcome(), entry("detector", detectorId));
                metrics.count(detectorId, "Duplicates");
                results.addObject().put("detector", detectorId).put("outcome", "duplicate");
                return Optional.empty();
            }
            case AuditLog.Claim.InProgress inProgress -> {
                // Usually a benign concurrent duplicate delivery. Failing (nothing is lost: the retry finds the item
                // done, or the claim stale) trips the Errors alarm; ClaimConflicts tells the two apart.
                LOG.warn("Concurrent delivery: {} is being handled by another invocation since {}; failing so Lambda"
                        + " retries (counted as ClaimConflicts, nothing is lost)", detectorId, inProgress.claimedAt(),
                        entry("detector", detectorId));
                metrics.count(detectorId, "ClaimConflicts");
                throw new ClaimConflictException("event " + event.eventId() + " for " + detectorId
                        + " was claimed at " + inProgress.claimedAt() + " by another invocation");
            }
        }
    }
}
