package dev.snapback.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What routing needs, and the whole record on demand. For a bare record, the route's {@code source} and
 * {@code detailType} are those of the envelope EventBridge would build.
 */
record Candidate(Route route, boolean envelope, JsonNode json, String position) {

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
        JsonNode identity = detail.path("userIdentity");
        return Optional.of(new Candidate(new Route(source, detailType, eventSource, eventName,
                errorCode == null ? null : errorCode.toString(), identity.path("type").textValue(),
                scalarText(identity.get("invokedBy"))), true, json, position));
    }

    /** A scalar value as Event Ruler reads it; none for an absent field, or an object or array (no scalar to match). */
    static String scalarText(JsonNode value) {
        return value == null || value.isContainerNode() ? null : value.toString();
    }
}
