package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the event selectors a {@code PutEventSelectors} call set still log write management events, and if not,
 * the least change that logs them again. Basic ({@code eventSelectors}) and advanced ({@code advancedEventSelectors})
 * selectors both arrive through {@code PutEventSelectors}; CloudTrail has no separate API for advanced ones.
 *
 * <p>The corrected list is built from the call's own selectors, converted from CloudTrail's camelCase record to the
 * API's PascalCase, because {@code PutEventSelectors} replaces the whole list: restoring management events from a
 * fresh list would silently drop the trail's data-event selectors.
 */
final class ManagementEventSelectors {

    /** What to do about one call's selectors. */
    sealed interface Repair {
        /** Write management events are still logged. */
        record Intact() implements Repair {
        }

        /** The complete selector list to put back, and what it changes. */
        record Corrected(ArrayNode selectors, String change) implements Repair {
        }

        /** Write management events are not logged, and no change can be derived without guessing. */
        record Impossible(String reason) implements Repair {
        }
    }

    /** CloudTrail's limit on basic event selectors per trail. */
    static final int MAX_BASIC_SELECTORS = 5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KNOWN_FIELDS = Set.of("readWriteType", "includeManagementEvents", "dataResources",
            "type", "values", "excludeManagementEventSources", "name", "fieldSelectors", "field", "equals",
            "startsWith", "endsWith", "notEquals", "notStartsWith", "notEndsWith");
    /** The only sources basic selectors may exclude; excluding them is a documented cost control, not tampering. */
    private static final Set<String> EXCLUDABLE_SOURCES = Set.of("kms.amazonaws.com", "rdsdata.amazonaws.com");
    private static final Set<String> MANAGEMENT_FIELDS = Set.of("eventCategory", "readOnly", "eventSource");

    private ManagementEventSelectors() {
    }

    /** Judges the selectors a call set, as CloudTrail recorded them ({@code advanced}: advancedEventSelectors). */
    static Repair of(JsonNode recorded, boolean advanced) {
        ArrayNode selectors;
        try {
            selectors = apiShape(recorded);
        } catch (IllegalArgumentException e) {
            return new Repair.Impossible("Snapback cannot read the selectors the call set (" + e.getMessage()
                    + "), so it does not rebuild them");
        }
        return advanced ? advanced(selectors) : basic(selectors);
    }

    private static Repair basic(ArrayNode selectors) {
        for (JsonNode selector : selectors) {
            boolean management = !selector.path("IncludeManagementEvents").isBoolean()
                    || selector.path("IncludeManagementEvents").booleanValue();
            String readWrite = selector.path("ReadWriteType").asText("All");
            if (management && !readWrite.equals("ReadOnly")) return new Repair.Intact();
        }
        if (selectors.size() >= MAX_BASIC_SELECTORS) {
            return new Repair.Impossible("write management events are no longer logged, and the trail already has "
                    + MAX_BASIC_SELECTORS + " event selectors, the most CloudTrail allows; adding one is impossible"
                    + " and changing another would change its data events");
        }
        // A selector of its own, so that no existing selector's data events change (ReadWriteType applies to both).
        ObjectNode added = selectors.addObject().put("ReadWriteType", "WriteOnly").put("IncludeManagementEvents", true);
        added.putArray("DataResources");
        added.putArray("ExcludeManagementEventSources");
        return new Repair.Corrected(selectors, "added a selector for write management events");
    }

    private static Repair advanced(ArrayNode selectors) {
        List<ObjectNode> management = new ArrayList<>();
        for (JsonNode selector : selectors) {
            if (values(selector, "eventCategory", "Equals").contains("Management")) management.add((ObjectNode) selector);
        }
        if (management.stream().anyMatch(s -> completeScope(s) && admitsWrites(s))) return new Repair.Intact();
        if (management.isEmpty()) {
            ObjectNode added = selectors.addObject().put("Name", "Write management events (restored by Snapback)");
            ArrayNode fields = added.putArray("FieldSelectors");
            fields.addObject().put("Field", "eventCategory").putArray("Equals").add("Management");
            fields.addObject().put("Field", "readOnly").putArray("Equals").add("false");
            return new Repair.Corrected(selectors, "added a selector for write management events");
        }
        for (ObjectNode selector : management) {
            if (completeScope(selector) && selector.get("FieldSelectors") instanceof ArrayNode fields) {
                // Only the readOnly condition keeps writes out: dropping it logs reads and writes, as before.
                for (int i = fields.size() - 1; i >= 0; i--) {
                    if ("readOnly".equals(fields.get(i).path("Field").asText())) fields.remove(i);
                }
                return new Repair.Corrected(selectors, "removed the read-only condition from the management events"
                        + " selector" + (selector.has("Name") ? " '" + selector.path("Name").asText() + "'" : ""));
            }
        }
        return new Repair.Impossible("management events are narrowed by eventSource or other conditions; which"
                + " sources the trail should log is unknown, so Snapback does not rewrite the selectors");
    }

    /** Whether a management selector covers every source, except the ones the basic API may exclude as well. */
    private static boolean completeScope(JsonNode selector) {
        for (JsonNode field : selector.path("FieldSelectors")) {
            String name = field.path("Field").asText();
            if (!MANAGEMENT_FIELDS.contains(name)) return false;
            if (name.equals("eventSource")) {
                for (Map.Entry<String, JsonNode> condition : field.properties()) {
                    if (condition.getKey().equals("Field")) continue;
                    if (!condition.getKey().equals("NotEquals")) return false;
                    for (JsonNode source : condition.getValue()) {
                        if (!EXCLUDABLE_SOURCES.contains(source.asText())) return false;
                    }
                }
            }
        }
        return true;
    }

    private static boolean admitsWrites(JsonNode selector) {
        boolean restricted = false;
        for (JsonNode field : selector.path("FieldSelectors")) {
            if (!"readOnly".equals(field.path("Field").asText())) continue;
            restricted = true;
            if (texts(field.path("Equals")).contains("false") || texts(field.path("NotEquals")).contains("true")) {
                return true;
            }
        }
        return !restricted;
    }

    private static List<String> values(JsonNode selector, String field, String operator) {
        List<String> out = new ArrayList<>();
        for (JsonNode condition : selector.path("FieldSelectors")) {
            if (field.equals(condition.path("Field").asText())) out.addAll(texts(condition.path(operator)));
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(value -> out.add(value.asText()));
        return out;
    }

    /**
     * The recorded selectors in the API's shape: every key capitalized ({@code readWriteType} to
     * {@code ReadWriteType}, {@code fieldSelectors} to {@code FieldSelectors}). An unknown key means a shape Snapback
     * does not know, so nothing is rebuilt from it.
     */
    private static ArrayNode apiShape(JsonNode recorded) {
        if (!recorded.isArray()) throw new IllegalArgumentException("the selectors are not a list");
        for (JsonNode selector : recorded) {
            if (!selector.isObject()) throw new IllegalArgumentException("a selector is not an object");
        }
        return (ArrayNode) capitalized(recorded);
    }

    private static JsonNode capitalized(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(element -> out.add(capitalized(element)));
            return out;
        }
        if (!node.isObject()) return node.deepCopy();
        ObjectNode out = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            if (!KNOWN_FIELDS.contains(key)) throw new IllegalArgumentException("unexpected selector field '" + key + "'");
            out.set(Character.toUpperCase(key.charAt(0)) + key.substring(1), capitalized(field.getValue()));
        }
        return out;
    }
}
