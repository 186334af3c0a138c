package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.target;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Reading the recorder before starting it: on the wire, through the executor, with the event of
 * {@code config-recorder-stopped}'s fixture (stopped at 2026-12-03T11:00:00Z in us-east-1).
 */
class StartConfigRecorderTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final String DESCRIBE = "StarlingDoveService.DescribeConfigurationRecorderStatus";
    private static final String START = "StarlingDoveService.StartConfigurationRecorder";
    private static final String JSON_1_1 = "application/x-amz-json-1.1";
    /** 2026-12-03T11:00:00Z, the event's time, and an hour later. */
    private static final long STOPPED_BY_THE_EVENT = 1796295600L;
    private static final long STOPPED_AN_HOUR_LATER = STOPPED_BY_THE_EVENT + 3600;

    private static CloudTrailEvent stopped;
    private static final StartConfigRecorder FIX = new StartConfigRecorder("us-east-1", "default");

    @BeforeAll
    static void event() throws IOException {
        stopped = EventParser.parse(Files.readAllBytes(Fixtures.eventsDir()
                .resolve("config-recorder-stopped/finding/StopConfigurationRecorder-default.json")));
    }

    @Test
    void aRecorderStillStoppedByThisEventIsStarted() {
        status("{\"name\": \"default\", \"recording\": false, \"lastStopTime\": " + STOPPED_BY_THE_EVENT + "}");
        AWS.stubFor(target(START).willReturn(json(200, JSON_1_1, "")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, stopped);

        assertThat(outcome).isEqualTo(new Outcome.Remediated(List.of("started configuration recorder default in us-east-1"),
                List.of("aws configservice stop-configuration-recorder --region us-east-1 --configuration-recorder-name 'default'")));
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation)
                .containsExactly("DescribeConfigurationRecorderStatus", "StartConfigurationRecorder");
    }

    @Test
    void aRecorderStoppedAgainAfterTheEventIsLeftToThatNewerCall() {
        status("{\"name\": \"default\", \"recording\": false, \"lastStopTime\": " + STOPPED_AN_HOUR_LATER + "}");

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, stopped);

        assertThat(outcome).isInstanceOf(Outcome.Superseded.class);
        assertThat(outcome.detail()).contains("stopped again at 2026-12-03T12:00:00Z");
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation)
                .containsExactly("DescribeConfigurationRecorderStatus");
    }

    @Test
    void aRecordingRecorderNeedsNothing() {
        status("{\"name\": \"default\", \"recording\": true, \"lastStopTime\": " + STOPPED_BY_THE_EVENT + "}");

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, stopped)).isInstanceOf(Outcome.AlreadyCompliant.class);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void aDeletedRecorderIsANewerChangeItsOwnEventPages() {
        AWS.stubFor(target(DESCRIBE).willReturn(json(400, JSON_1_1, "{\"__type\": \"NoSuchConfigurationRecorderException\","
                + " \"message\": \"Cannot find configuration recorder with the specified name 'default'.\"}")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, stopped);

        assertThat(outcome).isInstanceOf(Outcome.Superseded.class);
        assertThat(outcome.detail()).contains("no configuration recorder default in us-east-1");
    }

    @Test
    void noDeliveryChannelFailsAndSoPages() {
        status("{\"name\": \"default\", \"recording\": false, \"lastStopTime\": " + STOPPED_BY_THE_EVENT + "}");
        AWS.stubFor(target(START).willReturn(json(400, JSON_1_1, "{\"__type\": \"NoAvailableDeliveryChannelException\","
                + " \"message\": \"Delivery channel is not available to start configuration recorder.\"}")));

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, stopped)).isEqualTo(new Outcome.Failed(
                "NoAvailableDeliveryChannelException: Delivery channel is not available to start configuration recorder."));
    }

    private static void status(String recorder) {
        AWS.stubFor(target(DESCRIBE).willReturn(json(200, JSON_1_1, "{\"ConfigurationRecordersStatus\": [" + recorder + "]}")));
    }
}
