package dev.snapback.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Evaluator;
import dev.snapback.testing.Fixtures;
import java.util.List;

/** Asserting reads of what a detector made of an event. */
final class DetectorAssertions {

    private DetectorAssertions() {
    }

    static List<Finding> findings(Verdict verdict) {
        assertThat(verdict).isInstanceOf(Verdict.Flagged.class);
        return ((Verdict.Flagged) verdict).findings();
    }

    static Finding onlyFinding(Verdict verdict) {
        List<Finding> findings = findings(verdict);
        assertThat(findings).hasSize(1);
        return findings.getFirst();
    }

    /** Why the evaluator, with the fixtures' configuration, ignored the event for this detector. */
    static String ignoredBecause(Detector detector, CloudTrailEvent event) {
        Assessment assessment = new Evaluator(Fixtures.config(), List.of(detector)).assess(detector, event);
        assertThat(assessment).isInstanceOf(Assessment.Ignored.class);
        return ((Assessment.Ignored) assessment).reason();
    }
}
