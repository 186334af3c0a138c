package dev.snapback.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.detect.Finding;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;
import dev.snapback.model.Severity;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.Remediation;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a decision and its outcome into an {@link Alert}. Pure: no clock, no AWS, so the sample in the README is
 * rendered by this very code. The text starts with plain sentences (what happened, who, from where, when, what
 * Snapback did, how to undo it, where to see the event), then the decision as JSON. Only what the finding and the
 * event's identity fields carry is shown: never request or response bodies, so nothing secret can leak.
 */
public final class AlertRenderer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CONTEXT_LINE = 2_000;

    private final Duration lateAfter;

    /** @param lateAfter how old an event may be when Snapback acts on it before the alert calls it late */
    public AlertRenderer(Duration lateAfter) {
        this.lateAfter = lateAfter;
    }

    /** The page for one decision, whose outcome Snapback reached at {@code actedAt}. */
    public Alert render(Decision decision, Outcome outcome, Instant actedAt) {
        Finding finding = decision.finding();
        CloudTrailEvent event = finding.cause();
        Duration age = Duration.between(event.time(), actedAt);
        ObjectNode json = json(decision, outcome, actedAt, age, isLate(age));
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("severity", outcome.pageSeverity(finding.severity()).name());
        attributes.put("detector", finding.detectorId());
        attributes.put("outcome", outcome.label());
        attributes.put("account", event.account());
        attributes.put("region", event.region());
        return new Alert(subject(finding, outcome), text(decision, outcome, age, json), json.toString(), attributes);
    }

    /** Whether an event of this age, when acted on, is late: older than the configured {@code lateEventAfter}. */
    public boolean isLate(Duration age) {
        return age.compareTo(lateAfter) > 0;
    }

    /** {@code [HIGH] sg-0abc opened 22/tcp to 0.0.0.0/0 in 111122223333/eu-west-1 - revoked}, shortened to fit. */
    static String subject(Finding finding, Outcome outcome) {
        CloudTrailEvent event = finding.cause();
        String prefix = "[" + outcome.pageSeverity(finding.severity()).name() + "] ";
        String suffix = " in " + event.account() + "/" + event.region() + " - " + verdict(finding.proposed(), outcome);
        String title = oneLine(finding.title());
        int room = Alert.MAX_SUBJECT - prefix.length() - suffix.length();
        if (title.length() > room) title = title.substring(0, Math.max(0, room - 3)) + "...";
        return ascii(prefix + title + suffix);
    }

    /** SNS subjects must be printable ASCII; titles quote event strings, which may be anything. */
    static String ascii(String subject) {
        StringBuilder out = new StringBuilder(subject.length());
        subject.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return out.toString();
    }

    /** The subject's last words: what became of the finding. */
    private static String verdict(Remediation remediation, Outcome outcome) {
        Remediation.Verbs verbs = remediation.verbs();
        return switch (outcome) {
            case Outcome.Remediated r -> verbs.done();
            case Outcome.AlreadyCompliant a -> "already fixed";
            case Outcome.Superseded s -> "changed since, left alone";
            case Outcome.DryRun d -> "dry run, would " + verbs.todo();
            case Outcome.Paged p -> "needs review";
            case Outcome.Counted c -> "counted";
            case Outcome.Exempted e -> "exempt";
            case Outcome.Off o -> "detector off";
            case Outcome.Failed f -> "FAILED to " + verbs.todo();
            case Outcome.Refused r -> "REFUSED to " + verbs.todo();
        };
    }

    private String text(Decision decision, Outcome outcome, Duration age, ObjectNode json) {
        Finding finding = decision.finding();
        CloudTrailEvent event = finding.cause();
        StringBuilder text = new StringBuilder();
        text.append("What happened: ").append(oneLine(finding.title())).append(".\n");
        text.append("Who: ").append(event.actor().label());
        if (event.actor().identityArn() != null) text.append(" (").append(event.actor().identityArn()).append(")");
        text.append(" called ").append(event.service()).append(':').append(event.eventName());
        if (event.sourceIp() != null) text.append(" from ").append(event.sourceIp());
        text.append(" at ").append(event.time()).append(" in account ").append(event.account())
                .append(", region ").append(event.region()).append(".\n");
        text.append("When Snapback acted: ").append(humanized(age)).append(" after the call");
        if (isLate(age)) {
            text.append(", late (more than ").append(humanized(lateAfter)).append("): the resource's current state was read"
                    + " first, and only what was still offending was changed");
        }
        text.append(".\n");
        Severity paged = outcome.pageSeverity(finding.severity());
        text.append("Detector: ").append(finding.detectorId()).append(", severity ").append(paged.name())
                .append(paged == finding.severity() ? "" : " (the finding's is " + finding.severity().name() + ")")
                .append(", mode ").append(decision.mode().label()).append(" (").append(decision.reason()).append(").\n");
        finding.context().forEach((key, value) -> text.append("  ").append(key).append(": ").append(shortened(oneLine(value))).append('\n'));
        text.append("What Snapback did: ").append(whatWasDone(finding.proposed(), outcome)).append('\n');
        text.append("How to undo: ").append(howToUndo(outcome)).append('\n');
        text.append("CloudTrail event: ").append(consoleLink(event)).append("\n\n");
        text.append("Decision (JSON):\n").append(pretty(json)).append('\n');
        return text.toString();
    }

    private static String whatWasDone(Remediation remediation, Outcome outcome) {
        return switch (outcome) {
            case Outcome.Remediated r -> String.join("; ", r.actions()) + ".";
            case Outcome.AlreadyCompliant a -> "nothing was left to change (" + a.reason() + ").";
            case Outcome.Superseded s -> "nothing: the resource changed since the event (" + s.seen() + "). Snapback"
                    + " never reverts a newer change.";
            case Outcome.DryRun d -> "nothing, this detector is in dry-run mode. It would have done: " + d.wouldDo() + ".";
            case Outcome.Paged p -> "nothing was changed. Please review: " + p.reason() + ".";
            case Outcome.Counted c -> "nothing: counted, " + c.detail() + ".";
            case Outcome.Exempted e -> "nothing: " + e.reason() + ".";
            case Outcome.Off o -> "nothing: " + o.reason() + ".";
            case Outcome.Failed f -> "it tried to " + remediation.describe() + " and FAILED (" + f.error()
                    + "). The change is still in place: fix it by hand. The invocation fails so the event is retried"
                    + " and, if it keeps failing, kept in the dead-letter queue.";
            case Outcome.Refused r -> "nothing: it refused to " + remediation.describe() + " (" + r.reason() + "). The"
                    + " invocation fails so the event is retried and, if this persists, kept in the dead-letter queue.";
        };
    }

    private static String howToUndo(Outcome outcome) {
        return outcome instanceof Outcome.Remediated r ? String.join("\n  ", r.inverses()) : "nothing to undo, nothing was changed.";
    }

    /** The CloudTrail console page of the event, in the event's region and partition. */
    static String consoleLink(CloudTrailEvent event) {
        String console = switch (event.partition()) {
            case "aws-cn" -> "console.amazonaws.cn";
            case "aws-us-gov" -> "console.amazonaws-us-gov.com";
            default -> "console.aws.amazon.com";
        };
        return "https://" + event.region() + "." + console + "/cloudtrailv2/home?region=" + event.region()
                + "#/events/" + event.eventId();
    }

    private static ObjectNode json(Decision decision, Outcome outcome, Instant actedAt, Duration age, boolean late) {
        Finding finding = decision.finding();
        CloudTrailEvent event = finding.cause();
        ObjectNode root = JSON.createObjectNode();
        root.put("detector", finding.detectorId())
                .put("severity", outcome.pageSeverity(finding.severity()).name())
                .put("title", finding.title());
        root.putObject("resource").put("type", finding.resource().type()).put("id", finding.resource().id());
        root.put("mode", decision.mode().label()).put("action", decision.action().name()).put("reason", decision.reason());
        root.set("remediation", typed(finding.proposed().getClass().getSimpleName(), finding.proposed())
                .put("description", finding.proposed().describe()));
        root.set("outcome", typed(outcome.label(), outcome));
        root.set("context", JSON.valueToTree(finding.context()));
        root.put("actedAt", actedAt.toString()).put("eventAgeSeconds", age.toSeconds()).put("late", late);
        ObjectNode cause = root.putObject("event");
        cause.put("eventId", event.eventId())
                .put("eventSource", event.eventSource())
                .put("eventName", event.eventName())
                .put("time", event.time().toString())
                .put("account", event.account())
                .put("region", event.region())
                .put("actor", event.actor().label())
                .put("actorArn", event.actor().identityArn())
                .put("sourceIp", event.sourceIp())
                .put("userAgent", event.userAgent())
                .put("consoleUrl", consoleLink(event));
        return root;
    }

    private static ObjectNode typed(String type, Object value) {
        ObjectNode node = JSON.createObjectNode().put("type", type);
        node.setAll((ObjectNode) JSON.valueToTree(value));
        return node;
    }

    static String oneLine(String value) {
        return value == null ? "" : value.replaceAll("[\\p{Cntrl}]+", " ").strip();
    }

    /** A context line short enough that what was done and how to undo it always fit in the page; the JSON has it all. */
    private static String shortened(String value) {
        return value.length() <= MAX_CONTEXT_LINE ? value : value.substring(0, MAX_CONTEXT_LINE) + "... (shortened)";
    }

    private static String pretty(ObjectNode json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }

    /** A duration as people say it: {@code 38 s}, {@code 12 min}, {@code 3 h 5 min}, {@code 2 d 4 h}. */
    public static String humanized(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        if (seconds < 120) return seconds + " s";
        long minutes = seconds / 60;
        if (minutes < 120) return minutes + " min";
        long hours = minutes / 60;
        if (hours < 48) return hours + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
        return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
    }
}
