package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.model.Outcome;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.EditedFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Putting the TLS-only deny back from the policy before, on S3's REST-XML wire and CloudTrail's history
 * ({@code LookupEvents}), with the events of {@code tls-not-enforced}'s fixtures (eu-west-1).
 */
class RestoreSecureTransportDenyTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsAnswers ANSWER = new AwsAnswers(AWS);
    private static final String BUCKET = "orders-exports-111122223333";
    private static final String POLICY_PATH = "/" + BUCKET + "?policy";
    private static final String WITHOUT = "tls-not-enforced/finding/PutBucketPolicy-without-secure-transport-deny.json";
    private static final String WITH = "tls-not-enforced/ignored-by-detector/PutBucketPolicy-with-secure-transport-deny.json";

    @Test
    void theDenyOfThePolicyBeforeIsAddedAndEveryOtherStatementKept() throws Exception {
        CloudTrailEvent removed = EventParser.parse(EditedFixture.envelope(WITHOUT).toString().getBytes());
        JsonNode eventPolicy = removed.request().get("bucketPolicy");
        AWS.stubFor(get(urlEqualTo(POLICY_PATH)).willReturn(json(200, "application/json", eventPolicy.toString())));
        ANSWER.history(removed.record(), earlier(WITH, "2026-11-20T08:00:00Z"));
        AWS.stubFor(put(urlEqualTo(POLICY_PATH)).willReturn(xml(204, "")));
        RestoreSecureTransportDeny fix = new RestoreSecureTransportDeny("111122223333", BUCKET, eventPolicy.toString());

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(fix, removed);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Remediated.class, done -> assertThat(done.actions()).containsExactly(
                "put back 1 statement(s) denying insecure transport, from the policy set 2026-11-20T08:00:00Z, into the policy"
                        + " of bucket " + BUCKET + ", keeping its 1 other statement(s)"));
        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        // The history first, then the read, compare and write back to back.
        assertThat(calls).extracting(AwsStub::operation).containsExactly("LookupEvents", "GetBucketPolicy", "PutBucketPolicy");
        JsonNode lookup = JSON.readTree(calls.get(0).getBodyAsString());
        assertThat(lookup.at("/LookupAttributes/0/AttributeKey").asText()).isEqualTo("ResourceName");
        assertThat(lookup.at("/LookupAttributes/0/AttributeValue").asText()).isEqualTo(BUCKET);
        JsonNode put = JSON.readTree(calls.get(2).getBodyAsString());
        assertThat(put.get("Statement")).extracting(statement -> statement.get("Sid").asText())
                .containsExactly("ReporterRead", "DenyInsecureTransport");
        assertThat(calls.get(2).getHeader("x-amz-expected-bucket-owner")).isEqualTo("111122223333");
        assertThat(AwsStub.scope(calls.get(0))).isEqualTo("eu-west-1/cloudtrail");
    }

    @Test
    void withoutAnEarlierDenyThereIsNothingToRestoreFromAndAPersonIsPaged() throws Exception {
        CloudTrailEvent removed = EventParser.parse(EditedFixture.envelope(WITHOUT).toString().getBytes());
        JsonNode eventPolicy = removed.request().get("bucketPolicy");
        AWS.stubFor(get(urlEqualTo(POLICY_PATH)).willReturn(json(200, "application/json", eventPolicy.toString())));
        ANSWER.history(removed.record());

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(
                new RestoreSecureTransportDeny("111122223333", BUCKET, eventPolicy.toString()), removed);

        assertThat(outcome).isEqualTo(new Outcome.Paged("nothing to restore from: CloudTrail's 90-day history holds no"
                + " earlier policy change of the bucket; add a Deny of aws:SecureTransport false by hand"));
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).doesNotContain("PutBucketPolicy");
    }

    @Test
    void aPolicyChangedSinceIsLeftAlone() throws Exception {
        CloudTrailEvent removed = EventParser.parse(EditedFixture.envelope(WITHOUT).toString().getBytes());
        AWS.stubFor(get(urlEqualTo(POLICY_PATH)).willReturn(json(200, "application/json", "{\"Version\": \"2012-10-17\","
                + " \"Statement\": [{\"Sid\": \"Other\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"},"
                + " \"Action\": \"s3:ListBucket\", \"Resource\": \"arn:aws:s3:::" + BUCKET + "\"}]}")));
        ANSWER.history(removed.record(), earlier(WITH, "2026-11-20T08:00:00Z"));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(new RestoreSecureTransportDeny("111122223333",
                BUCKET, removed.request().get("bucketPolicy").toString()), removed);

        assertThat(outcome).isInstanceOf(Outcome.Superseded.class);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).containsExactly("LookupEvents", "GetBucketPolicy");
    }

    /** The CloudTrail record of another fixture, as an earlier change of the same bucket. */
    private static JsonNode earlier(String fixture, String time) {
        ObjectNode record = (ObjectNode) EditedFixture.envelope(fixture).get("detail");
        return record.put("eventTime", time);
    }
}
