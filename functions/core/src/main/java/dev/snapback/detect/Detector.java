package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.remediate.PageOnly;

/**
 * Decides whether one CloudTrail event broke a guardrail. Pure: never calls AWS, never throws on odd shapes (an
 * unexpected shape yields a {@link PageOnly} finding that says why).
 *
 * <p>The {@link dev.snapback.policy.Evaluator} has already dropped failed calls (unless a pattern asks for them) and
 * Snapback's own calls, and only passes events one of the spec's patterns covers.
 */
public interface Detector {

    DetectorSpec spec();

    Verdict evaluate(CloudTrailEvent event);
}
