package dev.snapback.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.target;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.model.Family;
import dev.snapback.remediate.AwsClients;
import dev.snapback.snapstart.SnapStartPriming;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsAnswers.PresentRule;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.FakeContext;
import dev.snapback.testing.RecordingMetrics;
import dev.snapback.testing.TestEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The SnapStart hooks of a real handler, run directly: priming reaches nothing outside the process and counts no
 * metric; after restore the handler remediates against the stub, signing with the credentials the restored
 * environment offers (container credentials), not those present when the snapshot was taken.
 */
class SnapStartPrimingTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final String DDB = "application/x-amz-json-1.0";
    /** The SDK reads these system properties before the environment variables of the same meaning. */
    private static final List<String> CREDENTIAL_PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey",
            "aws.sessionToken", "aws.containerCredentialsFullUri", "aws.containerAuthorizationToken");

    @BeforeEach
    void stubAwsAndTheSnapshotsCredentials() {
        AWS.stubFor(target("DynamoDB_20120810.PutItem").willReturn(json(200, DDB, "{}")));
        AWS.stubFor(target("DynamoDB_20120810.UpdateItem").willReturn(json(200, DDB, "{}")));
        new AwsAnswers(AWS).securityGroupRules(SecurityGroupHandlerTest.GROUP, List.of(
                new PresentRule(SecurityGroupHandlerTest.RULE, false, "tcp", 22, 22, "0.0.0.0/0")));
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200,
                "<RevokeSecurityGroupIngressResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>59dbff89-35bd-4eac-99ed-be587example</requestId><return>true</return>"
                + "</RevokeSecurityGroupIngressResponse>")));
        AWS.stubFor(query("Publish").willReturn(xml(200, "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>"
                + "<ResponseMetadata><RequestId>f187a3c1</RequestId></ResponseMetadata></PublishResponse>")));
        AWS.stubFor(get(urlEqualTo("/container-credentials")).willReturn(aResponse().withStatus(200).withBody("""
                {"AccessKeyId":"ASIARESTOREDEXAMPLE1","SecretAccessKey":"restored-secret","Token":"restored-token",
                 "Expiration":"2099-01-01T00:00:00Z"}""")));
        System.setProperty("aws.accessKeyId", "ASIAFROZENEXAMPLE001");
        System.setProperty("aws.secretAccessKey", "frozen-secret");
        System.setProperty("aws.sessionToken", "frozen-token");
    }

    @AfterEach
    void clearCredentials() {
        CREDENTIAL_PROPERTIES.forEach(System::clearProperty);
    }

    @Test
    void primingStaysInTheProcessAndTheHandlerWorksAfterRestoreWithContainerCredentials() throws Exception {
        Map<String, String> environment = SecurityGroupHandlerTest.environment();
        RecordingMetrics metrics = new RecordingMetrics();
        URI stub = URI.create(AWS.baseUrl());
        SecurityGroupHandler handler = new SecurityGroupHandler(
                () -> Wiring.wire(Family.SECURITY_GROUPS, environment,
                        new AwsClients(Region.US_EAST_1, DefaultCredentialsProvider.builder().build(), stub), metrics, Clock.systemUTC()),
                () -> Wiring.forPriming(Family.SECURITY_GROUPS, environment));

        handler.priming.beforeCheckpoint(null);

        // That priming reaches no endpoint and emits no metric is for SnapStartHooksTest (the deployed jar) and
        // CannedAwsHttpClientTest to show: the priming pipeline here is not wired to the stub or to these metrics.
        assertThat(handler.priming.primedPasses()).as("every pass remediated the sample on canned responses")
                .isEqualTo(SnapStartPriming.PASSES);

        // The live clients as the snapshot holds them, once used (as a provisioned or pre-warmed one would be).
        invoke(handler);
        assertThat(signers()).containsOnly("ASIAFROZENEXAMPLE001");
        AWS.resetRequests();

        // Restored: the environment now offers container credentials only.
        CREDENTIAL_PROPERTIES.forEach(System::clearProperty);
        System.setProperty("aws.containerCredentialsFullUri", AWS.baseUrl() + "/container-credentials");
        System.setProperty("aws.containerAuthorizationToken", "restore-token");
        handler.priming.afterRestore(null);

        JsonNode summary = invoke(handler);

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(AWS.findAll(postRequestedFor(urlEqualTo("/")))).extracting(AwsStub::operation)
                .containsExactly("UpdateItem", "DescribeSecurityGroupRules", "RevokeSecurityGroupIngress", "UpdateItem",
                        "Publish", "UpdateItem");
        assertThat(signers()).containsOnly("ASIARESTOREDEXAMPLE1");
        assertThat(AWS.findAll(getRequestedFor(urlEqualTo("/container-credentials"))))
                .isNotEmpty().allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("restore-token"));
        assertThat(metrics.total("Remediations", "security-group-opened")).isEqualTo(2.0);
    }

    private static JsonNode invoke(SecurityGroupHandler handler) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(TestEvents.bytes(TestEvents.SG_WORLD_SSH)), out,
                new FakeContext("snapback-security-groups", "req-1"));
        return new ObjectMapper().readTree(out.toByteArray());
    }

    /** The access key id each AWS call was signed with. */
    private static List<String> signers() {
        return AWS.findAll(postRequestedFor(urlEqualTo("/"))).stream()
                .map(call -> call.getHeader("Authorization").replaceFirst(".*Credential=([^/]+)/.*", "$1"))
                .toList();
    }
}
