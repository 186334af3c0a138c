package dev.snapback.policy;

import dev.snapback.model.Outcome;
import dev.snapback.remediate.RemediationExecutor;

/**
 * Carries out one decision: a REMEDIATE decision through the executor (which reads the present state first and
 * changes only what is still offending), every other action as the outcome it stands for. The Lambda pipeline and
 * {@code snapback replay --apply} both act through this, so they cannot disagree on what a decision does.
 */
public final class ActStep {

    private final RemediationExecutor executor;

    public ActStep(RemediationExecutor executor) {
        this.executor = executor;
    }

    /** Never throws: an executor that breaks is a failed remediation, paged like any other. */
    public Outcome act(Decision decision) {
        return switch (decision.action()) {
            case REMEDIATE -> {
                try {
                    yield executor.execute(decision.finding().proposed(), decision.finding().cause());
                } catch (RuntimeException e) {
                    yield new Outcome.Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            case DRY_RUN -> new Outcome.DryRun(decision.finding().proposed().describe());
            case PAGE -> new Outcome.Paged(decision.reason());
            case EXEMPT -> new Outcome.Exempted(decision.reason());
            case OFF -> new Outcome.Off(decision.reason());
        };
    }
}
