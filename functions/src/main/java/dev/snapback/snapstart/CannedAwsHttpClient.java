package dev.snapback.snapstart;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * An HTTP client whose calls never leave the process: each call goes through a URLConnection client built like the
 * function's, over TLS ({@link PrimingTls}), to a one-shot listener on the loopback interface that this process opens
 * for that call and closes once it has answered. The answer is a minimal success in the service's own protocol (JSON for {@code X-Amz-Target}
 * calls, with SSM's parameter holding no mode override; EC2's XML for EC2; query XML otherwise). Clients built on it
 * run the SDK's whole request path (marshalling, endpoint rules, signing, the HTTP client, the JDK's HTTP and TLS
 * stacks) and response path (unmarshalling) with no side effect anywhere: what SnapStart priming needs before the snapshot.
 * Nothing stays open between calls: every connection is closed by the listener ({@code Connection: close}), so the
 * snapshot holds no socket. No proxy is ever used, whatever the environment says: the calls are for this process.
 */
public final class CannedAwsHttpClient implements SdkHttpClient {

    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z0-9]+)");
    /** EC2's query requests carry its API version; no other query service uses it. */
    private static final String EC2_VERSION = "Version=2016-11-15";
    /** SSM always returns the parameter it found; this one holds the stack's initial value, no mode override. */
    private static final String SSM_NO_OVERRIDE =
            "{\"Parameter\":{\"Name\":\"snapstart-priming\",\"Type\":\"String\",\"Value\":\"{}\",\"Version\":1}}";

    /** How long either side waits for the other: priming must fail, not hang, if the listener is never reached. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PrimingTls tls = PrimingTls.create();
    private final SdkHttpClient transport = UrlConnectionHttpClient.builder()
            .tlsTrustManagersProvider(tls.clientTrust())
            .proxyConfiguration(proxy -> proxy.useSystemPropertyValues(false).useEnvironmentVariablesValues(false))
            .build();

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                try (ServerSocket listener = tls.serverSockets().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    listener.setSoTimeout((int) WAIT.toMillis());
                    FutureTask<Void> answering = new FutureTask<>(() -> answerOne(listener));
                    Thread.ofVirtual().name("snapstart-priming-answer").start(answering);
                    HttpExecuteResponse response;
                    byte[] body;
                    try {
                        response = transport.prepareRequest(HttpExecuteRequest.builder()
                                .request(request.httpRequest().toBuilder().protocol("https")
                                        .host(listener.getInetAddress().getHostAddress()).port(listener.getLocalPort()).build())
                                .contentStreamProvider(request.contentStreamProvider().orElse(null))
                                .build()).call();
                        // Read and closed here, so the connection closes now: the listener's TLS close waits for it.
                        body = response.responseBody().isPresent() ? readAndClose(response.responseBody().get()) : null;
                    } catch (IOException e) {
                        listener.close();  // ends an accept still waiting, when the call never reached the listener
                        throw listenerFailure(answering, request).orElse(e);
                    }
                    Optional<IOException> failure = listenerFailure(answering, request);
                    if (failure.isPresent()) throw failure.get();
                    return HttpExecuteResponse.builder().response(response.httpResponse())
                            .responseBody(body == null ? null : AbortableInputStream.create(new ByteArrayInputStream(body)))
                            .build();
                }
            }

            @Override
            public void abort() {
            }
        };
    }

    private static byte[] readAndClose(InputStream body) throws IOException {
        try (body) {
            return body.readAllBytes();
        }
    }

    private static Void answerOne(ServerSocket listener) throws IOException {
        try (Socket connection = listener.accept()) {
            connection.setSoTimeout((int) WAIT.toMillis());
            connection.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(connection.getInputStream());
            Map<String, String> headers = readHeaders(in);
            if (headers.containsKey("transfer-encoding")) {
                throw new IllegalStateException("priming: a request body without a length is not answered");
            }
            String body = new String(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))),
                    StandardCharsets.UTF_8);
            Answer answer = answer(headers.get("x-amz-target"), body);
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + answer.contentType() + "\r\nContent-Length: " + bytes.length
                    + "\r\nx-amzn-RequestId: " + PrimingContext.REQUEST_ID + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
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

    private record Answer(String contentType, String body) {
    }

    private static Answer answer(String target, String form) {
        if (target != null) {
            return target.equals("AmazonSSM.GetParameter")
                    ? new Answer("application/x-amz-json-1.1", SSM_NO_OVERRIDE)
                    : new Answer("application/x-amz-json-1.0", "{}");
        }
        Matcher action = ACTION.matcher(form);
        if (!action.find()) {
            throw new IllegalStateException("priming: neither X-Amz-Target nor Action in a request");
        }
        String name = action.group(1);
        return new Answer("text/xml", form.contains(EC2_VERSION)
                ? "<" + name + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>snapstart-priming</requestId>"
                  + "<return>true</return></" + name + "Response>"
                : "<" + name + "Response><" + name + "Result><MessageId>snapstart-priming</MessageId></" + name + "Result>"
                  + "<ResponseMetadata><RequestId>snapstart-priming</RequestId></ResponseMetadata></" + name + "Response>");
    }

    /**
     * Why the listener could not answer, if it failed: a better explanation than the end-of-stream the client saw
     * because of it. A closed listener is not such a reason: it only means the call never reached it.
     */
    private static Optional<IOException> listenerFailure(FutureTask<Void> answering, HttpExecuteRequest request) {
        try {
            answering.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return e.getCause() instanceof SocketException ? Optional.empty()
                    : Optional.of(new IOException("priming: the loopback listener failed to answer "
                            + request.httpRequest().getUri() + ": " + e.getCause(), e.getCause()));
        } catch (TimeoutException e) {
            return Optional.of(new IOException("priming: the call to " + request.httpRequest().getUri()
                    + " never reached the loopback listener", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new IOException("priming interrupted", e));
        }
    }

    @Override
    public String clientName() {
        return "SnapStartPriming";
    }

    @Override
    public void close() {
        transport.close();
    }
}
