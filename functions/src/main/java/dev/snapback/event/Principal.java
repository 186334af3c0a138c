package dev.snapback.event;

/**
 * Who made a CloudTrail call, from its {@code userIdentity} block.
 *
 * <p>{@link #identityArn()} is the ARN that allowlists match exactly: the IAM user, the root user, or for an assumed
 * role the role itself (the session issuer), never the per-session {@code assumed-role/...} ARN.
 */
public sealed interface Principal {

    /** ARN used for allowlist matching; {@code null} when the event names none. */
    String identityArn();

    /** Short human label for alerts, e.g. {@code user/alice} or {@code role/deployer (session ci-42)}. */
    String label();

    record Root(String arn, String accountId) implements Principal {
        @Override public String identityArn() { return arn; }
        @Override public String label() { return "root"; }
    }

    record IamUser(String arn, String userName, String accountId) implements Principal {
        @Override public String identityArn() { return arn; }
        @Override public String label() { return "user/" + userName; }
    }

    /** An assumed role session; {@code issuerArn} is the role ARN from {@code sessionContext.sessionIssuer}. */
    record AssumedRole(String arn, String issuerArn, String sessionName, String accountId) implements Principal {
        @Override public String identityArn() { return issuerArn; }
        @Override public String label() {
            String role = issuerArn != null ? issuerArn.substring(issuerArn.lastIndexOf(':') + 1)
                    : arn != null ? arn : "unnamed role";
            return sessionName == null ? role : role + " (session " + sessionName + ")";
        }
    }

    /** A call an AWS service made on the account's behalf ({@code invokedBy}, e.g. {@code cloudformation.amazonaws.com}). */
    record AwsService(String invokedBy) implements Principal {
        @Override public String identityArn() { return null; }
        @Override public String label() { return "service " + invokedBy; }
    }

    /** Any other identity type (FederatedUser, SAMLUser, IdentityCenterUser, AWSAccount, ...), kept verbatim. */
    record Unknown(String type, String arn) implements Principal {
        @Override public String identityArn() { return arn; }
        @Override public String label() { return arn == null ? type : type + " " + arn; }
    }
}
