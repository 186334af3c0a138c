package dev.snapback.detect;

import dev.snapback.model.InvalidConfigException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When root is expected at work, for {@code root-activity}.
 *
 * @param rootBreakGlass why root may be used (a ticket, a task) to the ISO-8601 interval it may be used in
 *                       ({@code 2026-12-07T09:00:00Z/2026-12-07T13:00:00Z}); at most {@link #LONGEST_WINDOW} long,
 *                       so every allowance expires. Root's activity inside one pages HIGH, not CRITICAL.
 */
public record RootSettings(Map<String, String> rootBreakGlass) {

    public static final RootSettings DEFAULTS = new RootSettings(Map.of());
    public static final Duration LONGEST_WINDOW = Duration.ofDays(31);

    /** One allowance: {@code reason} from {@code start} (inclusive) to {@code end} (exclusive). */
    public record Window(String reason, Instant start, Instant end) {
        public boolean holds(Instant time) {
            return !time.isBefore(start) && time.isBefore(end);
        }
    }

    public RootSettings {
        rootBreakGlass = Map.copyOf(rootBreakGlass);
        rootBreakGlass.forEach(RootSettings::window);
    }

    /** The allowance in force at {@code time}, if any. */
    public Optional<Window> windowAt(Instant time) {
        return windows().stream().filter(w -> w.holds(time)).findFirst();
    }

    private List<Window> windows() {
        return rootBreakGlass.entrySet().stream().map(e -> window(e.getKey(), e.getValue())).toList();
    }

    private static Window window(String reason, String interval) {
        String field = "rootBreakGlass." + reason;
        if (reason.isBlank()) throw new InvalidConfigException("rootBreakGlass", "each window needs a reason as its key");
        String[] ends = interval.split("/", -1);
        if (ends.length != 2) throw new InvalidConfigException(field, "must be an ISO-8601 interval START/END, got '" + interval + "'");
        Instant start;
        Instant end;
        try {
            start = Instant.parse(ends[0]);
            end = Instant.parse(ends[1]);
        } catch (DateTimeParseException e) {
            throw new InvalidConfigException(field, "not an ISO-8601 instant (2026-12-07T09:00:00Z): " + e.getParsedString());
        }
        if (!end.isAfter(start)) throw new InvalidConfigException(field, "ends at or before it starts: " + interval);
        if (Duration.between(start, end).compareTo(LONGEST_WINDOW) > 0) {
            throw new InvalidConfigException(field, "is longer than " + LONGEST_WINDOW.toDays() + " days: a break-glass window must"
                    + " expire; " + interval);
        }
        return new Window(reason, start, end);
    }
}
