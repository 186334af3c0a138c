package dev.snapback.audit;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;
import dev.snapback.policy.Decision;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The audit item in DynamoDB's attributes: what a finding writes, and what an earlier attempt's item reads back as. */
final class AuditItems {

    private AuditItems() {
    }

    /** What identifies a finding within its item: the same event and configuration make the same findings. */
    static String key(Decision decision) {
        return decision.finding().resource().type() + " " + decision.finding().resource().id() + " "
                + decision.finding().proposed().describe();
    }

    static AttributeValue finding(AuditLog.Entry entry) {
        Decision decision = entry.decision();
        Map<String, AttributeValue> finding = new LinkedHashMap<>();
        finding.put("key", s(key(decision)));
        finding.put("title", s(decision.finding().title()));
        finding.put("resourceType", s(decision.finding().resource().type()));
        finding.put("resourceId", s(decision.finding().resource().id()));
        finding.put("action", s(decision.action().name()));
        finding.put("reason", s(decision.reason()));
        finding.put("remediation", s(decision.finding().proposed().describe()));
        finding.put("outcome", s(entry.outcome().label()));
        finding.put("detail", s(entry.outcome().detail()));
        if (entry.outcome() instanceof Outcome.Remediated done) {
            finding.put("actions", strings(done.actions()));
            finding.put("inverses", strings(done.inverses()));
        }
        finding.put("paged", AttributeValue.fromBool(entry.paged()));
        return AttributeValue.fromM(finding);
    }

    /** The findings, actions and inverses an item holds; the item before this claim, or none. */
    static AuditLog.Earlier earlier(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) return AuditLog.Earlier.NONE;
        Map<String, AuditLog.Recorded> findings = new LinkedHashMap<>();
        for (AttributeValue value : list(item.get("findings"))) {
            Map<String, AttributeValue> finding = value.hasM() ? value.m() : Map.of();
            String key = text(finding.get("key"));
            if (key == null) continue;
            findings.put(key, new AuditLog.Recorded(text(finding.get("action")), text(finding.get("outcome")), reusable(finding),
                    finding.get("paged") != null && Boolean.TRUE.equals(finding.get("paged").bool()), finding));
        }
        return new AuditLog.Earlier(texts(item.get("actions")), texts(item.get("inverses")), findings);
    }

    private static Optional<Outcome> reusable(Map<String, AttributeValue> finding) {
        String detail = text(finding.get("detail"));
        String label = text(finding.get("outcome"));
        if (label == null) return Optional.empty();
        return switch (label) {
            case "remediated" -> Optional.of(new Outcome.Remediated(texts(finding.get("actions")), texts(finding.get("inverses"))));
            case "already-compliant" -> Optional.of(new Outcome.AlreadyCompliant(detail));
            case "superseded" -> Optional.of(new Outcome.Superseded(detail));
            default -> Optional.empty();
        };
    }

    static List<AttributeValue> list(AttributeValue value) {
        return value != null && value.hasL() ? value.l() : List.of();
    }

    static List<String> texts(AttributeValue value) {
        return list(value).stream().map(AttributeValue::s).filter(Objects::nonNull).toList();
    }

    static String text(AttributeValue value) {
        return value == null ? null : value.s();
    }

    /** The parts of one {@code UpdateItem}: {@code SET} clauses with their attribute names and values. */
    static final class Update {
        final List<String> sets = new ArrayList<>();
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<String, AttributeValue> values = new LinkedHashMap<>();

        void set(String attribute, AttributeValue value) {
            names.put("#" + attribute, attribute);
            values.put(":" + attribute, value);
            sets.add("#" + attribute + " = :" + attribute);
        }
    }

    static String distinct(List<String> labels) {
        return String.join(",", labels.stream().distinct().toList());
    }

    static Map<String, AttributeValue> key(CloudTrailEvent event, String detectorId) {
        return Map.of("eventId", s(event.eventId()), "detectorId", s(detectorId));
    }

    /**
     * A burst's window sits beside the events' items, keyed by its detector and a digest of what it counts (a
     * principal's ARN can be long, and it is the caller's to choose), and the window's start.
     */
    static Map<String, AttributeValue> burstKey(String detectorId, String counted, Instant windowStart) {
        return Map.of("eventId", s("burst/" + sha256(counted) + "/" + windowStart), "detectorId", s(detectorId));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Notices sit beside the events' items, under a sort key no detector has. */
    static Map<String, AttributeValue> noticeKey(String id) {
        return Map.of("eventId", s("notice/" + id), "detectorId", s("snapback"));
    }

    static AttributeValue strings(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AuditItems::s).toList());
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
