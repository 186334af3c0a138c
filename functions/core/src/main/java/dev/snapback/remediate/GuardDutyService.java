package dev.snapback.remediate;

import java.time.Instant;
import java.util.Optional;

/**
 * The GuardDuty calls Snapback makes, in one region. {@link JsonGuardDutyService} makes them where the SDK's
 * {@code guardduty} module cannot be had; where it can, its {@code GuardDutyClient} implements this in a few lines.
 */
public interface GuardDutyService {

    /** The detector, or empty when the account has no detector by that id in the region. */
    Optional<DetectorStatus> detector(String detectorId);

    void enableDetector(String detectorId);

    /**
     * What {@code GetDetector} says of one detector.
     *
     * @param updatedAt when its settings last changed, or {@code null} if GuardDuty did not say
     */
    record DetectorStatus(String detectorId, boolean enabled, Instant updatedAt) {
    }
}
