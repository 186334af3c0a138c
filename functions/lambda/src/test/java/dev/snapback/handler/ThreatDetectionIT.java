package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.remediate.GuardDutyService;
import dev.snapback.testing.Emulator;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code threat-detection-disabled} end to end on the AWS API emulator: GuardDuty's detector is disabled (or deleted)
 * there, or Security Hub switched off, the handler gets the real-shaped event, and the state afterwards is read
 * back through Snapback's own JSON-protocol client. The emulator has no {@code BatchDisableStandards},
 * {@code GetEnabledStandards} or {@code BatchEnableStandards}, nor GuardDuty's {@code DisassociateFrom*}: those are
 * pinned on the wire by {@code ReenableStandardsTest} and the fixtures through the handlers.
 */
class ThreatDetectionIT {

    private Emulator aws;
    private String table;
    private String topic;
    private GuardDutyService guardDuty;
    private String detector;

    @BeforeEach
    void start() {
        aws = Emulator.start("us-east-1");
        table = aws.auditTable();
        topic = aws.alertTopic();
        guardDuty = aws.clients().guardDuty("us-east-1");
        detector = aws.restJson("guardduty", "POST", "/detector", "{\"enable\": true}").get("detectorId").asText();
    }

    @Test
    void aDisabledDetectorIsEnabledAndPaged() {
        aws.restJson("guardduty", "POST", "/detector/" + detector, "{\"enable\": false}");
        assertThat(guardDuty.detector(detector)).hasValueSatisfying(status -> assertThat(status.enabled()).isFalse());

        JsonNode summary = handler().invoke(event("finding/UpdateDetector-disabled.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(guardDuty.detector(detector)).hasValueSatisfying(status -> assertThat(status.enabled()).isTrue());
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("enabled GuardDuty detector " + detector + " in us-east-1",
                    "aws guardduty update-detector --region us-east-1 --detector-id '" + detector + "' --no-enable");
        });
    }

    @Test
    void aDeletedDetectorPagesCritical() {
        aws.restJson("guardduty", "DELETE", "/detector/" + detector, null);

        JsonNode summary = handler().invoke(event("finding/DeleteDetector.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(guardDuty.detector(detector)).isEmpty();
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ");
            assertThat(page.text()).contains("GuardDuty detector " + detector + " deleted in us-east-1");
        });
    }

    @Test
    void aLateEventFindsTheDetectorGoneAndLeavesItToTheDeletionsOwnPage() {
        aws.restJson("guardduty", "DELETE", "/detector/" + detector, null);

        JsonNode summary = handler().invoke(event("finding/UpdateDetector-disabled.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(aws.published(topic)).singleElement()
                .satisfies(page -> assertThat(page.text()).contains("no GuardDuty detector " + detector + " in us-east-1 any more"));
    }

    @Test
    void securityHubDisabledPagesCritical() {
        aws.restJson("securityhub", "POST", "/accounts", "{\"EnableDefaultStandards\": true}");
        aws.restJson("securityhub", "DELETE", "/accounts", null);

        JsonNode summary = handler().invoke(Emulator.event("threat-detection-disabled/finding/DisableSecurityHub.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ");
            assertThat(page.text()).contains("Security Hub disabled in us-east-1");
        });
    }

    private Emulator.Invoker handler() {
        return aws.handler(Family.DETECTIVE, table, topic, "{}");
    }

    /** The fixture, on the detector the emulator made, at the time the test made the change. */
    private ObjectNode event(String fixture) {
        return Emulator.event("threat-detection-disabled/" + fixture, detail -> {
            ((ObjectNode) detail.get("requestParameters")).put("detectorId", detector);
            detail.put("eventTime", Instant.now().toString());
        });
    }
}
