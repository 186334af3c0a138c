package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.policy.Mode;
import dev.snapback.policy.SnapbackConfig;
import java.util.List;

/** MFA turned off on an IAM user (quarantine until re-enrolled) or on root (page, CRITICAL). */
public final class MfaDeactivatedDetector implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "mfa-deactivated",
            "MFA deactivated",
            Family.MFA,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("iam", "DeactivateMFADevice", "DeleteVirtualMFADevice", "EnableMFADevice")),
            List.of(IamGrant.of("arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*",
                    "iam:PutUserPolicy", "iam:DeleteUserPolicy")));

    private final SnapbackConfig config;

    public MfaDeactivatedDetector(SnapbackConfig config) {
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
