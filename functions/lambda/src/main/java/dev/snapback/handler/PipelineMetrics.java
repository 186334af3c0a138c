package dev.snapback.handler;

import dev.snapback.audit.AuditLog;
import dev.snapback.model.Outcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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

    /** One detector's decisions on one event: what it found, fixed, failed and paged, and how long it took. */
    void countDecided(String detectorId, List<AuditLog.Entry> entries, int failures, Duration took) {
        Map<String, Double> counts = new HashMap<>();
        counts.put("Findings", (double) entries.size());
        counts.put("Remediations", (double) entries.stream().filter(e -> e.outcome() instanceof Outcome.Remediated).count());
        counts.put("Failures", (double) failures);
        counts.put("Pages", (double) entries.stream().filter(e -> Notifier.pages(e.decision(), e.outcome())).count());
        counts.put("Duration", (double) took.toMillis());
        count(detectorId, counts);
    }

    void count(String detectorId, String metric) {
        count(detectorId, Map.of(metric, 1.0));
    }
}
