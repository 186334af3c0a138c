package dev.snapback.snapstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.model.Family;
import dev.snapback.remediate.QuarantinePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What a function primes with: a finding of its own family, shipped in the jar (from {@code events/}), and the answers
 * AWS would give about the state that event left, so that every priming pass reads the state and remediates, as a
 * real event does. {@code answers} maps an operation to its canned response body; operations it does not name get
 * {@link CannedAwsHttpClient}'s minimal success.
 */
public record PrimingSample(byte[] event, String account, Map<String, String> answers) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IAM_NS = "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"";

    public PrimingSample {
        answers = Map.copyOf(answers);
    }

    public static PrimingSample of(Family family) {
        String fixture = switch (family) {
            case SECURITY_GROUPS -> "security-group-opened/finding/AuthorizeSecurityGroupIngress-ipv4-world-ssh.json";
            case NETWORK -> "network-acl-opened/finding/CreateNetworkAclEntry-ssh-from-world.json";
            case MFA -> "mfa-deactivated/finding/DeactivateMFADevice-iam-user-own-device.json";
            case TRAILS -> "trail-tampered/finding/StopLogging-by-arn.json";
            case DATA -> "s3-public-access-unblocked/finding/PutBucketAcl-all-users-read.json";
            case TRANSPORT -> "tls-not-enforced/finding/DeleteBucketPolicy.json";
            case KEYS -> "unmanaged-key-created/finding/CreateAccessKey-iam-user-for-other-user.json";
            case IDENTITY -> "root-activity/finding/ConsoleLogin-root-without-mfa.json";
            case DETECTIVE -> "kms-key-disabled-or-deleted/finding/DisableKey-customer-key.json";
            case GUARD -> "quarantine-tampered/finding/CreatePolicyVersion-allow-all-as-default.json";
        };
        byte[] event;
        JsonNode detail;
        try (InputStream in = PrimingSample.class.getResourceAsStream("/snapstart/" + fixture)) {
            if (in == null) throw new IllegalStateException("priming event missing from the jar: snapstart/" + fixture);
            event = in.readAllBytes();
            detail = JSON.readTree(event).path("detail");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String account = detail.path("recipientAccountId").asText();
        Map<String, String> answers = switch (family) {
            case SECURITY_GROUPS -> Map.of("DescribeSecurityGroupRules", rulesOf(detail));
            case NETWORK -> Map.of("DescribeNetworkAcls", networkAclOf(detail));
            case MFA -> quarantinePolicy("v1", QuarantinePolicy.document("aws", account));
            case KEYS -> Map.of("ListAccessKeys", accessKeyOf(detail));
            // GetTrailStatus answered {}: the trail does not log. Root's activity, a public ACL and, by default, a
            // policy deleted only page.
            case TRAILS, IDENTITY, DATA, TRANSPORT -> Map.of();
            case DETECTIVE -> Map.of("DescribeKey", disabledKeyOf(detail));
            case GUARD -> {
                Map<String, String> tampered = new HashMap<>(quarantinePolicy("v2", detail.at("/requestParameters/policyDocument").asText()));
                tampered.put("CreatePolicyVersion", iam("CreatePolicyVersion", "<PolicyVersion><VersionId>v3</VersionId>"
                        + "<IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>"));
                yield tampered;
            }
        };
        return new PrimingSample(event, account, answers);
    }

    /** The rules the sample's call created, as DescribeSecurityGroupRules lists them. */
    private static String rulesOf(JsonNode detail) {
        StringBuilder items = new StringBuilder();
        for (JsonNode rule : detail.at("/responseElements/securityGroupRuleSet/items")) {
            items.append("<item><securityGroupRuleId>").append(rule.path("securityGroupRuleId").asText())
                    .append("</securityGroupRuleId><groupId>").append(rule.path("groupId").asText())
                    .append("</groupId><isEgress>false</isEgress><ipProtocol>").append(rule.path("ipProtocol").asText())
                    .append("</ipProtocol><fromPort>").append(rule.path("fromPort").asInt()).append("</fromPort><toPort>")
                    .append(rule.path("toPort").asInt()).append("</toPort><cidrIpv4>").append(rule.path("cidrIpv4").asText())
                    .append("</cidrIpv4></item>");
        }
        return "<DescribeSecurityGroupRulesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"
                + PrimingContext.REQUEST_ID + "</requestId><securityGroupRuleSet>" + items
                + "</securityGroupRuleSet></DescribeSecurityGroupRulesResponse>";
    }

    /** The network ACL with the entry the sample's call created, as DescribeNetworkAcls lists it. */
    private static String networkAclOf(JsonNode detail) {
        JsonNode entry = detail.path("requestParameters");
        return "<DescribeNetworkAclsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"
                + PrimingContext.REQUEST_ID + "</requestId><networkAclSet><item><networkAclId>" + entry.path("networkAclId").asText()
                + "</networkAclId><entrySet><item><ruleNumber>" + entry.path("ruleNumber").asInt() + "</ruleNumber><protocol>"
                + entry.path("aclProtocol").asText() + "</protocol><ruleAction>allow</ruleAction><egress>false</egress>"
                + "<cidrBlock>" + entry.path("cidrBlock").asText() + "</cidrBlock><portRange><from>"
                + entry.at("/portRange/from").asInt() + "</from><to>" + entry.at("/portRange/to").asInt()
                + "</to></portRange></item></entrySet></item></networkAclSet></DescribeNetworkAclsResponse>";
    }

    /** The key the sample's call created, still active. */
    private static String accessKeyOf(JsonNode detail) {
        JsonNode key = detail.at("/responseElements/accessKey");
        return iam("ListAccessKeys", "<AccessKeyMetadata><member><UserName>" + key.path("userName").asText()
                + "</UserName><AccessKeyId>" + key.path("accessKeyId").asText() + "</AccessKeyId><Status>Active</Status>"
                + "</member></AccessKeyMetadata><IsTruncated>false</IsTruncated>");
    }

    /** The customer-managed key the sample's call disabled, as DescribeKey answers. */
    private static String disabledKeyOf(JsonNode detail) {
        String arn = detail.at("/resources/0/ARN").asText();
        return JSON.createObjectNode().set("KeyMetadata", JSON.createObjectNode().put("KeyId", arn.substring(arn.lastIndexOf('/') + 1))
                .put("Arn", arn).put("KeyState", "Disabled").put("Enabled", false).put("KeyManager", "CUSTOMER")).toString();
    }

    /** The quarantine policy with {@code document} as its default version {@code versionId}. */
    private static Map<String, String> quarantinePolicy(String versionId, String document) {
        return Map.of(
                "GetPolicy", iam("GetPolicy", "<Policy><PolicyName>" + QuarantinePolicy.NAME + "</PolicyName><DefaultVersionId>"
                        + versionId + "</DefaultVersionId></Policy>"),
                "GetPolicyVersion", iam("GetPolicyVersion", "<PolicyVersion><Document>"
                        + URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20") + "</Document><VersionId>"
                        + versionId + "</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>"));
    }

    private static String iam(String action, String result) {
        return "<" + action + "Response " + IAM_NS + "><" + action + "Result>" + result + "</" + action + "Result>"
                + "<ResponseMetadata><RequestId>" + PrimingContext.REQUEST_ID + "</RequestId></ResponseMetadata></" + action + "Response>";
    }
}
