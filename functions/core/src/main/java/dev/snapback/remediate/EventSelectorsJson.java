package dev.snapback.remediate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;

/**
 * Reads {@link RestoreEventSelectors#selectorsJson()}, CloudTrail's own JSON shape (PascalCase, as in
 * {@code PutEventSelectors}), into SDK model objects. Strict: an unknown field or a wrong type is an error, because
 * a selector we misread could log less than intended. Accepts the bare list or the request object around it.
 */
final class EventSelectorsJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> BASIC_FIELDS =
            Set.of("ReadWriteType", "IncludeManagementEvents", "DataResources", "ExcludeManagementEventSources");
    private static final Set<String> ADVANCED_FIELDS = Set.of("Name", "FieldSelectors");
    private static final Set<String> FIELD_SELECTOR_FIELDS =
            Set.of("Field", "Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith");

    private EventSelectorsJson() {
    }

    static List<EventSelector> basic(String json) {
        return list(json, "EventSelectors", selector -> {
            known(selector, BASIC_FIELDS, "EventSelectors[]");
            EventSelector.Builder out = EventSelector.builder();
            if (selector.has("ReadWriteType")) out.readWriteType(text(selector, "ReadWriteType"));
            if (selector.has("IncludeManagementEvents")) out.includeManagementEvents(bool(selector, "IncludeManagementEvents"));
            if (selector.has("DataResources")) {
                out.dataResources(each(selector.get("DataResources"), "DataResources", resource -> {
                    known(resource, Set.of("Type", "Values"), "DataResources[]");
                    return DataResource.builder().type(text(resource, "Type")).values(texts(resource, "Values")).build();
                }));
            }
            if (selector.has("ExcludeManagementEventSources")) {
                out.excludeManagementEventSources(texts(selector, "ExcludeManagementEventSources"));
            }
            return out.build();
        });
    }

    static List<AdvancedEventSelector> advanced(String json) {
        return list(json, "AdvancedEventSelectors", selector -> {
            known(selector, ADVANCED_FIELDS, "AdvancedEventSelectors[]");
            AdvancedEventSelector.Builder out = AdvancedEventSelector.builder();
            if (selector.has("Name")) out.name(text(selector, "Name"));
            out.fieldSelectors(each(selector.get("FieldSelectors"), "FieldSelectors", field -> {
                known(field, FIELD_SELECTOR_FIELDS, "FieldSelectors[]");
                AdvancedFieldSelector.Builder f = AdvancedFieldSelector.builder().field(text(field, "Field"));
                if (field.has("Equals")) f.equalsValue(texts(field, "Equals"));
                if (field.has("StartsWith")) f.startsWith(texts(field, "StartsWith"));
                if (field.has("EndsWith")) f.endsWith(texts(field, "EndsWith"));
                if (field.has("NotEquals")) f.notEquals(texts(field, "NotEquals"));
                if (field.has("NotStartsWith")) f.notStartsWith(texts(field, "NotStartsWith"));
                if (field.has("NotEndsWith")) f.notEndsWith(texts(field, "NotEndsWith"));
                return f.build();
            }));
            return out.build();
        });
    }

    /**
     * The selectors the causing {@code PutEventSelectors} call set, in this class's shape; empty when the request
     * does not carry them or they do not read strictly (then nobody gets a command that would fail or misapply).
     */
    static Optional<String> setBy(CloudTrailEvent cause, boolean advanced) {
        JsonNode recorded = cause.request() == null ? null
                : cause.request().get(advanced ? "advancedEventSelectors" : "eventSelectors");
        if (recorded == null || !recorded.isArray()) return Optional.empty();
        String json = pascalCase(recorded).toString();
        try {
            if (advanced) advanced(json);
            else basic(json);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(json);
    }

    /**
     * Whether a trail's present selectors are the ones {@code setJson} (this class's shape) describes, with the
     * defaults CloudTrail fills in made explicit on both sides and the order of lists that are sets ignored.
     */
    static boolean sameSelectors(GetEventSelectorsResponse present, String setJson, boolean advanced) {
        if (advanced) {
            if (!present.hasAdvancedEventSelectors() || present.advancedEventSelectors().isEmpty()) return false;
            return normalizedAdvanced(present.advancedEventSelectors()).equals(normalizedAdvanced(advanced(setJson)));
        }
        if (!present.hasEventSelectors() || present.eventSelectors().isEmpty()) return false;
        return normalizedBasic(present.eventSelectors()).equals(normalizedBasic(basic(setJson)));
    }

    private static Set<EventSelector> normalizedBasic(List<EventSelector> selectors) {
        Set<EventSelector> out = new HashSet<>();
        for (EventSelector s : selectors) {
            out.add(EventSelector.builder()
                    .readWriteType(s.readWriteTypeAsString() == null ? "All" : s.readWriteTypeAsString())
                    .includeManagementEvents(s.includeManagementEvents() == null || s.includeManagementEvents())
                    .dataResources(s.dataResources().stream().map(d -> DataResource.builder().type(d.type())
                            .values(sorted(d.values())).build()).sorted(Comparator.comparing(DataResource::toString)).toList())
                    .excludeManagementEventSources(sorted(s.excludeManagementEventSources()))
                    .build());
        }
        return out;
    }

    private static Set<AdvancedEventSelector> normalizedAdvanced(List<AdvancedEventSelector> selectors) {
        Set<AdvancedEventSelector> out = new HashSet<>();
        for (AdvancedEventSelector s : selectors) {
            out.add(AdvancedEventSelector.builder()
                    .name(s.name() == null || s.name().isBlank() ? null : s.name())
                    .fieldSelectors(s.fieldSelectors().stream().map(f -> AdvancedFieldSelector.builder().field(f.field())
                                    .equalsValue(sorted(f.equalsValue())).startsWith(sorted(f.startsWith()))
                                    .endsWith(sorted(f.endsWith())).notEquals(sorted(f.notEquals()))
                                    .notStartsWith(sorted(f.notStartsWith())).notEndsWith(sorted(f.notEndsWith())).build())
                            .sorted(Comparator.comparing(AdvancedFieldSelector::toString)).toList())
                    .build());
        }
        return out;
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }

    /** CloudTrail records request fields in camelCase; the API and the CLI take PascalCase. Values stay as they are. */
    private static JsonNode pascalCase(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(element -> out.add(pascalCase(element)));
            return out;
        }
        if (!node.isObject()) return node;
        ObjectNode out = JSON.createObjectNode();
        node.properties().forEach(field -> out.set(
                field.getKey().isEmpty() ? "" : Character.toUpperCase(field.getKey().charAt(0)) + field.getKey().substring(1),
                pascalCase(field.getValue())));
        return out;
    }

    private static <T> List<T> list(String json, String wrapper, Function<JsonNode, T> element) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("selectors are not JSON: " + e.getOriginalMessage());
        }
        if (root != null && root.isObject()) {
            known(root, Set.of(wrapper), "selectors");
            root = root.get(wrapper);
        }
        List<T> out = each(root, wrapper, element);
        if (out.isEmpty()) throw new IllegalArgumentException(wrapper + ": refusing to put an empty selector list");
        return out;
    }

    private static <T> List<T> each(JsonNode array, String field, Function<JsonNode, T> element) {
        if (array == null || !array.isArray()) throw new IllegalArgumentException(field + ": expected a list");
        List<T> out = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isObject()) throw new IllegalArgumentException(field + ": expected objects in the list");
            out.add(element.apply(item));
        }
        return out;
    }

    private static void known(JsonNode node, Set<String> fields, String at) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) throw new IllegalArgumentException(at + ": unknown field " + name);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) throw new IllegalArgumentException(field + ": expected a string");
        return value.asText();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) throw new IllegalArgumentException(field + ": expected true or false");
        return value.booleanValue();
    }

    private static List<String> texts(JsonNode node, String field) {
        JsonNode array = node.get(field);
        if (array == null || !array.isArray()) throw new IllegalArgumentException(field + ": expected a list of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isTextual()) throw new IllegalArgumentException(field + ": expected a list of strings");
            out.add(item.asText());
        }
        return out;
    }
}
