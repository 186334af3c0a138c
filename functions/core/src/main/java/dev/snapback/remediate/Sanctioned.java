package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;

/**
 * A change that is sanctioned by who made it (Snapback's own deployment changing Snapback's resources): audited as
 * exempt, never paged, nothing applied. {@code reason} says who.
 */
public record Sanctioned(String reason) implements Remediation {

    @Override
    public String describe() {
        return "record only: " + reason;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("record", "recorded");
    }

    /** @throws IllegalArgumentException always: the evaluator exempts these, they are never applied */
    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        throw new IllegalArgumentException("a sanctioned change has nothing to apply (the evaluator exempts it): " + reason);
    }
}
