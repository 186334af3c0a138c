package dev.snapback.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.scope;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.detect.Detectors;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.remediate.DeactivateUserCredential;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.QuarantinePolicy;
import dev.snapback.remediate.RestoreRule;
import dev.snapback.testing.AwsAnswers.PresentRule;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.FakeContext;
import dev.snapback.testing.Fixture;
import dev.snapback.testing.Fixtures;
import dev.snapback.testing.RecordingMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code finding} fixture in {@code events/} through its family's real handler class (found by
 * {@link Handlers#of}), with AWS answering that the resource is still as the event left it: the wire must
 * carry exactly the reads and the write its sidecar's remediation names, with its parameters, in the right region,
 * each granted to the family's function by its detectors' declared grants, between the audit claim and the record of
 * the outcomes, then the pages, then the completion.
 */
class FindingFixturesThroughHandlersTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_11 = "application/x-amz-json-1.1";
    private static final AwsAnswers ANSWER = new AwsAnswers(AWS);

    static Stream<Fixture> findings() {
        return Fixtures.all().stream().filter(f -> f.expectation() == Fixture.Expectation.FINDING);
    }

    @BeforeEach
    void answerEveryCallWithSuccess() {
        // Query protocol (EC2, IAM, SNS): echo the action in AWS's success shape. JSON protocol: an empty object.
        AWS.stubFor(post("/").withRequestBody(containing("Action=")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withTransformers("response-template")
                .withBody("<{{formData request.body 'form' urlDecode=true}}{{form.Action}}Response>"
                        + "<requestId>r</requestId><return>true</return>"
                        + "<PublishResult><MessageId>m-1</MessageId></PublishResult>"
                        + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{{form.Action}}Response>")));
        AWS.stubFor(post("/").withHeader("X-Amz-Target", containing(".")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-amz-json-1.1").withBody("{}")));
    }

    /**
     * AWS answers each remediation's reads with the state the event left: still offending. Otherwise the executor
     * rightly makes no change, and there would be no write to see on the wire.
     */
    private static void answerTheStateTheEventLeft(JsonNode remediation, CloudTrailEvent event) {
        String quarantine = QuarantinePolicy.arn(event.partition(), event.account());
        switch (remediation.get("type").asText()) {
            case "RevokeIngress" -> {
                List<PresentRule> present = new ArrayList<>();
                JsonNode rules = remediation.get("rules");
                for (int n = 0; n < rules.size(); n++) {
                    IngressRule rule = JSON.convertValue(rules.get(n), IngressRule.class);
                    present.add(PresentRule.of(rule, presentRuleId(rule, n)));
                }
                ANSWER.securityGroupRules(remediation.get("groupId").asText(), present);
            }
            case "RemoveNetworkAclEntry" -> {
                JsonNode allowed = remediation.get("allowed");
                ANSWER.networkAcl(remediation.get("networkAclId").asText(), new String[] {remediation.get("ruleNumber").asText(),
                        "false", "allow", allowed.get("protocol").asText(), allowed.get("cidr").asText(),
                        allowed.get("fromPort").asText(""), allowed.get("toPort").asText("")});
            }
            case "RestorePublicAccessBlock" -> {
                // As the event left them: the settings it put, or none after a deletion.
                JsonNode set = remediation.get("eventSet");
                String path = remediation.get("bucket").isNull() ? "/v20180820/configuration/publicAccessBlock"
                        : "/" + remediation.get("bucket").asText() + "?publicAccessBlock";
                // S3 Control wraps its errors in ErrorResponse, S3 does not.
                String none = "<Error><Code>NoSuchPublicAccessBlockConfiguration</Code></Error>";
                AWS.stubFor(get(urlEqualTo(path)).willReturn(set.isNull()
                        ? AwsStub.xml(404, remediation.get("bucket").isNull() ? "<ErrorResponse>" + none + "</ErrorResponse>" : none)
                        : AwsStub.xml(200, "<PublicAccessBlockConfiguration><BlockPublicAcls>" + set.get("blockPublicAcls").asBoolean()
                                + "</BlockPublicAcls><IgnorePublicAcls>" + set.get("ignorePublicAcls").asBoolean()
                                + "</IgnorePublicAcls><BlockPublicPolicy>" + set.get("blockPublicPolicy").asBoolean()
                                + "</BlockPublicPolicy><RestrictPublicBuckets>" + set.get("restrictPublicBuckets").asBoolean()
                                + "</RestrictPublicBuckets></PublicAccessBlockConfiguration>")));
                AWS.stubFor(put(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
            }
            case "RejectVpcPeering" -> ANSWER.vpcPeering(remediation.get("peeringId").asText(),
                    remediation.get("requesterAccount").asText(), "pending-acceptance");
            case "RestoreSecureTransportDeny" -> {
                // The policy the event left, and before it in CloudTrail's history the same policy with a TLS-only deny.
                String path = "/" + remediation.get("bucket").asText() + "?policy";
                JsonNode eventPolicy = remediation.get("eventPolicy");
                AWS.stubFor(get(urlEqualTo(path)).willReturn(eventPolicy.isNull()
                        ? AwsStub.xml(404, "<Error><Code>NoSuchBucketPolicy</Code></Error>")
                        : AwsStub.json(200, "application/json", eventPolicy.asText())));
                ObjectNode earlier = event.record().deepCopy();
                earlier.put("eventID", "0e0e0e0e-0000-4000-8000-000000000001").put("eventName", "PutBucketPolicy")
                        .put("eventTime", event.time().minusSeconds(3600).toString());
                ((ObjectNode) earlier.get("requestParameters")).putObject("bucketPolicy").put("Version", "2012-10-17")
                        .putArray("Statement").addObject().put("Sid", "DenyInsecureTransport").put("Effect", "Deny")
                        .put("Principal", "*").put("Action", "s3:*").put("Resource", "*")
                        .putObject("Condition").putObject("Bool").put("aws:SecureTransport", "false");
                ANSWER.history(event.record(), earlier);
                AWS.stubFor(put(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
            }
            case "StartLogging" -> ANSWER.trailStatus(false);
            case "RestoreTrailSettings" -> {
                String key = Fields.text(event.response(), "kmsKeyId") != null ? Fields.text(event.response(), "kmsKeyId")
                        : Fields.text(event.request(), "kmsKeyId");
                List<String> fields = new ArrayList<>();
                if (!remediation.get("multiRegion").isNull()) fields.add("\"IsMultiRegionTrail\":false");
                if (!remediation.get("includeGlobalServiceEvents").isNull()) fields.add("\"IncludeGlobalServiceEvents\":false");
                if (!remediation.get("logFileValidation").isNull()) fields.add("\"LogFileValidationEnabled\":false");
                if (key != null) fields.add("\"KmsKeyId\":\"" + key + "\"");
                ANSWER.trail(remediation.get("trailArn").asText(), String.join(",", fields));
            }
            case "RestoreEventSelectors" -> {
                boolean advanced = remediation.get("advanced").asBoolean();
                JsonNode set = event.request().get(advanced ? "advancedEventSelectors" : "eventSelectors");
                ANSWER.eventSelectors(remediation.get("trailArn").asText(), pascalCase(set).toString(), advanced);
            }
            case "DeactivateAccessKey" -> ANSWER.accessKey(remediation.get("userName").asText(),
                    remediation.get("accessKeyId").asText(), "Active");
            case "DeactivateUserCredential" -> ANSWER.userCredential(credentialKind(remediation),
                    remediation.get("userName").asText(), remediation.get("credentialId").asText(), "Active");
            case "DeleteKeyPair" -> ANSWER.keyPairs(new String[] {presentKeyPairId(remediation),
                    remediation.get("keyName").asText(), remediation.get("fingerprint").asText()});
            case "QuarantineUser" -> {
                ANSWER.mfaDevices();
                ANSWER.attachedPolicies();
                ANSWER.policy(quarantine, "v1", QuarantinePolicy.document(event.partition(), event.account()));
            }
            case "ReleaseQuarantine" -> {
                ANSWER.attachedPolicies(quarantine);
                ANSWER.mfaDevices(new String[] {"arn:aws:iam::111122223333:mfa/enabled", "2026-11-20T09:00:00Z"});
            }
            case "RestoreQuarantinePolicy" -> {
                ANSWER.policy(quarantine, "v2", event.request().path("policyDocument").asText("{}"));
                AWS.stubFor(AwsStub.query("CreatePolicyVersion").willReturn(AwsStub.xml(200, "<CreatePolicyVersionResponse>"
                        + "<CreatePolicyVersionResult><PolicyVersion><VersionId>v3</VersionId><IsDefaultVersion>true"
                        + "</IsDefaultVersion></PolicyVersion></CreatePolicyVersionResult></CreatePolicyVersionResponse>")));
            }
            case "RestoreRule" -> answerTheRuleTheEventLeft(remediation, event);
            case "EnableAlarmActions" -> {
                AWS.stubFor(AwsStub.rpcV2("DescribeAlarms").willReturn(AwsStub.cbor(Map.of("MetricAlarms",
                        List.of(Map.of("AlarmName", remediation.get("alarmName").asText(), "ActionsEnabled", false))))));
                AWS.stubFor(AwsStub.rpcV2("EnableAlarmActions").willReturn(AwsStub.cbor(Map.of())));
            }
            case "RemoveZeroConcurrency" -> {
                AWS.stubFor(get(urlMatching(".*/functions/[^/]+/concurrency")).willReturn(AwsStub.json(200, "application/json",
                        "{\"ReservedConcurrentExecutions\":0}")));
                AWS.stubFor(delete(urlMatching(".*/functions/[^/]+/concurrency")).willReturn(aResponse().withStatus(204)));
            }
            case "ReenableKey" -> AWS.stubFor(AwsStub.target("TrentService.DescribeKey").willReturn(AwsStub.json(200, JSON_11,
                    JSON.createObjectNode().set("KeyMetadata", JSON.createObjectNode()
                            .put("KeyId", remediation.get("keyArn").asText()).put("Arn", remediation.get("keyArn").asText())
                            .put("KeyState", event.eventName().equals("ScheduleKeyDeletion") ? "PendingDeletion" : "Disabled"))
                            .toString())));
            case "StartConfigRecorder" -> {
                AWS.stubFor(AwsStub.target("StarlingDoveService.DescribeConfigurationRecorderStatus").willReturn(AwsStub.json(200,
                        JSON_11, "{\"ConfigurationRecordersStatus\": [{\"name\": \"" + remediation.get("recorderName").asText()
                                + "\", \"recording\": false, \"lastStopTime\": " + event.time().getEpochSecond() + "}]}")));
                AWS.stubFor(AwsStub.target("StarlingDoveService.StartConfigurationRecorder").willReturn(AwsStub.json(200, JSON_11, "{}")));
            }
            case "EnableDetector" -> {
                String path = "/detector/" + remediation.get("detectorId").asText();
                AWS.stubFor(get(urlEqualTo(path)).willReturn(AwsStub.json(200, "application/json", "{\"status\": \"DISABLED\","
                        + " \"updatedAt\": \"" + event.time() + "\"}")));
                AWS.stubFor(post(urlEqualTo(path)).willReturn(AwsStub.json(200, "application/json", "{}")));
            }
            case "ReenableStandards" -> {
                AWS.stubFor(post(urlEqualTo("/standards/get")).willReturn(AwsStub.json(200, "application/json",
                        "{\"StandardsSubscriptions\": []}")));
                AWS.stubFor(post(urlEqualTo("/standards/register")).willReturn(AwsStub.json(200, "application/json", "{}")));
            }
            case "RestorePasswordPolicy" -> AWS.stubFor(AwsStub.query("GetAccountPasswordPolicy").willReturn(
                    event.eventName().equals("DeleteAccountPasswordPolicy")
                            ? AwsStub.queryError(404, "NoSuchEntity", "The Password Policy with domain name 111122223333 cannot be found.")
                            : AwsStub.xml(200, "<GetAccountPasswordPolicyResponse><GetAccountPasswordPolicyResult><PasswordPolicy>"
                                    + passwordPolicyXml(event.request()) + "</PasswordPolicy></GetAccountPasswordPolicyResult>"
                                    + "</GetAccountPasswordPolicyResponse>")));
            case "PageOnly", "Sanctioned", "PageOnBurst" -> { }
            default -> throw new AssertionError("no present state for " + remediation);
        }
    }

    /** The policy the event set, as IAM's GetAccountPasswordPolicy spells it (fields the request left out, unset). */
    private static String passwordPolicyXml(JsonNode request) {
        StringBuilder xml = new StringBuilder();
        Map.of("minimumPasswordLength", "MinimumPasswordLength", "requireSymbols", "RequireSymbols",
                "requireNumbers", "RequireNumbers", "requireUppercaseCharacters", "RequireUppercaseCharacters",
                "requireLowercaseCharacters", "RequireLowercaseCharacters", "allowUsersToChangePassword",
                "AllowUsersToChangePassword", "maxPasswordAge", "MaxPasswordAge", "passwordReusePrevention",
                "PasswordReusePrevention", "hardExpiry", "HardExpiry").forEach((field, element) -> {
            if (request.has(field)) xml.append('<').append(element).append('>').append(request.get(field).asText())
                    .append("</").append(element).append('>');
        });
        return xml.toString();
    }

    /** EventBridge answers with the rule as the event left it: disabled, re-patterned, deleted, or re-targeted. */
    private static void answerTheRuleTheEventLeft(JsonNode remediation, CloudTrailEvent event) {
        if (event.eventName().equals("DeleteRule")) {
            AWS.stubFor(AwsStub.target("AWSEvents.DescribeRule").willReturn(AwsStub.json(400, JSON_11,
                    "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Rule does not exist.\"}")));
            return;
        }
        ObjectNode rule = JSON.createObjectNode().put("Name", remediation.get("ruleName").asText())
                .put("EventPattern", remediation.get("pattern").asText()).put("State", remediation.get("state").asText());
        ArrayNode targets = JSON.createArrayNode().add(deployedTarget(remediation.get("target")));
        switch (event.eventName()) {
            case "DisableRule" -> rule.put("State", "DISABLED");
            case "EnableRule" -> rule.put("State", "ENABLED");
            case "PutRule" -> rule.put("EventPattern", event.request().get("eventPattern").asText())
                    .put("State", event.request().path("state").asText("ENABLED"));
            case "RemoveTargets" -> targets.removeAll();
            case "PutTargets" -> {
                targets.removeAll();
                event.request().get("targets").forEach(t -> targets.addObject().put("Id", t.get("id").asText())
                        .put("Arn", t.get("arn").asText()));
            }
            default -> throw new AssertionError("no rule state for " + event.eventName());
        }
        AWS.stubFor(AwsStub.target("AWSEvents.DescribeRule").willReturn(AwsStub.json(200, JSON_11, rule.toString())));
        AWS.stubFor(AwsStub.target("AWSEvents.ListTargetsByRule").willReturn(AwsStub.json(200, JSON_11,
                JSON.createObjectNode().set("Targets", targets).toString())));
    }

    /** A {@code RestoreRule} target as EventBridge's API spells it. */
    private static ObjectNode deployedTarget(JsonNode target) {
        ObjectNode out = JSON.createObjectNode().put("Id", target.get("id").asText()).put("Arn", target.get("arn").asText());
        if (!target.get("roleArn").isNull()) out.put("RoleArn", target.get("roleArn").asText());
        out.putObject("DeadLetterConfig").put("Arn", target.get("deadLetterArn").asText());
        out.putObject("RetryPolicy").put("MaximumRetryAttempts", target.get("maxRetries").asInt())
                .put("MaximumEventAgeInSeconds", target.get("maxAgeSeconds").asInt());
        return out;
    }

    /** The state of a {@code .present} sidecar: the resource as it is now, changed since the event. */
    private static void answerThePresentState(JsonNode state, Fixture fixture) {
        JsonNode remediation = fixture.expected().at("/findings/0/remediation");
        if (state.has("securityGroupRules")) {
            List<PresentRule> rules = new ArrayList<>();
            state.get("securityGroupRules").forEach(r -> rules.add(new PresentRule(r.get("ruleId").asText(), false,
                    r.get("protocol").asText(), r.get("fromPort").asInt(), r.get("toPort").asInt(), r.get("cidr").asText())));
            ANSWER.securityGroupRules(remediation.get("groupId").asText(), rules);
        }
        if (state.has("eventSelectors")) {
            ANSWER.eventSelectors(remediation.get("trailArn").asText(), state.get("eventSelectors").toString(), false);
        }
        if (state.has("trail")) {
            String fields = state.get("trail").toString();
            ANSWER.trail(remediation.get("trailArn").asText(), fields.substring(1, fields.length() - 1));
        }
        if (state.has("keyPairs")) {
            JsonNode pair = state.at("/keyPairs/0");
            ANSWER.keyPairs(new String[] {pair.get("keyPairId").asText(), pair.get("keyName").asText(), pair.get("fingerprint").asText()});
        }
        if (state.has("mfaDevices")) {
            JsonNode device = state.at("/mfaDevices/0");
            ANSWER.mfaDevices(new String[] {device.get("serialNumber").asText(), device.get("enableDate").asText()});
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(value -> out.add(value.asText()));
        return out;
    }

    /** The id EC2 lists the rule under: the event's, or for an event without ids the one the read finds. */
    private static String presentRuleId(IngressRule rule, int n) {
        return rule.ruleId() != null ? rule.ruleId() : "sgr-0present00000000" + n;
    }

    private static DeactivateUserCredential.Kind credentialKind(JsonNode remediation) {
        return DeactivateUserCredential.Kind.valueOf(remediation.get("kind").asText());
    }

    private static String presentKeyPairId(JsonNode remediation) {
        return remediation.get("keyPairId").isNull() ? "key-0present000000001" : remediation.get("keyPairId").asText();
    }

    /** CloudTrail records request fields in camelCase; GetEventSelectors answers in the API's PascalCase. */
    private static JsonNode pascalCase(JsonNode node) {
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(element -> out.add(pascalCase(element)));
            return out;
        }
        if (!node.isObject()) return node;
        ObjectNode out = JSON.createObjectNode();
        node.properties().forEach(field -> out.set(Character.toUpperCase(field.getKey().charAt(0)) + field.getKey().substring(1),
                pascalCase(field.getValue())));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("findings")
    void theHandlerMakesExactlyTheCallTheFixtureExpects(Fixture fixture) throws Exception {
        CloudTrailEvent event = EventParser.parse(fixture.bytes());
        Family family = Detectors.spec(fixture.detectorId()).family();
        RequestStreamHandler handler = handlerOf(family);
        fixture.expected().get("findings").forEach(finding -> answerTheStateTheEventLeft(finding.get("remediation"), event));
        Optional<JsonNode> present = fixture.present();
        present.ifPresent(state -> answerThePresentState(state, fixture));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(fixture.bytes()), out, new FakeContext("snapback-" + family.functionId(), "r"));

        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        List<String> expected = new ArrayList<>(List.of("UpdateItem"));
        List<String> pages = new ArrayList<>();
        List<JsonNode> remediations = new ArrayList<>();
        for (JsonNode finding : fixture.expected().get("findings")) {
            String action = finding.get("action").asText();
            if (finding.at("/remediation/type").asText().equals("PageOnBurst")) {
                // Counted in its window's item; one event alone is below the threshold (the stub's window holds
                // nothing), so it is audited as counted, not paged.
                expected.add("UpdateItem");
                continue;
            }
            List<String> operations = operations(finding.get("remediation"), event);
            if (action.equals("REMEDIATE") && !operations.isEmpty()) {
                // When the resource changed since the event, only the reads the sidecar names happen.
                expected.addAll(present.isPresent() ? texts(present.get().get("reads")) : operations);
                remediations.add(finding.get("remediation"));
            }
            if (List.of("REMEDIATE", "DRY_RUN", "PAGE").contains(action)) pages.add("Publish");
        }
        expected.add("UpdateItem");
        expected.addAll(pages);
        expected.add("UpdateItem");
        assertThat(calls).extracting(AwsStub::operation).as("calls for %s", fixture).isEqualTo(expected);

        List<LoggedRequest> remediationCalls = calls.stream()
                .filter(c -> !List.of("UpdateItem", "Publish").contains(AwsStub.operation(c))).toList();
        Set<String> granted = new TreeSet<>(Detectors.SPECS.stream().filter(spec -> spec.family() == family)
                .flatMap(spec -> spec.actions().stream()).toList());
        assertThat(remediationCalls).extracting(FindingFixturesThroughHandlersTest::iamAction)
                .as("every remediation call of %s is granted to the %s function", fixture, family.functionId())
                .allSatisfy(iamAction -> assertThat(granted).contains(iamAction));
        JsonNode summary = JSON.readTree(out.toByteArray());
        if (present.isPresent()) {
            assertThat(summary.at("/results/0/outcome").asText()).as("outcome of %s", fixture)
                    .isEqualTo(present.get().get("outcome").asText());
            assertThat(form(calls.stream().filter(c -> AwsStub.operation(c).equals("Publish")).findFirst().orElseThrow())
                    .get("Subject")).as("a change made since is paged low").startsWith("[LOW] ");
            return;
        }
        int next = 0;
        for (JsonNode remediation : remediations) {
            int count = operations(remediation, event).size();
            assertWire(remediation, remediationCalls.subList(next, next + count), event);
            next += count;
        }
        JsonNode completion = JSON.readTree(calls.getLast().getBodyAsString()).get("ExpressionAttributeValues");
        assertThat(completion.at("/:status/S").asText()).isEqualTo("DONE");
        assertThat(summary.get("eventId").asText()).isEqualTo(event.eventId());
    }

    @Test
    void enablingMfaForAUserWhoWasNeverQuarantinedIsAuditedNotPaged() throws Exception {
        ANSWER.attachedPolicies("arn:aws:iam::aws:policy/ReadOnlyAccess");
        Fixture fixture = Fixtures.all().stream().filter(f -> f.path().endsWith("finding/EnableMFADevice-iam-user.json"))
                .findFirst().orElseThrow();

        handlerOf(Family.MFA).handleRequest(new ByteArrayInputStream(fixture.bytes()), new ByteArrayOutputStream(),
                new FakeContext("snapback-mfa", "r"));

        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation)
                .containsExactly("UpdateItem", "ListAttachedUserPolicies", "UpdateItem", "UpdateItem");
        JsonNode completion = JSON.readTree(AWS.findAll(anyRequestedFor(anyUrl())).getLast().getBodyAsString());
        assertThat(completion.at("/ExpressionAttributeValues/:outcome/S").asText()).isEqualTo("already-compliant");
    }

    /** The parameters the remediation names, on the wire, signed for the right region. */
    private static void assertWire(JsonNode remediation, List<LoggedRequest> calls, CloudTrailEvent event) throws Exception {
        LoggedRequest call = calls.getLast();
        switch (remediation.get("type").asText()) {
            case "RevokeIngress" -> {
                Map<String, String> form = form(call);
                assertThat(form).containsEntry("GroupId", remediation.get("groupId").asText());
                JsonNode rules = remediation.get("rules");
                for (int n = 0; n < rules.size(); n++) {
                    IngressRule rule = JSON.convertValue(rules.get(n), IngressRule.class);
                    assertThat(form).containsEntry("SecurityGroupRuleId." + (n + 1), presentRuleId(rule, n));
                }
                assertThat(form(calls.getFirst())).containsEntry("Filter.1.Value.1", remediation.get("groupId").asText());
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/ec2"));
            }
            case "RemoveNetworkAclEntry" -> {
                assertThat(form(call)).containsEntry("NetworkAclId", remediation.get("networkAclId").asText())
                        .containsEntry("RuleNumber", remediation.get("ruleNumber").asText()).containsEntry("Egress", "false");
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/ec2"));
            }
            case "RestorePublicAccessBlock" -> {
                assertThat(call.getMethod().getName()).isEqualTo("PUT");
                assertThat(call.getBodyAsString()).contains("<BlockPublicAcls>true</BlockPublicAcls>",
                        "<IgnorePublicAcls>true</IgnorePublicAcls>", "<BlockPublicPolicy>true</BlockPublicPolicy>",
                        "<RestrictPublicBuckets>true</RestrictPublicBuckets>");
                if (remediation.get("bucket").isNull()) {
                    assertThat(call.getHeader("x-amz-account-id")).isEqualTo(remediation.get("accountId").asText());
                } else {
                    assertThat(call.getUrl()).isEqualTo("/" + remediation.get("bucket").asText() + "?publicAccessBlock");
                }
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/s3"));
            }
            case "RejectVpcPeering" -> {
                assertThat(form(call)).containsEntry("VpcPeeringConnectionId", remediation.get("peeringId").asText());
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/ec2"));
            }
            case "RestoreSecureTransportDeny" -> {
                assertThat(call.getUrl()).isEqualTo("/" + remediation.get("bucket").asText() + "?policy");
                assertThat(JSON.readTree(call.getBodyAsString()).findValuesAsText("Sid")).contains("DenyInsecureTransport");
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isIn(event.region() + "/s3", event.region() + "/cloudtrail"));
            }
            case "DeleteKeyPair" -> {
                assertThat(form(call)).containsEntry("KeyPairId", presentKeyPairId(remediation)).doesNotContainKey("KeyName");
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/ec2"));
            }
            case "RestoreQuarantinePolicy" -> {
                Map<String, String> form = form(call);
                assertThat(form).containsEntry("PolicyArn", remediation.get("policyArn").asText()).containsEntry("SetAsDefault", "true");
                assertThat(QuarantinePolicy.isSnapbacks(form.get("PolicyDocument"), event.partition(), event.account())).isTrue();
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo("us-east-1/iam"));
            }
            case "DeactivateAccessKey" -> {
                assertThat(form(call)).containsEntry("UserName", remediation.get("userName").asText())
                        .containsEntry("AccessKeyId", remediation.get("accessKeyId").asText()).containsEntry("Status", "Inactive");
                assertThat(scope(call)).isEqualTo("us-east-1/iam");
            }
            case "DeactivateUserCredential" -> {
                String idParameter = switch (credentialKind(remediation)) {
                    case SSH_PUBLIC_KEY -> "SSHPublicKeyId";
                    case SIGNING_CERTIFICATE -> "CertificateId";
                    case SERVICE_SPECIFIC_CREDENTIAL -> "ServiceSpecificCredentialId";
                };
                assertThat(form(call)).containsEntry("UserName", remediation.get("userName").asText())
                        .containsEntry(idParameter, remediation.get("credentialId").asText()).containsEntry("Status", "Inactive");
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo("us-east-1/iam"));
            }
            case "QuarantineUser", "ReleaseQuarantine" -> {
                String user = remediation.get("userName").asText();
                assertThat(form(calls.getFirst())).containsEntry("UserName", user);
                assertThat(form(call)).containsEntry("UserName", user).containsEntry("PolicyArn",
                        "arn:" + event.partition() + ":iam::" + event.account() + ":policy/SnapbackMfaQuarantine");
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo("us-east-1/iam"));
            }
            case "StartLogging" -> {
                assertThat(JSON.readTree(call.getBodyAsString())).isEqualTo(
                        JSON.createObjectNode().put("Name", remediation.get("trailArn").asText()));
                assertThat(scope(call)).isEqualTo(remediation.get("homeRegion").asText() + "/cloudtrail");
            }
            case "RestoreTrailSettings" -> {
                ObjectNode settings = JSON.createObjectNode().put("Name", remediation.get("trailArn").asText());
                Map.of("multiRegion", "IsMultiRegionTrail", "includeGlobalServiceEvents", "IncludeGlobalServiceEvents",
                        "logFileValidation", "EnableLogFileValidation", "kmsKeyId", "KmsKeyId").forEach((field, parameter) -> {
                    if (!remediation.get(field).isNull()) settings.set(parameter, remediation.get(field));
                });
                assertThat(JSON.readTree(call.getBodyAsString())).isEqualTo(settings);
                assertThat(scope(call)).isEqualTo(remediation.get("homeRegion").asText() + "/cloudtrail");
            }
            case "RestoreEventSelectors" -> {
                JsonNode body = JSON.readTree(call.getBodyAsString());
                assertThat(body.get("TrailName").asText()).isEqualTo(remediation.get("trailArn").asText());
                String field = remediation.get("advanced").asBoolean() ? "AdvancedEventSelectors" : "EventSelectors";
                assertThat(body.get(field)).isEqualTo(JSON.readTree(remediation.get("selectorsJson").asText()));
                assertThat(scope(call)).isEqualTo(remediation.get("homeRegion").asText() + "/cloudtrail");
            }
            case "RestoreRule" -> {
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/events"));
                String name = remediation.get("ruleName").asText();
                for (LoggedRequest write : calls) {
                    JsonNode body = JSON.readTree(write.getBodyAsString());
                    switch (AwsStub.operation(write)) {
                        case "EnableRule", "DescribeRule" -> assertThat(body.get("Name").asText()).isEqualTo(name);
                        case "PutRule" -> {
                            assertThat(body.get("Name").asText()).isEqualTo(name);
                            assertThat(JSON.readTree(body.get("EventPattern").asText()))
                                    .isEqualTo(JSON.readTree(remediation.get("pattern").asText()));
                            assertThat(body.get("State").asText()).isEqualTo(remediation.get("state").asText());
                        }
                        case "PutTargets" -> {
                            assertThat(body.get("Rule").asText()).isEqualTo(name);
                            assertThat(body.get("Targets")).containsExactly(deployedTarget(remediation.get("target")));
                        }
                        default -> assertThat(body.get("Rule").asText()).isEqualTo(name);
                    }
                }
            }
            case "EnableAlarmActions" -> {
                assertThat(AwsStub.cborRequest(call).get("AlarmNames")).containsExactly(JSON.getNodeFactory()
                        .textNode(remediation.get("alarmName").asText()));
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/monitoring"));
            }
            case "RemoveZeroConcurrency" -> {
                assertThat(call.getMethod().getName()).isEqualTo("DELETE");
                assertThat(call.getUrl()).contains("/functions/" + remediation.get("functionName").asText() + "/concurrency");
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/lambda"));
            }
            case "ReenableKey" -> {
                assertThat(calls).allSatisfy(c -> {
                    assertThat(JSON.readTree(c.getBodyAsString()).get("KeyId").asText()).isEqualTo(remediation.get("keyArn").asText());
                    assertThat(scope(c)).isEqualTo(event.region() + "/kms");
                });
            }
            case "StartConfigRecorder" -> assertThat(calls).allSatisfy(c -> {
                assertThat(JSON.readTree(c.getBodyAsString()).toString()).contains("\"" + remediation.get("recorderName").asText() + "\"");
                assertThat(scope(c)).isEqualTo(event.region() + "/config");
            });
            case "EnableDetector" -> {
                assertThat(call.getUrl()).isEqualTo("/detector/" + remediation.get("detectorId").asText());
                assertThat(call.getBodyAsString()).isEqualTo("{\"enable\":true}");
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/guardduty"));
            }
            case "ReenableStandards" -> {
                List<String> standards = new ArrayList<>();
                remediation.get("standards").forEach(standard -> standards.add(standard.get("standardsArn").asText()));
                assertThat(JSON.readTree(call.getBodyAsString()).findValuesAsText("StandardsArn")).isEqualTo(standards);
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo(event.region() + "/securityhub"));
            }
            case "RestorePasswordPolicy" -> {
                // Setting by setting, the stricter of the baseline and the policy the event left.
                JsonNode set = event.request();
                int minimum = Math.max(set.path("minimumPasswordLength").asInt(8), remediation.at("/baseline/minimumLength").asInt());
                int age = set.path("maxPasswordAge").asInt(0);
                int baselineAge = remediation.at("/baseline/maxAgeDays").asInt();
                assertThat(form(call)).containsEntry("MinimumPasswordLength", Integer.toString(minimum))
                        .containsEntry("RequireSymbols", "true").containsEntry("RequireNumbers", "true")
                        .containsEntry("RequireUppercaseCharacters", "true").containsEntry("RequireLowercaseCharacters", "true")
                        .containsEntry("PasswordReusePrevention", remediation.at("/baseline/reusePrevention").asText())
                        .containsEntry("MaxPasswordAge", Integer.toString(age == 0 ? baselineAge : Math.min(age, baselineAge)))
                        .containsEntry("AllowUsersToChangePassword", Boolean.toString(set.path("allowUsersToChangePassword").asBoolean()));
                assertThat(calls).allSatisfy(c -> assertThat(scope(c)).isEqualTo("us-east-1/iam"));
            }
            default -> throw new AssertionError("no wire expectation for " + remediation);
        }
    }

    /** The IAM action a wire call needs: the service of its SigV4 scope and its operation. */
    private static String iamAction(LoggedRequest call) {
        String service = scope(call).substring(scope(call).indexOf('/') + 1);
        // S3's one PublicAccessBlock operation of each API is two IAM actions: the bucket's and the account's.
        if (AwsStub.operation(call).endsWith("PublicAccessBlock")) {
            return "s3:" + AwsStub.operation(call).replace("PublicAccessBlock",
                    (call.getUrl().startsWith("/v20180820/") ? "Account" : "Bucket") + "PublicAccessBlock");
        }
        // CloudWatch signs as "monitoring"; IAM calls it "cloudwatch".
        return (service.equals("monitoring") ? "cloudwatch" : service) + ":" + AwsStub.operation(call);
    }

    /** The AWS operations a remediation calls on the state the event left, in order; none for page-only. */
    private static List<String> operations(JsonNode remediation, CloudTrailEvent event) {
        return switch (remediation.get("type").asText()) {
            case "RevokeIngress" -> List.of("DescribeSecurityGroupRules", "RevokeSecurityGroupIngress");
            case "RemoveNetworkAclEntry" -> List.of("DescribeNetworkAcls", "DeleteNetworkAclEntry");
            case "RejectVpcPeering" -> List.of("DescribeVpcPeeringConnections", "RejectVpcPeeringConnection");
            case "RestoreSecureTransportDeny" -> List.of("LookupEvents", "GetBucketPolicy", "PutBucketPolicy");
            case "RestorePublicAccessBlock" -> List.of("GetPublicAccessBlock", "PutPublicAccessBlock");
            case "StartLogging" -> List.of("GetTrailStatus", "StartLogging");
            case "RestoreTrailSettings" -> List.of("GetTrail", "UpdateTrail");
            case "RestoreEventSelectors" -> List.of("GetEventSelectors", "PutEventSelectors");
            case "DeactivateAccessKey" -> List.of("ListAccessKeys", "UpdateAccessKey");
            case "DeleteKeyPair" -> List.of("DescribeKeyPairs", "DeleteKeyPair");
            case "DeactivateUserCredential" -> switch (credentialKind(remediation)) {
                case SSH_PUBLIC_KEY -> List.of("ListSSHPublicKeys", "UpdateSSHPublicKey");
                case SIGNING_CERTIFICATE -> List.of("ListSigningCertificates", "UpdateSigningCertificate");
                case SERVICE_SPECIFIC_CREDENTIAL -> List.of("ListServiceSpecificCredentials", "UpdateServiceSpecificCredential");
            };
            case "QuarantineUser" -> List.of("ListMFADevices", "ListAttachedUserPolicies", "GetPolicy", "GetPolicyVersion",
                    "AttachUserPolicy");
            case "ReleaseQuarantine" -> List.of("ListAttachedUserPolicies", "ListMFADevices", "DetachUserPolicy");
            case "RestoreQuarantinePolicy" -> List.of("GetPolicy", "GetPolicyVersion", "ListPolicyVersions", "CreatePolicyVersion");
            case "RestoreRule" -> switch (event.eventName()) {
                case "DeleteRule" -> List.of("DescribeRule", "PutRule", "PutTargets");
                case "RemoveTargets", "PutTargets" -> List.of("DescribeRule", "ListTargetsByRule", "PutTargets");
                case "PutRule" -> RestoreRule.samePattern(event.request().get("eventPattern").asText(), remediation.get("pattern").asText())
                        && remediation.get("state").asText().equals("ENABLED")
                        ? List.of("DescribeRule", "EnableRule", "ListTargetsByRule")
                        : List.of("DescribeRule", "PutRule", "ListTargetsByRule");
                // A rule that receives read-only calls gets its state back through PutRule: EnableRule cannot set it.
                case "EnableRule" -> List.of("DescribeRule", "PutRule", "ListTargetsByRule");
                default -> List.of("DescribeRule", "EnableRule", "ListTargetsByRule");
            };
            case "EnableAlarmActions" -> List.of("DescribeAlarms", "EnableAlarmActions");
            case "RemoveZeroConcurrency" -> List.of("GetFunctionConcurrency", "DeleteFunctionConcurrency");
            case "ReenableKey" -> event.eventName().equals("ScheduleKeyDeletion")
                    ? List.of("DescribeKey", "CancelKeyDeletion", "EnableKey") : List.of("DescribeKey", "EnableKey");
            case "StartConfigRecorder" -> List.of("DescribeConfigurationRecorderStatus", "StartConfigurationRecorder");
            case "EnableDetector" -> List.of("GetDetector", "UpdateDetector");
            case "ReenableStandards" -> List.of("GetEnabledStandards", "BatchEnableStandards");
            case "RestorePasswordPolicy" -> List.of("GetAccountPasswordPolicy", "UpdateAccountPasswordPolicy");
            case "PageOnly", "Sanctioned", "PageOnBurst" -> List.of();
            default -> throw new AssertionError("unknown remediation type " + remediation);
        };
    }

    /** The family's handler, by the class name the stack deploys, given a pipeline on the stub. */
    private static RequestStreamHandler handlerOf(Family family) throws Exception {
        Pipeline pipeline = Wiring.wire(family, SecurityGroupHandlerTest.environment(), AWS.clients(), new RecordingMetrics(), Clock.systemUTC());
        return (RequestStreamHandler) Handlers.of(family).getConstructor(Pipeline.class).newInstance(pipeline);
    }
}
