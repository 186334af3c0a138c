package dev.snapback.detect;

import dev.snapback.event.Principal;
import java.util.List;

/** A detector's answer for one event: nothing wrong (and why), or findings. */
public sealed interface Verdict {

    record Clean(String reason) implements Verdict {
    }

    record Flagged(List<Finding> findings) implements Verdict {
        public Flagged {
            findings = List.copyOf(findings);
            if (findings.isEmpty()) {
                throw new IllegalArgumentException("a flagged verdict needs at least one finding");
            }
        }
    }

    static Verdict clean(String reason) {
        return new Clean(reason);
    }

    /** A change on the managed path: sanctioned, and the principal named as CloudTrail names it. */
    static Verdict byManagedPrincipal(Principal actor) {
        return clean("made by the managed principal " + (actor.identityArn() != null ? actor.identityArn() : actor.label()));
    }

    static Verdict flagged(Finding... findings) {
        return new Flagged(List.of(findings));
    }

    static Verdict flagged(List<Finding> findings) {
        return findings.isEmpty() ? new Clean("no offending change") : new Flagged(findings);
    }
}
