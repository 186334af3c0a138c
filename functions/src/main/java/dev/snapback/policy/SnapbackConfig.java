package dev.snapback.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.detect.Cidr;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Detectors;
import dev.snapback.detect.ResourceRef;
import dev.snapback.event.Principal;
import dev.snapback.event.RoleIdentity;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Deployment configuration, validated on construction: an invalid value fails fast with a message naming the field.
 * Exemptions and allowlists come only from here, never from tags on the resource an event touched (whoever can
 * open a security group can also tag it).
 *
 * @param modes             mode per detector id; detectors not listed use their declared default
 * @param publicPorts       ports that may be open to the world (default 80, 443)
 * @param trustedCidrs      sources that are fine on any port (default: RFC 1918 and fc00::/7)
 * @param minPrefixV4       IPv4 sources with a shorter prefix count as world-open (0.0.0.0/1 + 128.0.0.0/1)
 * @param minPrefixV6       the same for IPv6
 * @param managedPrincipals identity ARNs (IAM users, roles) allowed to create keys: the managed path; a role matches
 *                          its sessions by role identity (account and name, any path), a user its exact ARN
 * @param snapbackRoleArns  Snapback's own role ARNs; their sessions' calls are ignored (by role identity, never by
 *                          prefix), which breaks loops
 * @param exemptResources   sanctioned resources by type ({@link #EXEMPTIBLE_TYPES}) and id: a finding is exempt
 *                          only when both match, so a resource named like an exempt one of another type is not
 * @param trailKmsKeys      trail ARN to its expected KMS key ARN, so dropped encryption can be restored
 * @param quarantineRelease whether an MFA enrolment lifts a quarantine by itself ({@code automatic}, the default), or
 *                          pages and leaves it for an operator ({@code manual})
 * @param lateEventAfter    an event older than this when it is acted on is late: the current state is checked as
 *                          always, and the alert and the audit say how old it was (ISO-8601, default 15 minutes)
 */
public record SnapbackConfig(
        Map<String, Mode> modes,
        Set<Integer> publicPorts,
        List<Cidr> trustedCidrs,
        int minPrefixV4,
        int minPrefixV6,
        Set<String> managedPrincipals,
        Set<String> snapbackRoleArns,
        Map<String, Set<String>> exemptResources,
        Map<String, String> trailKmsKeys,
        QuarantineRelease quarantineRelease,
        Duration lateEventAfter) {

    /** Whether enrolling an MFA device again lifts a user's quarantine without a person. */
    public enum QuarantineRelease {
        AUTOMATIC, MANUAL;

        static QuarantineRelease parse(String value, String field) {
            for (QuarantineRelease release : values()) {
                if (release.name().equalsIgnoreCase(value.trim())) return release;
            }
            throw new InvalidConfigException(field, "'" + value + "' is neither automatic nor manual");
        }
    }

    /** The environment variable that carries the configuration JSON into each function. */
    public static final String ENVIRONMENT_VARIABLE = "SNAPBACK_CONFIG";

    public static final Set<Integer> DEFAULT_PUBLIC_PORTS = Set.of(80, 443);
    public static final List<String> DEFAULT_TRUSTED_CIDRS =
            List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");

    /**
     * The resource types that can be exempted, each with the form of its id. Every id here is assigned by AWS or
     * unique in the account (a key pair is exempted by its key-... id, never by its caller-chosen name).
     */
    public static final Map<String, Pattern> EXEMPTIBLE_TYPES = Map.of(
            "AWS::EC2::SecurityGroup", Pattern.compile("sg-[0-9a-zA-Z]+"),
            "AWS::EC2::KeyPair", Pattern.compile("key-[0-9a-zA-Z]+"),
            "AWS::IAM::User", Pattern.compile("[\\w+=,.@-]{1,64}"),
            "AWS::CloudTrail::Trail", Pattern.compile("arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\\d{12}:trail/[A-Za-z0-9._-]{3,128}"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("modes", "publicPorts", "trustedCidrs", "minPrefixV4",
            "minPrefixV6", "managedPrincipals", "snapbackRoleArns", "exemptResources", "trailKmsKeys", "quarantineRelease",
            "lateEventAfter");
    public static final Duration DEFAULT_LATE_EVENT_AFTER = Duration.ofMinutes(15);

    public SnapbackConfig {
        modes = Map.copyOf(modes);
        for (String id : modes.keySet()) {
            if (Detectors.SPECS.stream().noneMatch(spec -> spec.id().equals(id))) {
                throw new InvalidConfigException("modes." + id, "no detector has this id; known: " + detectorIds());
            }
        }
        publicPorts = Set.copyOf(publicPorts);
        for (int port : publicPorts) {
            if (port < 0 || port > 65535) throw new InvalidConfigException("publicPorts", "port out of range: " + port);
        }
        trustedCidrs = List.copyOf(trustedCidrs);
        if (minPrefixV4 < 1 || minPrefixV4 > 32) {
            throw new InvalidConfigException("minPrefixV4", "must be between 1 and 32, got " + minPrefixV4);
        }
        if (minPrefixV6 < 1 || minPrefixV6 > 128) {
            throw new InvalidConfigException("minPrefixV6", "must be between 1 and 128, got " + minPrefixV6);
        }
        managedPrincipals = requireArns("managedPrincipals", managedPrincipals);
        snapbackRoleArns = requireArns("snapbackRoleArns", snapbackRoleArns);
        for (String arn : snapbackRoleArns) {
            if (RoleIdentity.ofRoleArn(arn).isEmpty()) {
                throw new InvalidConfigException("snapbackRoleArns", "not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): " + arn);
            }
        }
        exemptResources = requireExemptible(exemptResources);
        trailKmsKeys = Map.copyOf(trailKmsKeys);
        Objects.requireNonNull(quarantineRelease, "quarantineRelease");
        if (lateEventAfter.isNegative() || lateEventAfter.isZero()) {
            throw new InvalidConfigException("lateEventAfter", "must be a positive duration, got " + lateEventAfter);
        }
        trailKmsKeys.forEach((trail, key) -> {
            if (!trail.startsWith("arn:")) throw new InvalidConfigException("trailKmsKeys", "key must be a trail ARN: " + trail);
            if (!key.startsWith("arn:")) throw new InvalidConfigException("trailKmsKeys." + trail, "must be a KMS key ARN: " + key);
        });
    }

    public static SnapbackConfig defaults() {
        return new SnapbackConfig(Map.of(), DEFAULT_PUBLIC_PORTS, DEFAULT_TRUSTED_CIDRS.stream().map(Cidr::parse).toList(),
                8, 32, Set.of(), Set.of(), Map.of(), Map.of(), QuarantineRelease.AUTOMATIC, DEFAULT_LATE_EVENT_AFTER);
    }

    /** Reads {@value #ENVIRONMENT_VARIABLE}; defaults when it is unset or blank. */
    public static SnapbackConfig fromEnvironment(Map<String, String> environment) {
        String json = environment.get(ENVIRONMENT_VARIABLE);
        return json == null || json.isBlank() ? defaults() : fromJson(json);
    }

    /** Parses a JSON object; absent fields take their defaults, unknown fields are errors (typos must not pass). */
    public static SnapbackConfig fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("(config)", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new InvalidConfigException("(config)", "expected a JSON object");
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) throw new InvalidConfigException(name, "unknown setting; known: " + new TreeSet<>(FIELDS));
        }
        SnapbackConfig d = defaults();
        Map<String, Mode> modes = new LinkedHashMap<>();
        object(root, "modes").forEach((id, value) -> modes.put(id, Mode.parse(text(value, "modes." + id), "modes." + id)));
        return new SnapbackConfig(
                modes,
                root.has("publicPorts") ? new LinkedHashSet<>(list(root, "publicPorts", SnapbackConfig::integer)) : d.publicPorts(),
                root.has("trustedCidrs") ? list(root, "trustedCidrs", SnapbackConfig::cidr) : d.trustedCidrs(),
                root.has("minPrefixV4") ? integer(root.get("minPrefixV4"), "minPrefixV4") : d.minPrefixV4(),
                root.has("minPrefixV6") ? integer(root.get("minPrefixV6"), "minPrefixV6") : d.minPrefixV6(),
                new LinkedHashSet<>(list(root, "managedPrincipals", SnapbackConfig::text)),
                new LinkedHashSet<>(list(root, "snapbackRoleArns", SnapbackConfig::text)),
                exemptResources(object(root, "exemptResources")),
                textMap(object(root, "trailKmsKeys"), "trailKmsKeys"),
                root.has("quarantineRelease") ? QuarantineRelease.parse(text(root.get("quarantineRelease"), "quarantineRelease"),
                        "quarantineRelease") : d.quarantineRelease(),
                root.has("lateEventAfter") ? duration(root.get("lateEventAfter"), "lateEventAfter") : d.lateEventAfter());
    }

    public Mode modeFor(DetectorSpec spec) {
        return modes.getOrDefault(spec.id(), spec.defaultMode());
    }

    /** A copy with other modes, e.g. from a run-time override. */
    public SnapbackConfig withModes(Map<String, Mode> newModes) {
        return new SnapbackConfig(newModes, publicPorts, trustedCidrs, minPrefixV4, minPrefixV6, managedPrincipals,
                snapbackRoleArns, exemptResources, trailKmsKeys, quarantineRelease, lateEventAfter);
    }

    /**
     * Whether {@code principal} is on the managed path: a listed role, in any of the forms CloudTrail names a role
     * ({@link RoleIdentity}), or a listed user or root by its exact ARN.
     */
    public boolean isManaged(Principal principal) {
        return principal.role().map(role -> listsRole(managedPrincipals, role))
                .orElseGet(() -> principal.identityArn() != null && managedPrincipals.contains(principal.identityArn()));
    }

    /** Whether {@code principal} is a session of one of Snapback's own roles, which must never be acted on (loops). */
    public boolean isSnapback(Principal principal) {
        return principal.role().map(role -> listsRole(snapbackRoleArns, role)).orElse(false);
    }

    private static boolean listsRole(Set<String> arns, RoleIdentity role) {
        return arns.stream().anyMatch(arn -> RoleIdentity.ofRoleArn(arn).filter(role::equals).isPresent());
    }

    /** Exempt only when the configuration lists this very id under this very type. */
    public boolean isExempt(ResourceRef resource) {
        return resource.id() != null && exemptResources.getOrDefault(resource.type(), Set.of()).contains(resource.id());
    }

    public boolean isTrusted(Cidr source) {
        return trustedCidrs.stream().anyMatch(trusted -> trusted.contains(source));
    }

    /** World-open, or so broad that it is as good as world-open. */
    public boolean isBroad(Cidr source) {
        return source.prefixLength() < (source.ipv6() ? minPrefixV6 : minPrefixV4);
    }

    private static Set<String> requireArns(String field, Set<String> arns) {
        for (String arn : arns) {
            if (!arn.matches("arn:aws[a-z-]*:(iam|sts)::\\d{12}:[^*?\\s]+")) {
                throw new InvalidConfigException(field, "not an exact IAM ARN (no wildcards): " + arn);
            }
        }
        return Set.copyOf(arns);
    }

    private static Map<String, Set<String>> requireExemptible(Map<String, Set<String>> exempt) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        exempt.forEach((type, ids) -> {
            Pattern id = EXEMPTIBLE_TYPES.get(type);
            if (id == null) {
                throw new InvalidConfigException("exemptResources." + type,
                        "not a resource type that can be exempted; known: " + new TreeSet<>(EXEMPTIBLE_TYPES.keySet()));
            }
            for (String value : ids) {
                if (!id.matcher(value).matches()) {
                    throw new InvalidConfigException("exemptResources." + type, "expected an id matching " + id + ", got " + value);
                }
            }
            out.put(type, Set.copyOf(ids));
        });
        return Map.copyOf(out);
    }

    private static Map<String, Set<String>> exemptResources(Map<String, JsonNode> byType) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        byType.forEach((type, ids) -> out.put(type,
                new LinkedHashSet<>(elements(ids, "exemptResources." + type, SnapbackConfig::text))));
        return out;
    }

    private static String detectorIds() {
        return Detectors.SPECS.stream().map(DetectorSpec::id).toList().toString();
    }

    private static Cidr cidr(JsonNode value, String field) {
        try {
            return Cidr.parse(text(value, field));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(field, e.getMessage());
        }
    }

    private static <T> List<T> list(JsonNode root, String field, BiFunction<JsonNode, String, T> element) {
        return elements(root.get(field), field, element);
    }

    private static <T> List<T> elements(JsonNode node, String field, BiFunction<JsonNode, String, T> element) {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw new InvalidConfigException(field, "expected a list");
        List<T> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) out.add(element.apply(node.get(i), field + "[" + i + "]"));
        return out;
    }

    private static Map<String, JsonNode> object(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) throw new InvalidConfigException(field, "expected an object");
        Map<String, JsonNode> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static Map<String, String> textMap(Map<String, JsonNode> object, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        object.forEach((key, value) -> out.put(key, text(value, field + "." + key)));
        return out;
    }

    private static String text(JsonNode value, String field) {
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidConfigException(field, "expected a non-empty string");
        }
        return value.asText().trim();
    }

    private static Duration duration(JsonNode value, String field) {
        String text = text(value, field);
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidConfigException(field, "not an ISO-8601 duration such as PT15M: " + text);
        }
    }

    private static int integer(JsonNode value, String field) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidConfigException(field, "expected a whole number");
        }
        return value.intValue();
    }
}
