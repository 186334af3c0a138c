package dev.snapback.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;

/**
 * A pass-through proxy in front of the emulator that translates CloudWatch's Smithy RPC v2 CBOR, which the SDK speaks
 * and moto 5.2.2 does not (getmoto/moto#9195), into the AWS JSON 1.0 protocol moto does speak for CloudWatch, and the
 * answers back. The real SDK's CBOR requests and the emulator's real state meet through it; every other call passes
 * unchanged.
 */
public final class CloudWatchCborBridge implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RPC_V2 = "/service/GraniteServiceVersion20100801/operation/";
    /** Headers the JDK client sets itself, and the CBOR protocol's own. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "accept", "content-type", "smithy-protocol");

    private final URI emulator;
    private final HttpServer server;

    public CloudWatchCborBridge(URI emulator) throws IOException {
        this.emulator = emulator;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().toString();
            boolean cbor = path.startsWith(RPC_V2);
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(emulator.resolve(cbor ? "/" : path));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase())) values.forEach(value -> request.header(name, value));
            });
            if (cbor) {
                body = JSON.writeValueAsBytes(AwsStub.fromCbor(body));
                request.header("Content-Type", "application/x-amz-json-1.0")
                        .header("X-Amz-Target", "GraniteServiceVersion20100801." + path.substring(RPC_V2.length()));
            } else if (exchange.getRequestHeaders().getFirst("Content-Type") != null) {
                request.header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"));
            }
            request.method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] answer = response.body();
            if (cbor) {
                answer = AwsStub.toCbor(answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer));
                exchange.getResponseHeaders().set("Content-Type", "application/cbor");
                exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
            } else {
                response.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            }
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
