package dev.snapback.snapstart;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLException;

/**
 * One HTTP/1.1 exchange with this process itself, for priming: a listener on a loopback port of its own answers exactly
 * one request and closes ({@code Connection: close}), so nothing stays open into the snapshot. The listener waits at
 * most {@link #WAIT} for its request, the client's own timeouts bound the other side: priming fails, it never hangs.
 */
final class LoopbackExchange {

    /** Where the listener is: the address its clients call and priming's certificate names. */
    static final InetAddress ADDRESS = InetAddress.getLoopbackAddress();
    /** How long the listener waits for its request, and for its answer to be done. */
    static final Duration WAIT = Duration.ofSeconds(10);

    /** A request as the listener read it: header names in lower case, the body as text. */
    record Request(Map<String, String> headers, String body) {
    }

    record Answer(String contentType, String body) {
    }

    /** The client side of the exchange, given the listener's port. */
    @FunctionalInterface
    interface Call<T> {
        T to(int port) throws IOException;
    }

    private LoopbackExchange() {
    }

    /**
     * Opens a listener from {@code sockets}, answers the one request {@code call} makes to it with {@code answering},
     * and returns what {@code call} returned; when the listener fails, its reason is what this throws.
     */
    static <T> T run(ServerSocketFactory sockets, Function<Request, Answer> answering, String what, Call<T> call)
            throws IOException {
        try (ServerSocket listener = sockets.createServerSocket(0, 1, ADDRESS)) {
            listener.setSoTimeout((int) WAIT.toMillis());
            FutureTask<Void> answer = new FutureTask<>(() -> answerOne(listener, answering));
            Thread.ofVirtual().name("snapstart-priming-answer").start(answer);
            T result;
            try {
                result = call.to(listener.getLocalPort());
            } catch (IOException e) {
                throw listenerFailure(listener, answer, what).orElse(e);
            }
            Optional<IOException> failure = listenerFailure(listener, answer, what);
            if (failure.isPresent()) throw failure.get();
            return result;
        }
    }

    private static Void answerOne(ServerSocket listener, Function<Request, Answer> answering) throws IOException {
        try (Socket connection = listener.accept()) {
            connection.setSoTimeout((int) WAIT.toMillis());
            connection.setTcpNoDelay(true);  // the answer goes out whole at once, not after the client's delayed ACK
            InputStream in = new BufferedInputStream(connection.getInputStream());
            Map<String, String> headers = readHeaders(in);
            if (headers.containsKey("transfer-encoding")) {
                throw new IllegalStateException("priming: a request body without a length is not answered");
            }
            String body = new String(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))),
                    StandardCharsets.UTF_8);
            Answer answer = answering.apply(new Request(headers, body));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            response.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: " + answer.contentType() + "\r\nContent-Length: " + bytes.length
                    + "\r\nx-amzn-RequestId: " + PrimingContext.REQUEST_ID + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            response.writeBytes(bytes);
            OutputStream out = connection.getOutputStream();
            response.writeTo(out);
            out.flush();
            return null;
        }
    }

    /** The request line and headers, names in lower case; the stream is left at the body. */
    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("priming: the request ended inside its headers");
            if (b != '\r') line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Why the listener could not answer, if it failed: a better explanation than the end of stream the client saw
     * because of it. The listener is closed first, which ends an accept still waiting: a call that never reached it
     * (it failed before, or was answered from elsewhere) is not such a reason.
     */
    private static Optional<IOException> listenerFailure(ServerSocket listener, FutureTask<Void> answer, String what) {
        try {
            listener.close();
            answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            // A closed listener, or a handshake the client broke off: the client's own exception says more.
            return e.getCause() instanceof SocketException || e.getCause() instanceof SSLException ? Optional.empty()
                    : Optional.of(new IOException("priming: the loopback listener failed to answer " + what + ": "
                            + e.getCause(), e.getCause()));
        } catch (TimeoutException e) {
            return Optional.of(new IOException("priming: the loopback listener for " + what + " did not finish within "
                    + WAIT, e));
        } catch (IOException e) {
            return Optional.of(e);  // the listener would not close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new IOException("priming interrupted", e));
        }
    }
}
