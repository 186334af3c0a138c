package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snapback.testing.AwsStub;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.endpoints.IamEndpointProvider;

class AwsClientsTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    @Test
    void theSdkHonoursTheStandardEndpointOverrideWithoutOurHelp() {
        AWS.stubFor(target("DynamoDB_20120810.DescribeTable").willReturn(json(400, "application/x-amz-json-1.0",
                "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"no table\"}")));
        // aws.endpointUrl is the system-property twin of AWS_ENDPOINT_URL; the cold-start benchmark relies on it.
        System.setProperty("aws.endpointUrl", AWS.baseUrl());
        try (AwsClients clients = new AwsClients(Region.EU_WEST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsStub.ACCESS_KEY, "test-secret-not-real")), null)) {
            try {
                clients.dynamoDb().describeTable(r -> r.tableName("snapback-audit"));
            } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException expected) {
                // the stub's answer: what matters is that the request reached it
            }
        } finally {
            System.clearProperty("aws.endpointUrl");
        }
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
        assertThat(AwsStub.scope(AWS.findAll(anyRequestedFor(anyUrl())).getFirst())).isEqualTo("eu-west-1/dynamodb");
    }

    @Test
    void iamUsesThePartitionsGlobalEndpoint() {
        assertThat(AwsClients.iamRegion(Region.EU_WEST_1)).isEqualTo(Region.US_EAST_1);
        assertThat(AwsClients.iamRegion(Region.CN_NORTHWEST_1)).isEqualTo(Region.CN_NORTH_1);
        assertThat(AwsClients.iamRegion(Region.US_GOV_EAST_1)).isEqualTo(Region.US_GOV_WEST_1);
        String url = IamEndpointProvider.defaultProvider().resolveEndpoint(r -> r.region(Region.US_EAST_1)).join().endpointUrl().toUri().toString();
        assertThat(url).isEqualTo("https://iam.amazonaws.com");
    }

    @Test
    void onlyTheUrlConnectionHttpClientIsOnTheClasspath() {
        assertThat(loadable("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient")).isTrue();
        for (String other : List.of("software.amazon.awssdk.http.apache.ApacheHttpClient",
                "software.amazon.awssdk.http.apache5.Apache5HttpClient",
                "software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient")) {
            assertThat(loadable(other)).as(other).isFalse();
        }
    }

    private static boolean loadable(String className) {
        try {
            Class.forName(className, false, AwsClientsTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
