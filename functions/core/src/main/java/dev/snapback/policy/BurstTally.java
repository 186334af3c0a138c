package dev.snapback.policy;

import dev.snapback.remediate.PageOnBurst;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Bursts counted in memory, for a replay that hands it its findings in event-time order. The functions count in the
 * audit table instead ({@code AuditLog.countBurst}), by the same rules: a window of one key holds each eventID once,
 * stops counting at the threshold, and pages through the finding that reached it.
 */
public final class BurstTally {

    private record Window(String detectorId, String key, Instant start) {
    }

    private static final class Seen {
        final Set<String> eventIds = new LinkedHashSet<>();
        final Set<String> occurrences = new LinkedHashSet<>();
        final Set<String> sources = new LinkedHashSet<>();
        String pagedBy;
    }

    /** What a window's sources name an event without one, here and in the audit table. */
    public static final String NO_SOURCE_IP = "(no source IP)";

    private final Map<Window, Seen> windows = new HashMap<>();

    /** Counts the finding of the event {@code eventId} at {@code time} from {@code sourceIp} (may be null). */
    public BurstCount count(String detectorId, PageOnBurst burst, String eventId, Instant time, String sourceIp) {
        Instant start = burst.windowStart(time);
        Seen seen = windows.computeIfAbsent(new Window(detectorId, burst.key(), start), w -> new Seen());
        if (seen.eventIds.size() < burst.threshold()) {
            seen.eventIds.add(eventId);
            seen.occurrences.add(burst.occurrence());
            seen.sources.add(Objects.requireNonNullElse(sourceIp, NO_SOURCE_IP));
        }
        boolean pages = seen.eventIds.size() >= burst.threshold() && (seen.pagedBy == null || seen.pagedBy.equals(eventId));
        if (pages) seen.pagedBy = eventId;
        return new BurstCount(seen.eventIds.size(), pages, start, seen.occurrences, seen.sources);
    }
}
