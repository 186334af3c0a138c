package dev.snapback.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.snapback.alert.Alert;
import dev.snapback.alert.AlertRenderer;
import dev.snapback.alert.SnapbackAlerts;
import dev.snapback.alert.SnsNotifier;
import dev.snapback.detect.SnapbackTamperedDetector;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;
import dev.snapback.model.OwnNames;
import dev.snapback.model.ResourceRef;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.ReleaseQuarantine;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which decisions page, and the pages themselves, rendered and published to the alert topic. A change to the alert
 * path itself (a topic or a key of Snapback's) pages through the break-glass topic too, which shares neither.
 */
final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final Set<String> ALERT_PATH = Set.of("AWS::SNS::Topic", "AWS::KMS::Key");

    private final AlertRenderer renderer;
    private final SnsNotifier alerts;
    private final SnsNotifier breakGlass;
    private final Clock clock;

    /** @param breakGlass the second channel, or {@code null} when the deployment has none */
    Notifier(AlertRenderer renderer, SnsNotifier alerts, SnsNotifier breakGlass, Clock clock) {
        this.renderer = renderer;
        this.alerts = alerts;
        this.breakGlass = breakGlass;
        this.clock = clock;
    }

    /**
     * Off and exempt decisions are audited, never paged; so is releasing a quarantine that was not there (every MFA
     * enrolment by anyone asks for a release, and most users were never quarantined), and one more of a burst.
     */
    static boolean pages(Decision decision, Outcome outcome) {
        if (decision.finding().proposed() instanceof ReleaseQuarantine && outcome instanceof Outcome.AlreadyCompliant) return false;
        if (outcome instanceof Outcome.Counted) return false;
        return switch (decision.action()) {
            case REMEDIATE, DRY_RUN, PAGE -> true;
            case EXEMPT, OFF -> false;
        };
    }

    /**
     * Pages the decision. One about the alert path goes out through both channels, and fails only when the channel it
     * did not touch failed (either, for a key, whose page may not reach anyone through its own topic).
     */
    void page(Decision decision, Outcome outcome) {
        Alert alert = renderer.render(decision, outcome, clock.instant());
        ResourceRef resource = decision.finding().resource();
        boolean alertPath = decision.finding().detectorId().equals(SnapbackTamperedDetector.SPEC.id())
                && ALERT_PATH.contains(resource.type());
        if (breakGlass == null || !alertPath) {
            alerts.publish(alert);
            return;
        }
        RuntimeException viaAlerts = publish(alerts, alert);
        RuntimeException viaBreakGlass = publish(breakGlass, alert);
        RuntimeException fatal;
        if (resource.id().endsWith(":" + OwnNames.ALERT_TOPIC)) fatal = viaBreakGlass;
        else if (resource.id().endsWith(":" + OwnNames.BREAK_GLASS_TOPIC)) fatal = viaAlerts;
        else fatal = viaAlerts != null && viaBreakGlass != null ? viaBreakGlass : null;
        if (fatal != null) throw fatal;
    }

    /** Pages a lowered mode; the guard, whose second channel shares nothing with the first, falls back to it. */
    void modesLowered(SnapbackAlerts.LoweredBy by, String account, List<SnapbackAlerts.Lowered> lowered) {
        Alert alert = SnapbackAlerts.modesLowered(by, account, lowered);
        RuntimeException failed = publish(alerts, alert);
        if (failed == null) return;
        if (breakGlass == null || publish(breakGlass, alert) != null) throw failed;
    }

    /** The page that an invocation ran out of time on this event; {@code done} is what it did before. */
    void couldNotFinish(CloudTrailEvent event, String detectorId, List<String> done, String error) {
        alerts.publish(SnapbackAlerts.couldNotFinish(event, detectorId, done, error));
    }

    /** Publishes, returning the failure rather than throwing it. */
    private static RuntimeException publish(SnsNotifier channel, Alert alert) {
        try {
            channel.publish(alert);
            return null;
        } catch (RuntimeException e) {
            LOG.warn("Could not page through {}: {}", channel.topicArn(), e.toString(), entry("topic", channel.topicArn()));
            return e;
        }
    }
}
