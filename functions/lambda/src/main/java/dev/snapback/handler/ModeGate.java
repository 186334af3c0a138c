package dev.snapback.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.snapback.alert.SnapbackAlerts;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.Detector;
import dev.snapback.model.Mode;
import dev.snapback.policy.Evaluator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The modes a function's detectors run in: the deployed ones, or those of the run-time override in SSM. A bad
 * override never stops Snapback (the deployed modes stay); one that lowers a detector below its deployed mode is
 * logged, counted and paged, once per change of the value in this container.
 */
final class ModeGate {

    private static final Logger LOG = LoggerFactory.getLogger(ModeGate.class);

    private final SnapbackConfig config;
    private final List<Detector> detectors;
    private final Evaluator deployed;
    private final ModeOverrides overrides;
    private final Notifier notifier;
    private final PipelineMetrics metrics;
    /** The override value last seen by this container, so a lowering is paged once per change. */
    private volatile Map<String, Mode> lastOverride = Map.of();

    /** @param overrides the run-time mode overrides, or {@code null} when no parameter is configured */
    ModeGate(SnapbackConfig config, List<Detector> detectors, ModeOverrides overrides, Notifier notifier,
             PipelineMetrics metrics) {
        this.config = config;
        this.detectors = List.copyOf(detectors);
        this.deployed = new Evaluator(config, detectors);
        this.overrides = overrides;
        this.notifier = notifier;
        this.metrics = metrics;
    }

    /** The deployed evaluator, or one with the run-time mode overrides applied. */
    Evaluator evaluator(String functionAccount) {
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
        if (!override.equals(lastOverride)) reportLowered(override, functionAccount);
        if (override.isEmpty()) return deployed;
        LOG.info("Mode override from {}: {}", overrides.parameterName(), override);
        return new Evaluator(overridden, detectors);
    }

    /**
     * Anyone who may write the parameter can switch Snapback off: a new override that lowers one of this function's
     * detectors below its deployed mode is logged, counted and paged.
     */
    private void reportLowered(Map<String, Mode> override, String functionAccount) {
        List<SnapbackAlerts.Lowered> lowered = new ArrayList<>();
        for (Detector detector : detectors) {
            String id = detector.spec().id();
            Mode deployedMode = config.modeFor(detector.spec());
            Mode overrideMode = override.get(id);
            if (overrideMode != null && overrideMode.isWeakerThan(deployedMode)) {
                LOG.warn("Mode override in {} lowers {} from {} to {}", overrides.parameterName(), id,
                        deployedMode.label(), overrideMode.label(), entry("detector", id));
                metrics.count(id, "ModeLowered");
                lowered.add(new SnapbackAlerts.Lowered(id, deployedMode, overrideMode));
            }
        }
        try {
            if (!lowered.isEmpty()) notifier.modesLowered(overrides.parameterName(), functionAccount, lowered);
            lastOverride = override;
        } catch (RuntimeException e) {
            LOG.error("Could not page that the mode override lowers {}; will try again with the next event: {}",
                    lowered, e.toString());
        }
    }
}
