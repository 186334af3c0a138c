package dev.snapback.policy;

import dev.snapback.detect.Finding;
import dev.snapback.model.Mode;
import dev.snapback.remediate.PageOnBurst;
import java.util.Optional;

/**
 * What Snapback will do about one finding, and why. {@code action} follows from the detector's mode, the
 * exemptions and whether the finding has a safe automatic fix.
 */
public record Decision(Finding finding, Mode mode, Action action, String reason) {

    public enum Action {
        /** Execute the proposed remediation, then page. */
        REMEDIATE,
        /** Page what would have been done; change nothing. */
        DRY_RUN,
        /** Page; change nothing. */
        PAGE,
        /** Sanctioned by configuration: record it, do not page. */
        EXEMPT,
        /** Detector switched off: record it, do not page. */
        OFF
    }

    /**
     * The burst this decision is counted in: one that pages, or would in dry-run mode. A burst's finding that is
     * exempt or off is not counted.
     */
    public Optional<PageOnBurst> burst() {
        return finding.proposed() instanceof PageOnBurst burst && (action == Action.PAGE || action == Action.DRY_RUN)
                ? Optional.of(burst) : Optional.empty();
    }
}
