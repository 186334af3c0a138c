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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code finding} fixture in {@code events/} through its family's real handler class (found by
 * {@link Family#handlerClass()}), with AWS answering success: the wire must carry exactly the call its sidecar's
 * remediation names, with its parameters, in the right region, then the page and the audit item.
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("findings")
    void theHandlerMakesExactlyTheCallTheFixtureExpects(Fixture fixture) throws Exception {
        CloudTrailEvent event = EventParser.parse(fixture.bytes());
        Family family = Detectors.spec(fixture.detectorId()).family();
        RequestStreamHandler handler = handlerOf(family);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(fixture.bytes()), out, new FakeContext("snapback-" + family.functionId(), "r"));

        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        List<String> expected = new ArrayList<>(List.of("PutItem"));
        List<JsonNode> remediations = new ArrayList<>();
        for (JsonNode finding : fixture.expected().get("findings")) {
            String action = finding.get("action").asText();
            String call = call(finding.at("/remediation/type").asText());
            if (action.equals("REMEDIATE") && call != null) {
                expected.add(call);
                remediations.add(finding.get("remediation"));
            }
            if (List.of("REMEDIATE", "DRY_RUN", "PAGE").contains(action)) expected.add("Publish");
        }
        expected.add("UpdateItem");
        assertThat(calls).extracting(AwsStub::operation).as("calls for %s", fixture).isEqualTo(expected);

        List<LoggedRequest> remediationCalls = calls.stream()
                .filter(c -> !List.of("PutItem", "UpdateItem", "Publish").contains(AwsStub.operation(c))).toList();
        for (int i = 0; i < remediations.size(); i++) {
            assertWire(remediations.get(i), remediationCalls.get(i), event);
        }
        JsonNode completion = JSON.readTree(calls.getLast().getBodyAsString()).get("ExpressionAttributeValues");
        assertThat(completion.at("/:status/S").asText()).isEqualTo("DONE");
        assertThat(JSON.readTree(out.toByteArray()).get("eventId").asText()).isEqualTo(event.eventId());
    }

    /** The parameters the remediation names, on the wire, signed for the right region. */
    private static void assertWire(JsonNode remediation, LoggedRequest call, CloudTrailEvent event) throws Exception {
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
                        assertThat(form).containsEntry("IpPermissions." + (n + 1) + ".IpProtocol", rule.get("protocol").asText());
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
                assertThat(form(call)).containsEntry("UserName", remediation.get("userName").asText())
                        .containsEntry("PolicyName", "SnapbackMfaQuarantine");
                assertThat(scope(call)).isEqualTo("us-east-1/iam");
            }
            case "StartLogging", "RestoreTrailSettings" -> {
                assertThat(JSON.readTree(call.getBodyAsString()).get("Name").asText()).isEqualTo(remediation.get("trailArn").asText());
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

    /** The AWS operation a remediation type calls; {@code null} for page-only. */
    private static String call(String remediationType) {
        return switch (remediationType) {
            case "RevokeIngress" -> "RevokeSecurityGroupIngress";
            case "StartLogging" -> "StartLogging";
            case "RestoreTrailSettings" -> "UpdateTrail";
            case "RestoreEventSelectors" -> "PutEventSelectors";
            case "DeactivateAccessKey" -> "UpdateAccessKey";
            case "DeleteKeyPair" -> "DeleteKeyPair";
            case "QuarantineUser" -> "PutUserPolicy";
            case "ReleaseQuarantine" -> "DeleteUserPolicy";
            case "PageOnly" -> null;
            default -> throw new AssertionError("unknown remediation type " + remediationType);
        };
    }

    /** The family's handler, by the class name the stack deploys, given a pipeline on the stub. */
    private static RequestStreamHandler handlerOf(Family family) throws Exception {
        Pipeline pipeline = Pipeline.wire(family, SecurityGroupHandlerTest.environment(), AWS.clients(), new RecordingMetrics(), Clock.systemUTC());
        return (RequestStreamHandler) Class.forName(family.handlerClass()).getConstructor(Pipeline.class).newInstance(pipeline);
    }
}
