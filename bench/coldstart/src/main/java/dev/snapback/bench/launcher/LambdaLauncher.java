package dev.snapback.bench.launcher;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Plays the Lambda Java runtime for one cold invocation: load and construct the handler class (the init phase), then
 * call {@code handleRequest} once with the event (the invoke phase), in a fresh JVM started by the harness.
 * Prints one {@code BENCH} line with wall-clock instants (epoch ns, the clock the harness and the Python baseline
 * use) so the harness can split JVM boot, init and invoke. Usage: {@code LambdaLauncher <handler class> <event.json>}.
 */
public final class LambdaLauncher {

    private LambdaLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long mainNs = epochNanos();
        // Like the runtime, read the event before init so file I/O is charged to neither phase.
        byte[] event = Files.readAllBytes(Path.of(args[1]));

        long initStart = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0])
                .getDeclaredConstructor().newInstance();
        long initNanos = System.nanoTime() - initStart;
        long initDoneNs = epochNanos();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long invokeStart = System.nanoTime();
        handler.handleRequest(new ByteArrayInputStream(event), out, new BenchContext());
        long invokeNanos = System.nanoTime() - invokeStart;
        long returnNs = epochNanos();

        System.out.println("BENCH main_ns=" + mainNs + " init_done_ns=" + initDoneNs + " return_ns=" + returnNs
                + " init_nanos=" + initNanos + " invoke_nanos=" + invokeNanos + " output_bytes=" + out.size());
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
