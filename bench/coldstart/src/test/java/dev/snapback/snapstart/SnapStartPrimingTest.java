package dev.snapback.snapstart;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.detect.Detectors;
import dev.snapback.detect.Family;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.policy.Evaluator;
import dev.snapback.policy.SnapbackConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Runs the SnapStart hooks directly: priming reaches nothing outside the process, and after restore the function
 * works against the stub with the credentials the restored environment offers (container credentials), not those
 * of the snapshot.
 */
class SnapStartPrimingTest {

    private static final String[] CREDENTIAL_PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken",
            "aws.containerCredentialsFullUri", "aws.containerAuthorizationToken"};

    private final WireMockServer stub = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
            .usingFilesUnderDirectory("stub"));
    private byte[] event;

    @BeforeEach
    void start() throws Exception {
        stub.start();
        stub.stubFor(get(urlEqualTo("/container-credentials")).willReturn(aResponse().withStatus(200).withBody("""
                {"AccessKeyId":"ASIARESTOREDEXAMPLE1","SecretAccessKey":"restored-secret","Token":"restored-token",
                 "Expiration":"2099-01-01T00:00:00Z"}""")));
        event = Files.readAllBytes(Path.of("../../events/security-group-opened/finding/AuthorizeSecurityGroupIngress-ipv4-world-ssh.json"));
        // The snapshot's environment: credentials in the environment (system properties stand in for env vars).
        System.setProperty("aws.accessKeyId", "ASIAFROZENEXAMPLE001");
        System.setProperty("aws.secretAccessKey", "frozen-secret");
        System.setProperty("aws.sessionToken", "frozen-token");
    }

    @AfterEach
    void stop() {
        stub.stop();
        for (String property : CREDENTIAL_PROPERTIES) {
            System.clearProperty(property);
        }
    }

    @Test
    void primingStaysInTheProcessAndTheFunctionWorksAfterRestoreWithContainerCredentials() {
        URI endpoint = URI.create(stub.baseUrl());
        AtomicReference<SecurityGroupFunction> live = new AtomicReference<>(
                SecurityGroupFunction.over(UrlConnectionHttpClient.create(), DefaultCredentialsProvider.builder().build(), endpoint));
        CannedAwsHttpClient canned = new CannedAwsHttpClient();
        SecurityGroupFunction primingFunction = SecurityGroupFunction.over(canned,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")), null);
        SnapStartPriming priming = new SnapStartPriming(() -> primingFunction.handle(event),
                () -> live.set(SecurityGroupFunction.over(UrlConnectionHttpClient.create(),
                        DefaultCredentialsProvider.builder().build(), endpoint)));

        priming.beforeCheckpoint(null);

        assertThat(canned.calls()).as("every pass went through the SDK").isEqualTo(4 * SnapStartPriming.PASSES);
        assertThat(stub.getAllServeEvents()).as("nothing reached the network").isEmpty();

        // Restore: the environment now offers container credentials only.
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.sessionToken");
        System.setProperty("aws.containerCredentialsFullUri", stub.baseUrl() + "/container-credentials");
        System.setProperty("aws.containerAuthorizationToken", "restore-token");
        priming.afterRestore(null);

        live.get().handle(event);

        List<LoggedRequest> calls = stub.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(calls).hasSize(4);
        assertThat(calls).allSatisfy(call -> assertThat(call.getHeader("Authorization"))
                .contains("Credential=ASIARESTOREDEXAMPLE1/"));
        assertThat(calls).anySatisfy(call -> assertThat(call.getBodyAsString())
                .contains("Action=RevokeSecurityGroupIngress").contains("SecurityGroupRuleId.1=sgr-0e1f2a3b4c5d60001"));
        assertThat(stub.findAll(getRequestedFor(urlEqualTo("/container-credentials"))))
                .isNotEmpty().allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("restore-token"));
    }

    /** The security-group function's path in miniature: parse, assess, revoke, claim and complete, publish. */
    private record SecurityGroupFunction(Evaluator evaluator, Ec2Client ec2, DynamoDbClient dynamoDb, SnsClient sns) {

        static SecurityGroupFunction over(SdkHttpClient http, AwsCredentialsProvider credentials, URI endpoint) {
            SnapbackConfig config = SnapbackConfig.defaults();
            var ec2 = Ec2Client.builder().httpClient(http).credentialsProvider(credentials).region(Region.EU_WEST_1);
            var dynamoDb = DynamoDbClient.builder().httpClient(http).credentialsProvider(credentials).region(Region.EU_WEST_1);
            var sns = SnsClient.builder().httpClient(http).credentialsProvider(credentials).region(Region.EU_WEST_1);
            if (endpoint != null) {
                ec2.endpointOverride(endpoint);
                dynamoDb.endpointOverride(endpoint);
                sns.endpointOverride(endpoint);
            }
            return new SecurityGroupFunction(new Evaluator(config, Detectors.of(Family.SECURITY_GROUPS, config)),
                    ec2.build(), dynamoDb.build(), sns.build());
        }

        void handle(byte[] raw) {
            CloudTrailEvent event = EventParser.parse(raw);
            evaluator.assess(event);
            String group = event.request().path("groupId").asText();
            String rule = event.response().path("securityGroupRuleSet").path("items").path(0).path("securityGroupRuleId").asText();
            Map<String, AttributeValue> key = Map.of("eventId", AttributeValue.fromS(event.eventId()));
            ec2.revokeSecurityGroupIngress(r -> r.groupId(group).securityGroupRuleIds(rule));
            dynamoDb.putItem(r -> r.tableName("snapback-audit").item(key).conditionExpression("attribute_not_exists(eventId)"));
            dynamoDb.updateItem(r -> r.tableName("snapback-audit").key(key).updateExpression("SET #s = :s")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("remediated"))));
            sns.publish(r -> r.topicArn("arn:aws:sns:eu-west-1:111122223333:snapback-alerts").message("revoked " + rule));
        }
    }
}
