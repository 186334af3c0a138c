package dev.snapback.handler;

import dev.snapback.alert.AlertRenderer;
import dev.snapback.alert.SnapbackAlerts;
import dev.snapback.alert.SnsNotifier;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.ReleaseQuarantine;
import java.time.Clock;
import java.util.List;

/** Which decisions page, and the pages themselves, rendered and published to the alert topic. */
final class Notifier {

    private final AlertRenderer renderer;
    private final SnsNotifier sns;
    private final Clock clock;

    Notifier(AlertRenderer renderer, SnsNotifier sns, Clock clock) {
        this.renderer = renderer;
        this.sns = sns;
        this.clock = clock;
    }

    /**
     * Off and exempt decisions are audited, never paged; so is releasing a quarantine that was not there (every MFA
     * enrolment by anyone asks for a release, and most users were never quarantined).
     */
    static boolean pages(Decision decision, Outcome outcome) {
        if (decision.finding().proposed() instanceof ReleaseQuarantine && outcome instanceof Outcome.AlreadyCompliant) return false;
        return switch (decision.action()) {
            case REMEDIATE, DRY_RUN, PAGE -> true;
            case EXEMPT, OFF -> false;
        };
    }

    void page(Decision decision, Outcome outcome) {
        sns.publish(renderer.render(decision, outcome, clock.instant()));
    }

    void modesLowered(String parameter, String account, List<SnapbackAlerts.Lowered> lowered) {
        sns.publish(SnapbackAlerts.modesLowered(parameter, account, lowered));
    }

    /** The page that an invocation ran out of time on this event; {@code done} is what it did before. */
    void couldNotFinish(CloudTrailEvent event, String detectorId, List<String> done, String error) {
        sns.publish(SnapbackAlerts.couldNotFinish(event, detectorId, done, error));
    }
}
