package dev.snapback.settings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.model.Cidr;
import dev.snapback.model.InvalidConfigException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a settings record from the configuration file's top-level object: each component is the key of its name, and
 * a key left out takes the component's value in the defaults. So a setting is declared once, as a component of its
 * detector's record, and validated once, in that record's constructor.
 *
 * <p>Values: {@code int}, {@code String}, {@link Duration} (ISO-8601), {@link Cidr}, an enum (by its static
 * {@code parse(String value, String field)}), and lists, sets and string-keyed maps of those. An
 * invalid value is an {@link InvalidConfigException} naming its key ({@code publicPorts[1]}, {@code modes.x}).
 */
public final class SettingsBinder {

    private SettingsBinder() {
    }

    /** The keys a settings record reads: its components' names. */
    public static List<String> keys(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    public static <R extends Record> R read(Class<R> type, JsonNode root, R defaults) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            JsonNode value = root.get(component.getName());
            values[i] = value == null ? accessed(component, defaults) : value(component.getGenericType(), value, component.getName());
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            // The record's own validation: its message names the key.
            if (e.getCause() instanceof RuntimeException invalid) throw invalid;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("settings record " + type.getName() + " cannot be built", e);
        }
    }

    private static Object accessed(RecordComponent component, Record defaults) {
        try {
            return component.getAccessor().invoke(defaults);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object value(Type type, JsonNode node, String field) {
        if (type instanceof ParameterizedType generic) {
            Type[] arguments = generic.getActualTypeArguments();
            Class<?> raw = (Class<?>) generic.getRawType();
            if (raw == List.class) return elements(arguments[0], node, field);
            if (raw == Set.class) return new LinkedHashSet<>(elements(arguments[0], node, field));
            if (raw == Map.class && arguments[0] == String.class) return entries(arguments[1], node, field);
            throw new IllegalStateException("unsupported settings type " + type);
        }
        Class<?> plain = (Class<?>) type;
        if (plain == int.class || plain == Integer.class) return integer(node, field);
        if (plain == String.class) return text(node, field);
        if (plain == Duration.class) return duration(node, field);
        if (plain == Cidr.class) return cidr(node, field);
        if (plain.isEnum()) return constant(plain, node, field);
        throw new IllegalStateException("unsupported settings type " + type);
    }

    private static List<Object> elements(Type element, JsonNode node, String field) {
        if (node.isNull()) return List.of();
        if (!node.isArray()) throw new InvalidConfigException(field, "expected a list");
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) out.add(value(element, node.get(i), field + "[" + i + "]"));
        return out;
    }

    private static Map<String, Object> entries(Type value, JsonNode node, String field) {
        if (node.isNull()) return Map.of();
        if (!node.isObject()) throw new InvalidConfigException(field, "expected an object");
        Map<String, Object> out = new LinkedHashMap<>();
        node.properties().forEach(entry -> out.put(entry.getKey(), value(value, entry.getValue(), field + "." + entry.getKey())));
        return out;
    }

    private static String text(JsonNode value, String field) {
        if (!value.isTextual() || value.asText().isBlank()) throw new InvalidConfigException(field, "expected a non-empty string");
        return value.asText().trim();
    }

    private static int integer(JsonNode value, String field) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) throw new InvalidConfigException(field, "expected a whole number");
        return value.intValue();
    }

    private static Duration duration(JsonNode value, String field) {
        String text = text(value, field);
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidConfigException(field, "not an ISO-8601 duration such as PT15M: " + text);
        }
    }

    private static Cidr cidr(JsonNode value, String field) {
        try {
            return Cidr.parse(text(value, field));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(field, e.getMessage());
        }
    }

    /** By the enum's own {@code parse(value, field)}, whose message says which values it takes. */
    private static Object constant(Class<?> type, JsonNode node, String field) {
        String text = text(node, field);
        try {
            return type.getMethod("parse", String.class, String.class).invoke(null, text, field);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException invalid) throw invalid;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("enum " + type.getName() + " in settings needs a static parse(String, String)", e);
        }
    }
}
