package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.QuarantinePolicy;
import dev.snapback.remediate.RestoreQuarantinePolicy;
import java.util.List;

/**
 * Someone other than Snapback changed its quarantine policy: a new version ({@code CreatePolicyVersion}, with or
 * without {@code --set-as-default}), another default ({@code SetDefaultPolicyVersion}), a version or the policy
 * deleted. Whoever can write IAM could make the policy grant everything and then turn off their own MFA, so that
 * Snapback attaches it: CRITICAL, and Snapback's deny-only document is made the default version again.
 *
 * <p>Which policy comes from the request's {@code policyArn}, compared exactly with the one in the event's account.
 * Snapback's own calls (the guard function restoring it) never reach a detector; a CloudFormation deploy's
 * ({@code invokedBy} CloudFormation) is the stack putting its own document in place, and is not tampering.
 */
public record QuarantineTamperedDetector() implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "quarantine-tampered",
            "Snapback's quarantine policy changed",
            Family.GUARD,
            Severity.CRITICAL,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("iam", "CreatePolicyVersion", "SetDefaultPolicyVersion", "DeletePolicyVersion",
                    "DeletePolicy")),
            RestoreQuarantinePolicy.GRANTS);

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        String quarantine = QuarantinePolicy.arn(event.partition(), event.account());
        String policyArn = Fields.text(event.request(), "policyArn");
        if (!quarantine.equals(policyArn)) {
            return Verdict.clean(event.eventName() + " on " + (policyArn == null ? "no named policy" : policyArn)
                    + ", not Snapback's quarantine policy");
        }
        if (TamperSettings.byCloudFormation(event.actor())) {
            return Verdict.clean("CloudFormation deploying the stack's own quarantine policy (" + event.actor().label() + ")");
        }
        String version = Fields.text(event.request(), "versionId");
        String what = switch (event.eventName()) {
            case "CreatePolicyVersion" -> Boolean.TRUE.equals(Fields.bool(event.request(), "setAsDefault"))
                    ? "new default version" : "new version";
            case "SetDefaultPolicyVersion" -> "default version set to " + version;
            case "DeletePolicyVersion" -> "version " + version + " deleted";
            default -> "deleted";
        };
        // Short: the subject still has to say where and what Snapback did within SNS's 100 characters.
        return Verdict.flagged(new Finding(SPEC.id(), Severity.CRITICAL, "quarantine policy: " + what,
                new ResourceRef("AWS::IAM::ManagedPolicy", quarantine), new RestoreQuarantinePolicy(quarantine),
                Facts.of(event, "policy", quarantine, "change", event.eventName() + ": " + what, "check",
                        "whoever can change this policy can make it grant access and have Snapback attach it; find out"
                                + " who " + event.actor().label() + " is and why they changed it"),
                event));
    }
}
