package dev.snapback.handler;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Snapback's CloudWatch metrics, in embedded metric format: per detector (dimension {@code detector}) {@code Findings},
 * {@code Remediations}, {@code Failures}, {@code Pages}, {@code Duplicates}, {@code Ignored}, {@code ClaimConflicts},
 * {@code ModeLowered}, {@code OutOfTime}, {@code Duration} (ms); per function {@code MalformedEvents},
 * {@code InvalidModeOverrides}, {@code UnhandledEvents}. A metric that cannot be emitted never stops an event.
 */
final class PipelineMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineMetrics.class);

    private final Metrics metrics;

    PipelineMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Emits the counts as one EMF record, with a {@code detector} dimension when there is one. */
    void count(String detectorId, Map<String, Double> counts) {
        try {
            metrics.flushMetrics(scoped -> {
                if (detectorId != null) scoped.addDimension("detector", detectorId);
                counts.forEach((name, value) -> scoped.addMetric(name, value,
                        name.equals("Duration") ? MetricUnit.MILLISECONDS : MetricUnit.COUNT));
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not emit metrics: {}", e.getMessage());
        }
    }

    void count(String detectorId, String metric) {
        count(detectorId, Map.of(metric, 1.0));
    }
}
