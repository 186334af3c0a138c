package dev.snapback.audit;

import static dev.snapback.audit.AuditItems.distinct;
import static dev.snapback.audit.AuditItems.earlier;
import static dev.snapback.audit.AuditItems.finding;
import static dev.snapback.audit.AuditItems.burstKey;
import static dev.snapback.audit.AuditItems.key;
import static dev.snapback.audit.AuditItems.n;
import static dev.snapback.audit.AuditItems.noticeKey;
import static dev.snapback.audit.AuditItems.s;
import static dev.snapback.audit.AuditItems.strings;

import dev.snapback.audit.AuditItems.Update;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Mode;
import dev.snapback.model.Outcome;
import dev.snapback.policy.BurstCount;
import dev.snapback.policy.BurstTally;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.PageOnBurst;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The audit trail and idempotency store: one DynamoDB item per CloudTrail {@code eventID} and detector.
 *
 * <p>Before acting, an invocation claims the item with a conditional {@code UpdateItem} (never {@code PutItem}, which
 * would erase what an earlier attempt recorded). The claim succeeds when there is no item yet, when the last attempt
 * {@code FAILED} (a retry must try again), or when an earlier claim is older than {@link #CLAIM_TIMEOUT} (its
 * invocation died); it returns the item as it was ({@code ALL_OLD}), so a retry knows what the earlier attempt did.
 * Otherwise the failed condition returns the existing item, so no read is needed: {@code DONE} means a duplicate
 * delivery (act once, do nothing), a fresh {@code CLAIMED} means another invocation is on it right now.
 *
 * <p>After acting, and before paging, the outcomes are {@link #record}ed; after paging the item is {@link #complete}d.
 * Both writes are guarded by the claim token, so an invocation whose claim was taken over cannot overwrite the newer
 * attempt, and both merge into what is there: a finding an earlier attempt recorded keeps its entry unless this
 * attempt has one for it, and {@code actions} and {@code inverses} only ever grow. A retry after a failed page
 * therefore keeps the first attempt's fix and its inverse, and pages what was not paged yet.
 *
 * <p>Item shape (attribute: type, meaning):
 * <pre>
 * eventId      S  partition key: the CloudTrail eventID
 * detectorId   S  sort key: e.g. security-group-opened
 * status       S  CLAIMED (acting, outcomes possibly recorded, pages not all sent) | DONE | FAILED
 * claimToken   S  random id of the invocation that holds the claim
 * claimedAt    N  epoch milliseconds of the latest claim
 * attempts     N  how many invocations claimed it (1, or more after failures and takeovers)
 * expiresAt    N  epoch seconds; the table's TTL attribute ({@link #RETENTION} after the latest claim)
 * eventName, eventSource, eventTime, account, region, actor   S  what the event was, for people reading the table
 * eventAgeSeconds N  how old the event was at the latest claim
 * recordedAt   N  epoch milliseconds when the latest attempt recorded its outcomes
 * completedAt  N  epoch milliseconds of completion
 * mode         S  the detector's mode at the time (remediate | page | dry-run | off)
 * action       S  the decisions' actions (REMEDIATE, DRY_RUN, PAGE, EXEMPT, OFF), comma-separated when several differ
 * outcome      S  failed when anything failed, else the outcomes' labels (remediated, already-compliant, superseded,
 *                 dry-run, paged, exempted, off), comma-separated when several differ
 * actions      L  of S: what was changed, by every attempt
 * inverses     L  of S: how to undo each change (AWS CLI commands), by every attempt
 * findings     L  of M: per finding {key, title, resourceType, resourceId, action, reason, remediation, outcome,
 *                 detail, actions, inverses, paged}
 * error        S  only when FAILED: why
 * pastErrors   L  of S: every failed attempt's error, oldest first (kept when a retry succeeds)
 * </pre>
 */
public final class AuditLog {

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
        /** This invocation holds the claim and must act, then record and complete with it. */
        record Acquired(String token, Earlier earlier) implements Claim {
        }

        /** Already handled: a duplicate delivery. */
        record Done(String outcome) implements Claim {
        }

