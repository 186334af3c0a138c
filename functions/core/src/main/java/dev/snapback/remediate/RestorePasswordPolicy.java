package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Put back an account password policy that is, setting by setting, the stricter of the baseline and the policy in
 * force now: a setting raised since the event stays raised, and nothing is ever lowered. The policy is read first
 * ({@code GetAccountPasswordPolicy}); one that meets the baseline needs nothing. The settings the baseline does not
 * cover (whether users may change their own password, hard expiry) are kept; with no policy at all they stay off, as
 * IAM has them, so that Snapback grants nobody anything.
 */
public record RestorePasswordPolicy(PasswordPolicy baseline) implements Remediation {

    /** IAM's password policy actions take no resource-level permissions: "*" is the only resource they accept. */
    public static final List<IamGrant> GRANTS = List.of(IamGrant.of("*", "iam:GetAccountPasswordPolicy",
            "iam:UpdateAccountPasswordPolicy"));

    @Override
    public String describe() {
        return "raise the account password policy to the baseline (" + baseline.cliArguments() + ")";
    }

    @Override
    public Verbs verbs() {
        return new Verbs("restore password policy", "password policy restored");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        IamClient iam = aws.iam();
        software.amazon.awssdk.services.iam.model.PasswordPolicy present = present(iam);
        PasswordPolicy now = present == null ? null : new PasswordPolicy(
                present.minimumPasswordLength() == null ? PasswordPolicy.DEFAULT_MINIMUM_LENGTH : present.minimumPasswordLength(),
                Boolean.TRUE.equals(present.requireSymbols()), Boolean.TRUE.equals(present.requireNumbers()),
                Boolean.TRUE.equals(present.requireUppercaseCharacters()), Boolean.TRUE.equals(present.requireLowercaseCharacters()),
                present.passwordReusePrevention() == null ? 0 : present.passwordReusePrevention(),
                present.maxPasswordAge() == null ? 0 : present.maxPasswordAge());
        if (now != null && now.meets(baseline)) {
            return new Outcome.AlreadyCompliant("the account password policy meets the baseline again");
        }
        PasswordPolicy target = now == null ? baseline : now.stricter(baseline);
        boolean allowChange = present != null && Boolean.TRUE.equals(present.allowUsersToChangePassword());
        boolean hardExpiry = present != null && Boolean.TRUE.equals(present.hardExpiry());
        iam.updateAccountPasswordPolicy(r -> {
            r.minimumPasswordLength(target.minimumLength()).requireSymbols(target.requireSymbols())
                    .requireNumbers(target.requireNumbers()).requireUppercaseCharacters(target.requireUppercase())
                    .requireLowercaseCharacters(target.requireLowercase()).allowUsersToChangePassword(allowChange)
                    .hardExpiry(hardExpiry);
            if (target.reusePrevention() > 0) r.passwordReusePrevention(target.reusePrevention());
            if (target.maxAgeDays() > 0) r.maxPasswordAge(target.maxAgeDays());
        });
        String raised = now == null ? "set the account password policy, which had been deleted, to the baseline"
                : "raised the account password policy: " + String.join(", ", now.weakerThan(baseline)) + " -> " + target.cliArguments();
        String undo = now == null ? "aws iam delete-account-password-policy"
                : "aws iam update-account-password-policy " + now.cliArguments() + (allowChange ? " --allow-users-to-change-password" : "")
                        + (hardExpiry ? " --hard-expiry" : "");
        return new Outcome.Remediated(List.of(raised), List.of(undo));
    }

    /** The policy in force, or {@code null} when the account has none. */
    private static software.amazon.awssdk.services.iam.model.PasswordPolicy present(IamClient iam) {
        try {
            return iam.getAccountPasswordPolicy().passwordPolicy();
        } catch (AwsServiceException e) {
            if ("NoSuchEntity".equals(AwsErrors.code(e))) return null;
            throw e;
        }
    }
}
