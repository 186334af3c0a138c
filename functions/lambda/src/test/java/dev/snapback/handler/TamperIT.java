package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.detect.OwnRules;
import dev.snapback.model.Family;
import dev.snapback.model.OwnNames;
import dev.snapback.testing.CloudWatchCborBridge;
import dev.snapback.testing.Emulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * {@code snapback-tampered} end to end: the real guard handler against the AWS API emulator. Each test deploys a piece
 * of Snapback's control plane on the emulator as the stack would, tampers with it as an intruder would, hands the
 * guard the real-shaped CloudTrail event, and reads the emulator afterwards: what can be put back is put back, the
 * page names who and from where, and goes out on the channel the change did not touch. The same calls on resources
 * that are not Snapback's, or made by the deployment, change nothing and page nobody. A lowered mode is never silent.
 *
 * <p>The SDK speaks Smithy RPC v2 CBOR to CloudWatch, which moto 5.2.2 does not (getmoto/moto#9195): the alarm test
 * goes through a {@link CloudWatchCborBridge} that translates it to the JSON protocol moto speaks.
 */
class TamperIT {

    private static final String HOME = "us-east-1";
    private static final String GUARD_ROLE = "snapback-guard";
    private static final String SG_RULE = "Snapback-security-group-opened-ec2";
    private static final String TRAIL_RULE = "Snapback-trail-tampered-cloudtrail";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Emulator aws;
    private String table;
    private String alerts;
    private String breakGlass;
    private String alertKey;
    private String breakGlassKey;

    @BeforeEach
    void start() {
        aws = Emulator.start(HOME);
        table = aws.auditTable();
        alerts = aws.clients().sns().createTopic(r -> r.name(OwnNames.ALERT_TOPIC)).topicArn();
        breakGlass = aws.clients().sns().createTopic(r -> r.name(OwnNames.BREAK_GLASS_TOPIC)).topicArn();
        KmsClient kms = aws.clients().kms(HOME);
        alertKey = kms.createKey(r -> r.description("Snapback alerts")).keyMetadata().arn();
        breakGlassKey = kms.createKey(r -> r.description("Snapback break-glass")).keyMetadata().arn();
    }

    @Test
    void aDisabledRuleIsEnabledAgainAndThePageSaysWhoAndFromWhere() {
        EventBridgeClient events = deployRule(SG_RULE);
        events.disableRule(r -> r.name(SG_RULE));

        JsonNode summary = guard().invoke(event("finding/DisableRule-security-group-rule.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(events.describeRule(r -> r.name(SG_RULE)).state()).isEqualTo(RuleState.ENABLED);
        assertThat(aws.published(alerts)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ");
            assertThat(page.text()).contains("ops-admin (session mallory)", "198.51.100.23", "enabled " + SG_RULE);
        });
        assertThat(aws.published(breakGlass)).as("a rule is not the alert path").isEmpty();
    }

    @Test
    void aReplacedPatternAndARedirectedTargetArePutBackAsDeployed() throws Exception {
        EventBridgeClient events = deployRule(TRAIL_RULE);
        String narrowed = "{\"source\":[\"aws.ec2\"],\"detail-type\":[\"AWS API Call via CloudTrail\"],"
                + "\"detail\":{\"eventName\":[\"DescribeInstances\"]}}";
        events.putRule(r -> r.name(TRAIL_RULE).eventPattern(narrowed).state(RuleState.ENABLED));
        String collector = "arn:aws:lambda:us-east-1:444455556666:function:collector";
        events.putTargets(r -> r.rule(TRAIL_RULE).targets(Target.builder().id(OwnNames.RULE_TARGET_ID).arn(collector).build(),
                Target.builder().id("copy").arn(collector).build()));

        JsonNode summary = guard().invoke(event("finding/PutTargets-redirected.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(JSON.readTree(events.describeRule(r -> r.name(TRAIL_RULE)).eventPattern()))
                .isEqualTo(JSON.readTree(deployedPattern(TRAIL_RULE)));
        assertThat(events.listTargetsByRule(r -> r.rule(TRAIL_RULE)).targets()).singleElement().satisfies(target -> {
            assertThat(target.id()).isEqualTo(OwnNames.RULE_TARGET_ID);
            assertThat(target.arn()).isEqualTo(alias(Family.TRAILS));
            assertThat(target.deadLetterConfig().arn()).isEqualTo(deadLetters());
            assertThat(target.retryPolicy().maximumRetryAttempts()).isEqualTo(OwnNames.RULE_RETRY_ATTEMPTS);
        });
        assertThat(aws.published(alerts)).singleElement()
                .satisfies(page -> assertThat(page.text()).contains("put back the deployed pattern", "removed the targets"));
    }

    @Test
    void aDeletedRuleIsCreatedAgainWithItsTarget() {
        EventBridgeClient events = aws.clients().eventBridge(HOME);

        guard().invoke(event("finding/DeleteRule-guard-rule.json", detail -> { }));

        String name = "Snapback-snapback-tampered-events";
        assertThat(events.describeRule(r -> r.name(name)).state()).isEqualTo(RuleState.ENABLED);
        assertThat(events.listTargetsByRule(r -> r.rule(name)).targets()).extracting(Target::arn).containsExactly(alias(Family.GUARD));
    }

    @Test
    void alarmActionsAreTurnedBackOnForSnapbacksAlarmOnly() throws Exception {
        try (CloudWatchCborBridge bridge = new CloudWatchCborBridge(aws.endpoint())) {
            Emulator bridged = aws.throughCloudWatchBridge(bridge);
            CloudWatchClient cloudWatch = bridged.clients().cloudWatch(HOME);
            for (String name : List.of("Snapback-guard-errors", "billing-alarm")) {
                cloudWatch.putMetricAlarm(r -> r.alarmName(name).namespace("AWS/Lambda").metricName("Errors")
                        .statistic(Statistic.SUM).period(300).evaluationPeriods(1).threshold(1.0)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD).alarmActions(alerts));
            }
            cloudWatch.disableAlarmActions(r -> r.alarmNames("Snapback-guard-errors", "billing-alarm"));

            JsonNode summary = bridged.handler(Family.GUARD, environment(config("")))
                    .invoke(event("finding/DisableAlarmActions-errors-and-unrelated.json", detail -> { }));

            assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
            assertThat(summary.at("/results").size()).as("one finding: billing-alarm is not Snapback's").isEqualTo(1);
            assertThat(cloudWatch.describeAlarms(r -> r.alarmNames("Snapback-guard-errors", "billing-alarm")).metricAlarms())
                    .extracting(MetricAlarm::alarmName, MetricAlarm::actionsEnabled)
                    .containsExactlyInAnyOrder(tuple("Snapback-guard-errors", true), tuple("billing-alarm", false));
            assertThat(aws.published(alerts)).singleElement().satisfies(page -> {
                assertThat(page.subject()).startsWith("[CRITICAL] ").contains("Snapback-guard-errors");
                assertThat(page.text()).contains("ops-admin (session mallory)", "enabled the actions of alarm Snapback-guard-errors");
            });
        }
    }

    @Test
    void aZeroConcurrencyReservationIsRemoved() {
        LambdaClient lambda = aws.clients().lambda(HOME);
        function(lambda, OwnNames.function(Family.MFA));
        lambda.putFunctionConcurrency(r -> r.functionName(OwnNames.function(Family.MFA)).reservedConcurrentExecutions(0));

        JsonNode summary = guard().invoke(event("finding/PutFunctionConcurrency20171031-zero.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName(OwnNames.function(Family.MFA))).reservedConcurrentExecutions())
                .isNull();
    }

    @Test
    void anAlertKeyScheduledForDeletionIsCancelledAndEnabledAndPagedOnBothChannels() {
        KmsClient kms = aws.clients().kms(HOME);
        kms.scheduleKeyDeletion(r -> r.keyId(alertKey).pendingWindowInDays(7));

        JsonNode summary = guard().invoke(event("finding/ScheduleKeyDeletion-alert-key.json", detail -> onKey(detail, alertKey)));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(kms.describeKey(r -> r.keyId(alertKey)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(aws.published(breakGlass)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ");
            assertThat(page.text()).contains("cancelled the deletion of " + alertKey, "enabled " + alertKey);
        });
        assertThat(aws.published(alerts)).hasSize(1);
    }

    @Test
    void aDeletedAlertTopicIsPagedThroughTheBreakGlassTopic() {
        aws.clients().sns().deleteTopic(r -> r.topicArn(alerts));

        JsonNode summary = guard().invoke(event("finding/DeleteTopic-alerts.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(aws.published(breakGlass)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ");
            assertThat(page.text()).contains("ops-admin (session mallory)", "deploy Snapback again");
        });
    }

    @Test
    void theSameCallsOnResourcesThatAreNotSnapbacksChangeNothing() {
        EventBridgeClient events = aws.clients().eventBridge(HOME);
        events.putRule(r -> r.name("nightly-report").scheduleExpression("rate(1 day)"));
        events.disableRule(r -> r.name("nightly-report"));
        KmsClient kms = aws.clients().kms(HOME);
        String other = kms.createKey(r -> r.description("orders")).keyMetadata().arn();
        kms.disableKey(r -> r.keyId(other));

        JsonNode rule = guard().invoke(event("ignored-by-detector/DisableRule-other-rule.json", detail -> { }));
        JsonNode key = guard().invoke(event("ignored-by-detector/DisableKey-other-key.json", detail -> onKey(detail, other)));

        assertThat(rule.at("/results/0/outcome").asText()).isEqualTo("ignored");
        assertThat(key.at("/results/0/outcome").asText()).isEqualTo("ignored");
        assertThat(events.describeRule(r -> r.name("nightly-report")).state()).isEqualTo(RuleState.DISABLED);
        assertThat(kms.describeKey(r -> r.keyId(other)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
        assertThat(aws.published(alerts)).isEmpty();
        assertThat(aws.published(breakGlass)).isEmpty();
    }

    @Test
    void theDeploymentChangingSnapbackIsAuditedAndLeftAlone() {
        EventBridgeClient events = deployRule(SG_RULE);
        String narrowed = "{\"source\":[\"aws.ec2\"],\"detail-type\":[\"AWS API Call via CloudTrail\"]}";
        events.putRule(r -> r.name(SG_RULE).eventPattern(narrowed).state(RuleState.ENABLED));
        ObjectNode event = event("finding/PutRule-deployment-role.json", detail -> { });

        JsonNode summary = guard().invoke(event);

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("exempted");
        assertThat(events.describeRule(r -> r.name(SG_RULE)).eventPattern()).isEqualTo(narrowed);
        assertThat(aws.published(alerts)).isEmpty();
        Map<String, AttributeValue> audited = aws.auditItem(table, event.at("/detail/eventID").asText(), "snapback-tampered");
        assertThat(audited.get("status").s()).isEqualTo("DONE");
        assertThat(audited.get("outcome").s()).isEqualTo("exempted");
    }

    @Test
    void aModeOverrideOfOffThatCannotBePagedFailsTheInvocationAndDecidesNothing() {
        EventBridgeClient events = deployRule(SG_RULE);
        events.disableRule(r -> r.name(SG_RULE));
        aws.clients().ssm().putParameter(r -> r.name(OwnNames.MODES_PARAMETER).type("String").value("{\"snapback-tampered\":\"off\"}"));
        Map<String, String> environment = environment(config(""));
        environment.put("SNAPBACK_MODES_PARAMETER", OwnNames.MODES_PARAMETER);
        environment.put("SNAPBACK_ALERT_TOPIC_ARN", alerts + "-gone");
        environment.put("SNAPBACK_BREAK_GLASS_TOPIC_ARN", breakGlass + "-gone");
        ObjectNode event = event("finding/DisableRule-security-group-rule.json", detail -> { });

        assertThatThrownBy(() -> aws.handler(Family.GUARD, environment).invoke(event))
                .isInstanceOf(LoweringNotPagedException.class).hasMessageContaining("snapback-tampered remediate -> off");
        assertThat(aws.auditItem(table, event.at("/detail/eventID").asText(), "snapback-tampered")).isEmpty();

        // The guard falls back to its second channel when the first is gone.
        environment.put("SNAPBACK_BREAK_GLASS_TOPIC_ARN", breakGlass);
        JsonNode retried = aws.handler(Family.GUARD, environment).invoke(event);

        assertThat(retried.at("/results/0/outcome").asText()).isEqualTo("off");
        assertThat(aws.published(breakGlass)).singleElement().satisfies(page -> assertThat(page.subject())
                .isEqualTo("[HIGH] Snapback mode lowered in " + Emulator.ACCOUNT + ": snapback-tampered remediate -> off"));
    }

    @Test
    void aDeploymentBelowTheDefaultModesPagesOncePerVersionAcrossContainers() {
        deployRule(SG_RULE);
        Map<String, String> environment = environment(config(", \"modes\": {\"snapback-tampered\": \"dry-run\"}"));
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "7");

        aws.handler(Family.GUARD, environment).invoke(event("finding/DisableRule-security-group-rule.json", detail -> { }));
        aws.handler(Family.GUARD, environment).invoke(event("finding/DisableRule-security-group-rule.json", detail -> { }));

        assertThat(aws.published(alerts)).filteredOn(page -> page.subject().contains("mode lowered")).singleElement()
                .satisfies(page -> assertThat(page.text()).contains("function version 7"));
    }

    private Emulator.Invoker guard() {
        return aws.handler(Family.GUARD, environment(config("")));
    }

    private Map<String, String> environment(String config) {
        Map<String, String> environment = new HashMap<>();
        environment.put("SNAPBACK_AUDIT_TABLE", table);
        environment.put("SNAPBACK_ALERT_TOPIC_ARN", alerts);
        environment.put("SNAPBACK_BREAK_GLASS_TOPIC_ARN", breakGlass);
        environment.put("SNAPBACK_CONFIG", config);
        return environment;
    }

    /** The configuration the stack would give the guard, plus {@code more} JSON members. */
    private String config(String more) {
        return "{\"snapbackRoleArns\": [\"arn:aws:iam::" + Emulator.ACCOUNT + ":role/" + GUARD_ROLE + "\"],"
                + " \"deploymentRoleArns\": [\"arn:aws:iam::" + Emulator.ACCOUNT + ":role/snapback-deployer\"],"
                + " \"snapbackHomeRegion\": \"" + HOME + "\", \"snapbackRegions\": [\"" + HOME + "\", \"eu-west-1\"],"
                + " \"snapbackKeyArns\": [\"" + alertKey + "\", \"" + breakGlassKey + "\"]" + more + "}";
    }

    private static ObjectNode event(String fixture, Consumer<ObjectNode> edit) {
        return Emulator.event("snapback-tampered/" + fixture, edit);
    }

    /** Points a KMS event at a key the emulator made (its id is the emulator's, not the fixture's). */
    private static void onKey(ObjectNode detail, String keyArn) {
        ((ObjectNode) detail.get("requestParameters")).put("keyId", keyArn);
        detail.putArray("resources").addObject().put("accountId", Emulator.ACCOUNT).put("type", "AWS::KMS::Key").put("ARN", keyArn);
    }

    /** A rule as the home stack deploys it: the detector's pattern, the family's alias, retries and dead letters. */
    private EventBridgeClient deployRule(String name) {
        EventBridgeClient events = aws.clients().eventBridge(HOME);
        OwnRules.OwnRule rule = OwnRules.named(name).orElseThrow();
        events.putRule(r -> r.name(name).eventPattern(deployedPattern(name)).state(RuleState.ENABLED));
        events.putTargets(r -> r.rule(name).targets(Target.builder().id(OwnNames.RULE_TARGET_ID).arn(alias(rule.spec().family()))
                .deadLetterConfig(d -> d.arn(deadLetters()))
                .retryPolicy(p -> p.maximumRetryAttempts(OwnNames.RULE_RETRY_ATTEMPTS)
                        .maximumEventAgeInSeconds(OwnNames.RULE_MAX_EVENT_AGE_SECONDS)).build()));
        return events;
    }

    private static String deployedPattern(String name) {
        return OwnRules.named(name).orElseThrow().pattern().toJson();
    }

    private static String alias(Family family) {
        return "arn:aws:lambda:" + HOME + ":" + Emulator.ACCOUNT + ":function:" + OwnNames.function(family) + ":" + OwnNames.ALIAS;
    }

    private static String deadLetters() {
        return "arn:aws:sqs:" + HOME + ":" + Emulator.ACCOUNT + ":" + OwnNames.DEAD_LETTER_QUEUE;
    }

    /** A function the emulator keeps (it never runs it), with the role Lambda requires. */
    private void function(LambdaClient lambda, String name) {
        String role = aws.clients().iam().createRole(r -> r.roleName(aws.name("fn")).assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                        + "\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}")).role().arn();
        lambda.createFunction(r -> r.functionName(name).runtime(Runtime.PYTHON3_12).role(role).handler("index.handler")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip()))));
    }

    private static byte[] zip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("index.py"));
            zip.write("def handler(event, context):\n    return None\n".getBytes());
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
