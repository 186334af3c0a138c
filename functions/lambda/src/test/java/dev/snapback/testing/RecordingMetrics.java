package dev.snapback.testing;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricResolution;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Powertools {@link Metrics} that records what would be flushed as EMF, so tests can assert the metrics without
 * parsing stdout (and without the EMF library probing its environment).
 */
public final class RecordingMetrics implements Metrics {

    /** One flushed metric with the dimensions it was flushed under. */
    public record Metric(String name, double value, MetricUnit unit, Map<String, String> dimensions) {
    }

    private final List<Metric> flushed = new ArrayList<>();
    private final List<Metric> pending = new ArrayList<>();
    private final Map<String, String> dimensions = new LinkedHashMap<>();

    public synchronized List<Metric> flushed() {
        return List.copyOf(flushed);
    }

    /** Sum of a metric's flushed values under a {@code detector} dimension ({@code null}: without one). */
    public synchronized double total(String name, String detector) {
        return flushed.stream()
                .filter(m -> m.name().equals(name) && java.util.Objects.equals(m.dimensions().get("detector"), detector))
                .mapToDouble(Metric::value).sum();
    }

    @Override
    public synchronized void addMetric(String key, double value, MetricUnit unit, MetricResolution resolution) {
        pending.add(new Metric(key, value, unit, Map.of()));
    }

    @Override
    public synchronized void addDimension(DimensionSet dimensionSet) {
        dimensions.putAll(dimensionSet.getDimensions());
    }

    @Override
    public synchronized void flush() {
        pending.forEach(m -> flushed.add(new Metric(m.name(), m.value(), m.unit(), Map.copyOf(dimensions))));
        pending.clear();
        dimensions.clear();
    }

    @Override
    public void flushMetrics(Consumer<Metrics> metricsConsumer) {
        RecordingMetrics scoped = new RecordingMetrics();
        metricsConsumer.accept(scoped);
        scoped.flush();
        synchronized (this) {
            flushed.addAll(scoped.flushed);
        }
    }

    @Override public void setTimestamp(Instant timestamp) { }
    @Override public void addMetadata(String key, Object value) { }
    @Override public void setDefaultDimensions(DimensionSet dimensionSet) { }
    @Override public DimensionSet getDefaultDimensions() { return DimensionSet.of(Map.of()); }
    @Override public void setNamespace(String namespace) { }
    @Override public void setRaiseOnEmptyMetrics(boolean raiseOnEmptyMetrics) { }
    @Override public void clearDefaultDimensions() { }
    @Override public void captureColdStartMetric(Context context, DimensionSet dimensions) { }
    @Override public void captureColdStartMetric(DimensionSet dimensions) { }
}
