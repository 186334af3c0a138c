package dev.snapback.audit;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.policy.Decision;
import dev.snapback.policy.Mode;
import dev.snapback.remediate.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The audit trail and idempotency store: one DynamoDB item per CloudTrail {@code eventID} and detector.
 *
 * <p>Before acting, an invocation claims the item with a conditional {@code UpdateItem} (never {@code PutItem}, which
 * would erase what a failed attempt recorded). The claim succeeds when there
 * is no item yet, when the last attempt {@code FAILED} (a retry must try again), or when an earlier claim is older
 * than {@link #CLAIM_TIMEOUT} (its invocation died). Otherwise the failed condition returns the existing item, so
 * no read is needed: {@code DONE} means a duplicate delivery (act once, do nothing), a fresh {@code CLAIMED} means
 * another invocation is on it right now. After acting, {@code UpdateItem} completes the item, guarded by the claim
 * token so that an invocation whose claim was taken over cannot overwrite the newer attempt.
 *
 * <p>Item shape (attribute: type, meaning):
 * <pre>
 * eventId      S  partition key: the CloudTrail eventID
 * detectorId   S  sort key: e.g. security-group-opened
 * status       S  CLAIMED | DONE | FAILED
 * claimToken   S  random id of the invocation that holds the claim
 * claimedAt    N  epoch milliseconds of the claim
 * attempts     N  how many invocations claimed it (1, or more after failures and takeovers)
 * expiresAt    N  epoch seconds; the table's TTL attribute ({@link #RETENTION} after the claim)
 * eventName, eventSource, eventTime, account, region, actor   S  what the event was, for people reading the table
 * completedAt  N  epoch milliseconds of completion
 * mode         S  the detector's mode at the time (remediate | page | dry-run | off)
 * action       S  the decisions' actions (REMEDIATE, DRY_RUN, PAGE, EXEMPT, OFF), comma-separated when several differ
 * outcome      S  failed when anything failed, else the outcomes' labels (remediated, already-compliant, dry-run, paged,
 *                 exempted, off), comma-separated when several differ
 * actions      L  of S: what was changed
 * inverses     L  of S: how to undo each change (AWS CLI commands)
 * findings     L  of M: per finding {title, resourceType, resourceId, action, reason, remediation, outcome, detail}
 * error        S  only when FAILED: why
 * pastErrors   L  of S: every failed attempt's error, oldest first (kept when a retry succeeds)
 * </pre>
 */
public final class AuditLog {

    /** Environment variable holding the table name. */
    public static final String TABLE_VARIABLE = "SNAPBACK_AUDIT_TABLE";
    /** Longer than the function's timeout: a claim this old belongs to an invocation that is gone. */
    public static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(2);
    /** How long items are kept before DynamoDB's TTL removes them. */
    public static final Duration RETENTION = Duration.ofDays(400);

