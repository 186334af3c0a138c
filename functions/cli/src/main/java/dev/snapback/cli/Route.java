package dev.snapback.cli;

import dev.snapback.detect.EventPattern;
import java.util.Arrays;

/**
 * What the patterns read of one CloudTrail call: the envelope's {@code source} and {@code detail-type}, and the
 * record's {@code eventSource}, {@code eventName}, {@code errorCode}, {@code userIdentity.type} and
 * {@code userIdentity.invokedBy}. {@code errorCode} and {@code invokedBy} are JSON text as Event Ruler reads them
 * ({@code "\"AccessDenied\""}); a field that is absent, or whose value cannot match a pattern, is {@code null}.
 */
record Route(String source, String detailType, String eventSource, String eventName, String errorCode, String identityType,
             String invokedBy) {

    /** A bare record (as in S3 log files) with the envelope EventBridge would build around it. */
    static Route ofRecord(String eventSource, String eventName, String errorCode, String identityType, String invokedBy) {
        return new Route(EventPattern.sourceOf(eventSource), EventPattern.detailTypeOf(eventName), eventSource, eventName,
                errorCode, identityType, invokedBy);
    }

    /** Whether the pattern names this call, as {@link EventPattern#names} reads the parsed event. */
    boolean namedBy(EventPattern pattern) {
        return pattern.names(eventSource, eventName, identityType, invokedBy, unquoted(errorCode));
    }

    /**
     * Event Ruler's pre-flattened form: the sorted name/value list of exactly the fields the patterns read, string
     * values JSON-quoted. An absent field is left out, which is what {@code "exists": false} tests.
     */
    String[] flattened() {
        // Sorted by name, as rulesForEvent requires: "detail-type" < "detail.errorCode" < "detail.eventName" < ...
        String[] fields = new String[14];
        int n = 0;
        n = add(fields, n, "detail-type", quoted(detailType));
        n = add(fields, n, "detail.errorCode", errorCode);
        n = add(fields, n, "detail.eventName", quoted(eventName));
        n = add(fields, n, "detail.eventSource", quoted(eventSource));
        n = add(fields, n, "detail.userIdentity.invokedBy", invokedBy);
        n = add(fields, n, "detail.userIdentity.type", quoted(identityType));
        n = add(fields, n, "source", quoted(source));
        return n == fields.length ? fields : Arrays.copyOf(fields, n);
    }

    private static int add(String[] fields, int n, String name, String value) {
        if (value == null) return n;
        fields[n] = name;
        fields[n + 1] = value;
        return n + 2;
    }

    static String quoted(String text) {
        return text == null ? null : '"' + text + '"';
    }

    /** The string a JSON string value holds (the reader quotes without escaping); other JSON text as it is. */
    static String unquoted(String json) {
        return json != null && json.length() >= 2 && json.startsWith("\"") ? json.substring(1, json.length() - 1) : json;
    }
}
