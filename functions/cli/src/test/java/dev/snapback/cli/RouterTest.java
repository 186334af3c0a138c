package dev.snapback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Detectors;
import dev.snapback.detect.EventPattern;
import dev.snapback.detect.UnauthorizedCallsDetector;
import dev.snapback.testing.Fixture;
import dev.snapback.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.Machine;

/**
 * The fast pre-flattened routing gives exactly Event Ruler's answer on the whole JSON envelope, which is what
 * EventBridge delivers: on every fixture, on the fixture's record as CloudTrail writes it to S3, and on every
 * call the patterns name with and without an error.
 */
class RouterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Router ROUTER = new Router(Detectors.SPECS);
    /** The reference: Event Ruler on the whole JSON envelope, as EventBridge matches it. */
    private static final Machine ENVELOPES = Machine.builder().build();

    static {
        for (DetectorSpec spec : Detectors.SPECS) {
            for (EventPattern pattern : spec.patterns()) {
                try {
                    ENVELOPES.addRule(spec.id(), pattern.toJson());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static List<String> reference(JsonNode envelope) {
        return ENVELOPES.rulesForJSONEvent(envelope).stream().distinct().sorted().toList();
    }

    static Stream<Fixture> fixtures() {
        return Fixtures.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void flattenedRoutingEqualsEventRulerOnTheEnvelope(Fixture fixture) {
        JsonNode envelope = fixture.json();
        JsonNode detail = envelope.get("detail");
        List<String> reference = reference(envelope);

        assertThat(ROUTER.route(Candidate.ofEnvelope(envelope, "test").orElseThrow().route())).isEqualTo(reference);
        assertThat(ROUTER.route(recordRoute(detail)))
                .as("the bare record routes as the envelope EventBridge builds around it").isEqualTo(reference);
        if (!reference.isEmpty()) assertThat(mayMatch(recordRoute(detail))).as("the reader keeps what a rule matches").isTrue();
        switch (fixture.expectation()) {
            case IGNORED_BY_PATTERN -> assertThat(reference).as("%s reaches no rule of its detector", fixture)
                    .doesNotContain(fixture.detectorId());
            case FINDING, IGNORED_BY_DETECTOR -> assertThat(reference).as("%s reaches its own rule", fixture)
                    .contains(fixture.detectorId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedCalls")
    void everyNamedCallRoutesLikeTheEnvelope(ObjectNode envelope) {
        JsonNode detail = envelope.get("detail");
        List<String> reference = reference(envelope);
        assertThat(ROUTER.route(recordRoute(detail))).isEqualTo(reference);
        boolean failed = detail.has("errorCode");
        if (failed) {
            assertThat(reference).as("a failed call reaches no detector of its call; a denied one is unauthorized-calls' to count")
                    .isEqualTo(detail.get("errorCode").isNull() || !envelope.get("detail-type").asText().equals(EventPattern.API_CALL)
                            ? List.of() : List.of(UnauthorizedCallsDetector.SPEC.id()));
        } else {
            assertThat(reference).isNotEmpty().doesNotContain(UnauthorizedCallsDetector.SPEC.id());
        }
        assertThat(mayMatch(recordRoute(detail))).isTrue();
    }

    /** Every call of every pattern: succeeded, failed with an error code, and with an explicit null error code. */
    static Stream<ObjectNode> namedCalls() {
        List<ObjectNode> out = new ArrayList<>();
        for (DetectorSpec spec : Detectors.SPECS) {
            for (EventPattern pattern : spec.patterns()) {
                for (String name : pattern.eventNames()) {
                    out.add(envelope(pattern.eventSource(), name));
                    ObjectNode failed = envelope(pattern.eventSource(), name);
                    ((ObjectNode) failed.get("detail")).put("errorCode", "Client.UnauthorizedOperation");
                    out.add(failed);
                    ObjectNode nullError = envelope(pattern.eventSource(), name);
                    ((ObjectNode) nullError.get("detail")).putNull("errorCode");
                    out.add(nullError);
                }
            }
        }
        return out.stream();
    }

    @Test
    void callsNoPatternNamesReachNoRule() {
        for (String[] call : List.of(new String[] {"ec2.amazonaws.com", "DescribeInstances"},
                new String[] {"iam.amazonaws.com", "GetUser"}, new String[] {"s3.amazonaws.com", "CreateAccessKey"})) {
            Route route = Route.ofRecord(call[0], call[1], null, "IAMUser", null);
            assertThat(mayMatch(route)).isFalse();
            assertThat(reference(envelope(call[0], call[1]))).isEmpty();
            assertThat(ROUTER.route(route)).isEmpty();
        }
    }

    @Test
    void consoleSignInsGetTheirOwnDetailType() {
        assertThat(EventPattern.detailTypeOf("ConsoleLogin")).isEqualTo("AWS Console Sign In via CloudTrail");
        assertThat(EventPattern.detailTypeOf("StopLogging")).isEqualTo("AWS API Call via CloudTrail");
        assertThat(EventPattern.sourceOf("signin.amazonaws.com")).isEqualTo("aws.signin");
        assertThat(EventPattern.sourceOf("cloudtrail.amazonaws.com")).isEqualTo("aws.cloudtrail");
        assertThat(EventPattern.sourceOf("monitoring.amazonaws.com")).as("CloudWatch's events reach EventBridge as aws.cloudwatch")
                .isEqualTo("aws.cloudwatch");
    }

    private static ObjectNode envelope(String eventSource, String eventName) {
        ObjectNode envelope = JSON.createObjectNode()
                .put("version", "0").put("id", "0").put("detail-type", EventPattern.detailTypeOf(eventName))
                .put("source", EventPattern.sourceOf(eventSource)).put("account", Fixtures.ACCOUNT)
                .put("time", "2026-03-01T12:00:00Z").put("region", "us-east-1");
        envelope.putArray("resources");
        envelope.putObject("detail").put("eventSource", eventSource).put("eventName", eventName)
                .put("awsRegion", "us-east-1");
        return envelope;
    }

    private static boolean mayMatch(Route route) {
        boolean mayMatch = ROUTER.mayMatch(route.eventSource(), route.eventName(), route.errorCode(), route.identityType(),
                route.invokedBy());
        assertThat(mayMatch).as("the reader's pre-filter agrees with the detectors naming the call")
                .isEqualTo(!ROUTER.naming(route).isEmpty());
        return mayMatch;
    }

    /** What the reader takes from a bare record: the routed fields as JSON text, null when absent. */
    private static Route recordRoute(JsonNode detail) {
        JsonNode identity = detail.path("userIdentity");
        return Route.ofRecord(detail.get("eventSource").asText(), detail.get("eventName").asText(), errorCode(detail),
                identity.path("type").textValue(), Candidate.scalarText(identity.get("invokedBy")));
    }

    /** The record's errorCode as Event Ruler's flattened value: JSON text, null when absent. */
    private static String errorCode(JsonNode detail) {
        JsonNode errorCode = detail.get("errorCode");
        return errorCode == null ? null : errorCode.toString();
    }
}
