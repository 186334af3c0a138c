package dev.snapback.cli;

import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.EventPattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import software.amazon.event.ruler.Machine;

/**
 * Routes CloudTrail calls to detectors with Event Ruler over the patterns the stack deploys
 * ({@link EventPattern#toJson()}), so "matched" means what EventBridge would have delivered.
 *
 * <p>Records are matched through Event Ruler's pre-flattened API ({@link Route#flattened()}). {@code RouterTest}
 * proves this gives the same answer as {@code rulesForJSONEvent} on the whole envelope for every fixture.
 */
final class Router {

    /** Distinct routing inputs are few (calls the patterns name, times error codes); an input cannot grow this far. */
    private static final int MAX_ROUTES = 10_000;

    private final Machine machine = Machine.builder().build();
    /** Event Ruler's answer depends on the routed values only; matching takes tens of microseconds, so reuse it. */
    private final Map<Route, List<String>> routes = new ConcurrentHashMap<>();
    /** Detector ids by eventSource, then eventName, of the calls their one-service patterns name. */
    private final Map<String, Map<String, List<String>>> namedCalls = new HashMap<>();
    /** The patterns of every service (by caller or by error), with their detector's id. */
    private final List<Map.Entry<String, EventPattern>> acrossServices = new ArrayList<>();
    /** The {@code userIdentity.type} values those patterns name ({@link EventPattern#callsBy}). */
    private final Set<String> callerTypes;

    Router(List<DetectorSpec> specs) {
        for (DetectorSpec spec : specs) {
            for (EventPattern pattern : spec.patterns()) {
                try {
                    machine.addRule(spec.id(), pattern.toJson());
                } catch (IOException e) {
                    throw new UncheckedIOException("pattern of " + spec.id() + " does not compile", e);
                }
                if (pattern.eventSource() == null) {
                    acrossServices.add(Map.entry(spec.id(), pattern));
                    continue;
                }
                for (String name : pattern.eventNames()) {
                    List<String> ids = namedCalls.computeIfAbsent(pattern.eventSource(), source -> new HashMap<>())
                            .computeIfAbsent(name, call -> new ArrayList<>());
                    if (!ids.contains(spec.id())) ids.add(spec.id());
                }
            }
        }
        callerTypes = acrossServices.stream().map(pattern -> pattern.getValue().identityType()).filter(Objects::nonNull)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Whether any pattern names this call. Each pattern requires an exact eventSource and eventName, or a caller type
     * or an error: when this is false no rule can match, whatever the other fields say, so the reader stops
     * buffering such records early. Asked of every record, so no route is built; {@code errorCode} and
     * {@code invokedBy} are JSON text, as in {@link Route}.
     */
    boolean mayMatch(String eventSource, String eventName, String errorCode, String identityType, String invokedBy) {
        Map<String, List<String>> calls = namedCalls.get(eventSource);
        if (calls != null && calls.containsKey(eventName)) return true;
        for (Map.Entry<String, EventPattern> pattern : acrossServices) {
            if (pattern.getValue().names(eventSource, eventName, identityType, invokedBy, Route.unquoted(errorCode))) return true;
        }
        return false;
    }

    /** The {@code userIdentity.type} values that patterns name ({@link EventPattern#callsBy}). */
    Set<String> callerTypes() {
        return callerTypes;
    }

    /** Detectors whose patterns name this call, whether or not the rest of their pattern matches. */
    List<String> naming(Route route) {
        List<String> named = namedCalls.getOrDefault(route.eventSource(), Map.of()).getOrDefault(route.eventName(), List.of());
        if (acrossServices.isEmpty()) return named;
        List<String> ids = null;
        for (Map.Entry<String, EventPattern> pattern : acrossServices) {
            if (!route.namedBy(pattern.getValue())) continue;
            if (ids == null) ids = new ArrayList<>(named);
            if (!ids.contains(pattern.getKey())) ids.add(pattern.getKey());
        }
        return ids == null ? named : ids;
    }

    /** Detector ids whose rule EventBridge would deliver this call to. */
    List<String> route(Route route) {
        List<String> known = routes.get(route);
        if (known != null) return known;
        List<String> matched = machine.rulesForEvent(route.flattened()).stream().distinct().sorted().toList();
        if (routes.size() < MAX_ROUTES) routes.put(route, matched);
        return matched;
    }
}
