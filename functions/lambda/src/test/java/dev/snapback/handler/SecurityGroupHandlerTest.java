package dev.snapback.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.snapback.testing.AwsStub.ec2Error;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.scope;
import static dev.snapback.testing.AwsStub.target;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.audit.AuditLog;
import dev.snapback.event.MalformedEventException;
import dev.snapback.model.Family;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsAnswers.PresentRule;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.FakeContext;
import dev.snapback.testing.Fixtures;
import dev.snapback.testing.RecordingMetrics;
import dev.snapback.testing.TestEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;

/**
 * The security-group function end to end: a real-shaped EventBridge event into {@link SecurityGroupHandler}, real SDK
 * clients against a loopback stub of EC2, SNS, DynamoDB and SSM, and assertions on every wire request.
 */
class SecurityGroupHandlerTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    static final String TABLE = "snapback-audit";
    static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:snapback-alerts";
    static final String EVENT_ID = "5f0c3b7e-8d2a-4e61-b9c4-1a7d2e3f4b50";
    static final String GROUP = "sg-0abc1234def567890";
    static final String RULE = "sgr-0fedcba9876543210";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsAnswers ANSWER = new AwsAnswers(AWS);
    /** Longer than any invocation here: a call that never answers. */
    private static final int HANGS_MILLIS = 20_000;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T09:41:20Z"), ZoneOffset.UTC);

    private RecordingMetrics metrics;

    @BeforeEach
    void stubTheHappyPath() {
        metrics = new RecordingMetrics();
        AWS.stubTable();
        AWS.stubFor(query("Publish").willReturn(xml(200, publishResponse())));
        ANSWER.securityGroupRules(GROUP, List.of(new PresentRule(RULE, false, "tcp", 22, 22, "0.0.0.0/0")));
    }

    @Test
    void revokesTheRuleThenPagesAndAudits() throws Exception {
        stubRevoke();

        JsonNode summary = invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        List<LoggedRequest> calls = calls();
        assertThat(calls).extracting(AwsStub::operation).containsExactly("UpdateItem", "DescribeSecurityGroupRules",
                "RevokeSecurityGroupIngress", "UpdateItem", "Publish", "UpdateItem");
        assertThat(form(calls.get(1))).containsEntry("Filter.1.Name", "group-id").containsEntry("Filter.1.Value.1", GROUP);
        Map<String, String> revoke = form(calls.get(2));
        assertThat(revoke).containsEntry("GroupId", GROUP).containsEntry("SecurityGroupRuleId.1", RULE)
                .doesNotContainKey("SecurityGroupRuleId.2");
        assertThat(scope(calls.get(2))).isEqualTo("eu-west-1/ec2");
        JsonNode recorded = JSON.readTree(calls.get(3).getBodyAsString()).get("ExpressionAttributeValues");
        assertThat(recorded.at("/:actions/L/0/S").asText()).as("the fix is recorded before the page goes out")
                .isEqualTo("revoke " + RULE + " on " + GROUP + " in eu-west-1");
        assertThat(recorded.has(":status")).isFalse();

        Map<String, String> publish = form(calls.get(4));
        assertThat(publish).containsEntry("TopicArn", TOPIC).containsEntry("MessageStructure", "json")
                .containsEntry("Subject", "[HIGH] " + GROUP + " opened 22/tcp to 0.0.0.0/0 in 111122223333/eu-west-1 - revoked");
        assertThat(AwsStub.messageAttributes(publish)).containsEntry("outcome", "remediated").containsEntry("detector", "security-group-opened")
                .containsEntry("severity", "HIGH").containsEntry("account", "111122223333").containsEntry("region", "eu-west-1");
        JsonNode message = JSON.readTree(publish.get("Message"));
        assertThat(message.has("email")).as("email falls back to default").isFalse();
        String text = message.get("default").asText();
        assertThat(text).contains("198.51.100.77", "What Snapback did: revoke " + RULE + " on " + GROUP + " in eu-west-1.",
                "How to undo: aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id " + GROUP,
                "https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/" + EVENT_ID);

        JsonNode claim = JSON.readTree(calls.get(0).getBodyAsString());
        assertThat(claim.at("/Key/eventId/S").asText()).isEqualTo(EVENT_ID);
        assertThat(claim.at("/Key/detectorId/S").asText()).isEqualTo("security-group-opened");
        JsonNode completion = JSON.readTree(calls.get(5).getBodyAsString()).get("ExpressionAttributeValues");
        assertThat(completion.at("/:claimToken/S").asText()).isEqualTo(claim.at("/ExpressionAttributeValues/:claimToken/S").asText());
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/status/S").asText()).isEqualTo("DONE");
        assertThat(item.at("/outcome/S").asText()).isEqualTo("remediated");
        assertThat(item.at("/attempts/N").asText()).isEqualTo("1");

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(metrics.total("Remediations", "security-group-opened")).isEqualTo(1.0);
        assertThat(metrics.total("Findings", "security-group-opened")).isEqualTo(1.0);
        assertThat(metrics.total("Failures", "security-group-opened")).isZero();
    }

    @Test
    void everyLineTheInvocationLogsCarriesTheCloudTrailEventIdAsCorrelationId() throws Exception {
        stubRevoke();
        List<LogEvent> lines = logged(handler(environment()));

        assertThat(lines).isNotEmpty().allSatisfy(line ->
                assertThat(line.getContextData().<String>getValue(Pipeline.CORRELATION_ID)).isEqualTo(EVENT_ID));
        assertThat(Pipeline.CORRELATION_ID).isEqualTo("correlation_id");
        assertThat(MDC.get(Pipeline.CORRELATION_ID)).as("cleared when the invocation ends").isNull();
    }

    /**
     * The log line users' queries read: one JSON object per line, in the layout the deployed configuration names,
     * with exactly these keys in this order. A change of the logging backend or its configuration that changes them
     * fails here first.
     */
    @Test
    void theLogLineFormatIsPinned() throws Exception {
        assertThat(Files.readString(Path.of("src/main/resources/log4j2.xml")))
                .contains("<JsonTemplateLayout eventTemplateUri=\"classpath:LambdaJsonLayout.json\"/>");
        JsonTemplateLayout layout = JsonTemplateLayout.newBuilder().setConfiguration(new DefaultConfiguration())
                .setEventTemplateUri("classpath:LambdaJsonLayout.json").build();
        stubRevoke();

        List<LogEvent> lines = logged(handler(environment()));

        List<List<String>> shapes = new ArrayList<>();
        for (LogEvent event : lines) {
            String line = layout.toSerializable(event);
            assertThat(line.strip()).doesNotContain("\n");
            List<String> keys = new ArrayList<>();
            JSON.readTree(line).fieldNames().forEachRemaining(keys::add);
            assertThat(keys.subList(0, POWERTOOLS_KEYS.size())).isEqualTo(POWERTOOLS_KEYS);
            shapes.add(keys.subList(POWERTOOLS_KEYS.size(), keys.size()));
        }
        // The event received, then each decision.
        assertThat(shapes).containsExactly(List.of("eventName", "account", "region"), List.of("detector", "action", "outcome", "resource"));
    }

    /** The keys every line starts with, in Powertools' order, the CloudTrail eventID as the correlation id last. */
    private static final List<String> POWERTOOLS_KEYS = List.of("level", "message", "cold_start", "function_arn",
            "function_memory_size", "function_name", "function_request_id", "function_version", "service", "timestamp",
            "correlation_id");

    /** What the invocation logs at INFO and above; the tests' Log4j configuration otherwise logs warnings only. */
    private static List<LogEvent> logged(SecurityGroupHandler handler) throws Exception {
        List<LogEvent> lines = new CopyOnWriteArrayList<>();
        Appender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.toImmutable());
            }
        };
        capture.start();
        LoggerContext log4j = (LoggerContext) LogManager.getContext(false);
        LoggerConfig snapback = new LoggerConfig("dev.snapback", Level.INFO, false);
        snapback.addAppender(capture, Level.INFO, null);
        log4j.getConfiguration().addLogger(snapback.getName(), snapback);
        log4j.updateLoggers();
        try {
            invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH));
        } finally {
            log4j.getConfiguration().removeLogger(snapback.getName());
            log4j.updateLoggers();
        }
        return lines;
    }

    @Test
    void aDuplicateDeliveryActsOnce() throws Exception {
        stubRevoke();
        SecurityGroupHandler handler = handler(environment());

        invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH));
        JsonNode second = invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("UpdateItem", "DescribeSecurityGroupRules",
                "RevokeSecurityGroupIngress", "UpdateItem", "Publish", "UpdateItem", "UpdateItem");
        assertThat(second.at("/results/0/outcome").asText()).isEqualTo("duplicate");
        assertThat(metrics.total("Duplicates", "security-group-opened")).isEqualTo(1.0);
    }

    @Test
    void aRuleAlreadyGoneIsAlreadyCompliantAndStillPaged() throws Exception {
        ANSWER.securityGroupRules(GROUP, List.of());

        invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation).doesNotContain("RevokeSecurityGroupIngress");
        Map<String, String> publish = form(call("Publish"));
        assertThat(publish.get("Subject")).endsWith(" - already fixed");
        assertThat(AwsStub.messageAttributes(publish)).containsEntry("outcome", "already-compliant");
        assertThat(AWS.table().item(EVENT_ID, "security-group-opened").at("/outcome/S").asText()).isEqualTo("already-compliant");
    }

    @Test
    void throttlingIsRetriedThenTheRuleIsRevoked() throws Exception {
        AWS.stubFor(query("RevokeSecurityGroupIngress").inScenario("throttle").whenScenarioStateIs(STARTED)
                .willReturn(ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.")).willSetStateTo("calm"));
        AWS.stubFor(query("RevokeSecurityGroupIngress").inScenario("throttle").whenScenarioStateIs("calm")
                .willReturn(xml(200, revokeResponse())));

        JsonNode summary = invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("UpdateItem", "DescribeSecurityGroupRules",
                "RevokeSecurityGroupIngress", "RevokeSecurityGroupIngress", "UpdateItem", "Publish", "UpdateItem");
        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
    }

    @Test
    void aPermanentFailurePagesAuditsThenFailsTheInvocation() throws Exception {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(
                ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")));

        assertThatThrownBy(() -> invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH)))
                .isInstanceOf(RemediationFailedException.class)
                .hasMessageContaining(EVENT_ID).hasMessageContaining("UnauthorizedOperation");

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("UpdateItem", "DescribeSecurityGroupRules",
                "RevokeSecurityGroupIngress", "UpdateItem", "Publish", "UpdateItem");
        Map<String, String> publish = form(call("Publish"));
        assertThat(publish.get("Subject")).endsWith(" - FAILED to revoke");
        assertThat(AwsStub.messageAttributes(publish)).containsEntry("outcome", "failed");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/status/S").asText()).as("FAILED lets the retry claim it again").isEqualTo("FAILED");
        assertThat(item.at("/pastErrors/L/0/S").asText()).contains("UnauthorizedOperation");
        assertThat(metrics.total("Failures", "security-group-opened")).isEqualTo(1.0);
    }

    @Test
    void aMalformedEventIsCountedAndRethrownWithoutTouchingAws() throws Exception {
        assertThatThrownBy(() -> invoke(handler(environment()), TestEvents.bytes(TestEvents.NOT_CLOUDTRAIL)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("detail-type");
        assertThatThrownBy(() -> invoke(handler(environment()), "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class);

        assertThat(calls()).isEmpty();
        assertThat(metrics.total("MalformedEvents", null)).isEqualTo(2.0);
    }

    @Test
    void dryRunModePagesWhatWouldHaveHappenedAndChangesNothing() throws Exception {
        Map<String, String> environment = environment();
        environment.put("SNAPBACK_CONFIG", withMode("dry-run"));

        invoke(handler(environment), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        // A deployment below the default modes pages that first, once per function version (the notice in the table).
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("GetItem", "Publish", "PutItem",
                "UpdateItem", "UpdateItem", "Publish", "UpdateItem");
        assertThat(form(calls().get(1)).get("Subject")).endsWith("security-group-opened remediate -> dry-run");
        Map<String, String> publish = form(calls().get(5));
        assertThat(publish.get("Subject")).endsWith(" - dry run, would revoke");
        assertThat(JSON.readTree(publish.get("Message")).get("default").asText())
                .contains("It would have done: revoke " + RULE + " on " + GROUP);
    }

    @Test
    void anOffDetectorIsAuditedButNeitherActsNorPages() throws Exception {
        Map<String, String> environment = environment();
        environment.put("SNAPBACK_CONFIG", withMode("off"));

        invoke(handler(environment), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("GetItem", "Publish", "PutItem",
                "UpdateItem", "UpdateItem", "UpdateItem");
        assertThat(form(calls().get(1)).get("Subject")).endsWith("security-group-opened remediate -> off");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/action/S").asText()).isEqualTo("OFF");
        assertThat(item.at("/mode/S").asText()).isEqualTo("off");
    }

    @Test
    void anExemptGroupIsAuditedButNeitherActsNorPages() throws Exception {
        byte[] bastion = new String(TestEvents.bytes(TestEvents.SG_WORLD_SSH), StandardCharsets.UTF_8)
                .replace(GROUP, "sg-0bastion000000001").getBytes(StandardCharsets.UTF_8);

        invoke(handler(environment()), bastion);

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("UpdateItem", "UpdateItem", "UpdateItem");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/action/S").asText()).isEqualTo("EXEMPT");
        assertThat(item.at("/outcome/S").asText()).isEqualTo("exempted");
    }

    @Test
    void theSsmOverrideSwitchesTheDetectorToPageOnlyAtRunTimeAndPagesTheLoweringOnce() throws Exception {
        Map<String, String> environment = withModesParameter("{\"security-group-opened\":\"page\"}");
        SecurityGroupHandler handler = handler(environment);

        invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH));
        invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation)
                .containsExactly("GetParameter", "Publish", "UpdateItem", "UpdateItem", "Publish", "UpdateItem", "UpdateItem");
        List<LoggedRequest> pages = calls().stream().filter(r -> AwsStub.operation(r).equals("Publish")).toList();
        Map<String, String> lowered = form(pages.get(0));
        assertThat(lowered.get("Subject")).isEqualTo("[HIGH] Snapback mode lowered in 111122223333: security-group-opened remediate -> page");
        assertThat(AwsStub.messageAttributes(lowered)).containsEntry("outcome", "mode-lowered").containsEntry("severity", "HIGH");
        assertThat(JSON.readTree(lowered.get("Message")).get("default").asText()).contains("/snapback/modes", "ssm:PutParameter");
        assertThat(AwsStub.messageAttributes(form(pages.get(1)))).containsEntry("outcome", "paged");
        assertThat(metrics.total("ModeLowered", "security-group-opened")).as("once per change, not per event").isEqualTo(1.0);
    }

    @Test
    void anOverrideThatRaisesNoModeIsNotPaged() throws Exception {
        stubRevoke();
        Map<String, String> environment = withModesParameter("{\"security-group-opened\":\"remediate\"}");

        invoke(handler(environment), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation)
                .containsExactly("GetParameter", "UpdateItem", "DescribeSecurityGroupRules", "RevokeSecurityGroupIngress",
                        "UpdateItem", "Publish", "UpdateItem");
        assertThat(metrics.total("ModeLowered", "security-group-opened")).isZero();
    }

    @Test
    void anEventForAnotherAccountIsPagedAndAuditedButNeverActedOn() throws Exception {
        stubRevoke();
        byte[] foreign = new String(TestEvents.bytes(TestEvents.SG_WORLD_SSH), StandardCharsets.UTF_8)
                .replace("111122223333", "444455556666").getBytes(StandardCharsets.UTF_8);

        JsonNode summary = invoke(handler(environment()), foreign);

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("UpdateItem", "UpdateItem", "Publish", "UpdateItem");
        Map<String, String> publish = form(call("Publish"));
        assertThat(publish.get("Subject")).startsWith("[HIGH] event for account 444455556666 delivered to Snap")
                .endsWith(" in 444455556666/eu-west-1 - needs review");
        assertThat(JSON.readTree(publish.get("Message")).get("default").asText())
                .contains("event for account 444455556666 delivered to Snapback in account 111122223333; nothing changed");
        JsonNode item = AWS.table().item(EVENT_ID, AccountGuard.FOREIGN_ACCOUNT);
        assertThat(item.at("/status/S").asText()).isEqualTo("DONE");
        assertThat(item.at("/outcome/S").asText()).isEqualTo("paged");
        assertThat(AWS.table().item(EVENT_ID, "security-group-opened")).isNull();
        assertThat(summary.at("/results/0/detector").asText()).isEqualTo(AccountGuard.FOREIGN_ACCOUNT);
    }

    @Test
    void anEventNoDetectorHandlesFailsTheInvocationForTheDeadLetterQueue() throws Exception {
        byte[] describe = new String(TestEvents.bytes(TestEvents.SG_WORLD_SSH), StandardCharsets.UTF_8)
                .replace("\"AuthorizeSecurityGroupIngress\"", "\"DescribeSecurityGroups\"").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> invoke(handler(environment()), describe))
                .isInstanceOf(UnhandledEventException.class)
                .hasMessageContaining("no detector of function security-groups handles ec2.amazonaws.com:DescribeSecurityGroups");

        assertThat(calls()).isEmpty();
        assertThat(metrics.total("UnhandledEvents", null)).isEqualTo(1.0);
    }

    @Test
    void aRetryAfterAFailureClaimsTheFailedItemAndKeepsItsHistory() throws Exception {
        AWS.stubFor(query("RevokeSecurityGroupIngress").inScenario("retry").whenScenarioStateIs(STARTED)
                .willReturn(ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation."))
                .willSetStateTo("granted"));
        AWS.stubFor(query("RevokeSecurityGroupIngress").inScenario("retry").whenScenarioStateIs("granted")
                .willReturn(xml(200, revokeResponse())));
        SecurityGroupHandler handler = handler(environment());

        assertThatThrownBy(() -> invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH)))
                .isInstanceOf(RemediationFailedException.class);
        JsonNode retried = invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(retried.at("/results/0/outcome").asText()).isEqualTo("remediated");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/status/S").asText()).isEqualTo("DONE");
        assertThat(item.at("/attempts/N").asText()).isEqualTo("2");
        assertThat(item.has("error")).as("the current state is not failed").isFalse();
        assertThat(item.at("/pastErrors/L")).hasSize(1);
        assertThat(item.at("/pastErrors/L/0/S").asText()).contains("UnauthorizedOperation");
    }

    @Test
    void aFreshClaimByAnotherInvocationFailsThisOneWithoutActing() throws Exception {
        stubRevoke();
        AWS.table().put(claimedItem(CLOCK.instant().minusSeconds(5)));

        assertThatThrownBy(() -> invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH)))
                .isInstanceOf(ClaimConflictException.class).hasMessageContaining(EVENT_ID);

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("UpdateItem");
        assertThat(metrics.total("ClaimConflicts", "security-group-opened")).isEqualTo(1.0);
        assertThat(AWS.table().item(EVENT_ID, "security-group-opened").at("/claimToken/S").asText()).isEqualTo("other");
    }

    @Test
    void aStaleClaimOfADeadInvocationIsTakenOver() throws Exception {
        stubRevoke();
        AWS.table().put(claimedItem(CLOCK.instant().minus(AuditLog.CLAIM_TIMEOUT).minusSeconds(1)));

        JsonNode summary = invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/status/S").asText()).isEqualTo("DONE");
        assertThat(item.at("/attempts/N").asText()).isEqualTo("2");
    }

    @Test
    void aPageThatCannotBeSentMarksTheItemFailedAndFailsTheInvocation() throws Exception {
        stubRevoke();
        AWS.stubFor(query("Publish").willReturn(AwsStub.queryError(403, "AuthorizationError", "Not authorized to publish.")));

        assertThatThrownBy(() -> invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH)))
                .isInstanceOf(AuthorizationErrorException.class).hasMessageContaining("Not authorized to publish");

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("UpdateItem", "DescribeSecurityGroupRules",
                "RevokeSecurityGroupIngress", "UpdateItem", "Publish", "UpdateItem");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/status/S").asText()).as("the retry claims it again and pages").isEqualTo("FAILED");
        assertThat(item.at("/error/S").asText()).contains("AuthorizationError");
        assertThat(item.at("/actions/L/0/S").asText()).isEqualTo("revoke " + RULE + " on " + GROUP + " in eu-west-1");
        assertThat(metrics.total("Failures", "security-group-opened")).isEqualTo(1.0);
    }

    @Test
    void theRetryOfAFailedPageKeepsTheFixAndItsUndoAndPagesOnce() throws Exception {
        stubRevoke();
        AWS.stubFor(query("Publish").inScenario("sns").whenScenarioStateIs(STARTED)
                .willReturn(AwsStub.queryError(403, "AuthorizationError", "Not authorized to publish.")).willSetStateTo("back"));
        AWS.stubFor(query("Publish").inScenario("sns").whenScenarioStateIs("back").willReturn(xml(200, publishResponse())));
        SecurityGroupHandler handler = handler(environment());
        assertThatThrownBy(() -> invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH))).isInstanceOf(AuthorizationErrorException.class);
        // Gone now: the first attempt revoked it, so a fresh read would say there is nothing to undo.
        ANSWER.securityGroupRules(GROUP, List.of());
        AWS.resetRequests();

        JsonNode retried = invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation).as("no second read or revoke")
                .containsExactly("UpdateItem", "UpdateItem", "Publish", "UpdateItem");
        Map<String, String> page = form(call("Publish"));
        assertThat(page.get("Subject")).endsWith(" - revoked");
        assertThat(JSON.readTree(page.get("Message")).get("default").asText())
                .contains("How to undo: aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id " + GROUP);
        assertThat(retried.at("/results/0/outcome").asText()).isEqualTo("remediated");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/status/S").asText()).isEqualTo("DONE");
        assertThat(item.at("/actions/L")).hasSize(1);
        assertThat(item.at("/inverses/L/0/S").asText()).startsWith("aws ec2 authorize-security-group-ingress");
        assertThat(item.at("/findings/L/0/M/paged/BOOL").asBoolean()).isTrue();
        assertThat(item.at("/pastErrors/L/0/S").asText()).contains("AuthorizationError");

        AWS.resetRequests();
        invoke(handler, TestEvents.bytes(TestEvents.SG_WORLD_SSH));
        assertThat(calls()).extracting(AwsStub::operation).as("done: the next delivery is a duplicate").containsExactly("UpdateItem");
    }

    @Test
    void aRuleNarrowedSinceTheEventIsLeftAloneAndPagedLow() throws Exception {
        stubRevoke();
        ANSWER.securityGroupRules(GROUP, List.of(new PresentRule(RULE, false, "tcp", 22, 22, "10.0.0.0/8")));

        JsonNode summary = invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation).doesNotContain("RevokeSecurityGroupIngress");
        Map<String, String> publish = form(call("Publish"));
        assertThat(publish.get("Subject")).startsWith("[LOW] ").endsWith(" - changed since, left alone");
        assertThat(AwsStub.messageAttributes(publish)).containsEntry("outcome", "superseded").containsEntry("severity", "LOW");
        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/findings/L/0/M/detail/S").asText()).contains("now 22/tcp from 10.0.0.0/8");
        assertThat(item.at("/actions/L")).isEmpty();
    }

    @Test
    void aCallThatNeverAnswersPagesThatItCouldNotFinishAndFailsWithinTheFunctionsTimeout() throws Exception {
        AWS.stubFor(query("DescribeSecurityGroupRules").willReturn(aResponse().withFixedDelay(HANGS_MILLIS)));
        FakeContext eightSeconds = new FakeContext("snapback-security-groups", "r", "111122223333", 8_000);

        long start = System.nanoTime();
        assertThatThrownBy(() -> handler(environment()).handleRequest(new ByteArrayInputStream(TestEvents.bytes(TestEvents.SG_WORLD_SSH)),
                new ByteArrayOutputStream(), eightSeconds))
                .isInstanceOf(CouldNotFinishException.class).hasMessageContaining(EVENT_ID).hasMessageContaining("out of time");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("the invocation ends before the function's timeout").isLessThan(Duration.ofSeconds(8));
        Map<String, String> page = form(call("Publish"));
        assertThat(page.get("Subject")).startsWith("[HIGH] Snapback could not finish security-group-opened in 111122223333/eu-west-1");
        assertThat(AwsStub.messageAttributes(page)).containsEntry("outcome", "could-not-finish");
        assertThat(JSON.readTree(page.get("Message")).get("default").asText()).contains(EVENT_ID,
                "What Snapback did before: nothing was changed", "the invocation fails, so Lambda retries the event");
        assertThat(calls()).extracting(AwsStub::operation).doesNotContain("RevokeSecurityGroupIngress");
        JsonNode item = AWS.table().item(EVENT_ID, "security-group-opened");
        assertThat(item.at("/status/S").asText()).as("the retry claims it again").isEqualTo("FAILED");
        assertThat(item.at("/error/S").asText()).startsWith("out of time");
        assertThat(metrics.total("OutOfTime", "security-group-opened")).isEqualTo(1.0);
    }

    @Test
    void whenTheAlertTopicHangsTooTheInvocationStillFailsWithinTheFunctionsTimeout() throws Exception {
        AWS.stubFor(query("DescribeSecurityGroupRules").willReturn(aResponse().withFixedDelay(HANGS_MILLIS)));
        AWS.stubFor(query("Publish").willReturn(aResponse().withFixedDelay(HANGS_MILLIS)));
        FakeContext eightSeconds = new FakeContext("snapback-security-groups", "r", "111122223333", 8_000);

        long start = System.nanoTime();
        assertThatThrownBy(() -> handler(environment()).handleRequest(new ByteArrayInputStream(TestEvents.bytes(TestEvents.SG_WORLD_SSH)),
                new ByteArrayOutputStream(), eightSeconds))
                .isInstanceOf(CouldNotFinishException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).as("the page that could not be sent").isNotEmpty());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThat(AWS.table().item(EVENT_ID, "security-group-opened").at("/status/S").asText()).isEqualTo("FAILED");
    }

    @Test
    void aLateEventSaysHowOldItWas() throws Exception {
        stubRevoke();
        Clock threeHoursLater = Clock.offset(CLOCK, Duration.ofHours(3));

        invoke(new SecurityGroupHandler(Wiring.wire(Family.SECURITY_GROUPS, environment(), AWS.clients(), metrics,
                threeHoursLater)), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(JSON.readTree(form(call("Publish")).get("Message")).get("default").asText())
                .contains("When Snapback acted: 3 h after the call, late (more than 15 min)");
        assertThat(AWS.table().item(EVENT_ID, "security-group-opened").at("/eventAgeSeconds/N").asLong()).isEqualTo(10_808);
    }

    @Test
    void whenEvenTheAuditWriteFailsThePagingErrorStillSurfacesWithTheAuditErrorAttached() throws Exception {
        stubRevoke();
        AWS.stubFor(query("Publish").willReturn(AwsStub.queryError(403, "AuthorizationError", "Not authorized to publish.")));
        AWS.stubFor(target("DynamoDB_20120810.UpdateItem").withRequestBody(containing("completedAt")).willReturn(json(400,
                "application/x-amz-json-1.0", "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"table gone\"}")));

        assertThatThrownBy(() -> invoke(handler(environment()), TestEvents.bytes(TestEvents.SG_WORLD_SSH)))
                .isInstanceOf(AuthorizationErrorException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString().contains("table gone"));
    }

    @Test
    void anInvalidOverrideIsCountedAndTheDeployedModesStay() throws Exception {
        stubRevoke();
        Map<String, String> environment = withModesParameter("{\"security-group-opened\":\"panic\"}");

        invoke(handler(environment), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(calls()).extracting(AwsStub::operation)
                .containsExactly("GetParameter", "UpdateItem", "DescribeSecurityGroupRules", "RevokeSecurityGroupIngress",
                        "UpdateItem", "Publish", "UpdateItem");
        assertThat(metrics.total("InvalidModeOverrides", null)).isEqualTo(1.0);
    }

    @Test
    void anUnreadableOverrideParameterNeverStopsSnapback() throws Exception {
        stubRevoke();
        AWS.stubFor(target("AmazonSSM.GetParameter").willReturn(json(400, "application/x-amz-json-1.1",
                "{\"__type\":\"ParameterNotFound\",\"message\":\"Parameter /snapback/modes not found.\"}")));
        Map<String, String> environment = environment();
        environment.put("SNAPBACK_MODES_PARAMETER", "/snapback/modes");

        JsonNode summary = invoke(handler(environment), TestEvents.bytes(TestEvents.SG_WORLD_SSH));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(metrics.total("InvalidModeOverrides", null)).isEqualTo(1.0);
    }

    private SecurityGroupHandler handler(Map<String, String> environment) {
        return new SecurityGroupHandler(Wiring.wire(Family.SECURITY_GROUPS, environment, AWS.clients(), metrics, CLOCK));
    }

    private static JsonNode invoke(SecurityGroupHandler handler, byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new FakeContext("snapback-security-groups", "req-1"));
        return JSON.readTree(out.toByteArray());
    }

    static Map<String, String> environment() throws IOException {
        Map<String, String> environment = new HashMap<>();
        environment.put("SNAPBACK_CONFIG", Files.readString(Fixtures.root().resolve("examples/snapback-config.json")));
        environment.put("SNAPBACK_AUDIT_TABLE", TABLE);
        environment.put("SNAPBACK_ALERT_TOPIC_ARN", TOPIC);
        return environment;
    }

    /** The environment with a mode-override parameter, and SSM answering it with {@code value}. */
    private static Map<String, String> withModesParameter(String value) throws IOException {
        AWS.stubFor(target("AmazonSSM.GetParameter").willReturn(ModeOverridesTest.parameter("/snapback/modes", value)));
        Map<String, String> environment = environment();
        environment.put("SNAPBACK_MODES_PARAMETER", "/snapback/modes");
        return environment;
    }

    private static String withMode(String mode) throws IOException {
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(environment().get("SNAPBACK_CONFIG"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("modes")).put("security-group-opened", mode);
        return config.toString();
    }

    /** The item another invocation left when it claimed the event at {@code claimedAt}. */
    private static ObjectNode claimedItem(Instant claimedAt) {
        ObjectNode item = JSON.createObjectNode();
        item.putObject("eventId").put("S", EVENT_ID);
        item.putObject("detectorId").put("S", "security-group-opened");
        item.putObject("status").put("S", "CLAIMED");
        item.putObject("claimToken").put("S", "other");
        item.putObject("claimedAt").put("N", Long.toString(claimedAt.toEpochMilli()));
        item.putObject("attempts").put("N", "1");
        return item;
    }

    private static void stubRevoke() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, revokeResponse())));
    }

    static String publishResponse() {
        return "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>"
                + "<ResponseMetadata><RequestId>f187a3c1</RequestId></ResponseMetadata></PublishResponse>";
    }

    static String revokeResponse() {
        return "<RevokeSecurityGroupIngressResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>59dbff89-35bd-4eac-99ed-be587example</requestId><return>true</return>"
                + "<revokedSecurityGroupRuleSet><item><securityGroupRuleId>" + RULE + "</securityGroupRuleId>"
                + "<groupId>" + GROUP + "</groupId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol>"
                + "<fromPort>22</fromPort><toPort>22</toPort><cidrIpv4>0.0.0.0/0</cidrIpv4></item></revokedSecurityGroupRuleSet>"
                + "</RevokeSecurityGroupIngressResponse>";
    }

    private static List<LoggedRequest> calls() {
        return AWS.findAll(anyRequestedFor(anyUrl()));
    }

    private static LoggedRequest call(String operation) {
        List<LoggedRequest> matching = calls().stream().filter(r -> AwsStub.operation(r).equals(operation)).toList();
        assertThat(matching).as("one %s call", operation).hasSize(1);
        return matching.getFirst();
    }
}
