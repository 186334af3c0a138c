package dev.snapback.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.handler.Handlers;
import dev.snapback.model.Family;
import dev.snapback.model.OwnNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The app as a user would deploy it (home eu-west-1, also watching eu-central-1, so IAM events need a us-east-1
 * forwarder), synthesized once for all test classes: synthesis with cdk-nag is the slow part.
 */
final class SynthesizedApp {

    static final String ACCOUNT = "111122223333";
    static final String HOME = "eu-west-1";
    static final String OTHER = "eu-central-1";
    static final List<String> EMAILS = List.of("oncall@example.com", "secops@example.com");
    static final List<String> BREAK_GLASS_EMAILS = List.of("security-lead@example.com");
    static final Path ROOT = Path.of(System.getProperty("snapback.root", "..")).toAbsolutePath().normalize();
    static final Path FUNCTIONS_JAR = ROOT.resolve("functions/lambda/target/snapback-lambda.jar");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SynthesizedApp instance;

    final Settings settings;
    final SnapbackApp.Deployment deployment;
    final CloudAssembly assembly;

    private SynthesizedApp() {
        if (!Files.isRegularFile(FUNCTIONS_JAR)) {
            throw new IllegalStateException(FUNCTIONS_JAR + " is missing: build the functions module first (./mvnw package)");
        }
        // Under target/, so mvn clean removes the staged jar with everything else.
        Path outdir = Path.of("target", "cdk.out").toAbsolutePath();
        App app = App.Builder.create().outdir(outdir.toString()).context(context()).build();
        settings = Settings.fromContext(app.getNode()::tryGetContext, Map.of());
        deployment = SnapbackApp.build(app, settings, Code.fromAsset(FUNCTIONS_JAR.toString()), ACCOUNT);
        assembly = app.synth();
    }

    static synchronized SynthesizedApp get() {
        if (instance == null) instance = new SynthesizedApp();
        return instance;
    }

    /** infra/cdk.json's context (feature flags included, so the template is the one cdk synth makes), plus ours. */
    static Map<String, Object> context() {
        Map<String, Object> context = new LinkedHashMap<>(cdkJsonContext());
        context.put("homeRegion", HOME);
        context.put("regions", HOME + "," + OTHER);
        context.put("alertEmails", String.join(",", EMAILS));
        context.put("breakGlassEmails", String.join(",", BREAK_GLASS_EMAILS));
        context.put("snapStart", "true");
        context.put("config", ROOT.resolve("examples/snapback-config.json").toString());
        return context;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cdkJsonContext() {
        try {
            return JSON.convertValue(JSON.readTree(ROOT.resolve("infra/cdk.json").toFile()).get("context"), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CloudFormationStackArtifact artifact(String stackName) {
        return assembly.getStackByName(stackName);
    }

    @SuppressWarnings("unchecked")
    Template template(String stackName) {
        return Template.fromJSON((Map<String, Object>) artifact(stackName).getTemplate());
    }

    JsonNode json(String stackName) {
        return JSON.valueToTree(artifact(stackName).getTemplate());
    }

    /** The home stack's and every forwarding stack's name. */
    List<String> stackNames() {
        return Stream.concat(Stream.of(deployment.home()), deployment.forwarding().stream())
                .map(stack -> stack.getStackName()).toList();
    }

    static String forwardingStackName(String region) {
        return OwnNames.forwardingStack(region);
    }

    /** The family's function: the one whose handler is the family's. */
    static JsonNode function(JsonNode template, Family family) {
        return resources(template, "AWS::Lambda::Function").values().stream()
                .filter(f -> f.at("/Properties/Handler").asText().equals(Handlers.of(family).getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no function for " + family));
    }

    /** Resources of one type, by logical id. */
    static Map<String, JsonNode> resources(JsonNode template, String type) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        template.get("Resources").properties().forEach(entry -> {
            if (entry.getValue().path("Type").asText().equals(type)) out.put(entry.getKey(), entry.getValue());
        });
        return out;
    }

    /** The logical id of the topic named {@code name}. */
    static String topicId(JsonNode template, String name) {
        return resources(template, "AWS::SNS::Topic").entrySet().stream()
                .filter(e -> e.getValue().at("/Properties/TopicName").asText().equals(name)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no topic " + name));
    }

    /** The logical id of the KMS key that encrypts the topic named {@code name}. */
    static String topicKeyId(JsonNode template, String name) {
        return resources(template, "AWS::SNS::Topic").get(topicId(template, name)).at("/Properties/KmsMasterKeyId/Fn::GetAtt/0").asText();
    }

    /** The logical id of the role {@code family}'s function runs as. */
    static String roleId(JsonNode template, Family family) {
        return function(template, family).at("/Properties/Role/Fn::GetAtt/0").asText();
    }

    /** The statements of every policy attached to {@code family}'s function role. */
    static List<JsonNode> policyStatements(JsonNode template, Family family) {
        return policyStatements(template, roleId(template, family));
    }

    /** The statements of every policy attached to the role {@code roleId}. */
    static List<JsonNode> policyStatements(JsonNode template, String roleId) {
        List<JsonNode> out = new ArrayList<>();
        resources(template, "AWS::IAM::Policy").values().stream()
                .filter(policy -> policy.at("/Properties/Roles").toString().contains("\"" + roleId + "\""))
                .forEach(policy -> policy.at("/Properties/PolicyDocument/Statement").forEach(out::add));
        return out;
    }

    /** A policy value that may be one item or a list of them, as a list. */
    static List<JsonNode> items(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) node.forEach(out::add);
        else out.add(node);
        return out;
    }

    static List<String> texts(JsonNode node) {
        return items(node).stream().map(JsonNode::asText).toList();
    }
}
