package dev.snapback.detect;

import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Mode;
import dev.snapback.model.Severity;
import java.util.List;

/**
 * Everything a detector declares in one place. The stack builds its EventBridge rules and IAM policy from this, and
 * the replay command routes with the same patterns, so code, deployment and permissions cannot drift apart.
 */
public record DetectorSpec(
        String id,
        String title,
        Family family,
        Severity severity,
        Mode defaultMode,
        List<EventPattern> patterns,
        List<IamGrant> grants) {

    public DetectorSpec {
        if (!id.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("detector id must be kebab-case: " + id);
        }
        patterns = List.copyOf(patterns);
        grants = List.copyOf(grants);
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException(id + ": a detector needs at least one event pattern");
        }
    }

    /** Every IAM action the remediation may call, for least-privilege checks. */
    public List<String> actions() {
        return grants.stream().flatMap(g -> g.actions().stream()).distinct().sorted().toList();
    }
}
