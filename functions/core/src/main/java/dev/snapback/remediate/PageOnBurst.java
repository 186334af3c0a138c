package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;
import java.time.Duration;
import java.time.Instant;

/**
 * No fix, and one page per burst: the findings of one {@code key} (a source IP, a principal) are counted per fixed
 * {@code window} of event time, aligned to the epoch, and the one that makes them {@code threshold} pages, with what
 * the window saw. The count is kept outside the detector (the audit table; memory in a replay), so a window's events
 * count wherever and in whatever order they are handled.
 *
 * @param counted    what is counted, for the page: "failed console sign-ins from 203.0.113.7"
 * @param occurrence what this event adds to the window's list: the call ({@code iam:CreateUser}), the user tried
 */
public record PageOnBurst(String key, int threshold, int windowMinutes, String counted, String occurrence, String reason)
        implements Remediation {

    public PageOnBurst {
        if (threshold < 1) throw new IllegalArgumentException("a burst needs a threshold of at least 1");
        if (windowMinutes < 1) throw new IllegalArgumentException("a burst needs a window of at least a minute");
    }

    public Duration window() {
        return Duration.ofMinutes(windowMinutes);
    }

    /** Where the window of an event at {@code time} starts. */
    public Instant windowStart(Instant time) {
        long width = window().toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), width) * width);
    }

    @Override
    public String describe() {
        return "page once " + threshold + " " + counted + " arrive within " + windowMinutes + " minutes: " + reason;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("review", "needs review");
    }

    /** @throws IllegalArgumentException always: the evaluator pages these, they are never applied */
    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        throw new IllegalArgumentException("a burst has nothing to apply (it is counted, then paged): " + reason);
    }
}
