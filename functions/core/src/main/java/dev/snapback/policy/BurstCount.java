package dev.snapback.policy;

import dev.snapback.model.Outcome;
import dev.snapback.remediate.PageOnBurst;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A burst's window after one more finding was counted in it: how many it holds, and whether this finding is the one
 * that pages (the window's first to reach the threshold; a retry of that one pages again). {@code occurrences} and
 * {@code sources} are what the window saw, for the page.
 */
public record BurstCount(int count, boolean pages, Instant windowStart, Set<String> occurrences, Set<String> sources) {

    /** At most this many of each are named in a page; the rest are counted. */
    private static final int NAMED = 10;

    public BurstCount {
        occurrences = Set.copyOf(occurrences);
        sources = Set.copyOf(sources);
    }

    /** What the decision came to: a page (or, in dry-run mode, the page it would be), or one more counted. */
    public Outcome outcome(PageOnBurst burst, Decision.Action action) {
        String window = "the " + burst.windowMinutes() + " minutes from " + windowStart;
        if (!pages) {
            return new Outcome.Counted(count >= burst.threshold()
                    ? "one more of " + burst.counted() + " in " + window + ", which has paged already"
                    : count + " of " + burst.threshold() + " " + burst.counted() + " in " + window);
        }
        String seen = count + " " + burst.counted() + " in " + window + ": " + named(occurrences)
                + (sources.isEmpty() ? "" : "; from " + named(sources));
        return action == Decision.Action.DRY_RUN ? new Outcome.DryRun("page: " + seen) : new Outcome.Paged(seen);
    }

    private static String named(Set<String> values) {
        List<String> sorted = List.copyOf(new TreeSet<>(values));
        String shown = String.join(", ", sorted.subList(0, Math.min(NAMED, sorted.size())));
        return sorted.size() > NAMED ? shown + " and " + (sorted.size() - NAMED) + " more" : shown;
    }
}
