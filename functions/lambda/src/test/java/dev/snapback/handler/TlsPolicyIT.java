package dev.snapback.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.snapback.model.Family;
import dev.snapback.testing.Emulator;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code tls-not-enforced} end to end on the AWS API emulator: a bucket's policy loses its TLS-only deny there, the
 * handler gets the real-shaped event, and the policy is read back. The emulator has no CloudTrail event history
 * ({@code LookupEvents}), so a proxy in front of it answers that one call with the history a real trail would hold
 * (the policy before, with its deny) and passes every other call to the emulator unchanged.
 */
class TlsPolicyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "eu-west-1";
    private static final String REMEDIATE = "{\"modes\": {\"tls-not-enforced\": \"remediate\"}}";
    private static final String READER = "{\"Sid\": \"ReporterRead\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\":"
            + " \"arn:aws:iam::123456789012:role/reporter\"}, \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::%s/*\"}";
    private static final String TLS = "{\"Sid\": \"DenyInsecureTransport\", \"Effect\": \"Deny\", \"Principal\": \"*\","
            + " \"Action\": \"s3:*\", \"Resource\": [\"arn:aws:s3:::%1$s\", \"arn:aws:s3:::%1$s/*\"], \"Condition\": {\"Bool\":"
            + " {\"aws:SecureTransport\": \"false\"}}}";

    private final WireMockServer proxy = new WireMockServer(wireMockConfig().dynamicPort());
    private Emulator aws;
    private String table;
    private String topic;
    private S3Client s3;
    private String bucket;

    @BeforeEach
    void start() {
        Emulator emulator = Emulator.start(REGION);
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(emulator.endpoint().toString())));
        aws = emulator.through(URI.create(proxy.baseUrl()));
        table = aws.auditTable();
        topic = aws.alertTopic();
        s3 = aws.clients().s3(REGION);
        bucket = aws.bucket("orders-exports");
    }

    @AfterEach
    void stop() {
        proxy.stop();
    }

    @Test
    void theDenyOfThePolicyBeforeIsPutBackAndTheOtherStatementsKept() throws Exception {
        String without = policy(READER.formatted(bucket));
        s3.putBucketPolicy(r -> r.bucket(bucket).policy(without));
        ObjectNode event = removed(without);
        answerHistory(event, policy(READER.formatted(bucket), TLS.formatted(bucket)));

        JsonNode summary = aws.handler(Family.TRANSPORT, table, topic, REMEDIATE).invoke(event);

        assertThat(outcome(summary)).isEqualTo("remediated");
        JsonNode now = JSON.readTree(s3.getBucketPolicy(r -> r.bucket(bucket)).policy());
        assertThat(now.get("Statement").findValuesAsText("Sid")).containsExactly("ReporterRead", "DenyInsecureTransport");
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[MEDIUM] ");
            assertThat(page.text()).contains("keeping its 1 other statement(s)", "aws s3api put-bucket-policy --region eu-west-1");
        });
    }

    @Test
    void aPolicyChangedSinceIsLeftAsItIs() throws Exception {
        String without = policy(READER.formatted(bucket));
        String newer = policy(READER.formatted(bucket).replace("reporter", "auditor"));
        s3.putBucketPolicy(r -> r.bucket(bucket).policy(newer));
        ObjectNode event = removed(without);
        answerHistory(event, policy(READER.formatted(bucket), TLS.formatted(bucket)));

        JsonNode summary = aws.handler(Family.TRANSPORT, table, topic, REMEDIATE).invoke(event);

        assertThat(outcome(summary)).isEqualTo("superseded");
        assertThat(JSON.readTree(s3.getBucketPolicy(r -> r.bucket(bucket)).policy())).isEqualTo(JSON.readTree(newer));
    }

    /** The outcome of this detector's finding. */
    private static String outcome(JsonNode summary) {
        for (JsonNode result : summary.get("results")) {
            if (result.path("detector").asText().equals("tls-not-enforced")) return result.path("outcome").asText();
        }
        throw new AssertionError("no tls-not-enforced result in " + summary);
    }

    private static String policy(String... statements) {
        return "{\"Version\": \"2012-10-17\", \"Statement\": [" + String.join(", ", statements) + "]}";
    }

    /** The fixture's PutBucketPolicy, pointed at the emulator's bucket and setting {@code policy}. */
    private ObjectNode removed(String policy) throws Exception {
        JsonNode set = JSON.readTree(policy);
        return Emulator.event("tls-not-enforced/finding/PutBucketPolicy-without-secure-transport-deny.json", detail -> {
            ((ObjectNode) detail.get("requestParameters")).put("bucketName", bucket).set("bucketPolicy", set);
            ((ObjectNode) detail.at("/resources/0")).put("ARN", "arn:aws:s3:::" + bucket);
        });
    }

    /** CloudTrail's history of the bucket, newest first: the event itself, then an hour before, {@code before} set. */
    private void answerHistory(ObjectNode event, String before) throws Exception {
        ObjectNode current = (ObjectNode) event.get("detail");
        ObjectNode earlier = current.deepCopy();
        earlier.put("eventID", "0e0e0e0e-0000-4000-8000-000000000002").put("eventTime",
                Instant.parse(current.get("eventTime").asText()).minusSeconds(3600).toString());
        ((ObjectNode) earlier.get("requestParameters")).set("bucketPolicy", JSON.readTree(before));
        var events = JSON.createArrayNode();
        for (ObjectNode record : new ObjectNode[] {current, earlier}) {
            events.addObject().put("EventId", record.get("eventID").asText()).put("EventName", "PutBucketPolicy")
                    .put("EventTime", Instant.parse(record.get("eventTime").asText()).getEpochSecond())
                    .put("CloudTrailEvent", record.toString());
        }
        proxy.stubFor(post("/").withHeader("X-Amz-Target", containing("LookupEvents")).atPriority(1).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(JSON.createObjectNode().set("Events", events).toString())));
    }
}
