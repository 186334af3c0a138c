package dev.snapback.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.scope;
import static dev.snapback.testing.AwsStub.target;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Mode;
import dev.snapback.model.Outcome;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.Decisions;
import dev.snapback.testing.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


/**
 * The audit item's wire shape (conditional claim and completion, both {@code UpdateItem}, DynamoDB JSON 1.0), and the
 * claim protocol run against the stub's in-memory table: fresh, duplicate, in progress, stale, failed and retried.
 */
class AuditLogTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    static final String TABLE = "snapback-audit";
    static final String JSON_10 = "application/x-amz-json-1.0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DETECTOR = "security-group-opened";
    private static final Instant NOW = Instant.parse("2026-11-27T09:41:15Z");
    private static AuditLog audit;
    private static CloudTrailEvent event;

    @BeforeAll
    static void setUp() {
        audit = new AuditLog(AWS.clients().dynamoDb(), TABLE);
        event = TestEvents.event(TestEvents.SG_WORLD_SSH);
    }


    @Test
    void claimsWithAConditionalUpdate() throws Exception {
        AWS.stubFor(target("DynamoDB_20120810.UpdateItem").willReturn(json(200, JSON_10, "{}")));

        AuditLog.Claim claim = audit.claim(event, "security-group-opened", NOW);

        assertThat(claim).isInstanceOf(AuditLog.Claim.Acquired.class);
        LoggedRequest request = only();
        assertThat(scope(request)).isEqualTo("us-east-1/dynamodb");
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.get("TableName").asText()).isEqualTo(TABLE);
        assertThat(body.at("/Key/eventId/S").asText()).isEqualTo("5f0c3b7e-8d2a-4e61-b9c4-1a7d2e3f4b50");
        assertThat(body.at("/Key/detectorId/S").asText()).isEqualTo("security-group-opened");
        assertThat(body.get("ConditionExpression").asText()).isEqualTo("attribute_not_exists(eventId) OR #status = :failed"
                + " OR (#status = :claimed AND #claimedAt < :staleBefore)");
        assertThat(body.get("UpdateExpression").asText()).startsWith("SET #status = :status, #claimToken = :claimToken,")
                .endsWith(", #attempts = if_not_exists(#attempts, :zero) + :one");
        assertThat(body.get("ReturnValuesOnConditionCheckFailure").asText()).isEqualTo("ALL_OLD");
        assertThat(body.get("ReturnValues").asText()).as("a retry learns what earlier attempts did").isEqualTo("ALL_OLD");
        JsonNode values = body.get("ExpressionAttributeValues");
        assertThat(values.at("/:status/S").asText()).isEqualTo("CLAIMED");
        assertThat(values.at("/:claimToken/S").asText()).isEqualTo(token(claim).token());
        assertThat(values.at("/:claimedAt/N").asText()).isEqualTo(Long.toString(NOW.toEpochMilli()));
        assertThat(values.at("/:expiresAt/N").asLong()).isEqualTo(NOW.plus(AuditLog.RETENTION).getEpochSecond());
        assertThat(values.at("/:eventName/S").asText()).isEqualTo("AuthorizeSecurityGroupIngress");
        assertThat(values.at("/:actor/S").asText()).isEqualTo("role/devops (session mallory)");
        assertThat(values.at("/:staleBefore/N").asLong()).isEqualTo(NOW.minus(AuditLog.CLAIM_TIMEOUT).toEpochMilli());
    }

    @Test
    void aFreshEventIsClaimedOnceThenADuplicateOnceDone() {
        AWS.stubTable();

        AuditLog.Claim first = audit.claim(event, DETECTOR, NOW);
        assertThat(first).isInstanceOf(AuditLog.Claim.Acquired.class);
        assertThat(audit.claim(event, DETECTOR, NOW.plusSeconds(1))).as("claimed moments ago")
                .isEqualTo(new AuditLog.Claim.InProgress(NOW));
        assertThat(audit.complete(event, DETECTOR, token(first), Mode.REMEDIATE, List.of(revoked()), null, NOW.plusSeconds(2))).isTrue();

        assertThat(audit.claim(event, DETECTOR, NOW.plusSeconds(3))).isEqualTo(new AuditLog.Claim.Done("remediated"));
        assertThat(audit.claim(event, DETECTOR, NOW.plus(Duration.ofDays(1)))).as("done stays done")
                .isEqualTo(new AuditLog.Claim.Done("remediated"));
        assertThat(AWS.table().item(event.eventId(), DETECTOR).at("/attempts/N").asText()).isEqualTo("1");
        assertThat(audit.claim(event, "another-detector", NOW)).as("one item per detector")
                .isInstanceOf(AuditLog.Claim.Acquired.class);
    }

    @Test
    void aStaleClaimIsTakenOverAndTheDeadInvocationCannotOverwriteIt() {
        AWS.stubTable();
        AuditLog.Claim dead = audit.claim(event, DETECTOR, NOW);

        AuditLog.Claim takeover = audit.claim(event, DETECTOR, NOW.plus(AuditLog.CLAIM_TIMEOUT).plusMillis(1));

        assertThat(takeover).isInstanceOf(AuditLog.Claim.Acquired.class);
        assertThat(audit.complete(event, DETECTOR, token(dead), Mode.REMEDIATE, List.of(revoked()), null, NOW.plusSeconds(200)))
                .as("the dead invocation's token no longer holds the claim").isFalse();
        assertThat(audit.complete(event, DETECTOR, token(takeover), Mode.REMEDIATE, List.of(revoked()), null, NOW.plusSeconds(201)))
                .isTrue();
        assertThat(AWS.table().item(event.eventId(), DETECTOR).at("/attempts/N").asText()).isEqualTo("2");
    }

    @Test
    void aFailedItemIsClaimedAgainAndKeepsEveryFailure() {
        AWS.stubTable();
        List<AuditLog.Entry> failed = List.of(new AuditLog.Entry(Decisions.remediate(), new Outcome.Failed("UnauthorizedOperation: denied"), false));
        AuditLog.Claim first = audit.claim(event, DETECTOR, NOW);
        audit.complete(event, DETECTOR, token(first), Mode.REMEDIATE, failed, "first: UnauthorizedOperation", NOW.plusSeconds(1));
        AuditLog.Claim second = audit.claim(event, DETECTOR, NOW.plusSeconds(2));
        assertThat(second).as("the retry may act again").isInstanceOf(AuditLog.Claim.Acquired.class);
        audit.complete(event, DETECTOR, token(second), Mode.REMEDIATE, failed, "second: Throttling", NOW.plusSeconds(3));
        AuditLog.Claim third = audit.claim(event, DETECTOR, NOW.plusSeconds(4));
        JsonNode retrying = AWS.table().item(event.eventId(), DETECTOR);
        assertThat(retrying.at("/status/S").asText()).isEqualTo("CLAIMED");
        assertThat(retrying.at("/findings/L/0/M/outcome/S").asText()).as("the claim erases nothing").isEqualTo("failed");

        audit.complete(event, DETECTOR, token(third), Mode.REMEDIATE, List.of(revoked()), null, NOW.plusSeconds(5));

        JsonNode item = AWS.table().item(event.eventId(), DETECTOR);
        assertThat(item.at("/status/S").asText()).isEqualTo("DONE");
        assertThat(item.at("/outcome/S").asText()).isEqualTo("remediated");
        assertThat(item.at("/attempts/N").asText()).isEqualTo("3");
        assertThat(item.has("error")).isFalse();
        assertThat(item.at("/pastErrors/L")).extracting(e -> e.get("S").asText())
                .containsExactly("first: UnauthorizedOperation", "second: Throttling");
    }

    @Test
    void aCompletedItemMeansDuplicateDelivery() {
        AWS.stubFor(target("DynamoDB_20120810.UpdateItem").willReturn(conditionFailed(
                "{\"status\":{\"S\":\"DONE\"},\"outcome\":{\"S\":\"remediated\"},\"claimedAt\":{\"N\":\"1795340000000\"}}")));

        assertThat(audit.claim(event, "security-group-opened", NOW)).isEqualTo(new AuditLog.Claim.Done("remediated"));
    }

    @Test
    void aFreshClaimByAnotherInvocationIsInProgress() {
        AWS.stubFor(target("DynamoDB_20120810.UpdateItem").willReturn(conditionFailed(
                "{\"status\":{\"S\":\"CLAIMED\"},\"claimedAt\":{\"N\":\"" + NOW.minusSeconds(5).toEpochMilli() + "\"}}")));

        assertThat(audit.claim(event, "security-group-opened", NOW))
                .isEqualTo(new AuditLog.Claim.InProgress(NOW.minusSeconds(5)));
    }

    @Test
    void completesWithOutcomeActionsAndInversesGuardedByTheClaimToken() throws Exception {
        AWS.stubFor(target("DynamoDB_20120810.UpdateItem").willReturn(json(200, JSON_10, "{}")));
        Outcome revoked = new Outcome.Remediated(List.of("revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1"),
                List.of("aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0abc1234def567890"));

        boolean written = audit.complete(event, "security-group-opened", held("token-1"), Mode.REMEDIATE,
                List.of(new AuditLog.Entry(Decisions.remediate(), revoked, false)), null, NOW.plusSeconds(1));

        assertThat(written).isTrue();
        JsonNode body = JSON.readTree(only().getBodyAsString());
        assertThat(body.at("/Key/eventId/S").asText()).isEqualTo("5f0c3b7e-8d2a-4e61-b9c4-1a7d2e3f4b50");
        assertThat(body.at("/Key/detectorId/S").asText()).isEqualTo("security-group-opened");
        assertThat(body.get("ConditionExpression").asText()).isEqualTo("#claimToken = :claimToken");
        assertThat(body.get("UpdateExpression").asText()).isEqualTo("SET #mode = :mode, #action = :action,"
                + " #outcome = :outcome, #actions = :actions, #inverses = :inverses, #findings = :findings,"
                + " #status = :status, #completedAt = :completedAt REMOVE #error");
        JsonNode values = body.get("ExpressionAttributeValues");
        assertThat(values.at("/:claimToken/S").asText()).isEqualTo("token-1");
        assertThat(values.at("/:status/S").asText()).isEqualTo("DONE");
        assertThat(values.at("/:mode/S").asText()).isEqualTo("remediate");
        assertThat(values.at("/:action/S").asText()).isEqualTo("REMEDIATE");
        assertThat(values.at("/:outcome/S").asText()).isEqualTo("remediated");
        assertThat(values.at("/:actions/L/0/S").asText()).startsWith("revoke sgr-0fedcba9876543210");
        assertThat(values.at("/:inverses/L/0/S").asText()).startsWith("aws ec2 authorize-security-group-ingress");
        assertThat(values.at("/:findings/L/0/M/resourceId/S").asText()).isEqualTo("sg-0abc1234def567890");
        assertThat(values.at("/:findings/L/0/M/outcome/S").asText()).isEqualTo("remediated");
    }

    @Test
    void aFailureMarksTheItemFailedSoTheRetryCanClaimIt() throws Exception {
        AWS.stubFor(target("DynamoDB_20120810.UpdateItem").willReturn(json(200, JSON_10, "{}")));

        audit.complete(event, "security-group-opened", held("token-1"), Mode.REMEDIATE,
                List.of(new AuditLog.Entry(Decisions.remediate(), new Outcome.Failed("UnauthorizedOperation: denied"), false)),
                "security-group-opened could not revoke: UnauthorizedOperation: denied", NOW);

        JsonNode body = JSON.readTree(only().getBodyAsString());
        JsonNode values = body.get("ExpressionAttributeValues");
        assertThat(values.at("/:status/S").asText()).isEqualTo("FAILED");
        assertThat(values.at("/:outcome/S").asText()).isEqualTo("failed");
        assertThat(values.at("/:error/S").asText()).contains("UnauthorizedOperation");
        assertThat(values.at("/:thisError/L/0/S").asText()).contains("UnauthorizedOperation");
        assertThat(body.get("UpdateExpression").asText())
                .endsWith(", #pastErrors = list_append(if_not_exists(#pastErrors, :noErrors), :thisError)");
    }

    @Test
    void aClaimTakenOverMeanwhileIsNotOverwritten() {
        AWS.stubFor(target("DynamoDB_20120810.UpdateItem").willReturn(conditionFailed(null)));

        assertThat(audit.complete(event, "security-group-opened", held("token-1"), Mode.REMEDIATE, List.of(), null, NOW)).isFalse();
    }

    @Test
    void aRetryAfterAFailedPageKeepsTheFixItsInverseAndWhatWasPaged() {
        AWS.stubTable();
        AuditLog.Claim.Acquired first = token(audit.claim(event, DETECTOR, NOW));
        assertThat(first.earlier()).isEqualTo(AuditLog.Earlier.NONE);
        audit.record(event, DETECTOR, first, Mode.REMEDIATE, List.of(revoked()), NOW.plusSeconds(1));
        assertThat(AWS.table().item(event.eventId(), DETECTOR).at("/status/S").asText())
                .as("recorded before paging, still claimed").isEqualTo("CLAIMED");
        audit.complete(event, DETECTOR, first, Mode.REMEDIATE, List.of(revoked()), "SNS: NotFound", NOW.plusSeconds(2));

        AuditLog.Claim.Acquired retry = token(audit.claim(event, DETECTOR, NOW.plusSeconds(60)));
        AuditLog.Recorded recorded = retry.earlier().finding(Decisions.remediate()).orElseThrow();
        assertThat(recorded.outcome()).as("the fix stands for the retry").contains(revoked().outcome());
        assertThat(recorded.paged()).isFalse();
        assertThat(retry.earlier().actions()).containsExactly("revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1");

        // The retry's own read would find nothing left to revoke; the record must not shrink to that.
        AuditLog.Entry readNow = new AuditLog.Entry(Decisions.remediate(),
                new Outcome.AlreadyCompliant("nothing left to revoke"), true);
        audit.complete(event, DETECTOR, retry, Mode.REMEDIATE, List.of(readNow), null, NOW.plusSeconds(61));

        JsonNode item = AWS.table().item(event.eventId(), DETECTOR);
        assertThat(item.at("/status/S").asText()).isEqualTo("DONE");
        assertThat(item.at("/actions/L/0/S").asText()).startsWith("revoke sgr-0fedcba9876543210");
        assertThat(item.at("/inverses/L/0/S").asText()).startsWith("aws ec2 authorize-security-group-ingress");
        assertThat(item.at("/findings/L")).hasSize(1);
        assertThat(item.at("/findings/L/0/M/paged/BOOL").asBoolean()).isTrue();
        assertThat(item.at("/pastErrors/L/0/S").asText()).isEqualTo("SNS: NotFound");
    }

    @Test
    void findingsAnEarlierAttemptRecordedAreKeptWhenThisOneHasNoEntryForThem() {
        AWS.stubTable();
        AuditLog.Claim.Acquired first = token(audit.claim(event, DETECTOR, NOW));
        audit.complete(event, DETECTOR, first, Mode.REMEDIATE, List.of(revoked()), "failed later", NOW.plusSeconds(1));
        AuditLog.Claim.Acquired retry = token(audit.claim(event, DETECTOR, NOW.plusSeconds(2)));

        audit.complete(event, DETECTOR, retry, Mode.REMEDIATE, List.of(), null, NOW.plusSeconds(3));

        JsonNode item = AWS.table().item(event.eventId(), DETECTOR);
        assertThat(item.at("/findings/L/0/M/outcome/S").asText()).isEqualTo("remediated");
        assertThat(item.at("/findings/L/0/M/actions/L/0/S").asText()).startsWith("revoke sgr-0fedcba9876543210");
        assertThat(item.at("/actions/L")).hasSize(1);
    }

    @Test
    void onlyFixesAndReadsStandForARetryAndFailuresAreTriedAgain() {
        AWS.stubTable();
        AuditLog.Claim.Acquired first = token(audit.claim(event, DETECTOR, NOW));
        audit.complete(event, DETECTOR, first, Mode.REMEDIATE, List.of(new AuditLog.Entry(Decisions.remediate(),
                new Outcome.Failed("Throttling"), true)), "Throttling", NOW.plusSeconds(1));

        AuditLog.Recorded recorded = token(audit.claim(event, DETECTOR, NOW.plusSeconds(2))).earlier()
                .finding(Decisions.remediate()).orElseThrow();

        assertThat(recorded.outcome()).isEmpty();
        assertThat(recorded.label()).isEqualTo("failed");
        assertThat(recorded.paged()).isTrue();
    }

    private static AuditLog.Claim.Acquired token(AuditLog.Claim claim) {
        return (AuditLog.Claim.Acquired) claim;
    }

    private static AuditLog.Claim.Acquired held(String token) {
        return new AuditLog.Claim.Acquired(token, AuditLog.Earlier.NONE);
    }

    private static AuditLog.Entry revoked() {
        return new AuditLog.Entry(Decisions.remediate(), new Outcome.Remediated(
                List.of("revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1"), List.of("aws ec2 authorize-security-group-ingress")),
                false);
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder conditionFailed(String item) {
        return json(400, JSON_10, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                + "\"message\":\"The conditional request failed\"" + (item == null ? "" : ",\"Item\":" + item) + "}");
    }

    private static LoggedRequest only() {
        List<LoggedRequest> requests = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        return requests.getFirst();
    }
}
