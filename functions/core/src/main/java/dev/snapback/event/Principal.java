package dev.snapback.event;

import java.util.Optional;

/**
 * Who made a CloudTrail call, from its {@code userIdentity} block.
 *
 * <p>{@link #identityArn()} is the ARN alerts show and user allowlists match exactly: the IAM user, the root user, or
 * for an assumed role the role itself (the session issuer), never the per-session {@code assumed-role/...} ARN.
 * Roles are matched by {@link #role()}, which also reads a session whose record has no session issuer.
 */
public sealed interface Principal {

    /** ARN used for allowlist matching and shown in alerts; {@code null} when the event names none. */
    String identityArn();

    /** Short human label for alerts, e.g. {@code user/alice} or {@code role/deployer (session ci-42)}. */
    String label();

    /** The IAM role behind this principal; empty unless it is an assumed-role session that names its role. */
    default Optional<RoleIdentity> role() {
        return Optional.empty();
    }

    record Root(String arn, String accountId) implements Principal {
        @Override public String identityArn() { return arn; }
        @Override public String label() { return "root"; }
    }

    /** {@code userName} is never null: when the record has none, the parser takes it from the ARN. */
    record IamUser(String arn, String userName, String accountId) implements Principal {
        @Override public String identityArn() { return arn; }
        @Override public String label() { return "user/" + userName; }
    }

    /**
     * An assumed role session; {@code issuerArn} is the role ARN from {@code sessionContext.sessionIssuer}, absent in
     * some records (then {@link #role()} reads the session ARN). {@code invokedBy} names the AWS service that made
     * the call with the session (CloudFormation during a deploy), else {@code null}.
     */
    record AssumedRole(String arn, String issuerArn, String sessionName, String accountId, String invokedBy)
            implements Principal {
        @Override public String identityArn() { return issuerArn; }

        @Override
        public Optional<RoleIdentity> role() {
            return RoleIdentity.ofRoleArn(issuerArn).or(() -> RoleIdentity.ofSessionArn(arn));
        }

        @Override public String label() {
            // A blank ARN names nobody, as an absent one, so the label is never empty.
            String role = issuerArn != null && !issuerArn.isBlank() ? issuerArn.substring(issuerArn.lastIndexOf(':') + 1)
                    : arn != null && !arn.isBlank() ? arn : "unnamed role";
            return sessionName == null ? role : role + " (session " + sessionName + ")";
        }
    }

    /**
     * A call an AWS service made on the account's behalf ({@code invokedBy}, e.g. {@code cloudformation.amazonaws.com});
     * {@code invokedBy} is {@code null} when the record does not name the service.
     */
    record AwsService(String invokedBy) implements Principal {
        @Override public String identityArn() { return null; }
        @Override public String label() { return invokedBy == null ? "an unnamed AWS service" : "service " + invokedBy; }
    }

    /**
     * A principal of another account calling into this one ({@code AWSAccount}): CloudTrail names only that account
     * and the caller's principal id, never its ARN.
     */
    record AwsAccount(String accountId, String principalId) implements Principal {
        @Override public String identityArn() { return null; }
        @Override public String label() {
            return "account " + (accountId == null ? "(unnamed)" : accountId)
                    + (principalId == null ? "" : " (principal " + principalId + ")");
        }
    }

    /**
     * Any other identity type (FederatedUser, SAMLUser, IdentityCenterUser, ...), kept verbatim; also an IAMUser
     * record that names the user neither by {@code userName} nor by ARN.
     */
    record Unknown(String type, String arn) implements Principal {
        @Override public String identityArn() { return arn; }
        @Override public String label() { return arn == null ? type : type + " " + arn; }
    }
}
