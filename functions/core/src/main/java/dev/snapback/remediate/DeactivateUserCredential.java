package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ListServiceSpecificCredentialsResponse;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Set exactly one of an IAM user's other long-lived credentials inactive, and only while it is still active: an SSH
 * public key (CodeCommit), an X.509 signing certificate, or a service-specific credential (CodeCommit, Keyspaces,
 * Bedrock). Inactive, not deleted, so the inverse is one call; {@code userName} always names the owner.
 */
public record DeactivateUserCredential(Kind kind, String userName, String credentialId) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(IamGrant.of("arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*",
            "iam:ListSSHPublicKeys", "iam:UpdateSSHPublicKey", "iam:ListSigningCertificates", "iam:UpdateSigningCertificate",
            "iam:ListServiceSpecificCredentials", "iam:UpdateServiceSpecificCredential"));

    /** The credential kinds, with what alerts call them and the AWS CLI names of their update command and id option. */
    public enum Kind {
        SSH_PUBLIC_KEY("SSH public key", "update-ssh-public-key", "--ssh-public-key-id"),
        SIGNING_CERTIFICATE("signing certificate", "update-signing-certificate", "--certificate-id"),
        SERVICE_SPECIFIC_CREDENTIAL("service-specific credential", "update-service-specific-credential",
                "--service-specific-credential-id");

        private final String label;
        private final String updateCommand;
        private final String idOption;

        Kind(String label, String updateCommand, String idOption) {
            this.label = label;
            this.updateCommand = updateCommand;
            this.idOption = idOption;
        }

        public String label() {
            return label;
        }
    }

    @Override
    public String describe() {
        return "deactivate " + kind.label + " " + credentialId + " of user " + userName;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("deactivate " + kind.label, kind.label + " deactivated");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        IamClient iam = aws.iam();
        Optional<StatusType> status = status(iam);
        if (status.isEmpty()) return new Outcome.AlreadyCompliant(kind.label + " " + credentialId + " no longer exists");
        if (status.get() != StatusType.ACTIVE) {
            return new Outcome.AlreadyCompliant(kind.label + " " + credentialId + " is already " + status.get());
        }
        switch (kind) {
            case SSH_PUBLIC_KEY -> iam.updateSSHPublicKey(r -> r.userName(userName).sshPublicKeyId(credentialId)
                    .status(StatusType.INACTIVE));
            case SIGNING_CERTIFICATE -> iam.updateSigningCertificate(r -> r.userName(userName).certificateId(credentialId)
                    .status(StatusType.INACTIVE));
            case SERVICE_SPECIFIC_CREDENTIAL -> iam.updateServiceSpecificCredential(r -> r.userName(userName)
                    .serviceSpecificCredentialId(credentialId).status(StatusType.INACTIVE));
        }
        return new Outcome.Remediated(List.of(describe()), List.of("aws iam " + kind.updateCommand + " --user-name "
                + AwsErrors.shellQuoted(userName) + " " + kind.idOption + " " + credentialId + " --status Active"));
    }

    /** The credential's status as IAM lists it now; empty when the user no longer has it. */
    private Optional<StatusType> status(IamClient iam) {
        Stream<Listed> listed = switch (kind) {
            case SSH_PUBLIC_KEY -> iam.listSSHPublicKeysPaginator(r -> r.userName(userName)).sshPublicKeys().stream()
                    .map(k -> new Listed(k.sshPublicKeyId(), k.status()));
            case SIGNING_CERTIFICATE -> iam.listSigningCertificatesPaginator(r -> r.userName(userName)).certificates().stream()
                    .map(c -> new Listed(c.certificateId(), c.status()));
            case SERVICE_SPECIFIC_CREDENTIAL -> serviceSpecificCredentials(iam);
        };
        return listed.filter(l -> credentialId.equals(l.id())).map(Listed::status).findFirst();
    }

    /** Every page: the SDK has no paginator for this call, which IAM pages with a marker. */
    private Stream<Listed> serviceSpecificCredentials(IamClient iam) {
        List<Listed> all = new ArrayList<>();
        String marker = null;
        do {
            String from = marker;
            ListServiceSpecificCredentialsResponse page = iam.listServiceSpecificCredentials(r -> r.userName(userName).marker(from));
            page.serviceSpecificCredentials().forEach(c -> all.add(new Listed(c.serviceSpecificCredentialId(), c.status())));
            marker = Boolean.TRUE.equals(page.isTruncated()) ? page.marker() : null;
        } while (marker != null);
        return all.stream();
    }

    private record Listed(String id, StatusType status) {
    }
}
