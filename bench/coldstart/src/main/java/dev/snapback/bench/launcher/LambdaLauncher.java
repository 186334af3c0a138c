package dev.snapback.bench.launcher;

import com.amazonaws.services.lambda.crac.Core;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.api.client.runtimeapi.JniHelper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Plays the Lambda Java runtime for one cold invocation, in a fresh JVM started by the harness. Prints one
 * {@code BENCH} line with wall-clock instants (epoch ns, the clock the harness and the Python baseline use) so the
 * harness can split the phases.
 *
 * <ul>
 *   <li>{@code LambdaLauncher <handler class> <event.json>}: on demand. Load and construct the handler class (init),
 *       then call {@code handleRequest} once (invoke).</li>
 *   <li>{@code LambdaLauncher --snapshot <port> <ready file> <handler class> <event.json>}: SnapStart as the harness
 *       emulates it with CRIU. Init, then the runtime's {@code beforeCheckpoint} (Snapback's priming), through the
 *       CRaC context of Lambda's runtime interface client, which {@code org.crac} reaches through the
 *       {@code org.crac.Core.Compat} property that Lambda sets. Then the process waits on a loopback port for the
 *       harness to snapshot it. Each restored copy wakes up when the harness connects, runs {@code afterRestore} and
 *       one invocation, and writes its {@code BENCH} line to that connection.</li>
 * </ul>
 */
public final class LambdaLauncher {

    private LambdaLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long mainNs = epochNanos();
        if (args[0].equals("--snapshot")) {
            snapshot(mainNs, Integer.parseInt(args[1]), Path.of(args[2]), args[3], Path.of(args[4]));
            return;
        }
        // Like the runtime, read the event before init so file I/O is charged to neither phase.
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        RequestStreamHandler handler = construct(args[0]);
        long initDoneNs = epochNanos();
        int outputBytes = invoke(handler, event);
        System.out.println("BENCH main_ns=" + mainNs + " init_done_ns=" + initDoneNs + " return_ns=" + epochNanos()
                + " output_bytes=" + outputBytes);
    }

    private static void snapshot(long mainNs, int port, Path readyFile, String handlerClass, Path eventFile) throws Exception {
        JniHelper.load();  // the runtime's native side, which its CRaC context uses to clear the DNS cache
        byte[] event = Files.readAllBytes(eventFile);  // read before init, as on demand: no phase pays for it
        RequestStreamHandler handler = construct(handlerClass);
        long initDoneNs = epochNanos();
        // What Lambda does once init is over on a SnapStart version: the registered hooks, then the snapshot.
        Core.getGlobalContext().beforeCheckpoint(null);
        long primedNs = epochNanos();
        try (ServerSocket wake = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            Files.writeString(readyFile, "init_ms=" + (initDoneNs - mainNs) / 1_000_000 + " priming_ms=" + (primedNs - initDoneNs) / 1_000_000);
            try (Socket restored = wake.accept(); OutputStream report = restored.getOutputStream()) {
                long restoredNs = epochNanos();
                Core.getGlobalContext().afterRestore(null);
                long hooksDoneNs = epochNanos();
                int outputBytes = invoke(handler, event);
                report.write(("BENCH restored_ns=" + restoredNs + " init_done_ns=" + hooksDoneNs + " return_ns=" + epochNanos()
                        + " output_bytes=" + outputBytes + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private static RequestStreamHandler construct(String handlerClass) throws ReflectiveOperationException {
        return (RequestStreamHandler) Class.forName(handlerClass).getDeclaredConstructor().newInstance();
    }

    private static int invoke(RequestStreamHandler handler, byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new BenchContext());
        return out.size();
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