        /** Another invocation claimed it moments ago. */
        record InProgress(Instant claimedAt) implements Claim {
        }
    }

    /** What earlier attempts recorded in the item: nothing for a fresh claim. */
    public record Earlier(List<String> actions, List<String> inverses, Map<String, Recorded> findings) {
        static final Earlier NONE = new Earlier(List.of(), List.of(), Map.of());

        public Optional<Recorded> finding(Decision decision) {
            return Optional.ofNullable(findings.get(key(decision)));
        }
    }

    /**
     * One finding as an earlier attempt recorded it. {@code outcome} is present when it can stand for this attempt
     * too: a fix that was made, or a state that was read (already compliant, superseded); anything else is decided
     * again.
     */
    public record Recorded(String action, String label, Optional<Outcome> outcome, boolean paged,
                           Map<String, AttributeValue> item) {
    }

    /** One decision, what became of it, and whether its page went out. */
    public record Entry(Decision decision, Outcome outcome, boolean paged) {
        public Entry asPaged() {
            return new Entry(decision, outcome, true);
        }
    }

    /** Whether the notice {@code id} (a page about Snapback itself, such as a deployment's lowered modes) went out before. */
    public boolean noticed(String id) {
        return dynamoDb.getItem(r -> r.tableName(table).consistentRead(true).key(noticeKey(id))).hasItem();
    }

    /** Records that the notice {@code id} went out, so that no other container of the function sends it again. */
    public void notice(String id, String detail, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(noticeKey(id));
        item.put("status", s(DONE));
        item.put("outcome", s(detail));
        item.put("recordedAt", n(now.toEpochMilli()));
        item.put("expiresAt", n(now.plus(RETENTION).getEpochSecond()));
        dynamoDb.putItem(r -> r.tableName(table).item(item));
    }

    /**
     * Counts one finding of a burst in its window's item, beside the events' items: the eventID joins a string set
     * (so a retry counts once), which stops growing at the threshold, so an attacker's flood cannot grow the item.
     * The finding that fills the set takes the window's page ({@code pagedBy}); its retries keep it.
     */
    public BurstCount countBurst(CloudTrailEvent event, String detectorId, PageOnBurst burst) {
        Instant start = burst.windowStart(event.time());
        Map<String, AttributeValue> key = burstKey(detectorId, burst.key(), start);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":event", AttributeValue.fromSs(List.of(event.eventId())));
        values.put(":occurrence", AttributeValue.fromSs(List.of(burst.occurrence())));
        values.put(":source", AttributeValue.fromSs(List.of(Objects.requireNonNullElse(event.sourceIp(), BurstTally.NO_SOURCE_IP))));
        values.put(":threshold", n(burst.threshold()));
        values.put(":expires", n(start.plus(burst.window()).plus(RETENTION).getEpochSecond()));
        values.put(":start", s(start.toString()));
        Map<String, AttributeValue> window;
        try {
            window = dynamoDb.updateItem(r -> r.tableName(table).key(key)
                    .updateExpression("ADD eventIds :event, occurrences :occurrence, sources :source"
                            + " SET expiresAt = :expires, windowStart = :start")
                    .conditionExpression("attribute_not_exists(eventIds) OR size(eventIds) < :threshold")
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException full) {
            window = dynamoDb.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item();
        }
        int count = window.containsKey("eventIds") ? window.get("eventIds").ss().size() : 0;
        boolean pages = count >= burst.threshold() && takesThePage(key, event.eventId());
        return new BurstCount(count, pages, start, stringSet(window, "occurrences"), stringSet(window, "sources"));
    }

    /** Whether this event holds the window's one page: it took it now, or took it on an attempt before. */
    private boolean takesThePage(Map<String, AttributeValue> key, String eventId) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table).key(key)
                    .updateExpression("SET pagedBy = :event")
                    .conditionExpression("attribute_not_exists(pagedBy) OR pagedBy = :event")
                    .expressionAttributeValues(Map.of(":event", s(eventId))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Set<String> stringSet(Map<String, AttributeValue> item, String name) {
        AttributeValue set = item.get(name);
        return set == null || !set.hasSs() ? Set.of() : Set.copyOf(set.ss());
    }

    public Claim claim(CloudTrailEvent event, String detectorId, Instant now) {
        String token = UUID.randomUUID().toString();
        Update update = new Update();
        update.set("status", s(CLAIMED));
        update.set("claimToken", s(token));
        update.set("claimedAt", n(now.toEpochMilli()));
        update.set("expiresAt", n(now.plus(RETENTION).getEpochSecond()));
        update.set("eventName", s(event.eventName()));
        update.set("eventSource", s(event.eventSource()));
        update.set("eventTime", s(event.time().toString()));
        update.set("account", s(event.account()));
        update.set("region", s(event.region()));
        update.set("actor", s(event.actor().label()));
        update.set("eventAgeSeconds", n(Duration.between(event.time(), now).toSeconds()));
        update.names.put("#attempts", "attempts");
        update.values.put(":zero", n(0));
        update.values.put(":one", n(1));
        update.sets.add("#attempts = if_not_exists(#attempts, :zero) + :one");
        update.values.put(":failed", s(FAILED));
        update.values.put(":claimed", s(CLAIMED));
        update.values.put(":staleBefore", n(now.minus(CLAIM_TIMEOUT).toEpochMilli()));
        try {
            // UpdateItem, not PutItem: a retry keeps what earlier attempts recorded, and gets it back (ALL_OLD).
            Map<String, AttributeValue> before = dynamoDb.updateItem(r -> r.tableName(table)
                    .key(key(event, detectorId))
                    .updateExpression("SET " + String.join(", ", update.sets))
                    .conditionExpression("attribute_not_exists(eventId) OR #status = :failed"
                            + " OR (#status = :claimed AND #claimedAt < :staleBefore)")
                    .expressionAttributeNames(update.names)
                    .expressionAttributeValues(update.values)
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            return new Claim.Acquired(token, earlier(before));
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
     * Records the outcomes before the pages go out, so that an invocation that dies while paging leaves them
     * behind. The item stays {@code CLAIMED}. Returns {@code false} when the claim was taken over meanwhile.
     */
    public boolean record(CloudTrailEvent event, String detectorId, Claim.Acquired claim, Mode mode, List<Entry> entries,
                          Instant now) {
        Update update = outcomes(claim, mode, entries, null);
        update.set("recordedAt", n(now.toEpochMilli()));
        return write(event, detectorId, claim, update, "");
    }

    /**
     * Records what was done and paged. {@code error} is {@code null} on success; otherwise the item is marked
     * {@code FAILED} so the retry can claim it again. Returns {@code false} when the claim was taken over meanwhile
     * (nothing written).
     */
    public boolean complete(CloudTrailEvent event, String detectorId, Claim.Acquired claim, Mode mode, List<Entry> entries,
                            String error, Instant now) {
        Update update = outcomes(claim, mode, entries, error);
        update.set("status", s(error == null ? DONE : FAILED));
        update.set("completedAt", n(now.toEpochMilli()));
        String remove = "";
        if (error != null) {
            update.set("error", s(error));
            update.names.put("#pastErrors", "pastErrors");
            update.values.put(":noErrors", AttributeValue.fromL(List.of()));
            update.values.put(":thisError", strings(List.of(error)));
            update.sets.add("#pastErrors = list_append(if_not_exists(#pastErrors, :noErrors), :thisError)");
        } else {
            update.names.put("#error", "error");
            remove = " REMOVE #error";
        }
        return write(event, detectorId, claim, update, remove);
    }

    /** This attempt's entries merged into what earlier attempts recorded: nothing they recorded is lost. */
    private static Update outcomes(Claim.Acquired claim, Mode mode, List<Entry> entries, String error) {
        Earlier earlier = claim.earlier();
        Map<String, AttributeValue> findings = new LinkedHashMap<>();
        earlier.findings().forEach((key, recorded) -> findings.put(key, AttributeValue.fromM(recorded.item())));
        entries.forEach(entry -> findings.put(key(entry.decision()), finding(entry)));
        LinkedHashSet<String> actions = new LinkedHashSet<>(earlier.actions());
        LinkedHashSet<String> inverses = new LinkedHashSet<>(earlier.inverses());
        for (Entry entry : entries) {
            if (entry.outcome() instanceof Outcome.Remediated done) {
                actions.addAll(done.actions());
                inverses.addAll(done.inverses());
            }
        }
        Update update = new Update();
        update.set("mode", s(mode.label()));
        update.set("action", s(distinct(entries.stream().map(e -> e.decision().action().name()).toList())));
        update.set("outcome", s(error != null ? "failed" : distinct(entries.stream().map(e -> e.outcome().label()).toList())));
        update.set("actions", strings(List.copyOf(actions)));
        update.set("inverses", strings(List.copyOf(inverses)));
        update.set("findings", AttributeValue.fromL(List.copyOf(findings.values())));
        return update;
    }

    private boolean write(CloudTrailEvent event, String detectorId, Claim.Acquired claim, Update update, String remove) {
        update.names.put("#claimToken", "claimToken");
        update.values.put(":claimToken", s(claim.token()));
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(key(event, detectorId))
                    .updateExpression("SET " + String.join(", ", update.sets) + remove)
                    .conditionExpression("#claimToken = :claimToken")
                    .expressionAttributeNames(update.names)
                    .expressionAttributeValues(update.values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
