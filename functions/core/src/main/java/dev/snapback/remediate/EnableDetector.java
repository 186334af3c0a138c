package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;

/**
 * Enable a GuardDuty detector that {@code UpdateDetector} disabled. Read first ({@code GetDetector}): an enabled
 * detector needs nothing; one gone is a newer change (its {@code DeleteDetector} event pages); one whose settings
 * changed after this event was changed by a newer call, which Snapback leaves alone and pages.
 */
public record EnableDetector(String region, String detectorId) implements Remediation {

    /** The account's detectors, in any region. Enabling a detector only watches; it grants nobody anything. */
    public static final List<IamGrant> GRANTS = List.of(IamGrant.of("arn:${AWS::Partition}:guardduty:*:${AWS::AccountId}:detector/*",
            "guardduty:GetDetector", "guardduty:UpdateDetector"));

    @Override
    public String describe() {
        return "enable GuardDuty detector " + detectorId + " in " + region;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("enable detector", "detector enabled");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        GuardDutyService guardDuty = aws.guardDuty(region);
        var detector = guardDuty.detector(detectorId).orElse(null);
        if (detector == null) {
            return new Outcome.Superseded("no GuardDuty detector " + detectorId + " in " + region
                    + " any more; its DeleteDetector event pages");
        }
        if (detector.enabled()) return new Outcome.AlreadyCompliant("detector " + detectorId + " is enabled");
        if (ChangeTimes.newer(detector.updatedAt(), cause)) {
            return new Outcome.Superseded("detector " + detectorId + " is still disabled, but its settings changed at "
                    + detector.updatedAt() + ", after this event; Snapback leaves that newer change alone: enable it"
                    + " (aws guardduty update-detector --region " + region + " --detector-id " + detectorId
                    + " --enable) unless it was sanctioned");
        }
        guardDuty.enableDetector(detectorId);
        return new Outcome.Remediated(List.of("enabled GuardDuty detector " + detectorId + " in " + region),
                List.of("aws guardduty update-detector --region " + region + " --detector-id "
                        + AwsErrors.shellQuoted(detectorId) + " --no-enable"));
    }
}
