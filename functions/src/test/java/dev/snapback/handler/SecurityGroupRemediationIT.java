package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.detect.Family;
import dev.snapback.remediate.AwsClients;
import dev.snapback.testing.FakeContext;
import dev.snapback.testing.RecordingMetrics;
import dev.snapback.testing.TestEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Opt-in ({@code -Pintegration}): against the endpoint in {@code AWS_ENDPOINT_URL} or the account of
 * {@code AWS_PROFILE}, creates a security group, an audit table, an alert topic and a queue subscribed to it, opens
 * 22/tcp to the world, hands the handler the matching event with the real ids, and asserts the rule is gone and the
 * page was delivered. Everything it created is deleted afterwards.
 */
@EnabledIf("targetConfigured")
class SecurityGroupRemediationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);

    private static AwsClients clients;
    private static SqsClient sqs;
    private static String region;
    private static String table = "snapback-it-" + SUFFIX;
    private static String topicArn;
    private static String queueUrl;
    private static String groupId;

    static boolean targetConfigured() {
        return System.getenv("AWS_ENDPOINT_URL") != null || System.getenv("AWS_PROFILE") != null;
    }

    @BeforeAll
    static void createResources() {
        region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        clients = AwsClients.fromEnvironment(Map.of("AWS_REGION", region));
        sqs = SqsClient.builder().region(Region.of(region)).credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();

        clients.dynamoDb().createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("eventId").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("detectorId").attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("eventId").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("detectorId").keyType(KeyType.RANGE).build()));
        clients.dynamoDb().waiter().waitUntilTableExists(r -> r.tableName(table));

        topicArn = clients.sns().createTopic(r -> r.name("snapback-it-" + SUFFIX)).topicArn();
        queueUrl = sqs.createQueue(r -> r.queueName("snapback-it-" + SUFFIX)).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String policy = JSON.createObjectNode().put("Version", "2012-10-17").set("Statement", JSON.createArrayNode().add(
                JSON.createObjectNode().put("Effect", "Allow").put("Action", "sqs:SendMessage").put("Resource", queueArn)
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("Principal", JSON.createObjectNode().put("Service", "sns.amazonaws.com"))
                        .set("Condition", JSON.createObjectNode().set("ArnEquals", JSON.createObjectNode().put("aws:SourceArn", topicArn))))).toString();
        sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
        clients.sns().subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn));

        Ec2Client ec2 = clients.ec2(region);
        groupId = ec2.createSecurityGroup(r -> r.groupName("snapback-it-" + SUFFIX)
                .description("Snapback integration test; safe to delete")).groupId();
    }

    @AfterAll
    static void deleteResources() {
        if (clients == null) return;
        if (groupId != null) clients.ec2(region).deleteSecurityGroup(r -> r.groupId(groupId));
        if (topicArn != null) clients.sns().deleteTopic(r -> r.topicArn(topicArn));
        if (queueUrl != null) sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        clients.dynamoDb().deleteTable(r -> r.tableName(table));
        sqs.close();
        clients.close();
    }

    @Test
    void opensSshToTheWorldAndSnapbackRevokesItAndPages() throws Exception {
        Ec2Client ec2 = clients.ec2(region);
        var opened = ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(IpPermission.builder()
                .ipProtocol("tcp").fromPort(22).toPort(22).ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build()));
        String ruleId = opened.securityGroupRules().getFirst().securityGroupRuleId();
        String account = ec2.describeSecurityGroups(r -> r.groupIds(groupId)).securityGroups().getFirst().ownerId();
        String eventId = UUID.randomUUID().toString();
        byte[] event = new String(TestEvents.bytes(TestEvents.SG_WORLD_SSH), StandardCharsets.UTF_8)
                .replace("sg-0abc1234def567890", groupId)
                .replace("sgr-0fedcba9876543210", ruleId)
                .replace("eu-west-1", region)
                .replace("111122223333", account)
                .replace("5f0c3b7e-8d2a-4e61-b9c4-1a7d2e3f4b50", eventId)
                .replace("2026-11-27T09:41:12Z", Instant.now().toString())
                .getBytes(StandardCharsets.UTF_8);

        Map<String, String> environment = Map.of(
                "SNAPBACK_AUDIT_TABLE", table,
                "SNAPBACK_ALERT_TOPIC_ARN", topicArn);
        SecurityGroupHandler handler = new SecurityGroupHandler(
                Pipeline.wire(Family.SECURITY_GROUPS, environment, clients, new RecordingMetrics(), Clock.systemUTC()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new FakeContext("snapback-security-groups", "it-1", account));

        assertThat(JSON.readTree(out.toByteArray()).at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(ec2.describeSecurityGroupRules(r -> r.filters(Filter.builder().name("group-id").values(groupId).build())).securityGroupRules())
                .as("the rule the event created is gone").noneMatch(rule -> rule.securityGroupRuleId().equals(ruleId));
        assertThat(receiveAlert(Duration.ofSeconds(30)).at("/event/eventId").asText()).isEqualTo(eventId);
    }

    /** The JSON part of the page, as an SQS subscriber receives it inside SNS's envelope. */
    private static JsonNode receiveAlert(Duration patience) throws Exception {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)).messages()) {
                return JSON.readTree(JSON.readTree(message.body()).get("Message").asText());
            }
        }
        throw new AssertionError("no alert reached the queue within " + patience);
    }
}
