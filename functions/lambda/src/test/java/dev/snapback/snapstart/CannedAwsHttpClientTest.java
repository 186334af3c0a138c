package dev.snapback.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snapback.remediate.AwsClients;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

/** Real SDK clients over the priming client: each service's call is answered in its protocol, and by nothing else. */
class CannedAwsHttpClientTest {

    private static final String[] PROXY_SCHEMES = {"http", "https"};

    @Test
    @Timeout(30)  // four calls that each waited out the listener's 10 s would take 40
    void everyServiceOfThePipelineGetsAnAnswerItsClientCanRead() {
        try (AwsClients clients = clients()) {
            assertThat(clients.ssm().getParameter(r -> r.name("/snapback/modes")).parameter().value())
                    .as("the stack's initial value: no mode override").isEqualTo("{}");
            assertThat(clients.ec2("eu-west-1").revokeSecurityGroupIngress(r -> r.groupId("sg-0a1b2c3d4e5f60001")
                    .securityGroupRuleIds("sgr-0123456789abcdef0")).returnValue()).isTrue();
            assertThat(clients.sns().publish(r -> r.topicArn("arn:aws:sns:eu-west-1:111122223333:snapback-alerts")
                    .message("priming")).messageId()).isEqualTo("snapstart-priming");
            assertThat(clients.dynamoDb().updateItem(r -> r.tableName("snapback-audit")).attributes()).isEmpty();
        }
    }

    @Test
    void aProxyInTheEnvironmentIsNeverUsed() throws IOException {
        int nothingListens;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = probe.getLocalPort();
        }
        for (String scheme : PROXY_SCHEMES) {
            System.setProperty(scheme + ".proxyHost", "127.0.0.1");
            System.setProperty(scheme + ".proxyPort", Integer.toString(nothingListens));
        }
        try (AwsClients clients = clients()) {
            assertThat(clients.sns().publish(r -> r.topicArn("arn:aws:sns:eu-west-1:111122223333:snapback-alerts")
                    .message("priming")).messageId()).as("answered by the loopback listener, not refused by the proxy")
                    .isEqualTo("snapstart-priming");
        } finally {
            for (String scheme : PROXY_SCHEMES) {
                System.clearProperty(scheme + ".proxyHost");
                System.clearProperty(scheme + ".proxyPort");
            }
        }
    }

    @Test
    void aCallItCannotAnswerFailsWithTheListenersReasonInsteadOfHanging() {
        byte[] body = "not an AWS query".getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST)
                .uri(URI.create("https://sns.eu-west-1.amazonaws.com/"))
                .putHeader("Content-Length", Integer.toString(body.length)).build();
        try (CannedAwsHttpClient client = new CannedAwsHttpClient()) {
            assertThatThrownBy(() -> client.prepareRequest(HttpExecuteRequest.builder().request(request)
                    .contentStreamProvider(() -> new ByteArrayInputStream(body)).build()).call())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("failed to answer https://sns.eu-west-1.amazonaws.com/")
                    .hasMessageContaining("neither X-Amz-Target nor Action");
        }
    }

    private static AwsClients clients() {
        return new AwsClients(new CannedAwsHttpClient(), Region.EU_WEST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("snapstart-priming", "snapstart-priming")), null);
    }
}
