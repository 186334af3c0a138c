package dev.snapback.infra;

import static dev.snapback.infra.SynthesizedApp.items;
import static dev.snapback.infra.SynthesizedApp.resources;
import static dev.snapback.infra.SynthesizedApp.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.detect.EventPattern;
import dev.snapback.model.Family;
import dev.snapback.model.OwnNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The identity guardrails' rules and grants as synthesized: the console sign-in detail-type, root's rule across every
 * service, the one failed-call pattern (unauthorized-calls' only), and the credential grants scoped to users.
 */
class IdentityRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SynthesizedApp app;
    private static JsonNode home;

    @BeforeAll
    static void synth() {
        app = SynthesizedApp.get();
        home = app.json("Snapback");
    }

    @Test
    void consoleSignInsReachTheMfaFunctionByTheirOwnDetailTypeInEveryStack() {
        JsonNode rule = rule(home, OwnNames.rule("console-login-without-mfa", "signin"));
        assertThat(rule.at("/Properties/EventPattern/detail-type")).containsExactly(JSON.valueToTree(EventPattern.SIGN_IN));
        assertThat(rule.at("/Properties/EventPattern/source")).containsExactly(JSON.valueToTree("aws.signin"));
        assertThat(rule.at("/Properties/EventPattern/detail/eventName")).containsExactly(JSON.valueToTree("ConsoleLogin"));
        assertThat(rule.at("/Properties/Targets/0/Arn/Ref").asText()).isEqualTo(aliasOf(Family.MFA));
        for (String region : app.settings.forwardingRegions()) {
            assertThat(rules(app.json(SynthesizedApp.forwardingStackName(region))))
                    .as(region).containsKey(OwnNames.rule("console-login-without-mfa", "signin"));
        }
    }

    @Test
    void onlyUnauthorizedCallsWantsFailedCallsAndOnlyDeniedOnes() {
        Map<String, JsonNode> rules = rules(home);
        JsonNode noError = JSON.createArrayNode().add(JSON.createObjectNode().put("exists", false));
        List<String> wantingFailures = rules.entrySet().stream()
                .filter(rule -> !rule.getValue().at("/Properties/EventPattern/detail/errorCode").equals(noError))
                .map(Map.Entry::getKey).toList();
        assertThat(wantingFailures).containsExactly(OwnNames.rule("unauthorized-calls", "all"));
        JsonNode pattern = rules.get(OwnNames.rule("unauthorized-calls", "all")).at("/Properties/EventPattern");
        assertThat(pattern.at("/detail/errorCode")).containsExactlyInAnyOrder(
                JSON.createObjectNode().put("prefix", "AccessDenied"), JSON.createObjectNode().put("suffix", "UnauthorizedOperation"));
        assertThat(pattern.at("/source")).containsExactly(JSON.createObjectNode().put("prefix", "aws."));
        assertThat(pattern.at("/detail-type")).containsExactly(JSON.valueToTree(EventPattern.API_CALL));
        assertThat(rules.get(OwnNames.rule("unauthorized-calls", "all")).at("/Properties/Targets/0/Arn/Ref").asText())
                .isEqualTo(aliasOf(Family.IDENTITY));
    }

    @Test
    void rootsRuleWatchesEveryServiceButNotWhatAwsDoesOnRootsBehalf() {
        JsonNode pattern = rule(home, OwnNames.rule("root-activity", "all")).at("/Properties/EventPattern");
        assertThat(pattern.at("/source")).containsExactly(JSON.createObjectNode().put("prefix", "aws."));
        assertThat(pattern.at("/detail-type")).containsExactlyInAnyOrder(JSON.valueToTree(EventPattern.API_CALL),
                JSON.valueToTree(EventPattern.SIGN_IN));
        assertThat(pattern.at("/detail/userIdentity/type")).containsExactly(JSON.valueToTree("Root"));
        assertThat(pattern.at("/detail/userIdentity/invokedBy")).containsExactly(JSON.createObjectNode().put("exists", false));
        assertThat(pattern.at("/detail/eventSource").isMissingNode()).isTrue();
        for (String region : app.settings.forwardingRegions()) {
            assertThat(rules(app.json(SynthesizedApp.forwardingStackName(region)))).as(region)
                    .containsKeys(OwnNames.rule("root-activity", "all"), OwnNames.rule("unauthorized-calls", "all"));
        }
    }

    @Test
    void rulesOfEveryServiceReceiveReadOnlyCallsAndTheOthersOnlyWhatTheyName() {
        List<JsonNode> templates = new ArrayList<>(List.of(home));
        app.settings.forwardingRegions().forEach(region -> templates.add(app.json(SynthesizedApp.forwardingStackName(region))));
        for (JsonNode template : templates) {
            rules(template).forEach((name, rule) -> {
                boolean everyService = name.equals(OwnNames.rule("root-activity", "all")) || name.equals(OwnNames.rule("unauthorized-calls", "all"));
                boolean canary = name.equals(OwnNames.HEARTBEAT_RULE);
                if (!canary) assertThat(rule.at("/Properties/State").asText()).as(name)
                        .isEqualTo(everyService ? EventPattern.ALL_MANAGEMENT_EVENTS : "ENABLED");
            });
        }
    }

    @Test
    void theIdentityFunctionChangesNothingAndTheKeysFunctionOnlyUsersCredentials() {
        Set<String> own = Set.of("dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:PutItem", "sns:Publish", "kms:Decrypt",
                "kms:GenerateDataKey", "ssm:GetParameter", "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage");
        assertThat(statements(Family.IDENTITY)).flatExtracting(s -> texts(s.get("Action"))).allMatch(own::contains);
        JsonNode users = JSON.valueToTree(Map.of("Fn::Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*"));
        for (String action : List.of("iam:UpdateSSHPublicKey", "iam:UpdateSigningCertificate", "iam:UpdateServiceSpecificCredential",
                "iam:ListSSHPublicKeys", "iam:ListSigningCertificates", "iam:ListServiceSpecificCredentials")) {
            assertThat(statements(Family.KEYS)).as(action).filteredOn(s -> texts(s.get("Action")).contains(action))
                    .singleElement().satisfies(s -> assertThat(items(s.get("Resource"))).containsExactly(users));
        }
    }

    private static Map<String, JsonNode> rules(JsonNode template) {
        Map<String, JsonNode> out = new TreeMap<>();
        resources(template, "AWS::Events::Rule").values().forEach(rule -> out.put(rule.at("/Properties/Name").asText(), rule));
        return out;
    }

    private static JsonNode rule(JsonNode template, String name) {
        JsonNode rule = rules(template).get(name);
        assertThat(rule).as("rule " + name).isNotNull();
        return rule;
    }

    private static String aliasOf(Family family) {
        String function = resources(home, "AWS::Lambda::Function").entrySet().stream()
                .filter(f -> f.getValue().equals(SynthesizedApp.function(home, family))).findFirst().orElseThrow().getKey();
        return resources(home, "AWS::Lambda::Alias").entrySet().stream()
                .filter(a -> a.getValue().at("/Properties/FunctionName/Ref").asText().equals(function)).findFirst().orElseThrow().getKey();
    }

    private static List<JsonNode> statements(Family family) {
        return SynthesizedApp.policyStatements(home, family);
    }
}
