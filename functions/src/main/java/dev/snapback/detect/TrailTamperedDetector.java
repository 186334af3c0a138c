package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.policy.Mode;
import dev.snapback.policy.SnapbackConfig;
import java.util.List;

/** A CloudTrail trail stopped, deleted, or weakened (multi-region, global events, validation, KMS, selectors). */
public final class TrailTamperedDetector implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "trail-tampered",
            "CloudTrail trail stopped, deleted or weakened",
            Family.TRAILS,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("cloudtrail",
                    "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutAdvancedEventSelectors")),
            List.of(IamGrant.of("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*",
                    "cloudtrail:StartLogging", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors")));

    private final SnapbackConfig config;

    public TrailTamperedDetector(SnapbackConfig config) {
        this.config = config;
    }

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        return Verdict.clean("TODO");
    }
}
