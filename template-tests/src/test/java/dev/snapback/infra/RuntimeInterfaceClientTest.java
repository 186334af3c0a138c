package dev.snapback.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.crac.Core;
import com.amazonaws.services.lambda.runtime.serialization.util.ReflectUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.snapback.handler.Handlers;
import dev.snapback.model.Family;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;


/**
 * Every handler of the deployed jar started as Lambda's Java runtime starts it: the runtime interface client's
 * {@code AWSLambda} main, with the handler string as people write it by hand (Terraform, SAM), both as the class and
 * as {@code Class::handleRequest}, against a local Runtime API that hands it one real-shaped event. One invocation
 * must be answered, with the handler's summary.
 */
class RuntimeInterfaceClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUNTIME = "/2018-06-01/runtime";
    private static final String REQUEST_ID = "ric-invocation-1";

    /** Per family, an event its detectors read and ignore, so the invocation answers without calling AWS. */
    private static final Map<Family, String> EVENTS = Map.of(
            Family.MFA, "mfa-deactivated/ignored-by-detector/EnableMFADevice-root.json",
            Family.SECURITY_GROUPS, "security-group-opened/ignored-by-detector/AuthorizeSecurityGroupIngress-trusted-10-8-ssh.json",
            Family.NETWORK, "network-acl-opened/ignored-by-detector/CreateNetworkAclEntry-return-traffic.json",
            Family.TRAILS, "trail-tampered/ignored-by-detector/UpdateTrail-enable-log-validation.json",
            Family.DATA, "s3-public-access-unblocked/ignored-by-detector/PutBucketAcl-private.json",
            Family.TRANSPORT, "tls-not-enforced/ignored-by-detector/PutBucketPolicy-with-secure-transport-deny.json",
            Family.KEYS, "unmanaged-key-created/ignored-by-detector/UpdateAccessKey-deactivated.json",
            Family.IDENTITY, "root-activity/ignored-by-detector/ConsoleLogin-root-failed.json",
            Family.DETECTIVE, "kms-key-disabled-or-deleted/ignored-by-detector/DisableKey-by-managed-principal.json",
            Family.GUARD, "quarantine-tampered/ignored-by-detector/CreatePolicyVersion-another-policy.json");

    static Stream<Arguments> handlers() {
        return Stream.of(Family.values()).flatMap(family -> Stream.of(
                Arguments.of(family, Handlers.of(family).getName()), Arguments.of(family, Handlers.of(family).getName() + "::handleRequest")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("handlers")
    void theRuntimeStartsTheHandlerAndGetsOneInvocationAnswered(Family family, String handler) throws Exception {
        byte[] event = Files.readAllBytes(SynthesizedApp.ROOT.resolve("events").resolve(EVENTS.get(family)));
        CompletableFuture<String> answer = new CompletableFuture<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean handedOut = new AtomicBoolean();
        HttpServer runtimeApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        runtimeApi.createContext(RUNTIME, exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals(RUNTIME + "/invocation/next") && handedOut.compareAndSet(false, true)) {
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", REQUEST_ID);
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 60_000));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:" + SynthesizedApp.HOME + ":111122223333:function:snapback-" + family.functionId());
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                respond(exchange, 200, event);
            } else if (path.equals(RUNTIME + "/invocation/next")) {
                // The one invocation is handed out: hold the runtime here until the test is over.
                awaitQuietly(done);
            } else {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                respond(exchange, 202, new byte[0]);
                answer.complete(path.substring(RUNTIME.length()) + " " + body);
            }
        });
        runtimeApi.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        runtimeApi.start();
        Path log = Files.createTempFile("ric", ".log");
        Process runtime = null;
        try {
            ProcessBuilder jvm = new ProcessBuilder(command(handler)).redirectErrorStream(true).redirectOutput(log.toFile());
            jvm.environment().clear();
            jvm.environment().putAll(environment(family, runtimeApi.getAddress().getPort()));
            runtime = jvm.start();

            String posted = answer.get(60, TimeUnit.SECONDS);

            assertThat(posted).as(Files.readString(log)).startsWith("/invocation/" + REQUEST_ID + "/response ");
            JsonNode summary = JSON.readTree(posted.substring(posted.indexOf(' ') + 1));
            assertThat(summary.get("eventId").asText()).isEqualTo(JSON.readTree(event).at("/detail/eventID").asText());
            assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("ignored");
        } finally {
            done.countDown();
            if (runtime != null) runtime.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            runtimeApi.stop(0);
            Files.delete(log);
        }
    }

    private static List<String> command(String handler) {
        String runtimeClient = Core.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        String serialization = ReflectUtil.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, runtimeClient, serialization, SynthesizedApp.FUNCTIONS_JAR.toString()),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler));
    }

    /** What Lambda and the stack give a function; AWS itself is a closed port, as no call is expected. */
    private static Map<String, String> environment(Family family, int runtimeApiPort) throws IOException {
        return Map.ofEntries(
                Map.entry("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApiPort),
                Map.entry("AWS_REGION", SynthesizedApp.HOME),
                Map.entry("AWS_LAMBDA_FUNCTION_NAME", "snapback-" + family.functionId()),
                Map.entry("AWS_LAMBDA_FUNCTION_VERSION", "1"),
                Map.entry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"),
                Map.entry("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
                Map.entry("AWS_ACCESS_KEY_ID", "ASIARICTESTEXAMPLE01"),
                Map.entry("AWS_SECRET_ACCESS_KEY", "ric-test-secret"),
                Map.entry("AWS_SESSION_TOKEN", "ric-test-token"),
                Map.entry("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
                Map.entry("SNAPBACK_CONFIG", Files.readString(SynthesizedApp.ROOT.resolve("examples/snapback-config.json"))),
                Map.entry("SNAPBACK_AUDIT_TABLE", "snapback-audit"),
                Map.entry("SNAPBACK_ALERT_TOPIC_ARN", "arn:aws:sns:eu-west-1:111122223333:snapback-alerts"),
                Map.entry("POWERTOOLS_SERVICE_NAME", "snapback-" + family.functionId()));
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void awaitQuietly(CountDownLatch done) {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
