package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.policy.Mode;
import dev.snapback.policy.SnapbackConfig;
import java.util.List;

/** IAM access keys and EC2 key pairs created (or re-activated) outside the managed path; root keys always page. */
public final class UnmanagedKeyCreatedDetector implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "unmanaged-key-created",
            "Unmanaged key created",
            Family.KEYS,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("iam", "CreateAccessKey", "UpdateAccessKey"),
                    EventPattern.apiCalls("ec2", "CreateKeyPair", "ImportKeyPair")),
            List.of(IamGrant.of("arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*", "iam:UpdateAccessKey"),
                    IamGrant.of("arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:key-pair/*", "ec2:DeleteKeyPair")));

    private final SnapbackConfig config;

    public UnmanagedKeyCreatedDetector(SnapbackConfig config) {
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
