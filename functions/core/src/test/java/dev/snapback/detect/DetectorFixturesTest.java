package dev.snapback.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Decision;
import dev.snapback.policy.Evaluator;
import dev.snapback.testing.Fixture;
import dev.snapback.testing.Fixtures;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code events/} through the evaluator, with the expectation its folder (and, for findings, its
 * {@code .expected} sidecar) states. The same fixtures drive the template routing tests and the replay tests.
 */
class DetectorFixturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Evaluator EVALUATOR = new Evaluator(Fixtures.config(), Fixtures.config().detectors());

    static Stream<Fixture> fixtures() {
        return Fixtures.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureBehavesAsItsFolderSays(Fixture fixture) {
        CloudTrailEvent event = EventParser.parse(fixture.bytes());
        DetectorSpec spec = Detectors.spec(fixture.detectorId());
        boolean covered = spec.patterns().stream().anyMatch(p -> p.covers(event));

        switch (fixture.expectation()) {
            // Another detector may watch it (a denied call is unauthorized-calls' to count); its own never does.
            case IGNORED_BY_PATTERN -> assertThat(covered).as("%s must not match its detector's pattern", fixture).isFalse();
            case IGNORED_BY_DETECTOR -> {
                assertThat(covered).as("%s must match its detector's pattern", fixture).isTrue();
                assertThat(assessmentOf(spec, event)).isInstanceOf(Assessment.Ignored.class);
            }
            case FINDING -> {
                assertThat(covered).as("%s must match its detector's pattern", fixture).isTrue();
                Assessment assessment = assessmentOf(spec, event);
                assertThat(assessment).as("%s", fixture).isInstanceOf(Assessment.Decided.class);
                List<Decision> decisions = ((Assessment.Decided) assessment).decisions();
                assertThat(describe(decisions)).as("%s findings", fixture).isEqualTo(fixture.expected().get("findings"));
            }
        }
    }

    @Test
    void everyDetectorHasFindingsAndBothKindsOfNegativeFixtures() {
        List<Fixture> all = Fixtures.all();
        for (DetectorSpec spec : Detectors.SPECS) {
            for (Fixture.Expectation expectation : Fixture.Expectation.values()) {
                assertThat(all).as("%s needs %s fixtures", spec.id(), expectation)
                        .anyMatch(f -> f.detectorId().equals(spec.id()) && f.expectation() == expectation);
            }
        }
        assertThat(all).hasSizeGreaterThanOrEqualTo(60);
    }

    private static Assessment assessmentOf(DetectorSpec spec, CloudTrailEvent event) {
        return EVALUATOR.assess(event).stream().filter(a -> a.detectorId().equals(spec.id())).findFirst()
                .orElseThrow(() -> new AssertionError("no assessment by " + spec.id()));
    }

    /** The comparable form of the sidecar: severity, action, resource id and the remediation with its type. */
    static JsonNode describe(List<Decision> decisions) {
        var out = JSON.createArrayNode();
        for (Decision decision : decisions) {
            Finding finding = decision.finding();
            ObjectNode remediation = JSON.createObjectNode().put("type", finding.proposed().getClass().getSimpleName());
            remediation.setAll((ObjectNode) JSON.valueToTree(finding.proposed()));
            out.addObject()
                    .put("severity", finding.severity().name())
                    .put("action", decision.action().name())
                    .put("resource", finding.resource().id())
                    .set("remediation", remediation);
        }
        return out;
    }
}
