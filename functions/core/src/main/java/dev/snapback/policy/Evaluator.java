package dev.snapback.policy;

import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.Detector;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Finding;
import dev.snapback.detect.Verdict;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Principal;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.remediate.PageOnBurst;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.Sanctioned;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pure heart of Snapback: event to decisions. Drops what must never be acted on (failed calls, unless the
 * detector watches failures; Snapback's own calls; calls made by AWS services themselves), runs the detector, and
 * applies mode and exemptions. A detector that throws is a bug, but the event still reaches a person: its finding
 * becomes page-only with the reason.
 */
public final class Evaluator {

    private final SnapbackConfig config;
    private final List<Detector> detectors;

    public Evaluator(SnapbackConfig config, List<Detector> detectors) {
        this.config = config;
        this.detectors = List.copyOf(detectors);
    }

    public List<Detector> detectors() {
        return detectors;
    }

    /**
     * Assessments of every detector whose patterns name the event's call (none when no pattern does). Failed calls
     * are included so that they are reported as ignored, with the reason.
     */
    public List<Assessment> assess(CloudTrailEvent event) {
        return detectors.stream()
                .filter(d -> d.spec().patterns().stream().anyMatch(p -> p.names(event)))
                .map(d -> assess(d, event))
                .toList();
    }

    public Assessment assess(Detector detector, CloudTrailEvent event) {
        DetectorSpec spec = detector.spec();
        if (!event.succeeded() && spec.patterns().stream().noneMatch(p -> p.wantsFailures() && p.names(event))) {
            return new Assessment.Ignored(spec.id(), event, "call failed with " + event.errorCode() + ": it changed nothing");
        }
        if (config.isSnapback(event.actor())) {
            return new Assessment.Ignored(spec.id(), event, "made by Snapback's own role");
        }
        if (event.actor() instanceof Principal.AwsService service) {
            return new Assessment.Ignored(spec.id(), event, "made by the AWS service "
                    + Objects.requireNonNullElse(service.invokedBy(), "(unnamed in the record)"));
        }
        Verdict verdict;
        try {
            verdict = detector.evaluate(event);
        } catch (RuntimeException e) {
            verdict = Verdict.flagged(unreadable(spec, event, e));
        }
        return switch (verdict) {
            case Verdict.Clean clean -> new Assessment.Ignored(spec.id(), event, clean.reason());
            case Verdict.Flagged flagged -> new Assessment.Decided(spec.id(), event,
                    flagged.findings().stream().map(f -> decide(spec, f)).toList());
        };
    }

    Decision decide(DetectorSpec spec, Finding finding) {
        Mode mode = config.modeFor(spec);
        if (mode == Mode.OFF) {
            return new Decision(finding, mode, Decision.Action.OFF, "detector " + spec.id() + " is off");
        }
        if (finding.proposed() instanceof Sanctioned sanctioned) {
            return new Decision(finding, mode, Decision.Action.EXEMPT, sanctioned.reason());
        }
        if (config.isExempt(finding.resource())) {
            return new Decision(finding, mode, Decision.Action.EXEMPT,
                    finding.resource().type() + " " + finding.resource().id() + " is exempt by configuration");
        }
        return switch (mode) {
            case PAGE -> new Decision(finding, mode, Decision.Action.PAGE, "detector " + spec.id() + " is in page mode");
            case DRY_RUN -> new Decision(finding, mode, Decision.Action.DRY_RUN, "detector " + spec.id() + " is in dry-run mode");
            case REMEDIATE -> switch (finding.proposed()) {
                case PageOnly pageOnly -> new Decision(finding, mode, Decision.Action.PAGE, pageOnly.reason());
                case PageOnBurst burst -> new Decision(finding, mode, Decision.Action.PAGE, burst.reason());
                default -> new Decision(finding, mode, Decision.Action.REMEDIATE, "detector " + spec.id() + " remediates");
            };
            case OFF -> throw new IllegalStateException("handled above");
        };
    }

    private static Finding unreadable(DetectorSpec spec, CloudTrailEvent event, RuntimeException e) {
        String reason = "Snapback could not interpret this " + event.eventName() + " event (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); nothing was changed, please review it";
        return new Finding(spec.id(), spec.severity(), event.eventName() + " needs review",
                new ResourceRef("AWS::CloudTrail::Event", event.eventId()), new PageOnly(reason),
                Map.of(), event);
    }
}
