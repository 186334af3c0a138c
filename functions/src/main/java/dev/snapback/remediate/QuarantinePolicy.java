package dev.snapback.remediate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The customer-managed policy that quarantines an IAM user whose MFA was turned off. The stack creates it once per
 * account from {@link #document}; the MFA function may only attach and detach this one policy (never write a policy),
 * so it cannot grant anyone anything.
 *
 * <p>Without MFA in the session it denies every action except the few a user needs to enrol a new device, and the
 * enrolment actions that name a user or device only on the caller's own user and on a virtual device named after the
 * caller ({@code ${aws:username}}, an IAM policy variable: one document serves every user). The rest
 * ({@code iam:ListVirtualMFADevices}, {@code iam:GetAccountPasswordPolicy}, {@code sts:GetSessionToken}) have no
 * resource to pin. It only denies, so it can never widen access; detaching it (the inverse) restores the user exactly.
 */
public final class QuarantinePolicy {

    /** Managed policy name; the stack creates it in the path {@code /}. */
    public static final String NAME = "SnapbackMfaQuarantine";

    /** What a user without MFA may still do: look at themselves, enrol and sync a device, change their password. */
    static final List<String> ENROLMENT_ACTIONS = List.of(
            "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ListVirtualMFADevices",
            "iam:ResyncMFADevice", "iam:GetUser", "iam:ChangePassword", "iam:GetAccountPasswordPolicy",
            "sts:GetSessionToken");

    /**
     * The enrolment actions that name a user or device resource, and so can be pinned to the caller's own. Sorted,
     * as CloudFormation templates from CDK list a statement's actions.
     */
    private static final List<String> SELF_SCOPED_ACTIONS = List.of(
            "iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
            "iam:ListMFADevices", "iam:ResyncMFADevice");

    private static final ObjectMapper JSON = new ObjectMapper();

    private QuarantinePolicy() {
    }

    /** The policy's ARN in {@code account}; what the executor attaches and the MFA role's grant is conditioned on. */
    public static String arn(String partition, String account) {
        return "arn:" + partition + ":iam::" + account + ":policy/" + NAME;
    }

    /**
     * The policy document. {@code partition} and {@code account} may be CloudFormation tokens (the stack passes its
     * own); {@code ${aws:username}} stays literal for IAM to resolve per request.
     */
    public static String document(String partition, String account) {
        String iam = "arn:" + partition + ":iam::" + account + ":";
        ObjectNode policy = JSON.createObjectNode().put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");

        ObjectNode denyAll = statements.addObject()
                .put("Sid", "DenyAllButMfaEnrolmentWithoutMfa")
                .put("Effect", "Deny");
        ENROLMENT_ACTIONS.forEach(denyAll.putArray("NotAction")::add);
        denyAll.put("Resource", "*");
        withoutMfa(denyAll);

        ObjectNode onlyOwn = statements.addObject()
                .put("Sid", "EnrolmentOnlyOnOwnUserWithoutMfa")
                .put("Effect", "Deny");
        SELF_SCOPED_ACTIONS.forEach(onlyOwn.putArray("Action")::add);
        // User names are unique across paths, so a user with a path is still matched by name alone.
        onlyOwn.putArray("NotResource")
                .add(iam + "user/${aws:username}")
                .add(iam + "user/*/${aws:username}")
                .add(iam + "mfa/${aws:username}");
        withoutMfa(onlyOwn);
        return policy.toString();
    }

    private static void withoutMfa(ObjectNode statement) {
        statement.putObject("Condition").putObject("BoolIfExists").put("aws:MultiFactorAuthPresent", "false");
    }
}
