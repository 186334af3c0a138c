package dev.snapback.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.policy.Decision;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Renders a replay's result: a table and the decisions for people, or JSON / JSON lines for machines. */
final class Report {

    enum Format { TEXT, JSON, NDJSON }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reasons listed per detector in the text table; the JSON formats list all. */
    private static final int TEXT_REASONS = 5;

    private Report() {
    }

    static void write(Format format, Replay.Result result, double seconds, long otherFiles, PrintStream out) {
        try {
            switch (format) {
                case TEXT -> text(result, seconds, otherFiles, out);
                case JSON -> json(result, seconds, otherFiles, out);
                case NDJSON -> ndjson(result.decisions(), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static void text(Replay.Result result, double seconds, long otherFiles, PrintStream out) {
        ReplaySummary s = result.summary();
        out.printf("Replayed %,d records from %,d files in %.1f s (dry run: nothing was changed).%n",
                s.records, s.files, seconds);
        if (otherFiles > 0) out.printf("Not inputs (not .json, .jsonl or .ndjson, optionally .gz): %,d files, left alone.%n", otherFiles);
        if (s.skipped() > 0) out.printf("Skipped: %,d malformed records, %,d files not read to the end (see stderr).%n",
                s.malformedRecords, s.failedFiles);
        if (s.normalisedRecords > 0) {
            out.printf("Read from exported forms: %,d records (%s).%n", s.normalisedRecords, String.join(", ",
                    s.normalised.entrySet().stream().map(e -> e.getKey().description() + ": " + e.getValue()).toList()));
        }
        out.println();
        // The detector column is as wide as the longest id, so that every row lines up however long ids grow.
        int idWidth = s.detectors.keySet().stream().mapToInt(String::length).max().orElse(0);
        String row = "%-" + Math.max(idWidth, 8) + "s %7s %8s %10s %6s %8s %7s %7s %5s %8s%n";
        String reasonRow = "  %-" + Math.max(idWidth, 8) + "s %6d  %s%n";
        out.printf(row, "DETECTOR", "SEEN", "MATCHED", "REMEDIATE", "PAGE", "COUNTED", "DRY-RUN", "EXEMPT", "OFF", "IGNORED");
        s.detectors.forEach((id, t) -> out.printf(row, id, t.seen, t.matched, t.action(Decision.Action.REMEDIATE),
                t.action(Decision.Action.PAGE), t.counted, t.action(Decision.Action.DRY_RUN), t.action(Decision.Action.EXEMPT),
                t.action(Decision.Action.OFF), t.ignoredTotal()));
        out.println("SEEN: calls a detector's pattern names; MATCHED: what its EventBridge rule delivers (failed calls are not,"
                + " except to unauthorized-calls); COUNTED: findings of a burst that did not page.");
        boolean anyIgnored = s.detectors.values().stream().anyMatch(t -> !t.ignored.isEmpty());
        if (anyIgnored) {
            out.println();
            out.println("Ignored after matching, by reason:");
            s.detectors.forEach((id, t) -> {
                List<Map.Entry<String, Long>> reasons = t.ignored.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
                // A summary line stands for two or more reasons: a single one is shown as it is.
                int shown = reasons.size() <= TEXT_REASONS + 1 ? reasons.size() : TEXT_REASONS;
                reasons.stream().limit(shown).forEach(e -> out.printf(reasonRow, id, e.getValue(), e.getKey()));
                if (reasons.size() > shown) {
                    long rest = reasons.stream().skip(shown).mapToLong(Map.Entry::getValue).sum();
                    out.printf(reasonRow, id, rest, "under " + (reasons.size() - shown)
                            + " other reasons (--format json lists them all)");
                }
            });
        }
        out.println();
        List<ReplayedDecision> decisions = result.decisions();
        out.printf("Decisions (%d), by event time:%n", decisions.size());
        for (ReplayedDecision d : decisions) {
            out.printf("%s  %s/%s  %s%n    %s [%s, %s]%n    -> %s: %s%n", d.time(), d.account(), d.region(), d.actor(),
                    d.title(), d.detectorId(), d.severity(), d.isCounted() ? "counted" : label(d.action()),
                    d.counted() != null ? d.counted().detail() : d.remediation());
        }
    }

    /** What the action means in a dry run. */
    static String label(Decision.Action action) {
        return switch (action) {
            case REMEDIATE -> "would remediate";
            case PAGE -> "would page";
            case DRY_RUN -> "dry-run mode, would page";
            case EXEMPT -> "exempt";
            case OFF -> "detector off";
        };
    }

    private static void json(Replay.Result result, double seconds, long otherFiles, PrintStream out) throws IOException {
        ReplaySummary s = result.summary();
        try (JsonGenerator g = JSON.createGenerator(out).useDefaultPrettyPrinter()) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeObjectFieldStart("summary");
            g.writeNumberField("files", s.files);
            g.writeNumberField("records", s.records);
            g.writeNumberField("malformedRecords", s.malformedRecords);
            g.writeNumberField("failedFiles", s.failedFiles);
            g.writeNumberField("otherFiles", otherFiles);
            g.writeNumberField("seconds", Math.round(seconds * 1000) / 1000.0);
            g.writeNumberField("normalisedRecords", s.normalisedRecords);
            g.writeObjectFieldStart("normalised");
            for (var form : s.normalised.entrySet()) g.writeNumberField(form.getKey().name().toLowerCase(), form.getValue());
            g.writeEndObject();
            g.writeObjectFieldStart("detectors");
            for (var entry : s.detectors.entrySet()) {
                ReplaySummary.Tally t = entry.getValue();
                g.writeObjectFieldStart(entry.getKey());
                g.writeNumberField("seen", t.seen);
                g.writeNumberField("matched", t.matched);
                g.writeNumberField("counted", t.counted);
                for (Decision.Action action : Decision.Action.values()) {
                    g.writeNumberField(action.name().toLowerCase(), t.action(action));
                }
                g.writeNumberField("ignored", t.ignoredTotal());
                g.writeObjectField("ignoredReasons", t.ignored);
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeArrayFieldStart("decisions");
            for (ReplayedDecision d : result.decisions()) decision(g, d);
            g.writeEndArray();
            g.writeEndObject();
        }
        out.println();
    }

    private static void ndjson(List<ReplayedDecision> decisions, PrintStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            for (ReplayedDecision d : decisions) decision(g, d);
            if (!decisions.isEmpty()) g.writeRaw('\n');
        }
    }

    private static void decision(JsonGenerator g, ReplayedDecision d) throws IOException {
        g.writeStartObject();
        g.writeStringField("eventID", d.eventId());
        g.writeStringField("eventTime", d.time().toString());
        g.writeStringField("account", d.account());
        g.writeStringField("region", d.region());
        g.writeStringField("detector", d.detectorId());
        g.writeStringField("severity", d.severity());
        g.writeStringField("title", d.title());
        g.writeStringField("action", d.isCounted() ? "COUNTED" : d.action().name());
        g.writeStringField("reason", d.counted() != null ? d.counted().detail() : d.reason());
        g.writeObjectFieldStart("remediation");
        g.writeStringField("type", d.remediationType());
        g.writeStringField("describe", d.remediation());
        g.writeEndObject();
        g.writeObjectFieldStart("resource");
        g.writeStringField("type", d.resourceType());
        g.writeStringField("id", d.resource());
        g.writeEndObject();
        g.writeStringField("actor", d.actor());
        g.writeStringField("sourceIp", d.sourceIp());
        g.writeEndObject();
    }
}
