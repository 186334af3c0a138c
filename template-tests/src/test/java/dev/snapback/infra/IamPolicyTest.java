package dev.snapback.infra;

import static dev.snapback.infra.SynthesizedApp.items;
import static dev.snapback.infra.SynthesizedApp.resources;
import static dev.snapback.infra.SynthesizedApp.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Detectors;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.OwnNames;
import dev.snapback.remediate.ReenableKey;
import dev.snapback.remediate.QuarantinePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each function's role holds exactly what its detectors declare, plus its own audit, alert, mode and log access. */
class IamPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode QUARANTINE = JSON.valueToTree(Map.of("Fn::Sub",
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/SnapbackMfaQuarantine"));
    private static final Set<String> ATTACH = Set.of("iam:AttachUserPolicy", "iam:DetachUserPolicy");
    private static final Set<String> POLICY_WRITES = Set.of("iam:CreatePolicy", "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion");
    private static JsonNode json;
    /** IAM's account password policy is no resource: its actions accept only "*". */
    private static final Set<String> PASSWORD_POLICY = Set.of("iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy");
    private static final Set<String> CONFIG_RECORDER = Set.of("config:DescribeConfigurationRecorderStatus",
            "config:StartConfigurationRecorder");
    private static final Set<String> ACCOUNT_PUBLIC_ACCESS_BLOCK = Set.of("s3:GetAccountPublicAccessBlock",
            "s3:PutAccountPublicAccessBlock");

    /** Action to the resource type it must be scoped to, for what every function needs besides its detectors' grants. */
    private static final Map<String, String> OWN_ACCESS = Map.ofEntries(
            Map.entry("dynamodb:UpdateItem", "AWS::DynamoDB::Table"),
            Map.entry("dynamodb:GetItem", "AWS::DynamoDB::Table"),
            Map.entry("dynamodb:PutItem", "AWS::DynamoDB::Table"),
            Map.entry("sns:Publish", "AWS::SNS::Topic"),
            Map.entry("kms:Decrypt", "AWS::KMS::Key"),
            Map.entry("kms:GenerateDataKey", "AWS::KMS::Key"),
            Map.entry("ssm:GetParameter", "AWS::SSM::Parameter"),
            Map.entry("logs:CreateLogStream", "AWS::Logs::LogGroup"),
            Map.entry("logs:PutLogEvents", "AWS::Logs::LogGroup"),
            Map.entry("sqs:SendMessage", "AWS::SQS::Queue"));

    @BeforeAll
    static void synth() {
        json = SynthesizedApp.get().json("Snapback");
    }

    @Test
    void policyActionsAreTheDeclaredOnesPlusOwnAccess() {
        for (Family family : Family.values()) {
            Set<String> expected = new TreeSet<>(OWN_ACCESS.keySet());
            specs(family).forEach(spec -> expected.addAll(spec.actions()));
            assertThat(new TreeSet<>(statements(family).stream().flatMap(s -> texts(s.get("Action")).stream()).toList()))
                    .as(family.functionId()).isEqualTo(expected);
        }
    }

    @Test
    void declaredGrantsKeepTheirDeclaredResources() {
        for (Family family : Family.values()) {
            List<JsonNode> statements = statements(family);
            for (DetectorSpec spec : specs(family)) {
                for (IamGrant grant : spec.grants()) {
                    List<JsonNode> resources = grant.resources().stream().map(IamPolicyTest::deployed).toList();
                    JsonNode conditions = JSON.valueToTree(grant.conditions());
                    conditions.forEach(keys -> keys.forEach(values -> {
                        ArrayNode subs = (ArrayNode) values;
                        for (int i = 0; i < subs.size(); i++) subs.set(i, JSON.createObjectNode().put("Fn::Sub", subs.get(i).asText()));
                    }));
                    assertThat(statements).as(spec.id()).anySatisfy(statement -> {
                        // CDK merges grants on the same resources (the alert keys' use and their repair) into one statement.
                        assertThat(texts(statement.get("Action"))).containsAll(grant.actions());
                        assertThat(items(statement.get("Resource"))).containsExactlyInAnyOrderElementsOf(resources);
                        assertThat(statement.path("Condition")).isEqualTo(conditions.isEmpty() ? MissingNode.getInstance() : conditions);
                    });
                }
            }
        }
    }

    @Test
    void theMfaFunctionMayAttachAndDetachOnlyTheQuarantinePolicyAndWriteNone() {
        JsonNode onlyQuarantine = JSON.valueToTree(Map.of("ArnEquals", Map.of("iam:PolicyARN", List.of(QUARANTINE))));
        assertThat(statements(Family.MFA)).filteredOn(s -> texts(s.get("Action")).stream().anyMatch(ATTACH::contains))
                .hasSize(2).allSatisfy(statement -> {
                    assertThat(texts(statement.get("Action"))).hasSize(1).isSubsetOf(ATTACH);
                    assertThat(statement.get("Condition")).isEqualTo(onlyQuarantine);
                });
        assertThat(statements(Family.MFA)).filteredOn(s -> texts(s.get("Action")).contains("iam:GetPolicyVersion"))
                .singleElement().satisfies(statement -> assertThat(items(statement.get("Resource"))).containsExactly(QUARANTINE));
    }

    @Test
    void onlyTheGuardFunctionWritesAPolicyOnlyTheQuarantineAndNoRoleCanBothWriteAndAttach() {
        assertThat(statements(Family.GUARD)).filteredOn(s -> texts(s.get("Action")).stream().anyMatch(POLICY_WRITES::contains))
                .singleElement().satisfies(statement -> assertThat(items(statement.get("Resource"))).containsExactly(QUARANTINE));
        for (Family family : Family.values()) {
            List<String> actions = statements(family).stream().flatMap(s -> texts(s.get("Action")).stream()).toList();
            assertThat(actions).as(family.functionId()).doesNotContain("iam:PutUserPolicy", "iam:PutRolePolicy",
                    "iam:PutGroupPolicy", "iam:AttachRolePolicy", "iam:AttachGroupPolicy", "iam:PutUserPermissionsBoundary",
                    "iam:PutRolePermissionsBoundary", "iam:SetDefaultPolicyVersion");
            boolean writes = actions.stream().anyMatch(POLICY_WRITES::contains);
            boolean attaches = actions.stream().anyMatch(ATTACH::contains);
            assertThat(writes && attaches).as(family.functionId() + " may write and attach policies").isFalse();
            assertThat(writes).as(family.functionId() + " writes a policy").isEqualTo(family == Family.GUARD);
        }
    }

    /**
     * Re-enabling keys: the detective-controls function on this account's keys only, the guard function on the two
     * alert keys only, and no other function at all.
     */
    @Test
    void onlyTheDetectiveAndGuardFunctionsReenableKeysEachOnItsOwnKeys() {
        for (Family family : Family.values()) {
            List<JsonNode> enabling = statements(family).stream()
                    .filter(s -> texts(s.get("Action")).contains("kms:EnableKey")).toList();
            switch (family) {
                case DETECTIVE -> assertThat(enabling).singleElement().satisfies(s -> assertThat(items(s.get("Resource")))
                        .containsExactly(JSON.valueToTree(Map.of("Fn::Sub", "arn:${AWS::Partition}:kms:*:${AWS::AccountId}:key/*"))));
                case GUARD -> assertThat(enabling).singleElement().satisfies(s -> assertThat(items(s.get("Resource")))
                        .containsExactlyInAnyOrder(deployed(ReenableKey.ALERT_KEY), deployed(ReenableKey.BREAK_GLASS_KEY)));
                default -> assertThat(enabling).as("%s", family).isEmpty();
            }
        }
    }

    @Test
    void onlyActionsThatTakeNoResourceLevelPermissionsAreGrantedOnEveryResource() {
        for (Family family : Family.values()) {
            assertThat(statements(family)).filteredOn(s -> items(s.get("Resource")).contains(JSON.valueToTree(Map.of("Fn::Sub", "*"))))
                    .as(family.functionId()).allSatisfy(statement -> assertThat(texts(statement.get("Action")))
                            .allMatch(action -> action.startsWith("ec2:Describe") || PASSWORD_POLICY.contains(action)
                                    || family == Family.DETECTIVE && CONFIG_RECORDER.contains(action)
                                    || family == Family.DATA && ACCOUNT_PUBLIC_ACCESS_BLOCK.contains(action)
                                    || family == Family.TRANSPORT && action.equals("cloudtrail:LookupEvents")));
        }
    }

    /**
     * GuardDuty and Security Hub: only the detective-controls function, only reading and re-enabling, and only on this
     * account's detectors and hubs.
     */
    @Test
    void onlyTheDetectiveFunctionReenablesThreatDetectionOnThisAccountsDetectorsAndHubs() {
        Map<String, String> scoped = Map.of(
                "guardduty:GetDetector", "arn:${AWS::Partition}:guardduty:*:${AWS::AccountId}:detector/*",
                "guardduty:UpdateDetector", "arn:${AWS::Partition}:guardduty:*:${AWS::AccountId}:detector/*",
                "securityhub:GetEnabledStandards", "arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:hub/default",
                "securityhub:BatchEnableStandards", "arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:hub/default");
        onlyHeldBy(Family.DETECTIVE, action -> action.startsWith("guardduty:") || action.startsWith("securityhub:"), scoped);
    }

    /**
     * Network ACLs: only the network function, which may read them and delete entries of this account's ACLs, and may
     * never create or replace one (that would let traffic in).
     */
    @Test
    void onlyTheNetworkFunctionDeletesNetworkAclEntriesAndOnlyThisAccountsAndNeverAddsOne() {
        onlyHeldBy(Family.NETWORK, action -> action.contains("NetworkAcl"), Map.of("ec2:DescribeNetworkAcls", "*",
                "ec2:DeleteNetworkAclEntry", "arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:network-acl/*"));
    }

    /** VPC peering: only the network function, which may read connections and reject requests to this account, no more. */
    @Test
    void onlyTheNetworkFunctionRejectsPeeringRequestsAndMayNeverAcceptOrCreateOne() {
        onlyHeldBy(Family.NETWORK, action -> action.contains("VpcPeering"), Map.of("ec2:DescribeVpcPeeringConnections", "*",
                "ec2:RejectVpcPeeringConnection", "arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:vpc-peering-connection/*"));
    }

    /**
     * S3: only the data function, which may read and set Block Public Access, of this account's buckets and of the
     * account, and the transport function, which may read and put this account's bucket policies; no ACL or object call.
     */
    @Test
    void onlyTheDataAndTransportFunctionsTouchS3EachForItsOwnSettingsOfThisAccountsBuckets() {
        String buckets = "arn:${AWS::Partition}:s3:::*";
        onlyHeldBy(Family.DATA, action -> action.contains("PublicAccessBlock"), Map.of("s3:GetBucketPublicAccessBlock", buckets,
                "s3:PutBucketPublicAccessBlock", buckets, "s3:GetAccountPublicAccessBlock", "*", "s3:PutAccountPublicAccessBlock", "*"));
        onlyHeldBy(Family.TRANSPORT, action -> action.startsWith("s3:") && !action.contains("PublicAccessBlock")
                || action.equals("cloudtrail:LookupEvents"), Map.of("s3:GetBucketPolicy", buckets, "s3:PutBucketPolicy", buckets,
                "cloudtrail:LookupEvents", "*"));
        // Bucket ARNs name no account: only the condition keeps the bucket grants to this account's buckets.
        for (Family family : List.of(Family.DATA, Family.TRANSPORT)) {
            assertThat(statements(family)).filteredOn(s -> items(s.get("Resource")).contains(JSON.valueToTree(Map.of("Fn::Sub", buckets))))
                    .singleElement().satisfies(statement -> assertThat(statement.at("/Condition/StringEquals/s3:ResourceAccount"))
                            .isEqualTo(JSON.valueToTree(List.of(Map.of("Fn::Sub", "${AWS::AccountId}")))));
        }
    }

    /**
     * The actions that {@code matching} picks are granted to {@code owner}'s function alone, exactly these, each on
     * exactly its resource.
     */
    private static void onlyHeldBy(Family owner, Predicate<String> matching, Map<String, String> resourceByAction) {
        for (Family family : Family.values()) {
            List<JsonNode> held = statements(family).stream()
                    .filter(statement -> texts(statement.get("Action")).stream().anyMatch(matching)).toList();
            if (family != owner) {
                assertThat(held).as("%s", family).isEmpty();
                continue;
            }
            assertThat(held.stream().flatMap(statement -> texts(statement.get("Action")).stream()))
                    .containsExactlyInAnyOrderElementsOf(resourceByAction.keySet());
            held.forEach(statement -> texts(statement.get("Action")).forEach(action -> assertThat(items(statement.get("Resource")))
                    .as(action).containsExactly(JSON.valueToTree(Map.of("Fn::Sub", resourceByAction.get(action))))));
        }
    }

    /** Only the detective-controls function may start Config recorders, and it may do nothing else to AWS Config. */
    @Test
    void onlyTheDetectiveFunctionStartsRecordersAndDoesNothingElseToConfig() {
        for (Family family : Family.values()) {
            List<String> config = statements(family).stream().flatMap(s -> texts(s.get("Action")).stream())
                    .filter(action -> action.startsWith("config:")).toList();
            if (family == Family.DETECTIVE) assertThat(config).containsExactlyInAnyOrderElementsOf(CONFIG_RECORDER);
            else assertThat(config).as("%s", family).isEmpty();
        }
    }

    @Test
    void theQuarantinePolicyIsTheExecutorsDocumentInThisAccount() throws Exception {
        List<JsonNode> named = resources(json, "AWS::IAM::ManagedPolicy").values().stream()
                .filter(p -> p.at("/Properties/ManagedPolicyName").asText().equals(QuarantinePolicy.NAME)).toList();
        assertThat(named).hasSize(1);
        JsonNode policy = named.getFirst();
        assertThat(policy.at("/Properties/Path").asText("/")).isEqualTo("/");
        assertThat(policy.at("/Properties/Users").isMissingNode()).as("attached by the function, never by the stack").isTrue();
        assertThat(substituted(policy.at("/Properties/PolicyDocument")))
                .isEqualTo(JSON.readTree(QuarantinePolicy.document("${AWS::Partition}", "${AWS::AccountId}")));
    }

    @Test
    void ownAccessIsScopedToThisStacksResources() {
        for (Family family : Family.values()) {
            String roleId = roleId(family);
            for (JsonNode statement : statements(family)) {
                assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
                assertThat(statement.has("NotAction") || statement.has("NotResource")).isFalse();
                for (String action : texts(statement.get("Action"))) {
                    assertThat(action).doesNotContain("*");
                    String type = OWN_ACCESS.get(action);
                    if (type == null) continue;
                    Set<String> ownIds = resources(json, type).keySet();
                    // The function's own log group, not another function's.
                    String resource = statement.get("Resource").toString();
                    assertThat(ownIds).as(action).anySatisfy(id -> assertThat(resource).contains("\"" + id + "\""));
                    if (type.equals("AWS::Logs::LogGroup")) {
                        assertThat(resource).contains(roleId.replaceFirst("Role[0-9A-F]{8}$", "Logs"));
                    }
                    // The guard publishes to both channels; CDK merges the two grants into one statement.
                    assertThat(items(statement.get("Resource"))).hasSizeBetween(1, family == Family.GUARD ? 2 : 1);
                }
            }
        }
    }

    @Test
    void rolesAreAssumedOnlyByLambdaAndHaveNoOtherPolicies() {
        for (Family family : Family.values()) {
            JsonNode role = json.at("/Resources/" + roleId(family));
            assertThat(role.at("/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText())
                    .isEqualTo("lambda.amazonaws.com");
            assertThat(role.at("/Properties/ManagedPolicyArns").isMissingNode()).isTrue();
            assertThat(role.at("/Properties/Policies").isMissingNode()).isTrue();
            long attached = resources(json, "AWS::IAM::Policy").values().stream()
                    .filter(policy -> policy.at("/Properties/Roles").toString().contains("\"" + roleId(family) + "\""))
                    .count();
            assertThat(attached).isEqualTo(1);
        }
    }

    /** The document with every {@code Fn::Join} of the partition and account written back as {@code Fn::Sub} text. */
    private static JsonNode substituted(JsonNode node) {
        if (node.has("Fn::Join")) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : node.at("/Fn::Join/1")) {
                text.append(part.isTextual() ? part.asText() : "${" + part.get("Ref").asText() + "}");
            }
            return TextNode.valueOf(text.toString());
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(element -> out.add(substituted(element)));
            return out;
        }
        if (!node.isObject()) return node;
        ObjectNode out = JSON.createObjectNode();
        node.properties().forEach(field -> out.set(field.getKey(), substituted(field.getValue())));
        return out;
    }

    /** A declared resource as deployed: {@code Fn::Sub}, or the ARN of the alert key it names. */
    private static JsonNode deployed(String resource) {
        String topic = switch (resource) {
            case ReenableKey.ALERT_KEY -> OwnNames.ALERT_TOPIC;
            case ReenableKey.BREAK_GLASS_KEY -> OwnNames.BREAK_GLASS_TOPIC;
            default -> null;
        };
        return topic == null ? JSON.valueToTree(Map.of("Fn::Sub", resource))
                : JSON.valueToTree(Map.of("Fn::GetAtt", List.of(SynthesizedApp.topicKeyId(json, topic), "Arn")));
    }

    private static List<DetectorSpec> specs(Family family) {
        return Detectors.SPECS.stream().filter(spec -> spec.family() == family).toList();
    }

    private static String roleId(Family family) {
        return SynthesizedApp.roleId(json, family);
    }

    private static List<JsonNode> statements(Family family) {
        return SynthesizedApp.policyStatements(json, family);
    }
}
