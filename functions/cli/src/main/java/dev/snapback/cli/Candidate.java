package dev.snapback.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What routing needs, and the whole record on demand. For a bare record, {@code source} and {@code detailType} are
 * those of the envelope EventBridge would build. {@code errorCode} is JSON text, {@code null} when absent.
 */
record Candidate(String source, String detailType, String eventSource, String eventName, String errorCode,
                 boolean envelope, JsonNode json, String position) {

    static final String NOT_AN_ENVELOPE =
            "EventBridge envelope without source, detail-type, detail.eventSource and detail.eventName strings";

    /** An EventBridge envelope as it stands; none when it lacks what routing reads. */
    static Optional<Candidate> ofEnvelope(JsonNode json, String position) {
        JsonNode detail = json.path("detail");
        String source = json.path("source").textValue();
        String detailType = json.path("detail-type").textValue();
        String eventSource = detail.path("eventSource").textValue();
        String eventName = detail.path("eventName").textValue();
        if (source == null || detailType == null || eventSource == null || eventName == null) return Optional.empty();
        JsonNode errorCode = detail.get("errorCode");
        return Optional.of(new Candidate(source, detailType, eventSource, eventName,
                errorCode == null ? null : errorCode.toString(), true, json, position));
    }
}
