package dev.snapback.remediate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.endpoint.AwsClientEndpointProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * The calls Snapback makes to the AWS services whose SDK v2 modules this build cannot have (Config, GuardDuty,
 * Security Hub, Organizations), made on the SDK's own stack: its HTTP client, its SigV4 signer, its endpoint resolution
 * (an override, {@code AWS_ENDPOINT_URL} and its per-service variants, the profile, as every generated client resolves
 * them) and its standard retry strategy, bounded by the invocation's {@link CallBudget}. It speaks the two JSON
 * protocols of those services: {@link Protocol.AwsJson} (Config, Organizations) and {@link Protocol.RestJson}
 * (GuardDuty, Security Hub). Errors surface as
 * {@link AwsServiceException}s with AWS's error code, as a generated client's do, so the executor reads them alike.
 *
 * <p>Not a general AWS client: no pagination, waiters or streaming; requests and answers are JSON trees, and the
 * typed interfaces over it ({@link ConfigService}, {@link GuardDutyService}, {@link SecurityHubService}) are where
 * a generated client can take its place.
 */
public final class JsonProtocolClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final Service service;
    private final Region region;
    private final URI endpoint;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final CallBudget budget;
    private final RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy();

    /**
     * @param service  the service as its model describes it
     * @param override a fixed endpoint (tests), or {@code null} for the SDK's own resolution
     */
    JsonProtocolClient(Service service, Region region, URI override, SdkHttpClient http, AwsCredentialsProvider credentials,
                       CallBudget budget) {
        this.service = service;
        this.region = region;
        this.endpoint = AwsClientEndpointProvider.builder()
                .clientEndpointOverride(override)
                .serviceEndpointOverrideEnvironmentVariable("AWS_ENDPOINT_URL_" + service.serviceId().toUpperCase(Locale.ROOT).replace(' ', '_'))
                .serviceEndpointOverrideSystemProperty("aws.endpointUrl" + service.serviceId().replace(" ", ""))
                .serviceProfileProperty(service.serviceId().toLowerCase(Locale.ROOT).replace(' ', '_'))
                .serviceEndpointPrefix(service.endpointPrefix())
                .defaultProtocol("https")
                .region(region)
                .build()
                .clientEndpoint();
        this.http = http;
        this.credentials = credentials;
        this.budget = budget;
    }

    /** A service as its model's metadata names it; {@code serviceId} also names its endpoint variables. */
    public record Service(String serviceId, String endpointPrefix, String signingName, Protocol protocol) {
    }

    /** How a service's operations travel. */
    public sealed interface Protocol {

        /** {@code awsJson1_1}: every operation is {@code POST /}, named by {@code X-Amz-Target: targetPrefix.Operation}. */
        record AwsJson(String targetPrefix) implements Protocol {
        }

        /** {@code restJson1}: each operation has its own method and path; the body carries the rest. */
        record RestJson() implements Protocol {
        }
    }

    /**
     * One operation: its name, and its method and path (for {@link Protocol.AwsJson} always {@code POST /}); a path's
     * labels are already filled in and encoded ({@link #label}).
     */
    public record Operation(String name, SdkHttpMethod method, String path) {

        public static Operation rpc(String name) {
            return new Operation(name, SdkHttpMethod.POST, "/");
        }

        /** A value for one label of a REST path, encoded as the SDK encodes path labels. */
        public static String label(String value) {
            return SdkHttpUtils.urlEncode(value);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * Calls {@code operation} with {@code body} and returns the answer's JSON ({@link MissingNode} for an empty one).
     * Throttling, 5xx and I/O errors are retried as the SDK's standard strategy says, within the budget.
     *
     * @throws AwsServiceException with AWS's error code for an error answer that was not retried, or no longer
     * @throws SdkClientException  when the service could not be reached, or did not answer in time
     */
    public JsonNode call(Operation operation, JsonNode body) {
        Instant deadline = Instant.now().plus(budget.nextCall(operation.name()));
        // No body at all (a REST GET or DELETE): a stream, even an empty one, would make the HTTP client send a POST.
        byte[] payload = body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8);
        RetryToken token = retries.acquireInitialToken(AcquireInitialTokenRequest.create(service.endpointPrefix())).token();
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            try {
                JsonNode answer = attempt(operation, payload, CallBudget.min(left, CallBudget.MAX_ATTEMPT));
                retries.recordSuccess(RecordSuccessRequest.create(token));
                return answer;
            } catch (AwsServiceException | SdkClientException failure) {
                Duration delay;
                try {
                    var refreshed = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(failure).build());
                    token = refreshed.token();
                    delay = refreshed.delay();
                } catch (TokenAcquisitionFailedException notRetried) {
                    throw failure;
                }
                if (Instant.now().plus(delay).plus(Duration.ofMillis(200)).isAfter(deadline)) throw failure;
                sleep(delay);
            }
        }
    }

    private JsonNode attempt(Operation operation, byte[] payload, Duration timeout) {
        SignedRequest signed = SIGNER.sign(r -> r.identity(credentials.resolveCredentials())
                .request(request(operation, payload))
                .payload(payload == null ? null : ContentStreamProvider.fromByteArrayUnsafe(payload))
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service.signingName()));
        ExecutableHttpRequest exchange = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null)).build());
        // The shared HTTP client has no per-request timeout: a watchdog aborts an attempt that outlives its share.
        AtomicBoolean abandoned = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(timeout);
                abandoned.set(true);
                exchange.abort();
            } catch (InterruptedException answered) {
                // the attempt finished first
            }
        });
        try {
            HttpExecuteResponse response = exchange.call();
            byte[] answer;
            try (InputStream stream = response.responseBody().orElse(null)) {
                answer = stream == null ? new byte[0] : stream.readAllBytes();
            }
            return read(operation, response.httpResponse(), answer);
        } catch (IOException e) {
            throw SdkClientException.create(service.serviceId() + " " + operation.name() + " at " + endpoint
                    + (abandoned.get() ? " did not answer within " + timeout.toMillis() + " ms" : "") + ": " + e.getMessage(), e);
        } finally {
            watchdog.interrupt();
        }
    }

    private SdkHttpFullRequest request(Operation operation, byte[] payload) {
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/$", "");
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(operation.method())
                .uri(endpoint.resolve(base + operation.path()));
        if (payload != null) request.putHeader("Content-Length", Integer.toString(payload.length));
        return switch (service.protocol()) {
            case Protocol.AwsJson(String targetPrefix) -> request
                    .putHeader("Content-Type", "application/x-amz-json-1.1")
                    .putHeader("X-Amz-Target", targetPrefix + "." + operation.name())
                    .build();
            case Protocol.RestJson() -> request.putHeader("Content-Type", "application/json").build();
        };
    }

    private JsonNode read(Operation operation, SdkHttpResponse response, byte[] answer) throws IOException {
        if (response.isSuccessful()) return answer.length == 0 ? MissingNode.getInstance() : JSON.readTree(answer);
        // An error may come from something in front of the service (a proxy's HTML page): keep its status and text.
        JsonNode json;
        try {
            json = answer.length == 0 ? MissingNode.getInstance() : JSON.readTree(answer);
        } catch (IOException notJson) {
            json = JSON.createObjectNode().put("message", new String(answer, StandardCharsets.UTF_8).strip());
        }
        String message = errorMessage(json);
        throw AwsServiceException.builder()
                .statusCode(response.statusCode())
                .requestId(response.firstMatchingHeader("x-amzn-RequestId").orElse(null))
                .message(service.serviceId() + " " + operation.name() + ": " + message)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .serviceName(service.serviceId())
                        .errorCode(errorCode(response, json))
                        .errorMessage(message)
                        .sdkHttpResponse(response)
                        .build())
                .build();
    }

    /**
     * AWS's error code, as both JSON protocols send it: the {@code x-amzn-ErrorType} header, else the body's
     * {@code __type} or {@code code}; either may carry a namespace before {@code #} or a URL after {@code :}.
     */
    static String errorCode(SdkHttpResponse response, JsonNode body) {
        String named = response.firstMatchingHeader("x-amzn-ErrorType")
                .orElseGet(() -> body.path("__type").asText(body.path("code").asText(null)));
        if (named == null || named.isBlank()) return null;
        int colon = named.indexOf(':');
        if (colon >= 0) named = named.substring(0, colon);
        return named.substring(named.lastIndexOf('#') + 1);
    }

    private static String errorMessage(JsonNode body) {
        return body.path("message").asText(body.path("Message").asText("no message"));
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while waiting to retry", e);
        }
    }
}
