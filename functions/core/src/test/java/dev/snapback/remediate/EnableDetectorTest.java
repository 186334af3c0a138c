package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.snapback.testing.AwsStub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.model.Outcome;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reading the detector before enabling it, on GuardDuty's restJson1 wire, with the event of
 * {@code threat-detection-disabled}'s fixture (disabled at 2026-12-03T12:00:00Z in us-east-1).
 */
class EnableDetectorTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final String DETECTOR = "12abc34d567e8fa901bc2d34e56789f0";
    private static final String PATH = "/detector/" + DETECTOR;
    private static final EnableDetector FIX = new EnableDetector("us-east-1", DETECTOR);

    private static CloudTrailEvent disabled;

    @BeforeAll
    static void event() throws IOException {
        disabled = EventParser.parse(Files.readAllBytes(Fixtures.eventsDir()
                .resolve("threat-detection-disabled/finding/UpdateDetector-disabled.json")));
    }

    @Test
    void aDetectorStillDisabledByThisEventIsEnabled() throws Exception {
        detector("DISABLED", "2026-12-03T12:00:00.412Z");
        AWS.stubFor(post(urlEqualTo(PATH)).willReturn(json(200, "application/json", "{}")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, disabled);

        assertThat(outcome).isEqualTo(new Outcome.Remediated(List.of("enabled GuardDuty detector " + DETECTOR + " in us-east-1"),
                List.of("aws guardduty update-detector --region us-east-1 --detector-id '" + DETECTOR + "' --no-enable")));
        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(call -> call.getMethod().getName() + " " + call.getUrl())
                .containsExactly("GET " + PATH, "POST " + PATH);
        assertThat(calls.get(1).getBodyAsString()).isEqualTo("{\"enable\":true}");
        assertThat(calls.get(1).getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(calls).allSatisfy(call -> assertThat(AwsStub.scope(call)).isEqualTo("us-east-1/guardduty"));
    }

    @Test
    void aDetectorChangedAfterTheEventIsLeftToThatNewerCall() {
        detector("DISABLED", "2026-12-03T13:00:00.000Z");

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, disabled);

        assertThat(outcome).isInstanceOf(Outcome.Superseded.class);
        assertThat(outcome.detail()).contains("still disabled", "changed at 2026-12-03T13:00:00Z");
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void anEnabledDetectorNeedsNothing() {
        detector("ENABLED", "2026-12-03T12:30:00.000Z");

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, disabled)).isInstanceOf(Outcome.AlreadyCompliant.class);
    }

    @Test
    void aDeletedDetectorIsANewerChangeItsOwnEventPages() {
        AWS.stubFor(get(urlEqualTo(PATH)).willReturn(json(400, "application/json", "{\"message\": \"The request is rejected"
                + " because the input detectorId is not owned by the current account.\", \"__type\": \"InvalidInputException\"}")
                .withHeader("x-amzn-ErrorType", "BadRequestException:http://internal.amazon.com/coral/com.amazonaws.guardduty/")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, disabled);

        assertThat(outcome).isInstanceOf(Outcome.Superseded.class);
        assertThat(outcome.detail()).contains("no GuardDuty detector " + DETECTOR);
    }

    private static void detector(String status, String updatedAt) {
        AWS.stubFor(get(urlEqualTo(PATH)).willReturn(json(200, "application/json", "{\"createdAt\": \"2026-01-05T08:00:00.000Z\","
                + " \"findingPublishingFrequency\": \"SIX_HOURS\", \"serviceRole\": \"arn:aws:iam::111122223333:role/aws-service-role/"
                + "guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty\", \"status\": \"" + status + "\", \"updatedAt\": \""
                + updatedAt + "\"}")));
    }
}
