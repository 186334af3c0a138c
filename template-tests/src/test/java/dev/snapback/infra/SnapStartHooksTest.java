package dev.snapback.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.crac.Core;
import com.amazonaws.services.lambda.runtime.api.client.runtimeapi.JniHelper;
import dev.snapback.handler.Handlers;
import dev.snapback.model.Family;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;


/**
 * The jar the stack deploys with SnapStart, run as Lambda's runtime runs a SnapStart function: in a JVM of its own,
 * with the runtime interface client on the class path and {@code org.crac.Core.Compat} pointing at its CRaC context,
 * every handler is constructed, then every hook registered in the JVM fires through that context: Snapback's
 * priming, and the hooks its libraries register themselves. On Lambda a hook that throws fails the snapshot, and so
 * the deployment. Priming must not reach the network: the AWS and credentials endpoints are a socket that counts
 * connections.
 */
class SnapStartHooksTest {

    @Test
    void everyHookInTheDeployedJarRunsAndPrimingStaysInTheProcess() throws Exception {
        try (ServerSocket aws = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = countConnections(aws);
            Path log = Files.createTempFile("snapstart-hooks", ".log");
            ProcessBuilder jvm = new ProcessBuilder(javaCommand()).redirectErrorStream(true).redirectOutput(log.toFile());
            jvm.environment().clear();
            jvm.environment().putAll(functionEnvironment(aws.getLocalPort()));

            Process child = jvm.start();
            String output;
            try {
                assertThat(child.waitFor(180, TimeUnit.SECONDS)).as("the hooks finish").isTrue();
                output = Files.readString(log, StandardCharsets.UTF_8);
            } finally {
                child.destroyForcibly();
                Files.delete(log);
            }

            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output).contains("hooks ran: " + Family.values().length + " handlers");
            assertThat(output.lines().filter(line -> line.contains("\"level\":\"WARN\"") || line.contains("\"level\":\"ERROR\"")
                    || line.startsWith("Exception in thread")))
                    .as("no hook warned (a priming pass that fails stops priming with a warning)").isEmpty();
            assertThat(output).contains("\"function_request_id\":\"snapstart-priming\"");
            assertThat(output).as("no EMF document: priming emits no metric").doesNotContain("\"_aws\"");
            assertThat(connections.get()).as("connections to the AWS or credentials endpoint during priming").isZero();
        }
    }

    /** What the Lambda runtime does on a SnapStart version: load the handlers, run the hooks, restore, run them again. */
    public static void main(String[] handlerClasses) throws Exception {
        JniHelper.load();  // the runtime's native side, which its CRaC context uses to clear the DNS cache
        List<Object> handlers = new ArrayList<>();
        for (String handler : handlerClasses) {
            handlers.add(Class.forName(handler).getDeclaredConstructor().newInstance());
        }
        Core.getGlobalContext().beforeCheckpoint(null);
        Core.getGlobalContext().afterRestore(null);
        System.out.println("hooks ran: " + handlers.size() + " handlers");
    }

    private static List<String> javaCommand() {
        String runtimeClient = Core.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        String testClasses = SnapStartHooksTest.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
                "-cp", String.join(File.pathSeparator, runtimeClient, SynthesizedApp.FUNCTIONS_JAR.toString(), testClasses),
                SnapStartHooksTest.class.getName()));
        for (Family family : Family.values()) command.add(Handlers.of(family).getName());
        return command;
    }

    /**
     * The variables the stack gives every function, and the credentials Lambda gives a SnapStart function: a
     * container-credentials endpoint rather than keys. AWS and the credentials endpoint are one socket that only counts
     * connections, so priming fetching the role's credentials would fail the test as surely as an AWS call.
     */
    private static Map<String, String> functionEnvironment(int awsPort) throws IOException {
        return Map.ofEntries(
                Map.entry("AWS_REGION", SynthesizedApp.HOME),
                Map.entry("AWS_LAMBDA_FUNCTION_NAME", "snapback-security-groups"),
                Map.entry("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + awsPort + "/2021-04-23/credentials"),
                Map.entry("AWS_CONTAINER_AUTHORIZATION_TOKEN", "hooks-test-token"),
                Map.entry("AWS_EC2_METADATA_DISABLED", "true"),
                Map.entry("AWS_CONFIG_FILE", "/nonexistent/aws-config"),
                Map.entry("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials"),
                Map.entry("AWS_ENDPOINT_URL", "http://127.0.0.1:" + awsPort),
                Map.entry("SNAPBACK_CONFIG", Files.readString(SynthesizedApp.ROOT.resolve("examples/snapback-config.json"))),
                Map.entry("SNAPBACK_AUDIT_TABLE", "snapback-audit"),
                Map.entry("SNAPBACK_ALERT_TOPIC_ARN", "arn:aws:sns:eu-west-1:111122223333:snapback-alerts"),
                Map.entry("SNAPBACK_MODES_PARAMETER", "/snapback/modes"));
    }

    private static AtomicInteger countConnections(ServerSocket socket) throws IOException {
        AtomicInteger connections = new AtomicInteger();
        socket.setSoTimeout(200);
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try (var ignored = socket.accept()) {
                    connections.incrementAndGet();
                } catch (SocketTimeoutException e) {
                    // poll again until the test closes the socket
                } catch (IOException e) {
                    return;
                }
            }
        });
        return connections;
    }
}
