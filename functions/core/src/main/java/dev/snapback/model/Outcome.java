package dev.snapback.model;

import java.util.List;

/** What happened to one decision. Audited, and rendered into the alert. */
public sealed interface Outcome {

    /** Short lower-case label for alerts, metrics and SNS message attributes. */
    String label();

    /** The one line the audit record and the alert keep about it. */
    String detail();

    /** The severity the page carries: the finding's, unless the outcome itself says more (or less) about it. */
    default Severity pageSeverity(Severity finding) {
        return finding;
    }

    /** Whether the invocation must fail after paging, so the event is retried and kept in the dead-letter queue. */
    default boolean failsTheInvocation() {
        return false;
    }

    /** The fix was applied. {@code inverses} say how to undo each action (also as data in the audit record). */
    record Remediated(List<String> actions, List<String> inverses) implements Outcome {
        public Remediated {
            actions = List.copyOf(actions);
            inverses = List.copyOf(inverses);
        }

        @Override public String label() { return "remediated"; }
        @Override public String detail() { return String.join("; ", actions); }
    }

    /** Nothing left to fix (rule already gone, key already inactive, trail logging again, ...). */
    record AlreadyCompliant(String reason) implements Outcome {
        @Override public String label() { return "already-compliant"; }
        @Override public String detail() { return reason; }
    }

    /**
     * The resource changed since the event into a state that is neither the offending one nor the fix (a rule
     * narrowed, a key pair replaced under the same name, selectors set anew): Snapback leaves that newer state alone.
     * {@code seen} says what it found. Paged at LOW: a person may want to know, nobody needs to act.
     */
    record Superseded(String seen) implements Outcome {
        @Override public String label() { return "superseded"; }
        @Override public String detail() { return seen; }
        @Override public Severity pageSeverity(Severity finding) { return Severity.LOW; }
    }

    /** Dry-run mode: what would have been done. */
    record DryRun(String wouldDo) implements Outcome {
        @Override public String label() { return "dry-run"; }
        @Override public String detail() { return "would have: " + wouldDo; }
    }

    /** Paged a person; nothing changed. */
    record Paged(String reason) implements Outcome {
        @Override public String label() { return "paged"; }
        @Override public String detail() { return reason; }
    }

    /**
     * One more of a burst that has not reached its threshold in its window, or that has paged already: audited,
     * nobody paged. {@code detail} says how many of how many.
     */
    record Counted(String detail) implements Outcome {
        @Override public String label() { return "counted"; }
    }

    /** Sanctioned by configuration; nothing changed, nobody paged. */
    record Exempted(String reason) implements Outcome {
        @Override public String label() { return "exempted"; }
        @Override public String detail() { return reason; }
    }

    /** Detector is off; nothing changed, nobody paged. */
    record Off(String reason) implements Outcome {
        @Override public String label() { return "off"; }
        @Override public String detail() { return reason; }
    }

    /** The fix was attempted and failed; someone is paged and the invocation fails so it is retried. */
    record Failed(String error) implements Outcome {
        @Override public String label() { return "failed"; }
        @Override public String detail() { return error; }
        @Override public boolean failsTheInvocation() { return true; }
    }

    /**
     * Snapback would not act, because acting could widen access: one of its own controls is not what it deployed
     * (the quarantine policy's default version is not its deny-only document). Paged CRITICAL, and the invocation
     * fails, so the event is retried once the control is restored and kept in the dead-letter queue otherwise.
     */
    record Refused(String reason) implements Outcome {
        @Override public String label() { return "refused"; }
        @Override public String detail() { return reason; }
        @Override public Severity pageSeverity(Severity finding) { return Severity.CRITICAL; }
        @Override public boolean failsTheInvocation() { return true; }
    }
}
