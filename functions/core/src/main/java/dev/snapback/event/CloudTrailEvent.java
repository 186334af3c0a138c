package dev.snapback.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One CloudTrail management event, as parsed by {@link EventParser}. Every required field is present and typed.
 *
 * <p>{@code request} and {@code response} are the event's {@code requestParameters} and {@code responseElements};
 * they are never Java {@code null} ({@link com.fasterxml.jackson.databind.node.MissingNode} or
 * {@link com.fasterxml.jackson.databind.node.NullNode} when absent), so detectors can navigate with
 * {@link JsonNode#path(String)} safely. Treat them as read-only. {@code record} is the whole CloudTrail record.
 */
public record CloudTrailEvent(
        String eventId,
        Instant time,
        String account,
        String region,
        String eventSource,
        String eventName,
        Principal actor,
        String sourceIp,
        String userAgent,
        String errorCode,
        String errorMessage,
        JsonNode request,
        JsonNode response,
        JsonNode record) {

    public CloudTrailEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(eventSource, "eventSource");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(record, "record");
    }

    /** A call that returned an error changed nothing: it is never remediated. */
    public boolean succeeded() {
        return errorCode == null;
    }

    /** The service's short name, as IAM actions spell it: {@code iam} for {@code iam.amazonaws.com}. */
    public String service() {
        String suffix = ".amazonaws.com";
        return eventSource.endsWith(suffix) ? eventSource.substring(0, eventSource.length() - suffix.length()) : eventSource;
    }

    /** ARN partition of the account ({@code aws}, {@code aws-cn}, {@code aws-us-gov}), taken from the region. */
    public String partition() {
        if (region.startsWith("cn-")) return "aws-cn";
        if (region.startsWith("us-gov-")) return "aws-us-gov";
        return "aws";
    }
}
