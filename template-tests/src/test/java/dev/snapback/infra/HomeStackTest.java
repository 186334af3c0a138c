package dev.snapback.infra;

import static dev.snapback.infra.SynthesizedApp.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.KeySettings;
import dev.snapback.detect.TamperSettings;
import dev.snapback.handler.Handlers;
import dev.snapback.model.Family;
import dev.snapback.model.OwnNames;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Matcher;
import software.amazon.awscdk.assertions.Template;


class HomeStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Template template;
    private static JsonNode json;

    @BeforeAll
    static void synth() {
        SynthesizedApp app = SynthesizedApp.get();
        template = app.template("Snapback");
        json = app.json("Snapback");
    }

    @Test
    void oneJava25FunctionPerFamilyWithItsHandlerAndSnapStart() {
        Map<String, JsonNode> functions = resources(json, "AWS::Lambda::Function");
        assertThat(functions.values()).extracting(f -> f.at("/Properties/Handler").asText())
                .containsExactlyInAnyOrder(Arrays.stream(Family.values()).map(family -> Handlers.of(family).getName()).toArray(String[]::new));
        for (JsonNode function : functions.values()) {
            JsonNode props = function.get("Properties");
            assertThat(props.get("Runtime").asText()).isEqualTo("java25");
            assertThat(props.get("Architectures")).containsExactly(JSON.valueToTree("arm64"));
            assertThat(props.get("MemorySize").asInt()).isEqualTo(SnapbackFunction.MEMORY_MB);
            assertThat(props.get("Timeout").asInt()).isEqualTo(60);
            assertThat(props.at("/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
            assertThat(props.at("/LoggingConfig/LogGroup/Ref").asText()).startsWith(logicalIdPrefix(props));
        }
        template.resourcePropertiesCountIs("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90), Family.values().length);
    }

    @Test
    void everyFunctionDeploysTheFunctionsModulesJar() throws Exception {
        Set<String> keys = new TreeSet<>();
        resources(json, "AWS::Lambda::Function").values()
                .forEach(function -> keys.add(function.at("/Properties/Code/S3Key").asText()));
        assertThat(keys).hasSize(1);
        Path staged = Path.of(SynthesizedApp.get().assembly.getDirectory(), "asset." + keys.iterator().next());
        assertThat(Files.mismatch(staged, SynthesizedApp.FUNCTIONS_JAR)).isEqualTo(-1L);
    }

    @Test
    void everyHandlerIsARequestStreamHandlerInTheDeployedJar() throws Exception {
        try (URLClassLoader jar = new URLClassLoader(new URL[] {SynthesizedApp.FUNCTIONS_JAR.toUri().toURL()}, null)) {
            for (JsonNode function : resources(json, "AWS::Lambda::Function").values()) {
                Class<?> handler = Class.forName(function.at("/Properties/Handler").asText(), false, jar);
                assertThat(Class.forName("com.amazonaws.services.lambda.runtime.RequestStreamHandler", false, jar))
                        .isAssignableFrom(handler);
            }
        }
    }

    @Test
    void functionsGetTheirEnvironment() {
        for (Family family : Family.values()) {
            JsonNode env = function(family).at("/Properties/Environment/Variables");
            List<String> expected = new ArrayList<>(List.of("SNAPBACK_CONFIG", "SNAPBACK_AUDIT_TABLE",
                    "SNAPBACK_ALERT_TOPIC_ARN", "SNAPBACK_MODES_PARAMETER", "POWERTOOLS_SERVICE_NAME",
                    "POWERTOOLS_METRICS_NAMESPACE"));
            // Only the guard pages tampering with the alert path, so only it may publish to the second channel.
            if (family == Family.GUARD) {
                expected.add("SNAPBACK_BREAK_GLASS_TOPIC_ARN");
                assertThat(env.at("/SNAPBACK_BREAK_GLASS_TOPIC_ARN/Ref").asText())
                        .isEqualTo(SynthesizedApp.topicId(json, OwnNames.BREAK_GLASS_TOPIC));
            }
            assertThat(fieldNames(env)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(env.get("POWERTOOLS_SERVICE_NAME").asText()).isEqualTo("snapback-" + family.functionId());
            assertThat(env.get("POWERTOOLS_METRICS_NAMESPACE").asText()).isEqualTo("Snapback");
            assertThat(env.at("/SNAPBACK_AUDIT_TABLE/Ref").asText()).isEqualTo(onlyId("AWS::DynamoDB::Table"));
            assertThat(env.at("/SNAPBACK_ALERT_TOPIC_ARN/Ref").asText()).isEqualTo(SynthesizedApp.topicId(json, OwnNames.ALERT_TOPIC));
            assertThat(env.at("/SNAPBACK_MODES_PARAMETER/Ref").asText()).isEqualTo(parameterId(OwnNames.MODES_PARAMETER));
        }
    }

    @Test
    void configurationIsTheUsersPlusEveryFunctionRoleAndTheDeployedResources() {
        Set<String> roleIds = resources(json, "AWS::IAM::Role").keySet();
        Set<String> keyIds = resources(json, "AWS::KMS::Key").keySet();
        for (Family family : Family.values()) {
            JsonNode join = function(family).at("/Properties/Environment/Variables/SNAPBACK_CONFIG/Fn::Join");
            // What CloudFormation will produce: each role's GetAtt Arn replaced by a made-up ARN named after it.
            StringBuilder resolved = new StringBuilder();
            List<String> referenced = new ArrayList<>();
            for (JsonNode part : join.get(1)) {
                if (part.isTextual()) {
                    resolved.append(part.asText());
                } else {
                    String id = part.at("/Fn::GetAtt/0").asText();
                    assertThat(part.at("/Fn::GetAtt/1").asText()).isEqualTo("Arn");
                    if (keyIds.contains(id)) {
                        resolved.append("arn:aws:kms:eu-west-1:111122223333:key/0000000").append(keyIds.stream().toList().indexOf(id));
                    } else if (id.equals(onlyId("AWS::DynamoDB::Table"))) {
                        resolved.append("arn:aws:dynamodb:eu-west-1:111122223333:table/").append(id);
                    } else {
                        referenced.add(id);
                        resolved.append("arn:aws:iam::111122223333:role/").append(id);
                    }
                }
            }
            assertThat(referenced).containsExactlyInAnyOrderElementsOf(roleIds);
            SnapbackConfig config = SnapbackConfig.fromJson(resolved.toString());
            SnapbackConfig given = SynthesizedApp.get().settings.config();
            assertThat(config.shared().snapbackRoleArns()).containsAll(given.shared().snapbackRoleArns())
                    .hasSize(given.shared().snapbackRoleArns().size() + roleIds.size());
            assertThat(config.settings(KeySettings.class)).isEqualTo(given.settings(KeySettings.class));
            assertThat(config.modes()).isEqualTo(given.modes());
            assertThat(config.shared().exemptResources()).isEqualTo(given.shared().exemptResources());
            // What snapback-tampered knows comes from the deployment, whatever the file said.
            TamperSettings tamper = config.settings(TamperSettings.class);
            assertThat(tamper.snapbackHomeRegion()).isEqualTo(SynthesizedApp.HOME);
            assertThat(tamper.snapbackRegions()).containsExactlyInAnyOrder(SynthesizedApp.HOME, SynthesizedApp.OTHER, "us-east-1");
            assertThat(tamper.snapbackKeyArns()).hasSize(2);
            assertThat(tamper.snapbackTableArns()).singleElement().asString().endsWith(onlyId("AWS::DynamoDB::Table"));
            assertThat(tamper.deploymentRoleArns()).isEqualTo(given.settings(TamperSettings.class).deploymentRoleArns());
        }
    }

    @Test
    void rulesInvokeTheAliasWithRetriesAndDeadLetterQueue() {
        String queue = onlyId("AWS::SQS::Queue");
        Map<String, JsonNode> aliases = resources(json, "AWS::Lambda::Alias");
        assertThat(aliases.values()).allSatisfy(alias -> {
            assertThat(alias.at("/Properties/Name").asText()).isEqualTo(OwnNames.ALIAS);
            assertThat(alias.at("/Properties/FunctionVersion/Fn::GetAtt/1").asText()).isEqualTo("Version");
        });
        Map<String, JsonNode> rules = resources(json, "AWS::Events::Rule");
        assertThat(rules).hasSize(DeclaredRule.all().size());
        for (JsonNode rule : rules.values()) {
            JsonNode targets = rule.at("/Properties/Targets");
            assertThat(targets).hasSize(1);
            JsonNode target = targets.get(0);
            assertThat(aliases).containsKey(target.at("/Arn/Ref").asText());
            assertThat(target.at("/DeadLetterConfig/Arn/Fn::GetAtt/0").asText()).isEqualTo(queue);
            assertThat(target.at("/RetryPolicy/MaximumRetryAttempts").asInt()).isEqualTo(185);
            assertThat(target.at("/RetryPolicy/MaximumEventAgeInSeconds").asInt()).isEqualTo(86400);
        }
        // EventBridge may invoke each alias, and may send to the dead-letter queue only for these rules.
        template.resourceCountIs("AWS::Lambda::Permission", rules.size());
        JsonNode queuePolicy = resources(json, "AWS::SQS::QueuePolicy").values().iterator().next();
        List<String> allowedSources = new ArrayList<>();
        for (JsonNode statement : queuePolicy.at("/Properties/PolicyDocument/Statement")) {
            if (statement.at("/Principal/Service").asText().equals("events.amazonaws.com")) {
                allowedSources.add(statement.at("/Condition/ArnEquals/aws:SourceArn/Fn::GetAtt/0").asText());
            }
        }
        assertThat(allowedSources).containsExactlyInAnyOrderElementsOf(rules.keySet());
    }

    @Test
    void failedAsyncInvocationsGoToTheDeadLetterQueue() {
        Map<String, JsonNode> configs = resources(json, "AWS::Lambda::EventInvokeConfig");
        assertThat(configs).hasSize(Family.values().length);
        assertThat(configs.values()).allSatisfy(config -> {
            assertThat(config.at("/Properties/Qualifier").asText()).isEqualTo(OwnNames.ALIAS);
            assertThat(config.at("/Properties/DestinationConfig/OnFailure/Destination/Fn::GetAtt/0").asText())
                    .isEqualTo(onlyId("AWS::SQS::Queue"));
        });
    }

    @Test
    void deadLetterQueueIsEncryptedAndRefusesPlainHttp() {
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 14 * 24 * 3600));
        template.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(denyInsecureTransport("sqs:*"))))));
    }

    @Test
    void topicIsEncryptedRefusesPlainHttpAndMailsOps() {
        template.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", OwnNames.ALERT_TOPIC,
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(SynthesizedApp.topicKeyId(json, OwnNames.ALERT_TOPIC), "Arn"))));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(denyInsecureTransport("sns:Publish"))))));
        Map<String, JsonNode> subscriptions = resources(json, "AWS::SNS::Subscription");
        assertThat(subscriptions.values()).extracting(s -> s.at("/Properties/Protocol").asText() + ":"
                        + s.at("/Properties/Endpoint").asText())
                .containsExactlyInAnyOrder("email:oncall@example.com", "email:secops@example.com",
                        "email:security-lead@example.com");
        cloudWatchUsesTheKeyOnlyForThisAccount(json);
    }

    /** Every key policy lets CloudWatch use its key only for this account's alarms, as the topic policies do. */
    static void cloudWatchUsesTheKeyOnlyForThisAccount(JsonNode json) {
        for (JsonNode key : resources(json, "AWS::KMS::Key").values()) {
            JsonNode keyPolicy = key.at("/Properties/KeyPolicy");
            JsonNode topicPolicy = resources(json, "AWS::SNS::TopicPolicy").values().iterator().next()
                    .at("/Properties/PolicyDocument");
            JsonNode topicAccount = cloudWatchStatement(topicPolicy).at("/Condition/StringEquals/aws:SourceAccount");
            JsonNode keyStatement = cloudWatchStatement(keyPolicy);

            assertThat(topicAccount.isMissingNode()).isFalse();
            assertThat(keyStatement.at("/Condition")).isEqualTo(JSON.valueToTree(
                    Map.of("StringEquals", Map.of("aws:SourceAccount", topicAccount))));
        }
    }

    private static JsonNode cloudWatchStatement(JsonNode policy) {
        List<JsonNode> statements = new ArrayList<>();
        policy.get("Statement").forEach(statement -> {
            if (statement.at("/Principal/Service").asText().equals("cloudwatch.amazonaws.com")) statements.add(statement);
        });
        assertThat(statements).hasSize(1);
        return statements.getFirst();
    }

    @Test
    void auditTableIsKeyedOnEventAndDetectorWithPitrTtlAndEncryption() {
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Map.of(
                        "KeySchema", List.of(Map.of("AttributeName", "eventId", "KeyType", "HASH"),
                                Map.of("AttributeName", "detectorId", "KeyType", "RANGE")),
                        "AttributeDefinitions", List.of(Map.of("AttributeName", "eventId", "AttributeType", "S"),
                                Map.of("AttributeName", "detectorId", "AttributeType", "S")),
                        "BillingMode", "PAY_PER_REQUEST",
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                        "SSESpecification", Map.of("SSEEnabled", true))));
    }

    @Test
    void modesParameterStartsEmpty() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", OwnNames.MODES_PARAMETER, "Type", "String", "Value", "{}"));
    }

    @Test
    void alarmsOnErrorsThrottlesAndDeadLettersPageTheTopic() {
        JsonNode topic = JSON.valueToTree(Map.of("Ref", SynthesizedApp.topicId(json, OwnNames.ALERT_TOPIC)));
        JsonNode breakGlass = JSON.valueToTree(Map.of("Ref", SynthesizedApp.topicId(json, OwnNames.BREAK_GLASS_TOPIC)));
        Map<String, JsonNode> alarms = resources(json, "AWS::CloudWatch::Alarm");
        List<String> watched = new ArrayList<>();
        for (JsonNode alarm : alarms.values()) {
            JsonNode props = alarm.get("Properties");
            if (props.get("AlarmName").asText().startsWith(OwnNames.HEARTBEAT_ALARM)) continue;
            // What could mean the alert path itself is failing also pages the second channel.
            boolean alsoBreakGlass = props.get("AlarmName").asText().equals(OwnNames.DEAD_LETTERS_ALARM)
                    || props.get("AlarmName").asText().equals(OwnNames.errorsAlarm(Family.GUARD));
            assertThat(props.get("AlarmActions")).containsExactlyElementsOf(alsoBreakGlass ? List.of(topic, breakGlass) : List.of(topic));
            assertThat(OwnNames.alarms()).contains(props.get("AlarmName").asText());
            assertThat(props.get("Threshold").asInt()).isEqualTo(1);
            assertThat(props.get("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
            JsonNode dimension = props.at("/Dimensions/0/Value");
            String watchedId = dimension.has("Ref") ? dimension.get("Ref").asText() : dimension.at("/Fn::GetAtt/0").asText();
            watched.add(props.get("MetricName").asText() + ":" + watchedId);
        }
        List<String> expected = new ArrayList<>();
        resources(json, "AWS::Lambda::Function").keySet().forEach(fn -> {
            expected.add("Errors:" + fn);
            expected.add("Throttles:" + fn);
        });
        // Every message sent to the dead-letter queue pages, even while an earlier one still waits there.
        expected.add("NumberOfMessagesSent:" + onlyId("AWS::SQS::Queue"));
        assertThat(watched).containsExactlyInAnyOrderElementsOf(expected);
    }

    static Matcher denyInsecureTransport(String action) {
        return Match.objectLike(Map.of("Effect", "Deny", "Action", action,
                "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))));
    }

    private static JsonNode function(Family family) {
        return SynthesizedApp.function(json, family);
    }

    private static String onlyId(String type) {
        Map<String, JsonNode> found = resources(json, type);
        assertThat(found).as(type).hasSize(1);
        return found.keySet().iterator().next();
    }

    private static String parameterId(String name) {
        return resources(json, "AWS::SSM::Parameter").entrySet().stream()
                .filter(e -> e.getValue().at("/Properties/Name").asText().equals(name)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    private static String logicalIdPrefix(JsonNode props) {
        return props.at("/Environment/Variables/POWERTOOLS_SERVICE_NAME").asText()
                .replaceFirst("^snapback-", "").replace("-", "");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
