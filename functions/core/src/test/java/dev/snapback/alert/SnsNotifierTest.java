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
import dev.snapback.detect.Finding;
import dev.snapback.model.Mode;
import dev.snapback.model.Outcome;
import dev.snapback.policy.Decision;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.Decisions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The publish request on the wire, and the 256 KB budget. */
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
        assertThat(message.has("email")).as("SNS gives email the default").isFalse();
        for (String protocol : List.of("sqs", "https", "lambda")) {
            assertThat(message.get(protocol).asText()).isEqualTo("{\"detector\":\"security-group-opened\"}");
        }
        assertThat(AwsStub.messageAttributes(form)).isEqualTo(alert.attributes());
    }

    @Test
    void anOversizedDecisionIsCutToFitWithANoteAndMachinesGetItsOutline() throws Exception {
        Finding finding = Decisions.worldSsh();
        Map<String, String> context = new LinkedHashMap<>(finding.context());
        context.put("rules", "22/tcp from 0.0.0.0/0 (sgr-0fedcba9876543210) \"é\", ".repeat(6_000));
        Decision huge = new Decision(new Finding(finding.detectorId(), finding.severity(), finding.title(), finding.resource(),
                finding.proposed(), context, finding.cause()), Mode.REMEDIATE, Decision.Action.REMEDIATE, "remediates");
        Alert alert = new AlertRenderer(Duration.ofMinutes(15)).render(huge, new Outcome.Paged("review"), Instant.EPOCH);
        assertThat(alert.json().getBytes(StandardCharsets.UTF_8).length).as("the case this is about").isGreaterThan(256 * 1024);

        String message = SnsNotifier.message(alert);

        assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(SnsNotifier.MESSAGE_BUDGET);
        JsonNode parsed = JSON.readTree(message);
        String text = parsed.get("default").asText();
        assertThat(text).startsWith(alert.text().substring(0, alert.text().indexOf("Decision (JSON):")))
                .contains("What Snapback did: nothing was changed. Please review: review.", "... (shortened)", "Decision (JSON):\n{")
                .endsWith(SnsNotifier.TRUNCATED);
        JsonNode outline = JSON.readTree(parsed.get("sqs").asText());
        assertThat(outline.get("detector").asText()).isEqualTo("security-group-opened");
        assertThat(outline.at("/event/eventId").asText()).isEqualTo(finding.cause().eventId());
        assertThat(outline.at("/outcome/type").asText()).isEqualTo("paged");
        assertThat(outline.has("context")).isFalse();
        assertThat(outline.get("truncated").asText()).contains("audit table");
    }

    @Test
    void anAlertThatFitsIsSentWhole() throws Exception {
        Alert alert = new AlertRenderer(Duration.ofMinutes(15)).render(Decisions.remediate(), new Outcome.Paged("review"), Instant.EPOCH);

        JsonNode parsed = JSON.readTree(SnsNotifier.message(alert));

        assertThat(parsed.get("default").asText()).isEqualTo(alert.text());
        assertThat(parsed.get("lambda").asText()).isEqualTo(alert.json());
    }
}
