package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * Make a KMS key usable again, undoing the call that caused it: after {@code ScheduleKeyDeletion}, cancel the deletion,
 * then enable the key (a cancelled deletion leaves it disabled, so both calls are needed); after {@code DisableKey},
 * enable it. Read first ({@code DescribeKey}): an enabled key needs nothing; a key scheduled for deletion since it was
 * disabled is a newer change, paged and left alone; an AWS-managed key, or one in any other state (importing,
 * unavailable), is left alone.
 */
public record ReenableKey(String region, String keyArn) implements Remediation {

    /** CloudFormation substitutes the two alert keys' ARNs: these grants name no other key. */
    public static final String ALERT_KEY = "${SnapbackAlertKeyArn}";
    public static final String BREAK_GLASS_KEY = "${SnapbackBreakGlassKeyArn}";

    private static final List<String> ACTIONS = List.of("kms:DescribeKey", "kms:CancelKeyDeletion", "kms:EnableKey");

    /** For {@code snapback-tampered}: Snapback's two alert keys and no other. */
    public static final List<IamGrant> GRANTS = List.of(new IamGrant(ACTIONS, List.of(ALERT_KEY, BREAK_GLASS_KEY), Map.of()));

    /**
     * For {@code kms-key-disabled-or-deleted}: any key of the account, in any region. These actions only make a key
     * usable again by those its policy already lets use it; they grant nobody anything.
     */
    public static final List<IamGrant> CUSTOMER_KEY_GRANTS = List.of(new IamGrant(ACTIONS,
            List.of("arn:${AWS::Partition}:kms:*:${AWS::AccountId}:key/*"), Map.of()));

    @Override
    public String describe() {
        return "cancel any deletion of key " + keyArn + " and enable it";
    }

    @Override
    public Verbs verbs() {
        return new Verbs("re-enable key", "key re-enabled");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        KmsClient kms = aws.kms(region);
        KeyMetadata key = kms.describeKey(r -> r.keyId(keyArn)).keyMetadata();
        List<String> done = new ArrayList<>();
        List<String> inverses = new ArrayList<>();
        KeyState state = key.keyState();
        if (key.keyManager() == KeyManagerType.AWS) {
            return new Outcome.Superseded(keyArn + " is AWS-managed: only AWS changes its state");
        }
        if (state == KeyState.ENABLED) return new Outcome.AlreadyCompliant(keyArn + " is enabled");
        if (state == KeyState.PENDING_DELETION && "DisableKey".equals(cause.eventName())) {
            return new Outcome.Superseded(keyArn + " was scheduled for deletion after it was disabled"
                    + (key.deletionDate() == null ? "" : " (due " + key.deletionDate() + ")")
                    + "; that newer call's own event restores it, if it is not sanctioned");
        }
        if (state != KeyState.PENDING_DELETION && state != KeyState.DISABLED) {
            return new Outcome.Superseded(keyArn + " is " + key.keyStateAsString() + "; Snapback only re-enables a disabled key"
                    + " or one pending deletion");
        }
        if (state == KeyState.PENDING_DELETION) {
            kms.cancelKeyDeletion(r -> r.keyId(keyArn));
            done.add("cancelled the deletion of " + keyArn + (key.deletionDate() == null ? "" : ", due " + key.deletionDate()));
            inverses.add("aws kms schedule-key-deletion --region " + region + " --key-id " + keyArn + " --pending-window-in-days 7");
        }
        kms.enableKey(r -> r.keyId(keyArn));
        done.add("enabled " + keyArn);
        inverses.add("aws kms disable-key --region " + region + " --key-id " + keyArn);
        return new Outcome.Remediated(done, inverses);
    }
}
