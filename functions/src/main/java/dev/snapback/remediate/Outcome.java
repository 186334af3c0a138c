package dev.snapback.remediate;

import java.util.List;

/** What happened to one decision. Audited, and rendered into the alert. */
public sealed interface Outcome {

    /** Short lower-case label for alerts, metrics and SNS message attributes. */
    String label();

    /** The fix was applied. {@code inverses} say how to undo each action (also as data in the audit record). */
    record Remediated(List<String> actions, List<String> inverses) implements Outcome {
        public Remediated {
            actions = List.copyOf(actions);
            inverses = List.copyOf(inverses);
        }

        @Override public String label() { return "remediated"; }
    }

    /** Nothing left to fix (rule already gone, key already inactive, ...). */
    record AlreadyCompliant(String reason) implements Outcome {
        @Override public String label() { return "already-compliant"; }
    }

    /** Dry-run mode: what would have been done. */
    record DryRun(String wouldDo) implements Outcome {
        @Override public String label() { return "dry-run"; }
    }

    /** Paged a person; nothing changed. */
    record Paged(String reason) implements Outcome {
        @Override public String label() { return "paged"; }
    }

    /** Sanctioned by configuration; nothing changed, nobody paged. */
    record Exempted(String reason) implements Outcome {
        @Override public String label() { return "exempted"; }
    }

    /** Detector is off; nothing changed, nobody paged. */
    record Off(String reason) implements Outcome {
        @Override public String label() { return "off"; }
    }

    /** The fix was attempted and failed; someone is paged and the invocation fails so it is retried. */
    record Failed(String error) implements Outcome {
        @Override public String label() { return "failed"; }
    }
}
