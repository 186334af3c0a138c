package dev.snapback.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Lenient reads of CloudTrail's request and response JSON, whose shapes vary by API and age. Absent or mistyped
 * values come back as {@code null} or empty, so detectors decide explicitly what a missing value means (usually:
 * no remediation, page instead).
 */
public final class Fields {

    private Fields() {
    }

    /** The text at a path of field names, or {@code null} when absent, null, blank or not a string. */
    public static String text(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    /** The integer at a path, or {@code null} when absent or not an integer. */
    public static Integer integer(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : null;
    }

    /** The boolean at a path, or {@code null} when absent or not a boolean. */
    public static Boolean bool(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isBoolean() ? value.booleanValue() : null;
    }

    /** The node at a path; a missing node when any step is absent. */
    public static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String step : path) {
            current = current.path(step);
        }
        return current;
    }

    /**
     * Elements of a CloudTrail list, which appears either as {@code {"items": [...]}} (EC2's query APIs) or as a
     * plain array; anything else is empty.
     */
    public static List<JsonNode> items(JsonNode list) {
        JsonNode array = list.isObject() ? list.path("items") : list;
        List<JsonNode> out = new ArrayList<>();
        if (array.isArray()) array.forEach(out::add);
        return out;
    }
}
