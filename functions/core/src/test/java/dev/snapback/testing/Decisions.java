package dev.snapback.testing;

import dev.snapback.detect.Finding;
import dev.snapback.detect.SecurityGroupOpenedDetector;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.RevokeIngress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decisions on {@link TestEvents#SG_WORLD_SSH}, as the security-group detector and the evaluator make them. */
public final class Decisions {

    public static final String GROUP = "sg-0abc1234def567890";
    public static final String RULE = "sgr-0fedcba9876543210";

    private Decisions() {
    }

    public static Finding worldSsh() {
        CloudTrailEvent event = TestEvents.event(TestEvents.SG_WORLD_SSH);
        Map<String, String> context = new LinkedHashMap<>();
        context.put("group", GROUP);
        context.put("rule", RULE + ": 22/tcp from 0.0.0.0/0");
        return new Finding(SecurityGroupOpenedDetector.SPEC.id(), Severity.HIGH, GROUP + " opened 22/tcp to 0.0.0.0/0",
                new ResourceRef("AWS::EC2::SecurityGroup", GROUP),
                new RevokeIngress(GROUP, List.of(new IngressRule(RULE, "tcp", 22, 22, "0.0.0.0/0"))),
                context, event);
    }

    public static Decision remediate() {
        return new Decision(worldSsh(), Mode.REMEDIATE, Decision.Action.REMEDIATE, "detector security-group-opened remediates");
    }

    public static Decision dryRun() {
        return new Decision(worldSsh(), Mode.DRY_RUN, Decision.Action.DRY_RUN, "detector security-group-opened is in dry-run mode");
    }
}
