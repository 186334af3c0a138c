package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;

/**
 * Turns a {@link Remediation} into AWS calls in the account and region of the event that caused it, and reports
 * the {@link Outcome}: {@code Remediated}, {@code AlreadyCompliant} or {@code Failed}. Only the SDK-backed
 * implementation touches AWS.
 */
public interface RemediationExecutor {

    Outcome execute(Remediation remediation, CloudTrailEvent cause);
}
