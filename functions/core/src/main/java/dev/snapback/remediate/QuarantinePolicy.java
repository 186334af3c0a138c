package dev.snapback.remediate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The customer-managed policy that quarantines an IAM user whose MFA was turned off. The stack creates it once per
 * account from {@link #document}. The MFA function may only attach and detach this one policy, never write one, and
 * attaches it only after reading that its default version is still this document ({@link #isSnapbacks}): whoever
 * can write IAM could otherwise make it grant everything and then have Snapback attach it. Only the guard function,
 * another role that cannot attach anything, may write its versions back ({@link RestoreQuarantinePolicy}).
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
    private static final Set<String> LIST_VALUED = Set.of("Statement", "Action", "NotAction", "Resource", "NotResource");

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

    /** The policy's default version: its id and its document, as IAM returns them (the document URL-encoded). */
    record DefaultVersion(String versionId, String document) {
    }

    /** Reads the default version of the policy at {@code arn}; IAM's {@code NoSuchEntity} when it does not exist. */
    static DefaultVersion defaultVersion(IamClient iam, String arn) {
        String versionId = iam.getPolicy(r -> r.policyArn(arn)).policy().defaultVersionId();
        String document = iam.getPolicyVersion(r -> r.policyArn(arn).versionId(versionId)).policyVersion().document();
        return new DefaultVersion(versionId, URLDecoder.decode(document, StandardCharsets.UTF_8));
    }

    /**
     * Whether {@code document} is Snapback's own deny-only document for this account, compared as normalized JSON:
     * the order of keys, statements and list values and the one-value-or-list forms do not matter, anything else
     * does. A document that is not JSON is not Snapback's.
     */
    public static boolean isSnapbacks(String document, String partition, String account) {
        try {
            return normalized(JSON.readTree(document)).equals(normalized(JSON.readTree(document(partition, account))));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /**
     * A canonical form: lists sorted, and the values that IAM takes as one string or a list of them (statements,
     * actions, resources and condition values) always as lists.
     */
    private static JsonNode normalized(JsonNode node) {
        if (node.isArray()) {
            List<JsonNode> elements = new ArrayList<>();
            node.forEach(element -> elements.add(normalized(element)));
            elements.sort(Comparator.comparing(JsonNode::toString));
            ArrayNode out = JSON.createArrayNode();
            elements.forEach(out::add);
            return out;
        }
        if (!node.isObject()) return node;
        ObjectNode out = JSON.createObjectNode();
        node.properties().forEach(field -> {
            JsonNode value = field.getValue();
            if (field.getKey().equals("Condition") && value.isObject()) {
                ObjectNode operators = out.putObject("Condition");
                value.properties().forEach(operator -> {
                    ObjectNode keys = operators.putObject(operator.getKey());
                    operator.getValue().properties().forEach(key -> keys.set(key.getKey(), normalized(asList(key.getValue()))));
                });
            } else {
                out.set(field.getKey(), normalized(LIST_VALUED.contains(field.getKey()) ? asList(value) : value));
            }
        });
        return out;
    }

    private static JsonNode asList(JsonNode value) {
        return value.isArray() ? value : JSON.createArrayNode().add(value);
    }

    private static void withoutMfa(ObjectNode statement) {
        statement.putObject("Condition").putObject("BoolIfExists").put("aws:MultiFactorAuthPresent", "false");
    }
}
