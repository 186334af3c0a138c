package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.MFADevice;

/**
 * Attach the deny-unless-MFA policy that still lets the user enrol a new MFA device, only while the user has no MFA
 * device at all, and only after checking that the policy's default version is Snapback's deny-only document.
 *
 * <p>A device enabled after the event means the user re-enrolled since ({@link Outcome.Superseded}); one enabled
 * before it means the user kept another device. A policy whose default version is anything else is never attached
 * ({@link Outcome.Refused}): it could grant access.
 */
public record QuarantineUser(String userName) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(
            IamGrant.of(QuarantineGrants.ALL_USERS, "iam:ListMFADevices", "iam:ListAttachedUserPolicies"),
            IamGrant.of(QuarantineGrants.POLICY, "iam:GetPolicy", "iam:GetPolicyVersion"),
            QuarantineGrants.onlyTheQuarantine("iam:AttachUserPolicy"));

    @Override
    public String describe() {
        return "quarantine user " + userName + " until MFA is re-enabled";
    }

    @Override
    public Verbs verbs() {
        return new Verbs("quarantine user", "user quarantined");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        IamClient iam = aws.iam();
        // Listing the devices first also tells a deleted user (NoSuchEntity, nothing to do) from a missing policy.
        List<MFADevice> devices = QuarantineGrants.mfaDevices(iam, userName);
        if (!devices.isEmpty()) {
            List<MFADevice> since = devices.stream().filter(d -> d.enableDate() != null && d.enableDate().isAfter(cause.time())).toList();
            return since.isEmpty()
                    ? new Outcome.AlreadyCompliant("user " + userName + " still has MFA device "
                            + QuarantineGrants.serials(devices) + "; not quarantined")
                    : new Outcome.Superseded("user " + userName + " enrolled MFA device " + QuarantineGrants.serials(since)
                            + " at " + since.getFirst().enableDate() + ", after the event; not quarantined");
        }
        String policyArn = QuarantinePolicy.arn(cause.partition(), cause.account());
        if (QuarantineGrants.isAttached(iam, userName, policyArn)) {
            return new Outcome.AlreadyCompliant("user " + userName + " is already quarantined");
        }
        QuarantinePolicy.DefaultVersion version;
        try {
            version = QuarantinePolicy.defaultVersion(iam, policyArn);
        } catch (AwsServiceException e) {
            if (!"NoSuchEntity".equals(AwsErrors.code(e))) throw e;
            return new Outcome.Failed(AwsErrors.describe(e) + " (is the Snapback stack, which creates " + policyArn + ", deployed?)");
        }
        if (!QuarantinePolicy.isSnapbacks(version.document(), cause.partition(), cause.account())) {
            return new Outcome.Refused("the default version " + version.versionId() + " of " + policyArn + " is not"
                    + " Snapback's deny-only document, so attaching it could grant access: nothing was attached. Someone"
                    + " changed the policy; the quarantine-tampered detector restores it, and this event is retried");
        }
        iam.attachUserPolicy(r -> r.userName(userName).policyArn(policyArn));
        return new Outcome.Remediated(List.of(describe() + " (attached " + policyArn + ", default version "
                + version.versionId() + " checked)"),
                List.of("aws iam detach-user-policy --user-name " + userName + " --policy-arn " + policyArn));
    }
}
