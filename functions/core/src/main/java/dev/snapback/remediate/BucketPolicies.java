package dev.snapback.remediate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.snapback.event.Fields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** How bucket policies read: their statements, who they name, and the deny that keeps transport to TLS. */
public final class BucketPolicies {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every account's root, as a principal: everyone. */
    private static final Pattern EVERY_ROOT = Pattern.compile("arn:aws[a-z-]*:iam::\\*:root");
    private static final Pattern EVERY_BUCKET = Pattern.compile("arn:aws[a-z-]*:s3:::\\*");

    private BucketPolicies() {
    }

    /**
     * The policy a record holds under {@code bucketPolicy}: CloudTrail writes it as an object, older tools as a JSON
     * string. Missing when absent or not JSON.
     */
    public static JsonNode policyOf(JsonNode requestParameters) {
        JsonNode policy = requestParameters.path("bucketPolicy");
        if (!policy.isTextual()) return policy;
        try {
            return JSON.readTree(policy.asText());
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** The statements of a policy, which may hold one statement object or a list of them. */
    public static List<JsonNode> statements(JsonNode policy) {
        return objects(policy.path("Statement"));
    }

    /** An element that XML and policy documents write as one object or as a list of them. */
    public static List<JsonNode> objects(JsonNode node) {
        if (node.isObject()) return List.of(node);
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) node.forEach(element -> { if (element.isObject()) out.add(element); });
        return out;
    }

    /** A value written as a string or as a list of strings. */
    public static List<String> texts(JsonNode node) {
        if (node.isTextual()) return List.of(node.asText());
        List<String> out = new ArrayList<>();
        if (node.isArray()) node.forEach(value -> { if (value.isTextual()) out.add(value.asText()); });
        return out;
    }

    /** {@code "*"}, a {@code *} for any principal type ({@code {"AWS": "*"}}), or every account's root. */
    public static boolean isEveryone(JsonNode principal) {
        List<String> named = new ArrayList<>(texts(principal));
        principal.properties().forEach(type -> named.addAll(texts(type.getValue())));
        return named.stream().map(String::trim).anyMatch(name -> name.equals("*") || EVERY_ROOT.matcher(name).matches());
    }

    /**
     * Whether a statement denies everyone every request to the bucket and its objects that is not made over TLS, and
     * nothing more: {@code Deny}, everyone, every action ({@code s3:*} or {@code *}), the bucket and its objects (or
     * {@code *}), and the one condition {@code Bool aws:SecureTransport false}. A deny narrower than that (one action,
     * one object, a further condition) does not keep transport to TLS, and one with other conditions could deny more
     * than insecure requests, so neither counts, and neither is ever restored.
     */
    public static boolean deniesInsecureTransport(JsonNode statement, String bucket) {
        if (!"deny".equalsIgnoreCase(String.valueOf(Fields.text(statement, "Effect")).trim())) return false;
        if (statement.has("NotPrincipal") || statement.has("NotAction") || statement.has("NotResource")) return false;
        if (!isEveryone(statement.path("Principal"))) return false;
        if (texts(statement.path("Action")).stream().map(String::trim).noneMatch(action -> action.equals("*") || action.equals("s3:*"))) {
            return false;
        }
        List<String> resources = texts(statement.path("Resource")).stream().map(String::trim).toList();
        boolean everything = resources.contains("*") || resources.stream().anyMatch(r -> EVERY_BUCKET.matcher(r).matches());
        boolean bucketAndObjects = resources.stream().anyMatch(r -> r.matches("arn:aws[a-z-]*:s3:::" + Pattern.quote(bucket)))
                && resources.stream().anyMatch(r -> r.matches("arn:aws[a-z-]*:s3:::" + Pattern.quote(bucket) + "/\\*"));
        if (!everything && !bucketAndObjects) return false;
        JsonNode condition = statement.path("Condition");
        if (condition.size() != 1 || condition.path("Bool").size() != 1) return false;
        Map.Entry<String, JsonNode> test = condition.path("Bool").properties().iterator().next();
        JsonNode value = test.getValue();
        return test.getKey().toLowerCase(Locale.ROOT).equals("aws:securetransport")
                && (value.isBoolean() ? !value.booleanValue() : texts(value).equals(List.of("false")));
    }

    /** Whether any statement of the policy denies insecure transport to the bucket. */
    public static boolean requiresTls(JsonNode policy, String bucket) {
        return statements(policy).stream().anyMatch(statement -> deniesInsecureTransport(statement, bucket));
    }
}
