package dev.snapback.remediate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The inline policy that quarantines an IAM user whose MFA was turned off: without MFA in the session it denies every
 * action except the few a user needs to enrol a new device, and even those only on the user's own identity (user names are unique across paths; device names are free-form, so any device may be created, but it can
 * only be enabled on the user's own identity). It only denies, so it can never widen access; deleting it (the inverse) restores the user exactly.
 */
public final class QuarantinePolicy {

    /** Inline policy name on the user; also what the release and the inverse delete. */
    public static final String NAME = "SnapbackMfaQuarantine";

    /** What a user without MFA may still do: look at themselves, enrol and sync a device, change their password. */
    static final List<String> ENROLMENT_ACTIONS = List.of(
            "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ListVirtualMFADevices",
            "iam:ResyncMFADevice", "iam:GetUser", "sts:GetSessionToken", "iam:ChangePassword",
            "iam:GetAccountPasswordPolicy");

    /** The enrolment actions that name a user or device resource, and so can be pinned to the user's own. */
    private static final List<String> SELF_SCOPED_ACTIONS = List.of(
            "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice",
            "iam:GetUser", "iam:ChangePassword");

    private static final ObjectMapper JSON = new ObjectMapper();

    private QuarantinePolicy() {
    }

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
        onlyOwn.putArray("NotResource")
                .add(iam + "user/${aws:username}")
                .add(iam + "user/*/${aws:username}")
                .add(iam + "mfa/*");
        withoutMfa(onlyOwn);
        return policy.toString();
    }

    private static void withoutMfa(ObjectNode statement) {
        statement.putObject("Condition").putObject("BoolIfExists").put("aws:MultiFactorAuthPresent", "false");
    }
}
