package dev.snapback.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Detectors;
import dev.snapback.detect.EventPattern;
import dev.snapback.detect.SnapbackTamperedDetector;
import dev.snapback.model.OwnNames;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.Match;
import software.amazon.awscdk.services.events.Rule;
import software.constructs.Construct;

/**
 * One EventBridge rule: a pattern a detector declares. Every stack builds its rules from these, so the deployed
 * patterns are the detectors' own ({@link EventPattern#toJsonNode()}), never a copy.
 */
public record DeclaredRule(DetectorSpec spec, EventPattern pattern) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Services whose CloudTrail events all arrive in {@link Settings#GLOBAL_EVENTS_REGION}. */
    private static final Set<String> GLOBAL_EVENT_SOURCES = Set.of("iam.amazonaws.com", "cloudfront.amazonaws.com",
            "organizations.amazonaws.com");
    /**
     * Console sign-ins arrive where the sign-in endpoint is: {@link Settings#GLOBAL_EVENTS_REGION} for the global
     * one, any region for a regional one.
     */
    private static final String SIGN_IN_SOURCE = "signin.amazonaws.com";

    public static List<DeclaredRule> all() {
        return Detectors.SPECS.stream()
                .flatMap(spec -> spec.patterns().stream().map(pattern -> new DeclaredRule(spec, pattern)))
                .toList();
    }

    /** The construct id, unique per stack: {@code unmanaged-key-created-iam}. */
    public String id() {
        return name().substring(OwnNames.PREFIX.length());
    }

    /** The rule's name, the same in every region: {@code Snapback-unmanaged-key-created-iam} ({@link OwnNames#rule}). */
    public String name() {
        return OwnNames.rule(spec.id(), pattern.service());
    }

    /** Whether the events arrive only in {@link Settings#GLOBAL_EVENTS_REGION} (IAM, CloudFront, Organizations), not in their own region. */
    public boolean global() {
        return pattern.eventSource() != null && GLOBAL_EVENT_SOURCES.contains(pattern.eventSource());
    }

    /**
     * Whether a stack in {@code region} must watch for these events, to handle or forward them. Changes to Snapback's
     * own resources, console sign-ins, and patterns of every service (root's calls, of IAM in its region too), are
     * watched wherever it has a stack, the one in IAM's region included.
     */
    public boolean arrivesIn(String region, Settings settings) {
        if (global()) return region.equals(Settings.GLOBAL_EVENTS_REGION);
        boolean everywhere = spec.equals(SnapbackTamperedDetector.SPEC) || pattern.eventSource() == null
                || pattern.eventSource().equals(SIGN_IN_SOURCE);
        return settings.regions().contains(region) || (everywhere && settings.forwardingRegions().contains(region));
    }

    /** The rule in {@code scope}: its name, the detector's pattern and the state it is deployed in ({@link EventPattern#ruleState}). */
    public Rule rule(Construct scope, String description) {
        Rule rule = Rule.Builder.create(scope, id()).ruleName(name()).description(description).eventPattern(eventPattern()).build();
        ((CfnRule) rule.getNode().getDefaultChild()).setState(pattern.ruleState());
        return rule;
    }

    /** The detector's pattern as CDK's type; refuses a pattern key it would not carry over. */
    public software.amazon.awscdk.services.events.EventPattern eventPattern() {
        JsonNode json = pattern.toJsonNode();
        Set<String> keys = new TreeSet<>();
        json.fieldNames().forEachRemaining(keys::add);
        if (!Set.of("source", "detail-type", "detail").containsAll(keys)) {
            throw new IllegalStateException(id() + ": pattern keys " + keys + " are not all supported by the stack");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = JSON.convertValue(json.get("detail"), Map.class);
        return software.amazon.awscdk.services.events.EventPattern.builder()
                .source(strings(json.get("source")))
                .detailType(strings(json.get("detail-type")))
                .detail(detail)
                .build();
    }

    /** Exact values as they are, and a {@code prefix} matcher (every AWS service's source) through CDK's {@link Match}. */
    private List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).flatMap(value -> {
            if (value.isTextual()) return Stream.of(value.asText());
            if (value.size() == 1 && value.path("prefix").isTextual()) return Match.prefix(value.get("prefix").asText()).stream();
            throw new IllegalStateException(id() + ": pattern value " + value + " is not supported by the stack");
        }).toList();
    }
}
