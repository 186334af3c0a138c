package dev.snapback.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.remediate.Remediation;
import dev.snapback.remediate.RestoreEventSelectors;
import dev.snapback.remediate.RestoreTrailSettings;
import dev.snapback.remediate.RevokeIngress;
import dev.snapback.remediate.StartLogging;
import dev.snapback.testing.Fixture;
import dev.snapback.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every finding fixture of the two detectors, with each node under {@code requestParameters} and
 * {@code responseElements} in turn removed or replaced by a value of another type: the detector never throws, and a
 * remediation it still proposes names only values that the event holds.
 */
class SecurityGroupAndTrailShapesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<Supplier<JsonNode>> REPLACEMENTS = List.of(
            NODES::nullNode, () -> NODES.textNode(""), () -> NODES.textNode("x"), () -> NODES.numberNode(-1),
            () -> NODES.booleanNode(false), NODES::arrayNode, NODES::objectNode);

    static Stream<Fixture> fixtures() {
        return Fixtures.all().stream()
                .filter(f -> f.expectation() == Fixture.Expectation.FINDING)
                .filter(f -> f.detectorId().equals(SecurityGroupOpenedDetector.SPEC.id())
                        || f.detectorId().equals(TrailTamperedDetector.SPEC.id()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void noMutationMakesTheDetectorThrowOrInvent(Fixture fixture) {
        Detector detector = Fixtures.config().detectors().stream()
                .filter(d -> d.spec().id().equals(fixture.detectorId())).findFirst().orElseThrow();
        ObjectNode envelope = (ObjectNode) fixture.json();
        List<String> paths = new ArrayList<>();
        for (String top : List.of("/detail/requestParameters", "/detail/responseElements")) {
            collect(envelope.at(top), top, paths);
        }
        for (String path : paths) {
            for (Supplier<JsonNode> replacement : withRemoval()) {
                ObjectNode mutated = envelope.deepCopy();
                replace(mutated, path, replacement);
                CloudTrailEvent event = EventParser.parse(mutated);
                assertThatCode(() -> {
                    if (detector.evaluate(event) instanceof Verdict.Flagged flagged) {
                        flagged.findings().forEach(f -> assertNamesOnlyEventValues(f.proposed(), mutated));
                    }
                }).as("%s with %s replaced", fixture, path).doesNotThrowAnyException();
            }
        }
    }

    /** A revoked rule's ID and source, and a trail ARN's name, must come from the (mutated) event itself. */
    private static void assertNamesOnlyEventValues(Remediation remediation, JsonNode event) {
        String text = event.toString();
        switch (remediation) {
            case RevokeIngress revoke -> {
                assertThat(text).contains("\"" + revoke.groupId() + "\"");
                revoke.rules().forEach(rule -> {
                    if (rule.ruleId() != null) assertThat(text).contains("\"" + rule.ruleId() + "\"");
                    assertThat(text).contains("\"" + rule.cidr() + "\"");
                });
            }
            case StartLogging start -> assertThat(text).contains(trailName(start.trailArn()));
            case RestoreTrailSettings restore -> assertThat(text).contains(trailName(restore.trailArn()));
            case RestoreEventSelectors restore -> assertThat(text).contains(trailName(restore.trailArn()));
            default -> { }
        }
    }

    private static String trailName(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private static List<Supplier<JsonNode>> withRemoval() {
        List<Supplier<JsonNode>> all = new ArrayList<>(REPLACEMENTS);
        all.add(() -> null);
        return all;
    }

    private static void collect(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                String child = path + "/" + e.getKey();
                out.add(child);
                collect(e.getValue(), child, out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(path + "/" + i);
                collect(node.get(i), path + "/" + i, out);
            }
        }
    }

    /** Replaces (or, for a {@code null} supplier value, removes) the node at a JSON pointer. */
    private static void replace(ObjectNode root, String path, Supplier<JsonNode> replacement) {
        int slash = path.lastIndexOf('/');
        JsonNode parent = root.at(path.substring(0, slash));
        String last = path.substring(slash + 1);
        JsonNode value = replacement.get();
        if (parent instanceof ObjectNode object) {
            if (value == null) object.remove(last);
            else object.set(last, value);
        } else if (parent instanceof ArrayNode array) {
            if (value == null) array.remove(Integer.parseInt(last));
            else array.set(Integer.parseInt(last), value);
        }
    }
}
