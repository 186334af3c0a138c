package dev.snapback.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.handler.Handlers;
import dev.snapback.handler.Pipeline;
import dev.snapback.handler.Wiring;
import dev.snapback.model.Family;
import dev.snapback.remediate.AwsClients;
import dev.snapback.remediate.QuarantinePolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The AWS API emulator the integration tests run the real handlers against: a moto server (see
 * {@code ../shared/moto}; {@code .ci/run} starts one) at the URL in {@value #VARIABLE}. Without one that answers, the
 * tests are skipped with a message saying so.
 *
 * <p>Each test gets its own audit table and alert topic; the handler is the real one, wired to the emulator.
 */
public final class Emulator {

    /** The environment variable naming the emulator's endpoint, e.g. {@code http://127.0.0.1:4566}. */
    public static final String VARIABLE = "SNAPBACK_EMULATOR_URL";
    /** moto's default account, the account of everything the tests create. */
    public static final String ACCOUNT = "123456789012";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final URI endpoint;
    private final AwsClients clients;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private Emulator(URI endpoint, String region) {
        this.endpoint = endpoint;
        this.clients = new AwsClients(Region.of(region),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")), endpoint);
    }

    /** The emulator, its state reset, with clients in {@code region}; skips the calling test when none answers. */
    public static Emulator start(String region) {
        String url = System.getenv(VARIABLE);
        Assumptions.assumeTrue(url != null && !url.isBlank(), VARIABLE + " is not set: no AWS emulator to run against"
                + " (start one with ../shared/moto/up.sh 4566 and export " + VARIABLE + "=http://127.0.0.1:4566); skipped");
        URI endpoint = URI.create(url);
        Assumptions.assumeTrue(answers(endpoint), "no AWS emulator answers at " + url + "; skipped");
        Emulator emulator = new Emulator(endpoint, region);
        emulator.post("/moto-api/reset");
        return emulator;
    }

    /**
     * This emulator, its state as it is, reached through a {@link CloudWatchCborBridge} (closed with {@code bridge}):
     * for tests of CloudWatch calls, which the SDK makes in a protocol moto does not speak.
     */
    public Emulator throughCloudWatchBridge(CloudWatchCborBridge bridge) {
        return through(bridge.uri());
    }

    /** This emulator, its state as it is, reached through a proxy in front of it (one that answers what moto lacks). */
    public Emulator through(URI proxy) {
        return new Emulator(proxy, clients.home().id());
    }

    /** The endpoint this emulator is reached at. */
    public URI endpoint() {
        return endpoint;
    }

    public AwsClients clients() {
        return clients;
    }

    /** A name unique to this test run, so that nothing collides with another test's resources. */
    public String name(String base) {
        return base + "-" + suffix;
    }

    /** An audit table shaped as the stack's: partition key eventId, sort key detectorId. */
    public String auditTable() {
        String table = name("snapback-audit");
        clients.dynamoDb().createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("eventId").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("detectorId").attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("eventId").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("detectorId").keyType(KeyType.RANGE).build()));
        return table;
    }

    public String alertTopic() {
        return clients.sns().createTopic(r -> r.name(name("snapback-alerts"))).topicArn();
    }

    /** The ARN the alert topic of {@link #alertTopic()} has, before it exists. */
    public String alertTopicArn() {
        return "arn:aws:sns:" + clients.home().id() + ":" + ACCOUNT + ":" + name("snapback-alerts");
    }

    /** An S3 bucket in the home region: a trail's destination, or a bucket a test opens to the public. */
    public String bucket(String base) {
        String bucket = name(base);
        String region = clients.home().id();
        clients.s3(region).createBucket(r -> {
            r.bucket(bucket);
            if (!region.equals("us-east-1")) r.createBucketConfiguration(c -> c.locationConstraint(region));
        });
        return bucket;
    }

    /**
     * An AWS Config call in the home region, for the state a test starts from (Snapback's own {@code ConfigService}
     * only reads and starts recorders): awsJson 1.1, as moto reads it.
     */
    public void config(String operation, String body) {
        signedFor("config", HttpRequest.newBuilder(endpoint.resolve("/")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "StarlingDoveService." + operation));
    }

    /**
     * A REST JSON call of {@code service} (GuardDuty, Security Hub) in the home region, for the state a test starts
     * from; its answer, as JSON.
     */
    public JsonNode restJson(String service, String method, String path, String body) {
        String answer = signedFor(service, HttpRequest.newBuilder(endpoint.resolve(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
        try {
            return answer.isBlank() ? JSON.createObjectNode() : JSON.readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** moto routes by the service in the credential scope; it does not check the signature. */
    private String signedFor(String service, HttpRequest.Builder request) {
        return send(request.header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261207/"
                + clients.home().id() + "/" + service + "/aws4_request, SignedHeaders=host, Signature=0").build());
    }

    /**
     * A fixture from {@code events/}, moved into the emulator's account with a fresh eventID, its {@code detail}
     * edited: how a test hands the handler the CloudTrail record of a change it made.
     */
    public static ObjectNode event(String fixture, Consumer<ObjectNode> editDetail) {
        try {
            ObjectNode envelope = (ObjectNode) JSON.readTree(EditedFixture.envelope(fixture).toString()
                    .replace(Fixtures.ACCOUNT, ACCOUNT));
            ObjectNode detail = (ObjectNode) envelope.get("detail");
            detail.put("eventID", UUID.randomUUID().toString());
            editDetail.accept(detail);
            return envelope;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Snapback's quarantine policy as the stack deploys it, so that the MFA function may attach it. */
    public void createQuarantinePolicy() {
        clients.iam().createPolicy(r -> r.policyName(QuarantinePolicy.NAME).path("/")
                .policyDocument(QuarantinePolicy.document("aws", ACCOUNT)));
    }

    /** The audit item of an event and detector, or an empty map. */
    public Map<String, AttributeValue> auditItem(String table, String eventId, String detectorId) {
        return clients.dynamoDb().getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(
                "eventId", AttributeValue.fromS(eventId), "detectorId", AttributeValue.fromS(detectorId)))).item();
    }

    /** One page as SNS received it. */
    public record Published(String subject, JsonNode message) {
        /** The text people read (the {@code default} part of the per-protocol message). */
        public String text() {
            return message.path("default").asText();
        }
    }

    /** What was published to {@code topicArn}, oldest first (moto's record of sent notifications). */
    public List<Published> published(String topicArn) {
        List<Published> out = new ArrayList<>();
        for (JsonNode topic : get("/moto-api/data.json").path("sns").path("Topic")) {
            if (!topicArn.equals(topic.path("arn").asText())) continue;
            for (JsonNode sent : topic.path("sent_notifications")) {
                try {
                    out.add(new Published(sent.get(2).asText(), JSON.readTree(sent.get(1).asText())));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    /** The real handler of {@code family}, wired to the emulator with this audit table, topic and configuration. */
    public Invoker handler(Family family, String table, String topicArn, String configJson) {
        Map<String, String> environment = new HashMap<>();
        environment.put("SNAPBACK_AUDIT_TABLE", table);
        environment.put("SNAPBACK_ALERT_TOPIC_ARN", topicArn);
        if (configJson != null) environment.put("SNAPBACK_CONFIG", configJson);
        return handler(family, environment);
    }

    /** The real handler of {@code family}, wired to the emulator with the function environment {@code environment}. */
    public Invoker handler(Family family, Map<String, String> environment) {
        Pipeline pipeline = Wiring.wire(family, environment, clients, new RecordingMetrics(), Clock.systemUTC());
        return envelope -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                handlerOf(family, pipeline).handleRequest(new ByteArrayInputStream(envelope.toString()
                        .getBytes(StandardCharsets.UTF_8)), out, new FakeContext("snapback-" + family.functionId(), "it", ACCOUNT));
                return JSON.readTree(out.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** One invocation of a handler with an EventBridge envelope; returns the handler's summary. */
    @FunctionalInterface
    public interface Invoker {
        JsonNode invoke(ObjectNode envelope);
    }

    private static com.amazonaws.services.lambda.runtime.RequestStreamHandler handlerOf(Family family, Pipeline pipeline) {
        try {
            return Handlers.of(family).getConstructor(Pipeline.class).newInstance(pipeline);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no handler " + Handlers.of(family).getName(), e);
        }
    }

    private static boolean answers(URI endpoint) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode get(String path) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(endpoint.resolve(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void post(String path) {
        send(HttpRequest.newBuilder(endpoint.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static String send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(request.method() + " " + request.uri() + ": " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
