package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Remove the quarantine policy after the user enrolled MFA again: only from a user who is quarantined and has an MFA
 * device now. With {@code manual} release (configuration {@code quarantineRelease: manual}) nothing is detached: the
 * page asks an operator to lift the quarantine, with the command.
 */
public record ReleaseQuarantine(String userName, boolean manual) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(
            IamGrant.of(QuarantineGrants.ALL_USERS, "iam:ListMFADevices", "iam:ListAttachedUserPolicies"),
            QuarantineGrants.onlyTheQuarantine("iam:DetachUserPolicy"));

    @Override
    public String describe() {
        return (manual ? "ask an operator to release" : "release") + " the quarantine of user " + userName;
    }

    @Override
    public Verbs verbs() {
        return manual ? new Verbs("review the quarantine", "quarantine kept for an operator")
                : new Verbs("release quarantine", "quarantine released");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        IamClient iam = aws.iam();
        String policyArn = QuarantinePolicy.arn(cause.partition(), cause.account());
        if (!QuarantineGrants.isAttached(iam, userName, policyArn)) {
            return new Outcome.AlreadyCompliant("user " + userName + " is not quarantined");
        }
        if (QuarantineGrants.mfaDevices(iam, userName).isEmpty()) {
            return new Outcome.AlreadyCompliant("user " + userName + " has no MFA device, so the quarantine stays");
        }
        String detach = "aws iam detach-user-policy --user-name " + userName + " --policy-arn " + policyArn;
        if (manual) {
            return new Outcome.Paged("quarantine release is manual: user " + userName + " stays quarantined until an"
                    + " operator who has confirmed the new device lifts it with: " + detach);
        }
        iam.detachUserPolicy(r -> r.userName(userName).policyArn(policyArn));
        return new Outcome.Remediated(List.of(describe() + " (detached " + policyArn + ")"),
                List.of("aws iam attach-user-policy --user-name " + userName + " --policy-arn " + policyArn));
    }
}
