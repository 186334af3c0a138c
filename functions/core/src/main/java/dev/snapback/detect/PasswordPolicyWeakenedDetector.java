package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PasswordPolicy;
import dev.snapback.remediate.RestorePasswordPolicy;
import java.util.List;
import java.util.Objects;

/**
 * The account password policy set below the baseline ({@code UpdateAccountPasswordPolicy}, which replaces the whole
 * policy: a setting the request leaves out falls to IAM's weakest) or deleted ({@code DeleteAccountPasswordPolicy}).
 * CIS AWS Foundations 1.8 and 1.9; HIGH, and the policy is raised back, setting by setting, to the stricter of the
 * baseline and what is in force then.
 */
public record PasswordPolicyWeakenedDetector(PasswordSettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "password-policy-weakened",
            "Account password policy weakened",
            Family.MFA,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("iam", "UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy")),
            RestorePasswordPolicy.GRANTS);

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        PasswordPolicy baseline = settings.baseline();
        ResourceRef policy = new ResourceRef("AWS::IAM::AccountPasswordPolicy", event.account());
        RestorePasswordPolicy restore = new RestorePasswordPolicy(baseline);
        if (event.eventName().equals("DeleteAccountPasswordPolicy")) {
            return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "account password policy deleted", policy, restore,
                    Facts.of(event, "change", "deleted: IAM users' passwords have no rules at all"), event));
        }
        PasswordPolicy requested = new PasswordPolicy(
                Objects.requireNonNullElse(Fields.integer(event.request(), "minimumPasswordLength"), PasswordPolicy.DEFAULT_MINIMUM_LENGTH),
                requested(event, "requireSymbols"), requested(event, "requireNumbers"),
                requested(event, "requireUppercaseCharacters"), requested(event, "requireLowercaseCharacters"),
                Objects.requireNonNullElse(Fields.integer(event.request(), "passwordReusePrevention"), 0),
                Objects.requireNonNullElse(Fields.integer(event.request(), "maxPasswordAge"), 0));
        List<String> weaker = requested.weakerThan(baseline);
        if (weaker.isEmpty()) return Verdict.clean("the password policy set meets the baseline");
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "account password policy below the baseline", policy,
                restore, Facts.of(event, "below the baseline", String.join(", ", weaker)), event));
    }

    private static boolean requested(CloudTrailEvent event, String field) {
        return Boolean.TRUE.equals(Fields.bool(event.request(), field));
    }
}
