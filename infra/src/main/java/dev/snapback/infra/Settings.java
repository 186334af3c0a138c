package dev.snapback.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.model.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The deployment's settings, read from CDK context ({@code cdk.json} or {@code -c key=value}) and validated before
 * anything is built: a wrong value fails {@code cdk synth} with a message that starts with the context key.
 *
 * @param homeRegion  where the functions, table and topic live; every other region forwards to its event bus
 * @param regions     regions whose EC2 and CloudTrail events are watched (always includes the home region)
 * @param alertEmails addresses subscribed to the alert topic (each must confirm the subscription)
 * @param breakGlassEmails addresses subscribed to the break-glass topic, which pages tampering with the alert path
 * @param livenessHours hours without any event reaching Snapback after which on-call is paged
 * @param canary      a scheduled, recorded call that reaches Snapback every hour, so that a quiet account stays live
 * @param snapStart   Lambda SnapStart on the published versions the rules invoke
 * @param config      the validated detector configuration
 * @param configJson  the same configuration as given, to which the stack adds its own role ARNs
 */
public record Settings(
        String homeRegion,
        List<String> regions,
        List<String> alertEmails,
        List<String> breakGlassEmails,
        int livenessHours,
        boolean canary,
        boolean snapStart,
        SnapbackConfig config,
        ObjectNode configJson) {

    /** IAM is a global service: its CloudTrail events reach EventBridge only in this region. */
    public static final String GLOBAL_EVENTS_REGION = "us-east-1";

    /** CloudWatch evaluates an alarm of hourly periods over at most 7 days. */
    static final int MAX_LIVENESS_HOURS = 7 * 24;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[^@\\s,]+\\.[^@\\s,]+");

    public Settings {
        regions = List.copyOf(regions);
        alertEmails = List.copyOf(alertEmails);
        breakGlassEmails = List.copyOf(breakGlassEmails);
        if (livenessHours < 1 || livenessHours > MAX_LIVENESS_HOURS) {
            throw new InvalidConfigException("livenessHours", "must be 1 to " + MAX_LIVENESS_HOURS + " (CloudWatch evaluates"
                    + " an alarm over at most 7 days), got " + livenessHours);
        }
        configJson = configJson.deepCopy();
    }

    /**
     * Reads the context keys {@code homeRegion}, {@code regions}, {@code alertEmails}, {@code breakGlassEmails},
     * {@code livenessHours} (default 24), {@code canary} (default true), {@code snapStart} and {@code config}. {@code homeRegion} defaults to the CLI's region ({@code CDK_DEFAULT_REGION}).
     */
    public static Settings fromContext(Function<String, Object> context, Map<String, String> environment) {
        Object home = context.apply("homeRegion");
        String homeRegion = region("homeRegion",
                home != null ? home.toString() : environment.get("CDK_DEFAULT_REGION"));
        Set<String> regions = new LinkedHashSet<>();
        regions.add(homeRegion);
        for (String region : list("regions", context.apply("regions"))) regions.add(region("regions", region));
        List<String> emails = emails("alertEmails", context.apply("alertEmails"));
        List<String> breakGlassEmails = emails("breakGlassEmails", context.apply("breakGlassEmails"));
        ObjectNode configJson = configJson(context.apply("config"));
        SnapbackConfig config;
        try {
            config = SnapbackConfig.fromJson(configJson.toString());
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException("config", e.getMessage());
        }
        return new Settings(homeRegion, List.copyOf(regions), emails, breakGlassEmails,
                integer("livenessHours", context.apply("livenessHours"), 24), bool("canary", context.apply("canary"), true),
                bool("snapStart", context.apply("snapStart"), true), config, configJson);
    }

    /** Regions other than home that need a forwarding stack: watched regions, and wherever IAM events arrive. */
    public List<String> forwardingRegions() {
        Set<String> out = new LinkedHashSet<>(regions);
        out.add(GLOBAL_EVENTS_REGION);
        out.remove(homeRegion);
        return List.copyOf(out);
    }

    private static String region(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(key, "not set; pass -c " + key + "=<region> or configure a default AWS region");
        }
        if (!REGION.matcher(value.trim()).matches()) throw new InvalidConfigException(key, "not an AWS region: " + value);
        return value.trim();
    }

    /** A context list: a JSON array in cdk.json, or a comma-separated string from {@code -c key=a,b}. */
    private static List<String> list(String key, Object value) {
        Collection<?> items = switch (value) {
            case null -> List.of();
            case String text -> List.of(text.split(","));
            case Collection<?> collection -> collection;
            default -> throw new InvalidConfigException(key, "expected a list or a comma-separated string, got " + value);
        };
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String text)) throw new InvalidConfigException(key, "expected strings, got " + item);
            if (!text.isBlank()) out.add(text.trim());
        }
        return out;
    }

    private static List<String> emails(String key, Object value) {
        List<String> emails = list(key, value);
        for (String email : emails) {
            if (!EMAIL.matcher(email).matches()) throw new InvalidConfigException(key, "not an email address: " + email);
        }
        return emails;
    }

    private static int integer(String key, Object value, int fallback) {
        return switch (value) {
            case null -> fallback;
            case Integer i -> i;
            case String text when text.trim().matches("\\d{1,4}") -> Integer.parseInt(text.trim());
            default -> throw new InvalidConfigException(key, "expected a whole number, got " + value);
        };
    }

    private static boolean bool(String key, Object value, boolean fallback) {
        return switch (value) {
            case null -> fallback;
            case Boolean b -> b;
            case String text when text.equalsIgnoreCase("true") -> true;
            case String text when text.equalsIgnoreCase("false") -> false;
            default -> throw new InvalidConfigException(key, "expected true or false, got " + value);
        };
    }

    /** An object in cdk.json, or a string: inline JSON or the path of a JSON file. */
    private static ObjectNode configJson(Object value) {
        Object tree = value;
        if (value instanceof String text && !text.isBlank()) {
            String json = text.trim();
            if (!json.startsWith("{")) {
                try {
                    json = Files.readString(Path.of(json));
                } catch (IOException e) {
                    throw new InvalidConfigException("config", "cannot read the file " + text + ": " + e);
                }
            }
            try {
                tree = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new InvalidConfigException("config", "not valid JSON: " + e.getOriginalMessage());
            }
        }
        return switch (tree) {
            case null -> JSON.createObjectNode();
            case ObjectNode node -> node;
            case Map<?, ?> map -> JSON.valueToTree(map);
            default -> throw new InvalidConfigException("config", "expected a JSON object or the path of a JSON file");
        };
    }
}
