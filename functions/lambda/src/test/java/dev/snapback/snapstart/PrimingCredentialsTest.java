package dev.snapback.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/** Priming resolves the default chain as a restored SnapStart function does, from placeholders and nothing else. */
class PrimingCredentialsTest {

    private static final Map<String, String> SNAPSTART = Map.of(PrimingCredentials.CONTAINER_ENDPOINT_VARIABLE,
            "http://127.0.0.1:9001/2021-04-23/credentials");
    /** Where the chain looks before the container endpoint; a developer's own profile must not answer instead. */
    private static final Map<String, String> NO_PROFILE = Map.of("aws.sharedCredentialsFile", "/nonexistent/credentials",
            "aws.configFile", "/nonexistent/config");

    @BeforeEach
    void chainEndsAtTheContainerEndpoint() {
        for (String variable : List.of("AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_PROFILE")) {
            assumeTrue(System.getenv(variable) == null, variable + " is set: the chain would stop before the container endpoint");
        }
        NO_PROFILE.forEach(System::setProperty);
    }

    @AfterEach
    void clearProperties() {
        NO_PROFILE.keySet().forEach(System::clearProperty);
        System.clearProperty("aws.containerCredentialsFullUri");
    }

    @Test
    void theChainResolvesThePlaceholdersAndNeverTheRealEndpoint() throws IOException {
        String roleEndpoint = "http://127.0.0.1:" + closedPort() + "/credentials";
        System.setProperty("aws.containerCredentialsFullUri", roleEndpoint);

        AwsCredentials primed = PrimingCredentials.primeContainerCredentials(SNAPSTART);

        assertThat(primed.accessKeyId()).as("from the loopback endpoint, not refused by the real one")
                .isEqualTo("ASIASNAPSTARTPRIMING");
        assertThat(System.getProperty("aws.containerCredentialsFullUri")).as("put back").isEqualTo(roleEndpoint);
        assertThat(System.getProperty("aws.containerAuthorizationToken")).as("put back: it was not set").isNull();
    }

    @Test
    void withoutContainerCredentialsThereIsNothingToPrime() throws IOException {
        assertThat(PrimingCredentials.primeContainerCredentials(Map.of())).isNull();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
