package dev.snapback.alert;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.scope;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.testing.AwsStub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SnsNotifierTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:snapback-alerts";
    private static final ObjectMapper JSON = new ObjectMapper();



    @Test
    void publishesTextForPeopleJsonForMachinesAndFilterableAttributes() throws Exception {
        AWS.stubFor(query("Publish").willReturn(xml(200, "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>"
                + "<ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata></PublishResponse>")));
        Alert alert = new Alert("[HIGH] sg-1 opened 22/tcp to 0.0.0.0/0 in 111122223333/eu-west-1 - revoked",
                "Human text", "{\"detector\":\"security-group-opened\"}",
                Map.of("severity", "HIGH", "detector", "security-group-opened", "outcome", "remediated"));

        String messageId = new SnsNotifier(AWS.clients().sns(), TOPIC).publish(alert);

        assertThat(messageId).isEqualTo("94f20ce6-13c5-43a0-9a9e-ca52d816e90b");
        List<LoggedRequest> requests = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        assertThat(scope(requests.getFirst())).isEqualTo("us-east-1/sns");
        Map<String, String> form = form(requests.getFirst());
        assertThat(form).containsEntry("Action", "Publish")
                .containsEntry("TopicArn", TOPIC)
                .containsEntry("Subject", alert.subject())
                .containsEntry("MessageStructure", "json");
        JsonNode message = JSON.readTree(form.get("Message"));
        assertThat(message.get("default").asText()).isEqualTo("Human text");
        assertThat(message.get("email").asText()).isEqualTo("Human text");
        for (String protocol : List.of("sqs", "https", "lambda")) {
            assertThat(message.get(protocol).asText()).isEqualTo("{\"detector\":\"security-group-opened\"}");
        }
        assertThat(AwsStub.messageAttributes(form)).isEqualTo(alert.attributes());
    }
}
