package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.testing.AwsStub;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/** The JSON-protocol adapter's wire shape, errors, retries and time limits, on the real SDK stack against a stub. */
class JsonProtocolClientTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final String DESCRIBE = "StarlingDoveService.DescribeConfigurationRecorderStatus";
    private static final String JSON_1_1 = "application/x-amz-json-1.1";

    @Test
    void aCallIsAnAwsJsonPostSignedForTheServiceAndRegion() throws Exception {
        AWS.stubFor(target(DESCRIBE).willReturn(json(200, JSON_1_1, "{\"ConfigurationRecordersStatus\": [{\"name\": \"default\","
                + " \"recording\": false, \"lastStopTime\": 1796637600.25, \"lastStatus\": \"SUCCESS\"}]}")));

        var status = AWS.clients().config("eu-west-1").recorderStatus("default");

        assertThat(status).contains(new ConfigService.RecorderStatus("default", false, Instant.parse("2026-12-07T10:00:00.250Z")));
        LoggedRequest request = only();
        assertThat(request.getMethod().getName()).isEqualTo("POST");
        assertThat(request.getUrl()).isEqualTo("/");
        assertThat(request.getHeader("Content-Type")).isEqualTo(JSON_1_1);
        assertThat(request.getHeader("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + AwsStub.ACCESS_KEY + "/")
                .contains("SignedHeaders=").contains("x-amz-target");
        assertThat(AwsStub.scope(request)).isEqualTo("eu-west-1/config");
        assertThat(request.getHeader("X-Amz-Date")).matches("\\d{8}T\\d{6}Z");
        assertThat(new ObjectMapper().readTree(request.getBodyAsString()).toString())
                .isEqualTo("{\"ConfigurationRecorderNames\":[\"default\"]}");
    }

    @Test
    void anErrorAnswerIsAnAwsServiceExceptionWithAwsCodeFromHeaderOrBody() {
        AWS.stubFor(target(DESCRIBE).willReturn(json(400, JSON_1_1,
                "{\"__type\": \"com.amazonaws.starlingdove#ValidationException\", \"message\": \"1 validation error\"}")));

        assertThatThrownBy(() -> AWS.clients().config("us-east-1").recorderStatus("default"))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(AwsErrors.describe(e)).isEqualTo("ValidationException: 1 validation error");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).as("a client error is not retried").hasSize(1);

        AWS.stubFor(target(DESCRIBE).willReturn(json(400, JSON_1_1, "{\"message\": \"Cannot find recorder\"}")
                .withHeader("x-amzn-ErrorType", "NoSuchConfigurationRecorderException:http://internal.amazon.com/coral/")));
        assertThat(AWS.clients().config("us-east-1").recorderStatus("default")).as("no such recorder reads as none").isEmpty();
    }

    @Test
    void anErrorPageFromInFrontOfTheServiceKeepsItsStatusAndText() {
        AWS.stubFor(target(DESCRIBE).willReturn(json(403, "text/html", "<html>Forbidden by proxy</html>")));

        assertThatThrownBy(() -> AWS.clients().config("us-east-1").recorderStatus("default"))
                .isInstanceOfSatisfying(AwsServiceException.class, e ->
                        assertThat(AwsErrors.describe(e)).isEqualTo("HTTP 403: <html>Forbidden by proxy</html>"));
    }

    @Test
    void throttlingAndServerErrorsAreRetriedAsTheSdkRetries() {
        String start = "StarlingDoveService.StartConfigurationRecorder";
        AWS.stubFor(target(start).inScenario("flaky").whenScenarioStateIs(STARTED).willSetStateTo("throttled")
                .willReturn(json(400, JSON_1_1, "{\"__type\": \"ThrottlingException\", \"message\": \"Rate exceeded\"}")));
        AWS.stubFor(target(start).inScenario("flaky").whenScenarioStateIs("throttled").willSetStateTo("failed")
                .willReturn(json(503, JSON_1_1, "{\"__type\": \"ServiceUnavailableException\", \"message\": \"try again\"}")));
        AWS.stubFor(target(start).inScenario("flaky").whenScenarioStateIs("failed").willReturn(json(200, JSON_1_1, "{}")));

        AWS.clients().config("us-east-1").startRecorder("default");

        List<LoggedRequest> attempts = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(attempts).hasSize(3).allSatisfy(attempt -> assertThat(attempt.getBodyAsString())
                .isEqualTo("{\"ConfigurationRecorderName\":\"default\"}"));
    }

    @Test
    void anAttemptThatHangsIsAbandonedWithinTheInvocationsBudget() {
        AWS.stubFor(target(DESCRIBE).willReturn(json(200, JSON_1_1, "{}").withFixedDelay(8_000)));
        try (AwsClients clients = new AwsClients(Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsStub.ACCESS_KEY, "test-secret-not-real")),
                java.net.URI.create(AWS.baseUrl()))) {
            clients.budget().start(Duration.ofSeconds(2));
            Instant started = Instant.now();

            assertThatThrownBy(() -> clients.config("us-east-1").recorderStatus("default"))
                    .isInstanceOf(SdkClientException.class).hasMessageContaining("did not answer within");
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(4));
            assertThatThrownBy(() -> clients.config("us-east-1").recorderStatus("default"))
                    .as("once the acting time is over, no call starts")
                    .isInstanceOf(CallBudget.OutOfTimeException.class);
        }
    }

    @Test
    void theStandardEndpointVariablesReachItAsTheyReachGeneratedClients() {
        AWS.stubFor(target(DESCRIBE).willReturn(json(200, JSON_1_1, "{\"ConfigurationRecordersStatus\": []}")));
        System.setProperty("aws.endpointUrl", AWS.baseUrl());
        try (AwsClients clients = new AwsClients(Region.EU_WEST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsStub.ACCESS_KEY, "test-secret-not-real")), null)) {
            assertThat(clients.config("eu-west-1").recorderStatus("default")).isEmpty();
        } finally {
            System.clearProperty("aws.endpointUrl");
        }
        assertThat(AwsStub.scope(only())).isEqualTo("eu-west-1/config");
    }

    @Test
    void withoutAnOverrideTheEndpointIsTheRegionalOne() {
        var client = new JsonProtocolClient(JsonConfigService.SERVICE, Region.EU_WEST_1, null, null, null,
                new CallBudget(java.time.Clock.systemUTC()));
        assertThat(client.endpoint()).hasToString("https://config.eu-west-1.amazonaws.com");
        assertThat(new JsonProtocolClient(JsonConfigService.SERVICE, Region.CN_NORTH_1, null, null, null,
                new CallBudget(java.time.Clock.systemUTC())).endpoint()).hasToString("https://config.cn-north-1.amazonaws.com.cn");
    }

    private static LoggedRequest only() {
        List<LoggedRequest> requests = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        return requests.getFirst();
    }
}
