package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Set exactly this key inactive, and only while it is still active ({@code ListAccessKeys}); {@code userName} always
 * names the key's owner (never defaulted to the caller).
 */
public record DeactivateAccessKey(String userName, String accessKeyId) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(IamGrant.of(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*", "iam:ListAccessKeys", "iam:UpdateAccessKey"));

    @Override
    public String describe() {
        return "deactivate access key " + accessKeyId + " of user " + userName;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("deactivate key", "key deactivated");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        IamClient iam = aws.iam();
        // A user has at most two access keys: one page.
        Optional<AccessKeyMetadata> key = iam.listAccessKeys(r -> r.userName(userName)).accessKeyMetadata().stream()
                .filter(k -> accessKeyId.equals(k.accessKeyId())).findFirst();
        if (key.isEmpty()) return new Outcome.AlreadyCompliant("access key " + accessKeyId + " no longer exists");
        if (key.get().status() != StatusType.ACTIVE) {
            return new Outcome.AlreadyCompliant("access key " + accessKeyId + " is already " + key.get().statusAsString());
        }
        iam.updateAccessKey(r -> r.userName(userName).accessKeyId(accessKeyId).status(StatusType.INACTIVE));
        return new Outcome.Remediated(List.of(describe()), List.of("aws iam update-access-key --user-name " + userName
                + " --access-key-id " + accessKeyId + " --status Active"));
    }
}
