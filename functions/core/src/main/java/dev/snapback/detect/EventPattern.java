package dev.snapback.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import java.util.List;

/**
 * One EventBridge rule pattern a detector needs: CloudTrail calls from one service, by name, that succeeded.
 *
 * <p>{@link #toJson()} is the exact pattern the stack deploys and the replay command routes with (through Event
 * Ruler), so "matched" means the same thing everywhere. {@code eventBridgeSource} is the envelope's {@code source}
 * ({@code aws.ec2}); {@code eventSource} is the CloudTrail {@code eventSource} ({@code ec2.amazonaws.com}).
 */
public record EventPattern(String eventBridgeSource, String detailType, String eventSource, List<String> eventNames) {

    public static final String API_CALL = "AWS API Call via CloudTrail";

    private static final ObjectMapper JSON = new ObjectMapper();

    public EventPattern {
        eventNames = List.copyOf(eventNames);
        if (eventNames.isEmpty()) {
            throw new IllegalArgumentException("an event pattern needs at least one eventName");
        }
    }

    /**
     * A pattern for successful API calls of one service, by its CloudTrail name, e.g.
     * {@code apiCalls("ec2", "AuthorizeSecurityGroupIngress")}.
     */
    public static EventPattern apiCalls(String service, String... eventNames) {
        String eventSource = service + ".amazonaws.com";
        return new EventPattern(sourceOf(eventSource), API_CALL, eventSource, List.of(eventNames));
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

    /** The EventBridge pattern, including {@code "errorCode": [{"exists": false}]} so failed calls never arrive. */
    public ObjectNode toJsonNode() {
        ObjectNode pattern = JSON.createObjectNode();
        pattern.putArray("source").add(eventBridgeSource);
        pattern.putArray("detail-type").add(detailType);
        ObjectNode detail = pattern.putObject("detail");
        detail.putArray("eventSource").add(eventSource);
        eventNames.forEach(detail.putArray("eventName")::add);
        detail.putArray("errorCode").addObject().put("exists", false);
        return pattern;
    }

    public String toJson() {
        return toJsonNode().toString();
    }

    /** Whether the event is one of the calls this pattern names, whether or not it succeeded. */
    public boolean names(CloudTrailEvent event) {
        return eventSource.equals(event.eventSource()) && eventNames.contains(event.eventName());
    }

    /** In-process equivalent of the whole pattern for an already parsed event. */
    public boolean covers(CloudTrailEvent event) {
        return names(event) && event.succeeded();
    }
}
