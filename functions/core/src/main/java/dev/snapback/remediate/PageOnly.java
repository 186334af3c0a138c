package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;

/** No safe automatic fix: a person must look. {@code reason} says why. */
public record PageOnly(String reason) implements Remediation {

    @Override
    public String describe() {
        return "page only: " + reason;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("review", "needs review");
    }

    /** @throws IllegalArgumentException always: the evaluator pages these, they are never applied */
    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        throw new IllegalArgumentException("a page-only finding has nothing to apply (the evaluator pages it): " + reason);
    }
}
