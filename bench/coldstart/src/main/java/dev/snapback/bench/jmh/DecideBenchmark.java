package dev.snapback.bench.jmh;

import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.Detectors;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.model.Family;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Evaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm per-event cost of the pure part of a Snapback function: parse the EventBridge envelope (bytes, as Lambda
 * hands them over), run the security-group function's detectors, apply mode and exemptions. No AWS calls.
 * Event and configuration come from {@code -Dbench.event} and {@code -Dbench.config}, which
 * {@code bench/coldstart/run.sh jmh} sets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecideBenchmark {

    private byte[] event;
    private CloudTrailEvent parsed;
    private Evaluator evaluator;

    @Setup
    public void setUp() throws IOException {
        event = Files.readAllBytes(Path.of(System.getProperty("bench.event")));
        SnapbackConfig config = SnapbackConfig.fromJson(Files.readString(Path.of(System.getProperty("bench.config"))));
        evaluator = new Evaluator(config, config.detectors(Family.SECURITY_GROUPS));
        parsed = EventParser.parse(event);
    }

    @Benchmark
    public List<Assessment> parseDetectDecide() {
        return evaluator.assess(EventParser.parse(event));
    }

    /** The parse step alone, to see which half the time goes to. */
    @Benchmark
    public CloudTrailEvent parseOnly() {
        return EventParser.parse(event);
    }

    /** Detection and decision alone, on an already parsed event. */
    @Benchmark
    public List<Assessment> detectDecideOnly() {
        return evaluator.assess(parsed);
    }
}
