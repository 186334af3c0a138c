package dev.snapback.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.model.Family;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsAnswers.PresentRule;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.FakeContext;
import dev.snapback.testing.Fixtures;
import dev.snapback.testing.RecordingMetrics;
import dev.snapback.testing.TestEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sample alert quoted in {@code README.md} is exactly what {@link SecurityGroupHandler} publishes for the
 * real-shaped {@code AuthorizeSecurityGroupIngress} event, so the README cannot drift from the code.
 */
class SampleAlertTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FENCE = "```\n";
    /** The sample event's call was at 09:41:12. */
    private static final Clock THIRTY_EIGHT_SECONDS_LATER = Clock.fixed(Instant.parse("2026-11-27T09:41:50Z"), ZoneOffset.UTC);

    @Test
    void theReadmeQuotesTheAlertTheHandlerPublishes() throws Exception {
        AWS.stubTable();
        new AwsAnswers(AWS).securityGroupRules(SecurityGroupHandlerTest.GROUP, List.of(
                new PresentRule(SecurityGroupHandlerTest.RULE, false, "tcp", 22, 22, "0.0.0.0/0")));
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, SecurityGroupHandlerTest.revokeResponse())));
        AWS.stubFor(query("Publish").willReturn(xml(200, SecurityGroupHandlerTest.publishResponse())));
        SecurityGroupHandler handler = new SecurityGroupHandler(Wiring.wire(Family.SECURITY_GROUPS,
                SecurityGroupHandlerTest.environment(), AWS.clients(), new RecordingMetrics(), THIRTY_EIGHT_SECONDS_LATER));

        handler.handleRequest(new ByteArrayInputStream(TestEvents.bytes(TestEvents.SG_WORLD_SSH)), new ByteArrayOutputStream(),
                new FakeContext("snapback-security-groups", "sample"));

        Map<String, String> publish = form(AWS.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> AwsStub.operation(r).equals("Publish")).findFirst().orElseThrow());
        String sample = "Subject: " + publish.get("Subject") + "\n\n" + JSON.readTree(publish.get("Message")).get("default").asText();
        assertThat(quotedSample()).isEqualTo(sample);
    }

    /** The fenced block of the README section that shows an alert. */
    private static String quotedSample() throws Exception {
        String readme = Files.readString(Fixtures.root().resolve("README.md"));
        int start = readme.indexOf(FENCE + "Subject: ", readme.indexOf("### What an alert looks like")) + FENCE.length();
        return readme.substring(start, readme.indexOf(FENCE, start));
    }
}
