package dev.snapback.bench.standin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.snapback.config.FunctionEnvironment;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.Detectors;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.model.Family;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Decision;
import dev.snapback.policy.Evaluator;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.RevokeIngress;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Benchmark stand-in for the security-group handler, used to compare SDK set-up choices in the cold-start harness
 * before (and independently of) the real handler: the same calls (revoke by rule id, audit claim and completion, publish) on
 * the same stub. Variants are picked with environment variables so one class serves every row of the table:
 * {@code BENCH_HTTP} = urlconnection | crt, {@code BENCH_CREDENTIALS} = env | default, {@code BENCH_INIT} = eager |
 * parallel | lazy. The decision is the shared {@link Evaluator}: it revokes the rule ids the detector proposed.
 */
public final class StandInSecurityGroupHandler implements RequestStreamHandler {

    private final Evaluator evaluator;
    private final Supplier<Ec2Client> ec2;
    private final Supplier<DynamoDbClient> dynamoDb;
    private final Supplier<SnsClient> sns;

    public StandInSecurityGroupHandler() {
        Map<String, String> env = System.getenv();
        SnapbackConfig config = FunctionEnvironment.of(env).snapbackConfig();
        evaluator = new Evaluator(config, config.detectors(Family.SECURITY_GROUPS));
        String init = env.getOrDefault("BENCH_INIT", "eager");
        ec2 = client(init, () -> configure(Ec2Client.builder(), env).build());
        dynamoDb = client(init, () -> configure(DynamoDbClient.builder(), env).build());
        sns = client(init, () -> configure(SnsClient.builder(), env).build());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        CloudTrailEvent event = EventParser.parse(input);
        List<RevokeIngress> revokes = evaluator.assess(event).stream()
                .flatMap(a -> a instanceof Assessment.Decided d ? d.decisions().stream() : Stream.empty())
                .filter(d -> d.action() == Decision.Action.REMEDIATE)
                .map(d -> d.finding().proposed())
                .flatMap(r -> r instanceof RevokeIngress revoke ? Stream.of(revoke) : Stream.empty())
                .toList();
        if (revokes.size() != 1) {
            throw new IllegalStateException("the benchmark event must decide exactly one revoke, got " + revokes);
        }
        String groupId = revokes.getFirst().groupId();
        List<String> ruleIds = revokes.getFirst().rules().stream().map(IngressRule::ruleId).toList();

        ec2.get().revokeSecurityGroupIngress(r -> r.groupId(groupId).securityGroupRuleIds(ruleIds));
        String table = System.getenv(FunctionEnvironment.AUDIT_TABLE);
        Map<String, AttributeValue> key = Map.of("eventId", AttributeValue.fromS(event.eventId()),
                "detectorId", AttributeValue.fromS("security-group-opened"));
        dynamoDb.get().updateItem(r -> r.tableName(table).key(key).conditionExpression("attribute_not_exists(eventId)")
                .updateExpression("SET #s = :claimed, #r = :resource")
                .expressionAttributeNames(Map.of("#s", "status", "#r", "resource"))
                .expressionAttributeValues(Map.of(":claimed", AttributeValue.fromS("claimed"),
                        ":resource", AttributeValue.fromS(groupId))));
        sns.get().publish(r -> r.topicArn(System.getenv(FunctionEnvironment.ALERT_TOPIC_ARN))
                .subject("[HIGH] " + groupId + " opened to the world in " + event.account() + "/" + event.region() + " - revoked")
                .message("{\"detector\":\"security-group-opened\",\"group\":\"" + groupId + "\",\"revoked\":" + ruleIds.size() + "}")
                .messageAttributes(Map.of(
                        "severity", MessageAttributeValue.builder().dataType("String").stringValue("HIGH").build(),
                        "outcome", MessageAttributeValue.builder().dataType("String").stringValue("remediated").build())));
        dynamoDb.get().updateItem(r -> r.tableName(table).key(key).updateExpression("SET #s = :s, actions = :a")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("remediated"),
                        ":a", AttributeValue.fromL(ruleIds.stream().map(id -> AttributeValue.fromS("revoke " + id)).toList()))));
        output.write(("{\"revoked\":" + ruleIds.size() + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, Map<String, String> env) {
        AwsCredentialsProvider credentials = "default".equals(env.get("BENCH_CREDENTIALS"))
                ? DefaultCredentialsProvider.builder().build()
                : EnvironmentVariableCredentialsProvider.create();
        builder.region(Region.of(env.get("AWS_REGION"))).credentialsProvider(credentials);
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClient(httpClient(env.get("BENCH_HTTP")));
        }
        return builder;
    }

    private static SdkHttpClient httpClient(String choice) {
        return "crt".equals(choice) ? AwsCrtHttpClient.create() : UrlConnectionHttpClient.create();
    }

    /** eager: built now; parallel: built now on its own thread, joined on first use; lazy: built on first use. */
    private static <T> Supplier<T> client(String init, Supplier<T> factory) {
        if (init.equals("eager")) {
            T client = factory.get();
            return () -> client;
        }
        if (init.equals("parallel")) {
            var future = java.util.concurrent.CompletableFuture.supplyAsync(factory, runnable -> Thread.ofPlatform().start(runnable));
            return future::join;
        }
        return new Supplier<>() {
            private T client;
            @Override public synchronized T get() {
                if (client == null) {
                    client = factory.get();
                }
                return client;
            }
        };
    }
}
