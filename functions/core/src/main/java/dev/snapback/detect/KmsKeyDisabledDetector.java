package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.ReenableKey;
import java.util.List;

/**
 * A customer-managed KMS key disabled ({@code DisableKey}) or scheduled for deletion ({@code ScheduleKeyDeletion}): CIS
 * AWS Foundations 4.7. What the key protects can no longer be read, and once deleted never again. HIGH; the fix
 * ({@link ReenableKey}) undoes exactly the call, after reading the key: a deletion is cancelled and the key enabled
 * (a cancel leaves it disabled), a disabled key is enabled. AWS-managed keys cannot be disabled by anyone, and the
 * fix refuses them. Snapback's own alert keys are {@code snapback-tampered}'s; managed principals' changes are
 * sanctioned.
 *
 * <p>Pages by default: retiring a key is routine work, so holding keys enabled is a choice ({@code remediate}).
 */
public record KmsKeyDisabledDetector(KmsKeySettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "kms-key-disabled-or-deleted",
            "KMS key disabled or scheduled for deletion",
            Family.DETECTIVE,
            Severity.HIGH,
            Mode.PAGE,
            List.of(EventPattern.apiCalls("kms", "DisableKey", "ScheduleKeyDeletion")),
            ReenableKey.CUSTOMER_KEY_GRANTS);

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        String keyArn = KmsKeys.keyArn(event);
        if (keyArn == null) return Verdict.clean("the call names its key by alias or not at all, so no key can be read back");
        if (settings.snapbackKeyArns().contains(keyArn)) return Verdict.clean("Snapback's own alert key: snapback-tampered's");
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        String change = event.eventName().equals("DisableKey") ? "disabled"
                : "scheduled for deletion in " + KmsKeys.pendingWindowDays(event) + " days";
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "KMS key " + KmsKeys.keyId(keyArn)
                + " " + change, new ResourceRef("AWS::KMS::Key", keyArn), new ReenableKey(event.region(), keyArn),
                Facts.of(event, "key", keyArn, "change", change), event));
    }
}
