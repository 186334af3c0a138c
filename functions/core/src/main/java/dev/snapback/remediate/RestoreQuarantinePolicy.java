package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.PolicyVersion;

/**
 * Make Snapback's own deny-only document the default version of the quarantine policy again, or recreate the policy
 * if it was deleted. The policy is read first: a default version that is already Snapback's document needs nothing.
 * IAM keeps at most five versions, so when five exist the oldest one that is not the default is deleted first.
 *
 * <p>Its grants write that one policy and nothing else, and they belong to a function that cannot attach any
 * policy: whoever controls one of Snapback's roles still cannot both write a policy and hand it to a user.
 */
public record RestoreQuarantinePolicy(String policyArn) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(IamGrant.of(QuarantineGrants.POLICY,
            "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion", "iam:CreatePolicy"));

    private static final int MAX_VERSIONS = 5;

    @Override
    public String describe() {
        return "restore Snapback's deny-only document as the default version of " + policyArn;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("restore policy", "policy restored");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        IamClient iam = aws.iam();
        String document = QuarantinePolicy.document(cause.partition(), cause.account());
        QuarantinePolicy.DefaultVersion present;
        try {
            present = QuarantinePolicy.defaultVersion(iam, policyArn);
        } catch (AwsServiceException e) {
            if (!"NoSuchEntity".equals(AwsErrors.code(e))) throw e;
            iam.createPolicy(r -> r.policyName(QuarantinePolicy.NAME).path("/").policyDocument(document)
                    .description("Snapback: on an IAM user whose MFA was turned off, denies all but enrolling a new MFA device"));
            return new Outcome.Remediated(List.of("recreated the deleted " + policyArn + " with Snapback's deny-only document"),
                    List.of("aws iam delete-policy --policy-arn " + policyArn));
        }
        if (QuarantinePolicy.isSnapbacks(present.document(), cause.partition(), cause.account())) {
            return new Outcome.AlreadyCompliant("the default version " + present.versionId() + " of " + policyArn
                    + " is Snapback's deny-only document");
        }
        List<PolicyVersion> versions = iam.listPolicyVersionsPaginator(r -> r.policyArn(policyArn)).versions().stream().toList();
        String room = "";
        if (versions.size() >= MAX_VERSIONS) {
            Optional<PolicyVersion> oldest = versions.stream().filter(v -> !Boolean.TRUE.equals(v.isDefaultVersion()))
                    .min(Comparator.comparing(PolicyVersion::createDate));
            if (oldest.isPresent()) {
                iam.deletePolicyVersion(r -> r.policyArn(policyArn).versionId(oldest.get().versionId()));
                room = "; deleted its oldest version " + oldest.get().versionId() + " to make room (IAM keeps five)";
            }
        }
        String restored = iam.createPolicyVersion(r -> r.policyArn(policyArn).policyDocument(document).setAsDefault(true))
                .policyVersion().versionId();
        return new Outcome.Remediated(
                List.of("made " + restored + " of " + policyArn + ", with Snapback's deny-only document, its default version"
                        + " in place of " + present.versionId() + room),
                List.of("aws iam set-default-policy-version --policy-arn " + policyArn + " --version-id "
                        + present.versionId() + " (puts the changed document back in force: only if it was intended)"));
    }
}