    static final String CLAIMED = "CLAIMED";
    static final String DONE = "DONE";
    static final String FAILED = "FAILED";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public AuditLog(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** The result of trying to claim an event for a detector. */
    public sealed interface Claim {
        /** This invocation holds the claim and must act, then {@link #complete} with the token. */
        record Acquired(String token) implements Claim {
        }

        /** Already handled: a duplicate delivery. */
        record Done(String outcome) implements Claim {
        }

        /** Another invocation claimed it moments ago. */
        record InProgress(Instant claimedAt) implements Claim {
        }
    }

    /** One decision and what became of it. */
    public record Entry(Decision decision, Outcome outcome) {
    }

    public Claim claim(CloudTrailEvent event, String detectorId, Instant now) {
        String token = UUID.randomUUID().toString();
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        List<String> sets = new ArrayList<>();
        set(sets, names, values, "status", s(CLAIMED));
        set(sets, names, values, "claimToken", s(token));
        set(sets, names, values, "claimedAt", n(now.toEpochMilli()));
        set(sets, names, values, "expiresAt", n(now.plus(RETENTION).getEpochSecond()));
        set(sets, names, values, "eventName", s(event.eventName()));
        set(sets, names, values, "eventSource", s(event.eventSource()));
        set(sets, names, values, "eventTime", s(event.time().toString()));
        set(sets, names, values, "account", s(event.account()));
        set(sets, names, values, "region", s(event.region()));
        set(sets, names, values, "actor", s(event.actor().label()));
        names.put("#attempts", "attempts");
        values.put(":zero", n(0));
        values.put(":one", n(1));
        sets.add("#attempts = if_not_exists(#attempts, :zero) + :one");
        values.put(":failed", s(FAILED));
        values.put(":claimed", s(CLAIMED));
        values.put(":staleBefore", n(now.minus(CLAIM_TIMEOUT).toEpochMilli()));
        try {
            // UpdateItem, not PutItem: a retry of a FAILED attempt keeps what that attempt recorded (pastErrors).
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(key(event, detectorId))
                    .updateExpression("SET " + String.join(", ", sets))
                    .conditionExpression("attribute_not_exists(eventId) OR #status = :failed"
                            + " OR (#status = :claimed AND #claimedAt < :staleBefore)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Claim.Acquired(token);
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = e.hasItem() ? e.item() : Map.of();
            AttributeValue status = existing.get("status");
            if (status != null && DONE.equals(status.s())) {
                AttributeValue outcome = existing.get("outcome");
                return new Claim.Done(outcome == null ? "" : outcome.s());
            }
            AttributeValue claimedAt = existing.get("claimedAt");
            return new Claim.InProgress(claimedAt == null ? now : Instant.ofEpochMilli(Long.parseLong(claimedAt.n())));
        }
    }

    /**
     * Records what was done. {@code error} is {@code null} on success; otherwise the item is marked {@code FAILED} so
     * the retry can claim it again. Returns {@code false} when the claim was taken over meanwhile (nothing written).
     */
    public boolean complete(CloudTrailEvent event, String detectorId, String token, Mode mode, List<Entry> entries,
                            String error, Instant now) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        List<String> sets = new ArrayList<>();
        set(sets, names, values, "status", s(error == null ? DONE : FAILED));
        set(sets, names, values, "completedAt", n(now.toEpochMilli()));
        set(sets, names, values, "mode", s(mode.label()));
        set(sets, names, values, "action", s(distinct(entries.stream().map(e -> e.decision().action().name()).toList())));
        set(sets, names, values, "outcome", s(error != null ? "failed" : distinct(entries.stream().map(e -> e.outcome().label()).toList())));
        set(sets, names, values, "actions", strings(entries.stream().flatMap(e -> actions(e.outcome()).stream()).toList()));
        set(sets, names, values, "inverses", strings(entries.stream().flatMap(e -> inverses(e.outcome()).stream()).toList()));
        set(sets, names, values, "findings", AttributeValue.fromL(entries.stream().map(AuditLog::finding).toList()));
        String remove = "";
        if (error != null) {
            set(sets, names, values, "error", s(error));
            names.put("#pastErrors", "pastErrors");
            values.put(":noErrors", AttributeValue.fromL(List.of()));
            values.put(":thisError", strings(List.of(error)));
            sets.add("#pastErrors = list_append(if_not_exists(#pastErrors, :noErrors), :thisError)");
        } else {
            names.put("#error", "error");
            remove = " REMOVE #error";
        }
        names.put("#claimToken", "claimToken");
        values.put(":claimToken", s(token));
        String update = "SET " + String.join(", ", sets) + remove;
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(key(event, detectorId))
                    .updateExpression(update)
                    .conditionExpression("#claimToken = :claimToken")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static AttributeValue finding(Entry entry) {
        Decision decision = entry.decision();
        Map<String, AttributeValue> finding = new LinkedHashMap<>();
        finding.put("title", s(decision.finding().title()));
        finding.put("resourceType", s(decision.finding().resource().type()));
        finding.put("resourceId", s(decision.finding().resource().id()));
        finding.put("action", s(decision.action().name()));
        finding.put("reason", s(decision.reason()));
        finding.put("remediation", s(decision.finding().proposed().describe()));
        finding.put("outcome", s(entry.outcome().label()));
        String detail = switch (entry.outcome()) {
            case Outcome.Remediated r -> String.join("; ", r.actions());
            case Outcome.AlreadyCompliant a -> a.reason();
            case Outcome.DryRun d -> "would have: " + d.wouldDo();
            case Outcome.Paged p -> p.reason();
            case Outcome.Exempted e -> e.reason();
            case Outcome.Off o -> o.reason();
            case Outcome.Failed f -> f.error();
        };
        finding.put("detail", s(detail));
        return AttributeValue.fromM(finding);
    }

    private static List<String> actions(Outcome outcome) {
        return outcome instanceof Outcome.Remediated r ? r.actions() : List.of();
    }

    private static List<String> inverses(Outcome outcome) {
        return outcome instanceof Outcome.Remediated r ? r.inverses() : List.of();
    }

    private static void set(List<String> sets, Map<String, String> names, Map<String, AttributeValue> values,
                            String attribute, AttributeValue value) {
        names.put("#" + attribute, attribute);
        values.put(":" + attribute, value);
        sets.add("#" + attribute + " = :" + attribute);
    }

    private static String distinct(List<String> labels) {
        return String.join(",", labels.stream().distinct().toList());
    }

    private static Map<String, AttributeValue> key(CloudTrailEvent event, String detectorId) {
        return Map.of("eventId", s(event.eventId()), "detectorId", s(detectorId));
    }

    private static AttributeValue strings(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AuditLog::s).toList());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
