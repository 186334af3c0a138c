package dev.snapback.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.snapback.alert.SnapbackAlerts.Lowered;
import dev.snapback.alert.SnapbackAlerts.LoweredBy;
import dev.snapback.audit.AuditLog;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.Detector;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.model.Mode;
import dev.snapback.policy.Evaluator;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modes a function's detectors run in: the deployed ones, or those of the run-time override in SSM. A bad
 * override never stops Snapback (the deployed modes stay). Snapback is never lowered in silence:
 * <ul>
 *   <li>a deployment that runs detectors below their default modes pages once per function version (the audit table
 *       remembers it across containers);</li>
 *   <li>an override that lowers a detector below its deployed mode pages once per change of the value in this
 *       container.</li>
 * </ul>
 * If that page cannot be sent, the invocation fails before any decision: retries, the dead-letter queue and its
 * alarm follow, and the next attempt pages again.
 */
final class ModeGate {

    private static final Logger LOG = LoggerFactory.getLogger(ModeGate.class);

    private final SnapbackConfig config;
    private final List<Detector> detectors;
    private final Evaluator deployed;
    private final ModeOverrides overrides;
    private final Notifier notifier;
    private final AuditLog audit;
    private final String functionVersion;
    private final PipelineMetrics metrics;
    private final Clock clock;
    /** Whether this container has paged (or found paged) a deployment's lowered modes. */
    private volatile boolean deploymentReported;
    /** The override value last seen by this container, so a lowering is paged once per change. */
    private volatile Map<String, Mode> lastOverride = Map.of();

    /**
     * @param overrides       the run-time mode overrides, or {@code null} when no parameter is configured
     * @param functionVersion the published version of the function, which a deployment changes
     */
    ModeGate(SnapbackConfig config, List<Detector> detectors, ModeOverrides overrides, Notifier notifier, AuditLog audit,
             String functionVersion, PipelineMetrics metrics, Clock clock) {
        this.config = config;
        this.detectors = List.copyOf(detectors);
        this.deployed = new Evaluator(config, detectors);
        this.overrides = overrides;
        this.notifier = notifier;
        this.audit = audit;
        this.functionVersion = functionVersion;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * The deployed evaluator, or one with the run-time mode overrides applied.
     *
     * @throws LoweringNotPagedException when a lowered mode must be paged and the page cannot be sent
     */
    Evaluator evaluator(String functionAccount) {
        if (!deploymentReported) reportDeployment(functionAccount);
        if (overrides == null) return deployed;
        Map<String, Mode> override;
        SnapbackConfig overridden;
        try {
            override = overrides.read();
            Map<String, Mode> modes = new HashMap<>(config.modes());
            modes.putAll(override);
            overridden = config.withModes(modes);
        } catch (RuntimeException e) {
            LOG.warn("Ignoring the mode override in SSM parameter {}, keeping the deployed modes: {}",
                    overrides.parameterName(), e.getMessage());
            metrics.count(null, "InvalidModeOverrides");
            return deployed;
        }
        if (!override.equals(lastOverride)) {
            List<Lowered> lowered = lowered(spec -> override.get(spec.id()));
            if (!lowered.isEmpty()) page(LoweredBy.override(overrides.parameterName()), functionAccount, lowered);
            lastOverride = override;
        }
        if (override.isEmpty()) return deployed;
        LOG.info("Mode override from {}: {}", overrides.parameterName(), override);
        return new Evaluator(overridden, detectors);
    }

    /** A deployment that runs detectors below their defaults pages once per function version, whichever container sees it. */
    private void reportDeployment(String functionAccount) {
        List<Lowered> lowered = detectors.stream().map(Detector::spec)
                .filter(spec -> config.modeFor(spec).isWeakerThan(spec.defaultMode()))
                .map(spec -> new Lowered(spec.id(), spec.defaultMode(), config.modeFor(spec)))
                .toList();
        if (!lowered.isEmpty()) {
            String notice = "deployed-modes/" + functionVersion + "/" + lowered;
            if (!audit.noticed(notice)) {
                page(LoweredBy.deployment(functionVersion), functionAccount, lowered);
                audit.notice(notice, "paged: " + lowered, clock.instant());
            }
        }
        deploymentReported = true;
    }

    /** The detectors whose mode {@code modeOf} gives is weaker than the one they would run in otherwise. */
    private List<Lowered> lowered(Function<DetectorSpec, Mode> modeOf) {
        return detectors.stream().map(Detector::spec)
                .filter(spec -> modeOf.apply(spec) != null && modeOf.apply(spec).isWeakerThan(config.modeFor(spec)))
                .map(spec -> new Lowered(spec.id(), config.modeFor(spec), modeOf.apply(spec)))
                .toList();
    }

    private void page(LoweredBy by, String functionAccount, List<Lowered> lowered) {
        for (Lowered each : lowered) {
            LOG.warn("{} lowers {} from {} to {}", by.source(), each.detectorId(), each.from().label(), each.to().label(),
                    entry("detector", each.detectorId()));
            metrics.count(each.detectorId(), "ModeLowered");
        }
        try {
            notifier.modesLowered(by, functionAccount, lowered);
        } catch (RuntimeException e) {
            metrics.count(null, "PageFailures");
            throw new LoweringNotPagedException("could not page that " + by.source() + " lowers " + lowered
                    + "; failing, so that the event is retried and no decision is made unannounced", e);
        }
    }
}
