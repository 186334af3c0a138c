package dev.snapback.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Asserting reads of a detector's verdict. */
final class FindingsOf {

    private FindingsOf() {
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
}
