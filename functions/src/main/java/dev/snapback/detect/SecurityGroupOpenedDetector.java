package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.policy.Mode;
import dev.snapback.policy.SnapbackConfig;
import java.util.List;

/** Ingress opened to the world, to an over-broad range, or to an untrusted range, on a non-public port. */
public final class SecurityGroupOpenedDetector implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "security-group-opened",
            "Security group opened",
            Family.SECURITY_GROUPS,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("ec2", "AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules")),
            List.of(IamGrant.of("arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:security-group/*",
                    "ec2:RevokeSecurityGroupIngress")));

    private final SnapbackConfig config;

    public SecurityGroupOpenedDetector(SnapbackConfig config) {
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
