package dev.snapback.policy;

import dev.snapback.detect.Finding;
import dev.snapback.model.Mode;

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
}
