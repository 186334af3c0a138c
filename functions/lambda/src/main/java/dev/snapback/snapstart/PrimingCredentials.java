package dev.snapback.snapstart;

import dev.snapback.snapstart.LoopbackExchange.Answer;
import java.io.IOException;
import java.util.Map;
import javax.net.ServerSocketFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The first step of a restored function's first AWS call: the default credentials chain resolved from scratch, which
 * on SnapStart ends at Lambda's container-credentials endpoint (Lambda gives SnapStart functions no keys in the
 * environment). Priming resolves a chain of its own the same way, against a loopback endpoint that hands out
 * placeholder keys: the SDK reads the endpoint and its token from system properties before the environment, so those
 * point at the loopback endpoint for that moment and are put back after. The role's credentials are never fetched
 * before the snapshot, and the chain that resolved the placeholders is closed and dropped.
 */
public final class PrimingCredentials {

    /** Set by Lambda for SnapStart functions: the endpoint the restored function will resolve its credentials from. */
    static final String CONTAINER_ENDPOINT_VARIABLE = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    private static final String ENDPOINT_PROPERTY = "aws.containerCredentialsFullUri";
    private static final String TOKEN_PROPERTY = "aws.containerAuthorizationToken";
    private static final String PLACEHOLDER_KEYS = "{\"AccessKeyId\":\"ASIASNAPSTARTPRIMING\","
            + "\"SecretAccessKey\":\"snapstart-priming\",\"Token\":\"snapstart-priming\",\"Expiration\":\"2099-01-01T00:00:00Z\"}";

    private PrimingCredentials() {
    }

    /**
     * Resolves a fresh default chain against the loopback endpoint when the environment hands out container
     * credentials, as it does on SnapStart; elsewhere the restored function would resolve something else, so this
     * does nothing.
     *
     * @return the placeholder credentials, or {@code null} when there was nothing to prime
     */
    public static AwsCredentials primeContainerCredentials(Map<String, String> environment) throws IOException {
        if (environment.get(CONTAINER_ENDPOINT_VARIABLE) == null) return null;
        return LoopbackExchange.run(ServerSocketFactory.getDefault(),
                request -> new Answer("application/json", PLACEHOLDER_KEYS), "the container-credentials endpoint", port -> {
                    String endpoint = System.getProperty(ENDPOINT_PROPERTY);
                    String token = System.getProperty(TOKEN_PROPERTY);
                    System.setProperty(ENDPOINT_PROPERTY, "http://" + LoopbackExchange.ADDRESS.getHostAddress() + ":" + port + "/credentials");
                    System.setProperty(TOKEN_PROPERTY, "snapstart-priming");
                    try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
                        return chain.resolveCredentials();
                    } catch (SdkClientException e) {
                        throw new IOException("priming: the credentials chain did not resolve from the loopback endpoint", e);
                    } finally {
                        restore(ENDPOINT_PROPERTY, endpoint);
                        restore(TOKEN_PROPERTY, token);
                    }
                });
    }

    private static void restore(String property, String value) {
        if (value == null) System.clearProperty(property);
        else System.setProperty(property, value);
    }
}
