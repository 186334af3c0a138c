package dev.snapback.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries of damaged {@code events/} fixtures: fields removed, retyped, shortened or replaced with odd
 * values, as envelopes or bare records; and fixtures cut off at any byte. They stand for whatever a broken producer,
 * a future CloudTrail shape or a hostile caller could send.
 */
public final class DamagedFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<Fixture> FIXTURES = Fixtures.all();

    /** Values that look plausible somewhere and wrong elsewhere. */
    private static final List<JsonNode> ODD_VALUES = List.of(
            NODES.nullNode(), NODES.textNode(""), NODES.textNode(" "), NODES.textNode("\u0000"),
            NODES.textNode("HIDDEN_DUE_TO_SECURITY_REASONS"), NODES.textNode("AWS ROOT USER"),
            NODES.textNode("arn:aws:iam::111122223333:root"), NODES.textNode("arn:aws:iam::111122223333:role/key-rotation"),
            NODES.textNode("arn:aws:iam::111122223333:role/snapback-keys"), NODES.textNode("Active"), NODES.textNode("Inactive"),
            NODES.textNode("0.0.0.0/0"), NODES.textNode("::/0"), NODES.textNode("-1"), NODES.textNode("not/a/cidr/at/all"),
            NODES.textNode("2026-13-45T99:99:99Z"), NODES.textNode("x".repeat(5000)), NODES.numberNode(0), NODES.numberNode(-1),
            NODES.numberNode(65536), NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(1.5e300), NODES.booleanNode(true),
            NODES.objectNode(), NODES.arrayNode(), NODES.arrayNode().add(NODES.objectNode()),
            NODES.objectNode().set("items", NODES.arrayNode().addNull()));

    /** Where an edit lands: anywhere, or inside the parts that only detectors read. */
    private static final List<String> SCOPES = List.of("", "/detail", "/detail/requestParameters",
            "/detail/responseElements", "/detail/userIdentity");

    private enum Kind { REMOVE, REPLACE, RETYPE, SHORTEN }

    private record Edit(int target, Kind kind, int value) {
    }

    /** Damaged input and how it was damaged, so that a failing sample reads clearly. */
    public record Damaged(String how, byte[] bytes) {
        @Override
        public String toString() {
            return how + "\n" + new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private DamagedFixtures() {
    }

    /** A fixture's bytes cut off at any length shorter than the whole. */
    public static Arbitrary<Damaged> truncated() {
        return Arbitraries.of(FIXTURES).flatMap(fixture -> {
            byte[] bytes = fixture.bytes();
            return Arbitraries.integers().between(0, bytes.length - 1)
                    .map(length -> new Damaged(fixture + " cut to " + length + " bytes", Arrays.copyOf(bytes, length)));
        });
    }

    /** A fixture with one to six edits, serialized either as its envelope or as its bare CloudTrail record. */
    public static Arbitrary<Damaged> mutated() {
        Arbitrary<Edit> edit = Combinators.combine(
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.of(Kind.values()),
                Arbitraries.integers().between(0, ODD_VALUES.size() - 1)).as(Edit::new);
        return Combinators.combine(
                Arbitraries.of(FIXTURES),
                Arbitraries.of(SCOPES),
                edit.list().ofMinSize(1).ofMaxSize(6),
                Arbitraries.of(false, true)).as(DamagedFixtures::damage);
    }

    private static Damaged damage(Fixture fixture, String scope, List<Edit> edits, boolean bare) {
        JsonNode envelope = fixture.json();
        List<String> how = new ArrayList<>();
        for (Edit edit : edits) {
            JsonNode within = envelope.at(scope);
            boolean scoped = within.isContainerNode() && !within.isEmpty();
            how.add(apply(scoped ? within : envelope, scoped ? scope : "", edit));
        }
        JsonNode detail = envelope.path("detail");
        boolean asRecord = bare && detail.isObject();
        try {
            return new Damaged(fixture + (asRecord ? " as a bare record" : "") + ": " + String.join(", ", how),
                    JSON.writeValueAsBytes(asRecord ? detail : envelope));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One place in the tree: a container and the field name or index of a child in it. */
    private record Slot(String path, ContainerNode<?> parent, String field, int index) {
        JsonNode get() {
            return field != null ? parent.get(field) : parent.get(index);
        }

        void set(JsonNode value) {
            if (field != null) ((ObjectNode) parent).set(field, value);
            else ((ArrayNode) parent).set(index, value);
        }

        void remove() {
            if (field != null) ((ObjectNode) parent).remove(field);
            else ((ArrayNode) parent).remove(index);
        }
    }

    /** Applies the edit and says what it did. */
    private static String apply(JsonNode root, String rootPath, Edit edit) {
        List<Slot> slots = new ArrayList<>();
        collect(root, rootPath, slots);
        if (slots.isEmpty()) return "nothing left to edit";
        Slot slot = slots.get(edit.target() % slots.size());
        JsonNode current = slot.get();
        switch (edit.kind()) {
            case REMOVE -> slot.remove();
            case REPLACE -> slot.set(ODD_VALUES.get(edit.value()).deepCopy());
            case RETYPE -> slot.set(retyped(current));
            case SHORTEN -> slot.set(shortened(current));
        }
        return edit.kind().name().toLowerCase() + " " + slot.path();
    }

    private static void collect(JsonNode node, String path, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                slots.add(new Slot(path + "/" + name, object, name, -1));
                collect(object.get(name), path + "/" + name, slots);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(path + "/" + i, array, null, i));
                collect(array.get(i), path + "/" + i, slots);
            }
        }
    }

    /** The same content in the wrong JSON type. */
    private static JsonNode retyped(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> NODES.numberNode(node.asText().length());
            case NUMBER, BOOLEAN -> NODES.textNode(node.asText());
            case OBJECT -> NODES.arrayNode().addAll(iterate(node));
            case ARRAY -> {
                ObjectNode object = NODES.objectNode();
                for (int i = 0; i < node.size(); i++) object.set(Integer.toString(i), node.get(i));
                yield object;
            }
            default -> NODES.textNode("null");
        };
    }

    /** Half of a string or array, an object without its last field. */
    private static JsonNode shortened(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> NODES.textNode(node.asText().substring(0, node.asText().length() / 2));
            case ARRAY -> {
                ArrayNode half = NODES.arrayNode();
                for (int i = 0; i < node.size() / 2; i++) half.add(node.get(i));
                yield half;
            }
            case OBJECT -> {
                ObjectNode fewer = ((ObjectNode) node).deepCopy();
                List<String> names = new ArrayList<>();
                fewer.fieldNames().forEachRemaining(names::add);
                if (!names.isEmpty()) fewer.remove(names.getLast());
                yield fewer;
            }
            default -> NODES.nullNode();
        };
    }

    private static List<JsonNode> iterate(JsonNode node) {
        List<JsonNode> values = new ArrayList<>();
        node.elements().forEachRemaining(values::add);
        return values;
    }
}
