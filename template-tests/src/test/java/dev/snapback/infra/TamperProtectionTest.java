package dev.snapback.infra;

import static dev.snapback.infra.SynthesizedApp.items;
import static dev.snapback.infra.SynthesizedApp.resources;
import static dev.snapback.infra.SynthesizedApp.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.detect.EventPattern;
import dev.snapback.detect.SnapbackTamperedDetector;
import dev.snapback.model.Family;
import dev.snapback.model.OwnNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What keeps Snapback from being silenced unnoticed, in the synthesized templates: the heartbeat alarm and its
 * canary, a second alert channel with its own key, alert keys that grant only who needs them, the guard's grants
 * scoped to Snapback's own resources, the names {@code snapback-tampered} knows them by, and its rules in every
 * watched region.
 */
class TamperProtectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a key's users do with it; the account's own statement must not include these. */
    private static final Set<String> KEY_USE = Set.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey",
            "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:*");

    private static SynthesizedApp app;
    private static JsonNode home;

    @BeforeAll
    static void synth() {
        app = SynthesizedApp.get();
        home = app.json("Snapback");
    }

    @Test
    void theHeartbeatAlarmPagesBothChannelsWhenNoFunctionRanForADay() {
        JsonNode alarm = alarm(OwnNames.HEARTBEAT_ALARM);
        assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("LessThanThreshold");
        assertThat(alarm.get("Threshold").asInt()).isEqualTo(1);
        assertThat(alarm.get("EvaluationPeriods").asInt()).isEqualTo(24);
        assertThat(alarm.get("DatapointsToAlarm").asInt()).isEqualTo(24);
        assertThat(alarm.get("TreatMissingData").asText()).as("no data is no event").isEqualTo("breaching");
        assertThat(alarm.get("AlarmActions")).containsExactlyInAnyOrder(ref(topic(OwnNames.ALERT_TOPIC)),
                ref(topic(OwnNames.BREAK_GLASS_TOPIC)));

        List<String> summed = new ArrayList<>();
        String expression = null;
        for (JsonNode query : alarm.get("Metrics")) {
            if (query.has("Expression")) {
                expression = query.get("Expression").asText();
                continue;
            }
            JsonNode metric = query.at("/MetricStat/Metric");
            assertThat(metric.get("Namespace").asText()).isEqualTo("AWS/Lambda");
            assertThat(metric.get("MetricName").asText()).isEqualTo("Invocations");
            assertThat(query.at("/MetricStat/Period").asInt()).isEqualTo(3600);
            summed.add(metric.at("/Dimensions/0/Value/Ref").asText());
        }
        assertThat(summed).containsExactlyInAnyOrderElementsOf(resources(home, "AWS::Lambda::Function").keySet());
        assertThat(expression).contains("FILL(").contains(" + ");
    }

    @Test
    void theCanaryMakesTwoRecordedCallsHourlyWithARoleThatMayDoNothingElse() throws Exception {
        Map<String, JsonNode> schedules = new HashMap<>();
        for (JsonNode schedule : resources(home, "AWS::Scheduler::Schedule").values()) {
            JsonNode props = schedule.get("Properties");
            assertThat(props.get("ScheduleExpression").asText()).isEqualTo("rate(1 hour)");
            String arn = props.at("/Target/Arn").toString();
            schedules.put(arn.substring(arn.indexOf(":aws-sdk:") + ":aws-sdk:".length(), arn.lastIndexOf('"')), props);
        }
        assertThat(schedules).containsOnlyKeys("ssm:putParameter", "eventbridge:putRule");
        assertThat(JSON.readTree(schedules.get("ssm:putParameter").at("/Target/Input").asText()).get("Name").asText())
                .isEqualTo(OwnNames.HEARTBEAT_PARAMETER);
        JsonNode putRule = JSON.readTree(schedules.get("eventbridge:putRule").at("/Target/Input").asText());
        assertThat(putRule.get("Name").asText()).isEqualTo(OwnNames.HEARTBEAT_RULE);
        assertThat(putRule.get("State").asText()).as("the heartbeat rule never matches anything").isEqualTo("DISABLED");
        assertThat(putRule.has("Targets")).isFalse();

        String roleId = schedules.get("ssm:putParameter").at("/Target/RoleArn/Fn::GetAtt/0").asText();
        assertThat(schedules.get("eventbridge:putRule").at("/Target/RoleArn/Fn::GetAtt/0").asText()).isEqualTo(roleId);
        JsonNode role = home.at("/Resources/" + roleId + "/Properties");
        assertThat(role.get("RoleName").asText()).isEqualTo(OwnNames.CANARY_ROLE);
        assertThat(role.at("/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText()).isEqualTo("scheduler.amazonaws.com");
        assertThat(role.at("/AssumeRolePolicyDocument/Statement/0/Condition/StringEquals/aws:SourceAccount").isMissingNode()).isFalse();
        assertThat(role.at("/AssumeRolePolicyDocument/Statement/0/Condition/StringEquals/aws:SourceArn").asText())
                .isEqualTo("arn:aws:scheduler:" + SynthesizedApp.HOME + ":" + SynthesizedApp.ACCOUNT + ":schedule-group/default");
        assertThat(statements(roleId)).extracting(s -> s.get("Action").asText() + " " + s.get("Resource"))
                .containsExactlyInAnyOrder("ssm:PutParameter " + resourceArn(heartbeatParameter()),
                        "events:PutRule \"arn:aws:events:" + SynthesizedApp.HOME + ":" + SynthesizedApp.ACCOUNT + ":rule/"
                                + OwnNames.HEARTBEAT_RULE + "\"");
    }

    @Test
    void aSecondAlarmPagesWhenTheRuleThatWatchesEventBridgeStopsMatchingTheCanary() {
        JsonNode alarm = alarm(OwnNames.RULE_HEARTBEAT_ALARM);
        assertThat(alarm.get("Namespace").asText()).isEqualTo("AWS/Events");
        assertThat(alarm.get("MetricName").asText()).isEqualTo("MatchedEvents");
        assertThat(alarm.at("/Dimensions/0/Value").asText()).isEqualTo("Snapback-snapback-tampered-events");
        assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("LessThanThreshold");
        assertThat(alarm.get("EvaluationPeriods").asInt()).isEqualTo(24);
        assertThat(alarm.get("TreatMissingData").asText()).as("a disabled rule reports nothing").isEqualTo("breaching");
        assertThat(alarm.get("AlarmActions")).containsExactlyInAnyOrder(ref(topic(OwnNames.ALERT_TOPIC)),
                ref(topic(OwnNames.BREAK_GLASS_TOPIC)));
    }

    @Test
    void theBreakGlassTopicHasItsOwnKeyAndSubscribers() {
        String alerts = topic(OwnNames.ALERT_TOPIC);
        String breakGlass = topic(OwnNames.BREAK_GLASS_TOPIC);
        assertThat(SynthesizedApp.topicKeyId(home, OwnNames.BREAK_GLASS_TOPIC))
                .isNotEqualTo(SynthesizedApp.topicKeyId(home, OwnNames.ALERT_TOPIC));
        Map<String, List<String>> endpoints = new HashMap<>();
        resources(home, "AWS::SNS::Subscription").values().forEach(s -> endpoints
                .computeIfAbsent(s.at("/Properties/TopicArn/Ref").asText(), t -> new ArrayList<>())
                .add(s.at("/Properties/Endpoint").asText()));
        assertThat(endpoints.get(breakGlass)).containsExactlyElementsOf(SynthesizedApp.BREAK_GLASS_EMAILS);
        assertThat(endpoints.get(alerts)).containsExactlyInAnyOrderElementsOf(SynthesizedApp.EMAILS);
    }

    @Test
    void alertKeysLetOnlyCloudWatchAndThePublishingRolesUseThem() {
        Set<String> allRoles = new TreeSet<>();
        for (Family family : Family.values()) allRoles.add(roleId(family));
        Map<String, Set<String>> publishers = Map.of(OwnNames.ALERT_TOPIC, allRoles,
                OwnNames.BREAK_GLASS_TOPIC, Set.of(roleId(Family.GUARD)));
        publishers.forEach((topic, roles) -> {
            JsonNode policy = home.at("/Resources/" + SynthesizedApp.topicKeyId(home, topic) + "/Properties/KeyPolicy/Statement");
            Set<String> users = new TreeSet<>();
            for (JsonNode statement : policy) {
                List<String> actions = texts(statement.get("Action"));
                JsonNode principal = statement.get("Principal");
                if (principal.has("Service")) {
                    assertThat(principal.get("Service").asText()).isEqualTo("cloudwatch.amazonaws.com");
                    assertThat(statement.at("/Condition/StringEquals/aws:SourceAccount").isMissingNode()).isFalse();
                } else if (principal.at("/AWS/Fn::GetAtt/0").isTextual()) {
                    assertThat(actions).containsExactlyInAnyOrderElementsOf(Alerting.KEY_ACTIONS);
                    users.add(principal.at("/AWS/Fn::GetAtt/0").asText());
                } else {
                    // The account administers the key (through IAM), and cannot use it that way.
                    assertThat(principal.toString()).contains(":root");
                    assertThat(actions).as("%s: the account's statement", topic).doesNotContainAnyElementsOf(KEY_USE);
                }
            }
            assertThat(users).as(topic).isEqualTo(roles);
        });
    }

    @Test
    void theGuardsTamperGrantsNameOnlySnapbacksOwnResources() {
        Set<String> tamperActions = new TreeSet<>(SnapbackTamperedDetector.SPEC.actions());
        List<JsonNode> granting = statements(roleId(Family.GUARD)).stream()
                .filter(s -> texts(s.get("Action")).stream().anyMatch(tamperActions::contains)).toList();
        assertThat(granting).isNotEmpty();
        for (JsonNode statement : granting) {
            for (JsonNode resource : items(statement.get("Resource"))) {
                String text = resource.toString();
                assertThat(text).as("never every resource").isNotEqualTo("\"*\"").doesNotContain("\"Fn::Sub\":\"*\"");
                boolean alertKey = resource.at("/Fn::GetAtt/0").isTextual()
                        && Set.of(SynthesizedApp.topicKeyId(home, OwnNames.ALERT_TOPIC),
                        SynthesizedApp.topicKeyId(home, OwnNames.BREAK_GLASS_TOPIC)).contains(resource.at("/Fn::GetAtt/0").asText());
                assertThat(alertKey || text.contains(OwnNames.PREFIX)).as(text).isTrue();
            }
        }
    }

    @Test
    void everyResourceCarriesTheNameSnapbackTamperedKnowsItBy() {
        for (Family family : Family.values()) {
            assertThat(SynthesizedApp.function(home, family).at("/Properties/FunctionName").asText())
                    .isEqualTo(OwnNames.function(family));
        }
        assertThat(resources(home, "AWS::CloudWatch::Alarm").values())
                .extracting(alarm -> alarm.at("/Properties/AlarmName").asText())
                .containsExactlyInAnyOrderElementsOf(OwnNames.alarms());
        assertThat(resources(home, "AWS::SQS::Queue").values()).extracting(q -> q.at("/Properties/QueueName").asText())
                .containsExactly(OwnNames.DEAD_LETTER_QUEUE);
        Set<String> ruleNames = new TreeSet<>();
        resources(home, "AWS::Events::Rule").values().forEach(rule -> ruleNames.add(rule.at("/Properties/Name").asText()));
        assertThat(ruleNames).containsExactlyInAnyOrderElementsOf(DeclaredRule.all().stream().map(DeclaredRule::name).toList());
        for (String region : app.settings.forwardingRegions()) {
            JsonNode forwarding = app.json(SynthesizedApp.forwardingStackName(region));
            assertThat(resources(forwarding, "AWS::IAM::Role").values()).extracting(r -> r.at("/Properties/RoleName").asText())
                    .containsExactly(OwnNames.forwardRole(region));
            assertThat(resources(forwarding, "AWS::SNS::Topic").values()).extracting(t -> t.at("/Properties/TopicName").asText())
                    .containsExactly(OwnNames.ALERT_TOPIC);
        }
    }

    @Test
    void theTamperRulesWatchEveryRegionWithAStack() {
        List<String> services = SnapbackTamperedDetector.SPEC.patterns().stream().map(EventPattern::eventBridgeSource).toList();
        assertThat(sources(home)).containsAll(services);
        for (String region : app.settings.forwardingRegions()) {
            assertThat(sources(app.json(SynthesizedApp.forwardingStackName(region)))).as(region).containsAll(services);
        }
    }

    /** The sources of the snapback-tampered rules in a stack. */
    private static List<String> sources(JsonNode template) {
        return resources(template, "AWS::Events::Rule").values().stream()
                .filter(rule -> rule.at("/Properties/Name").asText().startsWith(OwnNames.PREFIX + SnapbackTamperedDetector.SPEC.id()))
                .map(rule -> rule.at("/Properties/EventPattern/source/0").asText()).toList();
    }

    private static String heartbeatParameter() {
        return resources(home, "AWS::SSM::Parameter").entrySet().stream()
                .filter(e -> e.getValue().at("/Properties/Name").asText().equals(OwnNames.HEARTBEAT_PARAMETER))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** How CDK writes a parameter's ARN in a policy: the partition, region and account, then the name's Ref. */
    private static String resourceArn(String parameterId) {
        return resources(home, "AWS::IAM::Policy").values().stream()
                .flatMap(policy -> items(policy.at("/Properties/PolicyDocument/Statement")).stream())
                .map(statement -> statement.get("Resource").toString())
                .filter(resource -> resource.contains("\"" + parameterId + "\"")).findFirst().orElseThrow();
    }

    private static JsonNode alarm(String name) {
        return resources(home, "AWS::CloudWatch::Alarm").values().stream().map(a -> a.get("Properties"))
                .filter(p -> p.get("AlarmName").asText().equals(name)).findFirst().orElseThrow();
    }

    private static String topic(String name) {
        return SynthesizedApp.topicId(home, name);
    }

    private static JsonNode ref(String id) {
        return JSON.valueToTree(Map.of("Ref", id));
    }

    private static String roleId(Family family) {
        return SynthesizedApp.roleId(home, family);
    }

    private static List<JsonNode> statements(String roleId) {
        return SynthesizedApp.policyStatements(home, roleId);
    }
}
