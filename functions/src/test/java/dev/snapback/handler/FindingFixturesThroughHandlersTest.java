package dev.snapback.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.scope;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.detect.Detectors;
import dev.snapback.detect.Family;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code finding} fixture in {@code events/} through its family's real handler class (found by
 * {@link Family#handlerClass()}), with AWS answering success: the wire must carry exactly the calls its sidecar's
 * remediation names, with its parameters, in the right region, each granted to the family's function by its detectors'
 * declared grants, between the audit claim and completion, then the page.
 */
class FindingFixturesThroughHandlersTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final ObjectMapper JSON = new ObjectMapper();

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
     * The user of a quarantine has no MFA device left; the user of a release has the one just enabled. Otherwise
     * the executor rightly makes no change, and there would be nothing to see on the wire.
     */
    private static void answerListMfaDevices(Fixture fixture) {
        boolean releases = fixture.expected().findValues("type").stream().anyMatch(t -> t.asText().equals("ReleaseQuarantine"));
        String devices = releases ? "<member><UserName>u</UserName><SerialNumber>arn:aws:iam::111122223333:mfa/enabled</SerialNumber>"
                + "<EnableDate>2026-11-20T09:00:00Z</EnableDate></member>" : "";
        AWS.stubFor(post("/").withRequestBody(containing("Action=ListMFADevices")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("<ListMFADevicesResponse><ListMFADevicesResult>"
                        + "<IsTruncated>false</IsTruncated><MFADevices>" + devices + "</MFADevices></ListMFADevicesResult>"
                        + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListMFADevicesResponse>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("findings")
    void theHandlerMakesExactlyTheCallTheFixtureExpects(Fixture fixture) throws Exception {
        CloudTrailEvent event = EventParser.parse(fixture.bytes());
        Family family = Detectors.spec(fixture.detectorId()).family();
        RequestStreamHandler handler = handlerOf(family);
        answerListMfaDevices(fixture);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(fixture.bytes()), out, new FakeContext("snapback-" + family.functionId(), "r"));

        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        List<String> expected = new ArrayList<>(List.of("UpdateItem"));
        List<JsonNode> remediations = new ArrayList<>();
        for (JsonNode finding : fixture.expected().get("findings")) {
            String action = finding.get("action").asText();
            List<String> operations = operations(finding.at("/remediation/type").asText());
            if (action.equals("REMEDIATE") && !operations.isEmpty()) {
                expected.addAll(operations);
                remediations.add(finding.get("remediation"));
            }
            if (List.of("REMEDIATE", "DRY_RUN", "PAGE").contains(action)) expected.add("Publish");
        }
        expected.add("UpdateItem");
        assertThat(calls).extracting(AwsStub::operation).as("calls for %s", fixture).isEqualTo(expected);

        List<LoggedRequest> remediationCalls = calls.stream()
                .filter(c -> !List.of("UpdateItem", "Publish").contains(AwsStub.operation(c))).toList();
        Set<String> granted = new TreeSet<>(Detectors.SPECS.stream().filter(spec -> spec.family() == family)
                .flatMap(spec -> spec.actions().stream()).toList());
        assertThat(remediationCalls).extracting(FindingFixturesThroughHandlersTest::iamAction)
                .as("every remediation call of %s is granted to the %s function", fixture, family.functionId())
                .allSatisfy(iamAction -> assertThat(granted).contains(iamAction));
        int next = 0;
        for (JsonNode remediation : remediations) {
            int count = operations(remediation.get("type").asText()).size();
            assertWire(remediation, remediationCalls.subList(next, next + count), event);
            next += count;
        }
        JsonNode completion = JSON.readTree(calls.getLast().getBodyAsString()).get("ExpressionAttributeValues");
        assertThat(completion.at("/:status/S").asText()).isEqualTo("DONE");
        assertThat(JSON.readTree(out.toByteArray()).get("eventId").asText()).isEqualTo(event.eventId());
    }

    @Test
    void enablingMfaForAUserWhoWasNeverQuarantinedIsAuditedNotPaged() throws Exception {
        AWS.stubFor(AwsStub.query("DetachUserPolicy").willReturn(AwsStub.queryError(404, "NoSuchEntity",
                "Policy arn:aws:iam::111122223333:policy/SnapbackMfaQuarantine was not found.")));
        Fixture fixture = Fixtures.all().stream().filter(f -> f.path().endsWith("finding/EnableMFADevice-iam-user.json"))
                .findFirst().orElseThrow();
        answerListMfaDevices(fixture);

        handlerOf(Family.MFA).handleRequest(new ByteArrayInputStream(fixture.bytes()), new ByteArrayOutputStream(),
                new FakeContext("snapback-mfa", "r"));

        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation)
                .containsExactly("UpdateItem", "ListMFADevices", "DetachUserPolicy", "UpdateItem");
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
                    JsonNode rule = rules.get(n);
                    if (!rule.get("ruleId").isNull()) {
                        assertThat(form).containsEntry("SecurityGroupRuleId." + (n + 1), rule.get("ruleId").asText());
                    } else {
                        assertPermission(form, "IpPermissions." + (n + 1) + ".", rule);
                    }
                }
                assertThat(scope(call)).isEqualTo(event.region() + "/ec2");
            }
            case "DeleteKeyPair" -> {
                Map<String, String> form = form(call);
                if (remediation.get("keyPairId").isNull()) assertThat(form).containsEntry("KeyName", remediation.get("keyName").asText());
                else assertThat(form).containsEntry("KeyPairId", remediation.get("keyPairId").asText()).doesNotContainKey("KeyName");
                assertThat(scope(call)).isEqualTo(event.region() + "/ec2");
            }
            case "DeactivateAccessKey" -> {
                assertThat(form(call)).containsEntry("UserName", remediation.get("userName").asText())
                        .containsEntry("AccessKeyId", remediation.get("accessKeyId").asText()).containsEntry("Status", "Inactive");
                assertThat(scope(call)).isEqualTo("us-east-1/iam");
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
            default -> throw new AssertionError("no wire expectation for " + remediation);
        }
    }

    /** One permission of a revoke by exact permissions: protocol, ports (none for all traffic) and the one range. */
    private static void assertPermission(Map<String, String> form, String prefix, JsonNode rule) {
        String protocol = rule.get("protocol").asText();
        String cidr = rule.get("cidr").asText();
        Map<String, String> permission = new TreeMap<>();
        permission.put(prefix + "IpProtocol", protocol);
        if (!protocol.equals("-1")) {
            permission.put(prefix + "FromPort", rule.get("fromPort").asText());
            permission.put(prefix + "ToPort", rule.get("toPort").asText());
        }
        permission.put(prefix + (cidr.contains(":") ? "Ipv6Ranges.1.CidrIpv6" : "IpRanges.1.CidrIp"), cidr);
        assertThat(new TreeMap<>(form).subMap(prefix, prefix + Character.MAX_VALUE)).isEqualTo(permission);
    }

    /** The IAM action a wire call needs: the service of its SigV4 scope and its operation. */
    private static String iamAction(LoggedRequest call) {
        return scope(call).substring(scope(call).indexOf('/') + 1) + ":" + AwsStub.operation(call);
    }

    /** The AWS operations a remediation type calls, in order; none for page-only. */
    private static List<String> operations(String remediationType) {
        return switch (remediationType) {
            case "RevokeIngress" -> List.of("RevokeSecurityGroupIngress");
            case "StartLogging" -> List.of("StartLogging");
            case "RestoreTrailSettings" -> List.of("UpdateTrail");
            case "RestoreEventSelectors" -> List.of("PutEventSelectors");
            case "DeactivateAccessKey" -> List.of("UpdateAccessKey");
            case "DeleteKeyPair" -> List.of("DeleteKeyPair");
            case "QuarantineUser" -> List.of("ListMFADevices", "AttachUserPolicy");
            case "ReleaseQuarantine" -> List.of("ListMFADevices", "DetachUserPolicy");
            case "PageOnly" -> List.of();
            default -> throw new AssertionError("unknown remediation type " + remediationType);
        };
    }

    /** The family's handler, by the class name the stack deploys, given a pipeline on the stub. */
    private static RequestStreamHandler handlerOf(Family family) throws Exception {
        Pipeline pipeline = Pipeline.wire(family, SecurityGroupHandlerTest.environment(), AWS.clients(), new RecordingMetrics(), Clock.systemUTC());
        return (RequestStreamHandler) Class.forName(family.handlerClass()).getConstructor(Pipeline.class).newInstance(pipeline);
    }
}
