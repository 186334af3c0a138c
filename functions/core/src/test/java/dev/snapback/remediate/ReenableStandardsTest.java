package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.snapback.testing.AwsStub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Re-subscribing Security Hub to the standards a call removed, on its restJson1 wire. The emulator has neither
 * {@code GetEnabledStandards} nor {@code BatchEnableStandards} (nor {@code BatchDisableStandards}), so this stub
 * test is where the wire shape is pinned, in the API reference's shapes.
 */
class ReenableStandardsTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CIS_SUBSCRIPTION = "arn:aws:securityhub:us-east-1:111122223333:subscription/cis-aws-foundations-benchmark/v/1.4.0";
    private static final String CIS = "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0";
    private static final String FSBP_SUBSCRIPTION = "arn:aws:securityhub:us-east-1:111122223333:subscription/aws-foundational-security-best-practices/v/1.0.0";
    private static final String FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
    private static final ReenableStandards FIX = new ReenableStandards("us-east-1", List.of(
            new ReenableStandards.Standard(CIS_SUBSCRIPTION, CIS), new ReenableStandards.Standard(FSBP_SUBSCRIPTION, FSBP)));

    private static CloudTrailEvent disabled;

    @BeforeAll
    static void event() throws IOException {
        disabled = EventParser.parse(Files.readAllBytes(Fixtures.eventsDir()
                .resolve("threat-detection-disabled/finding/BatchDisableStandards-cis-and-fsbp.json")));
    }

    @Test
    void onlyTheStandardsStillOffAreSubscribedAgainInOneCall() throws Exception {
        enabled("{\"StandardsSubscriptionArn\": \"" + FSBP_SUBSCRIPTION + "\", \"StandardsArn\": \"" + FSBP
                + "\", \"StandardsInput\": {}, \"StandardsStatus\": \"READY\"}");
        AWS.stubFor(post(urlEqualTo("/standards/register")).willReturn(json(200, "application/json",
                "{\"StandardsSubscriptions\": [{\"StandardsSubscriptionArn\": \"" + CIS_SUBSCRIPTION + "\", \"StandardsArn\": \""
                        + CIS + "\", \"StandardsInput\": {}, \"StandardsStatus\": \"PENDING\"}]}")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, disabled);

        assertThat(outcome).isEqualTo(new Outcome.Remediated(List.of("re-enabled " + CIS + " in us-east-1"),
                List.of("aws securityhub batch-disable-standards --region us-east-1 --standards-subscription-arns '"
                        + CIS_SUBSCRIPTION + "'")));
        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(LoggedRequest::getUrl).containsExactly("/standards/get", "/standards/register");
        assertThat(JSON.readTree(calls.get(0).getBodyAsString())).isEqualTo(JSON.readTree(
                "{\"StandardsSubscriptionArns\": [\"" + CIS_SUBSCRIPTION + "\", \"" + FSBP_SUBSCRIPTION + "\"]}"));
        assertThat(JSON.readTree(calls.get(1).getBodyAsString())).isEqualTo(JSON.readTree(
                "{\"StandardsSubscriptionRequests\": [{\"StandardsArn\": \"" + CIS + "\"}]}"));
        assertThat(calls).allSatisfy(call -> assertThat(AwsStub.scope(call)).isEqualTo("us-east-1/securityhub"));
    }

    @Test
    void aStandardStillBeingDeletedIsSubscribedAgainAndOneInForceIsNot() {
        enabled("{\"StandardsSubscriptionArn\": \"" + CIS_SUBSCRIPTION + "\", \"StandardsArn\": \"" + CIS
                + "\", \"StandardsStatus\": \"DELETING\"}, {\"StandardsSubscriptionArn\": \"" + FSBP_SUBSCRIPTION
                + "\", \"StandardsArn\": \"" + FSBP + "\", \"StandardsStatus\": \"PENDING\"}");
        AWS.stubFor(post(urlEqualTo("/standards/register")).willReturn(json(200, "application/json", "{}")));

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, disabled).detail()).isEqualTo("re-enabled " + CIS + " in us-east-1");
    }

    @Test
    void standardsInForceNeedNothing() {
        enabled("{\"StandardsSubscriptionArn\": \"" + CIS_SUBSCRIPTION + "\", \"StandardsArn\": \"" + CIS
                + "\", \"StandardsStatus\": \"READY\"}, {\"StandardsSubscriptionArn\": \"" + FSBP_SUBSCRIPTION
                + "\", \"StandardsArn\": \"" + FSBP + "\", \"StandardsStatus\": \"INCOMPLETE\"}");

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, disabled)).isInstanceOf(Outcome.AlreadyCompliant.class);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void aHubDisabledSinceIsANewerChangeItsOwnEventPages() {
        AWS.stubFor(post(urlEqualTo("/standards/get")).willReturn(json(401, "application/json",
                "{\"Message\": \"Account 111122223333 is not subscribed to AWS Security Hub\", \"Code\": \"InvalidAccessException\"}")
                .withHeader("x-amzn-ErrorType", "InvalidAccessException:http://internal.amazon.com/coral/com.amazonaws.securityhub/")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, disabled);

        assertThat(outcome).isInstanceOf(Outcome.Superseded.class);
        assertThat(outcome.detail()).contains("Security Hub is not enabled in us-east-1");
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    private static void enabled(String subscriptions) {
        AWS.stubFor(post(urlEqualTo("/standards/get")).willReturn(json(200, "application/json",
                "{\"StandardsSubscriptions\": [" + subscriptions + "]}")));
    }
}
