package dev.snapback.bench.jmh;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.snapback.bench.launcher.BenchContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm cost of one whole invocation of a handler (parse, decide, revoke, audit, publish) against the loopback
 * WireMock stub that {@code bench/coldstart/run.sh jmh} starts; the handler reads its endpoint and settings from the
 * environment, as on Lambda.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class PipelineBenchmark {

    @Param("dev.snapback.handler.SecurityGroupHandler")
    public String handlerClass;

    private byte[] event;
    private RequestStreamHandler handler;
    private final BenchContext context = new BenchContext();

    @Setup
    public void setUp() throws Exception {
        event = Files.readAllBytes(Path.of(System.getProperty("bench.event")));
        handler = (RequestStreamHandler) Class.forName(handlerClass).getDeclaredConstructor().newInstance();
    }

    @Benchmark
    public int invoke() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        handler.handleRequest(new ByteArrayInputStream(event), out, context);
        return out.size();
    }
}
