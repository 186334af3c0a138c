package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import java.util.List;

/**
 * One EventBridge rule pattern a detector needs. Most name the calls of one service that succeeded
 * ({@link #apiCalls}); a few watch a kind of caller across every service ({@link #callsBy}), or calls that failed
 * with one kind of error ({@link #callsFailingWith}).
 *
 * <p>{@link #toJson()} is the exact pattern the stack deploys and the replay command routes with (through Event
 * Ruler), so "matched" means the same thing everywhere. {@code eventBridgeSource} is the envelope's {@code source}
 * ({@code aws.ec2}, {@code null} for every AWS service); {@code eventSource} is the CloudTrail {@code eventSource}
 * ({@code ec2.amazonaws.com}, {@code null} for any).
 *
 * @param eventNames   the calls named, empty only when {@code eventSource} is {@code null}
 * @param identityType when set, only calls by this {@code userIdentity.type} that no AWS service made on its behalf
 *                     ({@code invokedBy} absent)
 * @param failures     {@code null}: only calls that succeeded; else only calls that failed with one of these errors
 */
public record EventPattern(String eventBridgeSource, List<String> detailTypes, String eventSource, List<String> eventNames,
                           String identityType, ErrorCodes failures) {

    public static final String API_CALL = "AWS API Call via CloudTrail";
    public static final String SIGN_IN = "AWS Console Sign In via CloudTrail";
    /** A rule's state by which EventBridge delivers the events its pattern matches, read-only management calls excepted. */
    public static final String ENABLED = "ENABLED";
    /** A rule's state by which EventBridge delivers read-only management events too (Describe, Get, List). */
    public static final String ALL_MANAGEMENT_EVENTS = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

    private static final String ANY_AWS_SOURCE = "aws.";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Error codes by prefix or suffix, as EventBridge matches them ({@code AccessDenied*}, {@code *UnauthorizedOperation}). */
    public record ErrorCodes(List<String> prefixes, List<String> suffixes) {
        public ErrorCodes {
            prefixes = List.copyOf(prefixes);
            suffixes = List.copyOf(suffixes);
            if (prefixes.isEmpty() && suffixes.isEmpty()) throw new IllegalArgumentException("no error codes to match");
        }

        public boolean match(String errorCode) {
            return errorCode != null && (prefixes.stream().anyMatch(errorCode::startsWith)
                    || suffixes.stream().anyMatch(errorCode::endsWith));
        }
    }

    public EventPattern {
        detailTypes = List.copyOf(detailTypes);
        eventNames = List.copyOf(eventNames);
        if (detailTypes.isEmpty()) throw new IllegalArgumentException("an event pattern needs at least one detail-type");
        if (eventSource != null && eventNames.isEmpty()) {
            throw new IllegalArgumentException("a pattern of one service needs at least one eventName");
        }
        if (eventSource == null && !eventNames.isEmpty()) {
            throw new IllegalArgumentException("eventNames without their eventSource");
        }
        if (eventSource == null && identityType == null && failures == null) {
            throw new IllegalArgumentException("a pattern of every service must narrow by caller or by error");
        }
    }

    /**
     * A pattern for successful API calls of one service, by its CloudTrail name, e.g.
     * {@code apiCalls("ec2", "AuthorizeSecurityGroupIngress")}.
     */
    public static EventPattern apiCalls(String service, String... eventNames) {
        String eventSource = service + ".amazonaws.com";
        return new EventPattern(sourceOf(eventSource), List.of(API_CALL), eventSource, List.of(eventNames), null, null);
    }

    /** Console sign-ins ({@code ConsoleLogin}), successful or not: a failed one has no {@code errorCode}. */
    public static EventPattern consoleSignIns() {
        String eventSource = "signin.amazonaws.com";
        return new EventPattern(sourceOf(eventSource), List.of(SIGN_IN), eventSource, List.of("ConsoleLogin"), null, null);
    }

    /**
     * Successful API calls and console sign-ins of every service by one kind of caller ({@code Root}), that no AWS
     * service made on its behalf.
     */
    public static EventPattern callsBy(String identityType) {
        return new EventPattern(null, List.of(API_CALL, SIGN_IN), null, List.of(), identityType, null);
    }

    /** API calls of every service that failed with one of these errors: the one kind of pattern that wants failures. */
    public static EventPattern callsFailingWith(ErrorCodes errors) {
        return new EventPattern(null, List.of(API_CALL), null, List.of(), null, errors);
    }

    /**
     * EventBridge's {@code source} for a CloudTrail eventSource: {@code ec2.amazonaws.com} is {@code aws.ec2}, except
     * where the two names differ ({@code monitoring.amazonaws.com} is {@code aws.cloudwatch}).
     */
    public static String sourceOf(String eventSource) {
        int dot = eventSource.indexOf('.');
        String service = dot < 0 ? eventSource : eventSource.substring(0, dot);
        return "aws." + (service.equals("monitoring") ? "cloudwatch" : service);
    }

    /** What the rule's name says the pattern watches: the service ({@code ec2}), or {@code all}. */
    public String service() {
        return eventBridgeSource == null ? "all" : eventBridgeSource.substring(ANY_AWS_SOURCE.length());
    }

    /**
     * The state the rule is deployed in. A pattern of every service watches a caller, or denied calls, whatever they
     * call, reads included: EventBridge delivers read-only calls only to a rule in {@link #ALL_MANAGEMENT_EVENTS}. A
     * pattern of named calls names writes, and stays {@link #ENABLED}.
     */
    public String ruleState() {
        return eventSource == null ? ALL_MANAGEMENT_EVENTS : ENABLED;
    }

    /** The EventBridge pattern; {@code "errorCode": [{"exists": false}]} unless it wants failures. */
    public ObjectNode toJsonNode() {
        ObjectNode pattern = JSON.createObjectNode();
        ArrayNode source = pattern.putArray("source");
        if (eventBridgeSource != null) source.add(eventBridgeSource);
        else source.addObject().put("prefix", ANY_AWS_SOURCE);
        detailTypes.forEach(pattern.putArray("detail-type")::add);
        ObjectNode detail = pattern.putObject("detail");
        if (eventSource != null) {
            detail.putArray("eventSource").add(eventSource);
            eventNames.forEach(detail.putArray("eventName")::add);
        }
        if (identityType != null) {
            ObjectNode identity = detail.putObject("userIdentity");
            identity.putArray("type").add(identityType);
            identity.putArray("invokedBy").addObject().put("exists", false);
        }
        ArrayNode errorCode = detail.putArray("errorCode");
        if (failures == null) {
            errorCode.addObject().put("exists", false);
        } else {
            failures.prefixes().forEach(prefix -> errorCode.addObject().put("prefix", prefix));
            failures.suffixes().forEach(suffix -> errorCode.addObject().put("suffix", suffix));
        }
        return pattern;
    }

    public String toJson() {
        return toJsonNode().toString();
    }

    /**
     * Whether a call is one this pattern names, from the record's own fields; a pattern of successful calls names
     * failed ones too, so they can be reported as ignored. {@code invokedBy} is the caller's, {@code null} if absent.
     */
    public boolean names(String eventSource, String eventName, String identityType, String invokedBy, String errorCode) {
        if (this.eventSource != null && !(this.eventSource.equals(eventSource) && eventNames.contains(eventName))) return false;
        if (this.identityType != null && !(this.identityType.equals(identityType) && invokedBy == null)) return false;
        return failures == null || failures.match(errorCode);
    }

    /** Whether the event is one of the calls this pattern names, whether or not it succeeded. */
    public boolean names(CloudTrailEvent event) {
        JsonNode identity = event.record().path("userIdentity");
        return names(event.eventSource(), event.eventName(), identity.path("type").textValue(),
                identity.path("invokedBy").textValue(), event.errorCode());
    }

    /** In-process equivalent of the whole pattern for an already parsed event. */
    public boolean covers(CloudTrailEvent event) {
        return names(event) && (failures != null || event.succeeded());
    }

    /** The detail-type EventBridge gives a CloudTrail record of this call. */
    public static String detailTypeOf(String eventName) {
        return "ConsoleLogin".equals(eventName) ? SIGN_IN : API_CALL;
    }

    /** Whether the pattern asks for calls that failed. */
    public boolean wantsFailures() {
        return failures != null;
    }
}
