package dev.snapback.cli;

import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.EventPattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.event.ruler.Machine;

/**
 * Routes CloudTrail calls to detectors with Event Ruler over the patterns the stack deploys
 * ({@link EventPattern#toJson()}), so "matched" means what EventBridge would have delivered.
 *
 * <p>Records are matched through Event Ruler's pre-flattened API: the sorted name/value list of exactly the fields
 * the patterns read, with string values JSON-quoted as Event Ruler expects. An absent {@code errorCode} is left out
 * of the list, which is what {@code "exists": false} tests. {@code RouterTest} proves this gives the same answer as
 * {@code rulesForJSONEvent} on the whole envelope for every fixture.
 */
final class Router {

    static final String SIGN_IN = "AWS Console Sign In via CloudTrail";

    /** Distinct routing inputs are few (calls the patterns name, times error codes); an input cannot grow this far. */
    private static final int MAX_ROUTES = 10_000;

    private final Machine machine = Machine.builder().build();
    /** Event Ruler's answer depends on the five routed values only; matching takes tens of microseconds, so reuse it. */
    private final Map<List<String>, List<String>> routes = new ConcurrentHashMap<>();
    /** Detector ids by eventSource, then eventName, of the calls their patterns name. */
    private final Map<String, Map<String, List<String>>> namedCalls = new HashMap<>();

    Router(List<DetectorSpec> specs) {
        for (DetectorSpec spec : specs) {
            for (EventPattern pattern : spec.patterns()) {
                try {
                    machine.addRule(spec.id(), pattern.toJson());
                } catch (IOException e) {
                    throw new UncheckedIOException("pattern of " + spec.id() + " does not compile", e);
                }
                for (String name : pattern.eventNames()) {
                    List<String> ids = namedCalls.computeIfAbsent(pattern.eventSource(), source -> new HashMap<>())
                            .computeIfAbsent(name, call -> new ArrayList<>());
                    if (!ids.contains(spec.id())) ids.add(spec.id());
                }
            }
        }
    }

    /**
     * Whether any pattern names this call. Every pattern requires an exact eventSource and eventName, so when this
     * is false no rule can match, whatever the other fields say: the reader stops buffering such records early.
     */
    boolean mayMatch(String eventSource, String eventName) {
        return !naming(eventSource, eventName).isEmpty();
    }

    /** Detectors whose patterns name this call, whether or not the rest of their pattern matches. */
    List<String> naming(String eventSource, String eventName) {
        return namedCalls.getOrDefault(eventSource, Map.of()).getOrDefault(eventName, List.of());
    }

    /**
     * Detector ids whose rule EventBridge would deliver this call to.
     *
     * @param errorCode the record's {@code errorCode} as JSON text ({@code "\"AccessDenied\""}, {@code null} when
     *                  the field is absent)
     */
    List<String> route(String source, String detailType, String eventSource, String eventName, String errorCode) {
        List<String> key = Arrays.asList(source, detailType, eventSource, eventName, errorCode);
        List<String> known = routes.get(key);
        if (known != null) return known;
        // Sorted by name, as rulesForEvent requires: "detail-type" < "detail.errorCode" < "detail.eventName" < ...
        String[] fields = errorCode == null
                ? new String[] {"detail-type", quote(detailType), "detail.eventName", quote(eventName),
                        "detail.eventSource", quote(eventSource), "source", quote(source)}
                : new String[] {"detail-type", quote(detailType), "detail.errorCode", errorCode,
                        "detail.eventName", quote(eventName), "detail.eventSource", quote(eventSource),
                        "source", quote(source)};
        List<String> matched = machine.rulesForEvent(fields).stream().distinct().sorted().toList();
        if (routes.size() < MAX_ROUTES) routes.put(key, matched);
        return matched;
    }

    /** Routes a bare CloudTrail record (as in S3 log files) as the envelope EventBridge would build around it. */
    List<String> routeRecord(String eventSource, String eventName, String errorCode) {
        return route(EventPattern.sourceOf(eventSource), detailTypeOf(eventName), eventSource, eventName, errorCode);
    }

    static String detailTypeOf(String eventName) {
        return "ConsoleLogin".equals(eventName) ? SIGN_IN : EventPattern.API_CALL;
    }

    private static String quote(String text) {
        return '"' + text + '"';
    }
}
