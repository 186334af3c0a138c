package dev.snapback.snapstart;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.EnvironmentProvider;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.internal.EmfMetricsLogger;

/**
 * Powertools metrics for SnapStart priming: the same EMF logger the function flushes through, over an EMF environment
 * whose sink serializes each document, as the console sink does for CloudWatch, and then drops it. Priming so loads
 * and compiles the metrics path without a metric ever reaching CloudWatch. A private instance, never the Powertools
 * singleton that the live pipeline uses.
 */
public final class PrimingMetrics {

    private PrimingMetrics() {
    }

    public static Metrics create(String namespace) {
        // EmfMetricsLogger is Powertools' own implementation; its public provider would bind EMF's real environment.
        Metrics metrics = new EmfMetricsLogger(new DiscardingEnvironmentProvider(), new MetricsContext());
        metrics.setNamespace(namespace);
        return metrics;
    }

    private static final class DiscardingEnvironmentProvider extends EnvironmentProvider {
        private static final Environment DISCARDING = new DiscardingEnvironment();

        @Override
        public CompletableFuture<Environment> resolveEnvironment() {
            return CompletableFuture.completedFuture(DISCARDING);
        }

        @Override
        public Environment getDefaultEnvironment() {
            return DISCARDING;
        }
    }

    private static final class DiscardingEnvironment implements Environment, ISink {
        @Override public boolean probe() { return true; }
        @Override public String getName() { return PrimingContext.REQUEST_ID; }
        @Override public String getType() { return "AWS::Lambda::Function"; }
        @Override public String getLogGroupName() { return PrimingContext.REQUEST_ID; }
        @Override public void configureContext(MetricsContext context) { }
        @Override public ISink getSink() { return this; }
        @Override public CompletableFuture<Void> shutdown() { return CompletableFuture.completedFuture(null); }

        @Override
        public void accept(MetricsContext context) {
            try {
                context.serialize();
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
