package dev.snapback.infra;

import static dev.snapback.infra.SynthesizedApp.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ForwardingStackTest {

    private static SynthesizedApp app;

    @BeforeAll
    static void synth() {
        app = SynthesizedApp.get();
    }

    @Test
    void oneForwardingStackPerOtherWatchedRegionAndWhereIamEventsArrive() {
        assertThat(app.stackNames()).containsExactlyInAnyOrder("Snapback",
                SynthesizedApp.forwardingStackName(SynthesizedApp.OTHER),
                SynthesizedApp.forwardingStackName(Settings.GLOBAL_EVENTS_REGION));
        assertThat(app.artifact("Snapback").getEnvironment().getRegion()).isEqualTo(SynthesizedApp.HOME);
        for (String region : List.of(SynthesizedApp.OTHER, Settings.GLOBAL_EVENTS_REGION)) {
            var artifact = app.artifact(SynthesizedApp.forwardingStackName(region));
            assertThat(artifact.getEnvironment().getRegion()).isEqualTo(region);
            assertThat(artifact.getEnvironment().getAccount()).isEqualTo(SynthesizedApp.ACCOUNT);
            // Deployed after the home stack, so nothing is forwarded before the home rules exist.
            assertThat(artifact.getDependencies()).extracting(d -> d.getId()).contains("Snapback");
        }
    }

    @Test
    void rulesSendToTheHomeBusWithRoleRetriesAndDeadLetterQueue() {
        for (String region : app.settings.forwardingRegions()) {
            JsonNode json = app.json(SynthesizedApp.forwardingStackName(region));
            String role = only(json, "AWS::IAM::Role");
            String queue = only(json, "AWS::SQS::Queue");
            for (JsonNode rule : resources(json, "AWS::Events::Rule").values()) {
                JsonNode targets = rule.at("/Properties/Targets");
                assertThat(targets).hasSize(1);
                JsonNode target = targets.get(0);
                assertThat(target.at("/Arn").toString()).contains(":events:eu-west-1:").contains("event-bus/default");
                assertThat(target.at("/RoleArn/Fn::GetAtt/0").asText()).isEqualTo(role);
                assertThat(target.at("/DeadLetterConfig/Arn/Fn::GetAtt/0").asText()).isEqualTo(queue);
                assertThat(target.at("/RetryPolicy/MaximumRetryAttempts").asInt()).isEqualTo(185);
                assertThat(target.at("/RetryPolicy/MaximumEventAgeInSeconds").asInt()).isEqualTo(86400);
            }
            JsonNode statements = resources(json, "AWS::IAM::Policy").values().iterator().next()
                    .at("/Properties/PolicyDocument/Statement");
            assertThat(statements).hasSize(1);
            assertThat(statements.get(0).get("Action").asText()).isEqualTo("events:PutEvents");
            assertThat(statements.get(0).get("Resource").toString()).contains(":events:eu-west-1:")
                    .contains("event-bus/default");
        }
    }

    @Test
    void undeliveredEventsPageThroughAnEncryptedLocalTopic() {
        for (String region : app.settings.forwardingRegions()) {
            String name = SynthesizedApp.forwardingStackName(region);
            Template template = app.template(name);
            JsonNode json = app.json(name);
            template.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true));
            template.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Match.anyValue()));
            template.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of("Statement",
                    Match.arrayWith(List.of(HomeStackTest.denyInsecureTransport("sns:Publish"))))));
            template.resourceCountIs("AWS::SNS::Subscription", SynthesizedApp.EMAILS.size());
            JsonNode alarm = resources(json, "AWS::CloudWatch::Alarm").values().iterator().next();
            template.resourceCountIs("AWS::CloudWatch::Alarm", 1);
            assertThat(alarm.at("/Properties/MetricName").asText()).isEqualTo("ApproximateNumberOfMessagesVisible");
            assertThat(alarm.at("/Properties/AlarmActions/0/Ref").asText()).isEqualTo(only(json, "AWS::SNS::Topic"));
            template.resourceCountIs("AWS::Lambda::Function", 0);
        }
    }

    private static String only(JsonNode json, String type) {
        Map<String, JsonNode> found = resources(json, type);
        assertThat(found).as(type).hasSize(1);
        return found.keySet().iterator().next();
    }
}
