package dev.snapback.snapstart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client that never touches the network: it answers every AWS call with a minimal success response in the
 * service's own protocol (JSON for {@code X-Amz-Target} calls, with SSM's parameter holding no mode override; EC2's
 * XML for EC2; query XML otherwise). Clients built on it run the SDK's whole request path (marshalling, endpoint
 * rules, signing) and response path (unmarshalling) with no side effect anywhere: what SnapStart priming needs before
 * the snapshot is taken.
 */
public final class CannedAwsHttpClient implements SdkHttpClient {

    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z0-9]+)");
    /** EC2's query requests carry its API version; no other query service uses it. */
    private static final String EC2_VERSION = "Version=2016-11-15";

    /** SSM always returns the parameter it found; this one holds the stack's initial value, no mode override. */
    private static final String SSM_NO_OVERRIDE =
            "{\"Parameter\":{\"Name\":\"snapstart-priming\",\"Type\":\"String\",\"Value\":\"{}\",\"Version\":1}}";

    private final AtomicInteger calls = new AtomicInteger();

    /** How many calls were answered. */
    public int calls() {
        return calls.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                calls.incrementAndGet();
                return respond(request);
            }

            @Override
            public void abort() {
            }
        };
    }

    private static HttpExecuteResponse respond(HttpExecuteRequest request) {
        Optional<String> target = request.httpRequest().firstMatchingHeader("X-Amz-Target");
        if (target.isPresent()) {
            return target.get().equals("AmazonSSM.GetParameter")
                    ? response("application/x-amz-json-1.1", SSM_NO_OVERRIDE)
                    : response("application/x-amz-json-1.0", "{}");
        }
        String form = body(request);
        Matcher action = ACTION.matcher(form);
        if (!action.find()) {
            throw new IllegalStateException("priming: neither X-Amz-Target nor Action in a request to " + request.httpRequest().getUri());
        }
        String name = action.group(1);
        String xml = form.contains(EC2_VERSION)
                ? "<" + name + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>snapstart-priming</requestId>"
                  + "<return>true</return></" + name + "Response>"
                : "<" + name + "Response><" + name + "Result><MessageId>snapstart-priming</MessageId></" + name + "Result>"
                  + "<ResponseMetadata><RequestId>snapstart-priming</RequestId></ResponseMetadata></" + name + "Response>";
        return response("text/xml", xml);
    }

    private static String body(HttpExecuteRequest request) {
        try (InputStream in = request.contentStreamProvider().orElseThrow().newStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpExecuteResponse response(String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(200)
                        .putHeader("Content-Type", contentType)
                        .putHeader("Content-Length", Integer.toString(bytes.length))
                        .putHeader("x-amzn-RequestId", "snapstart-priming")
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                .build();
    }

    @Override
    public String clientName() {
        return "SnapStartPriming";
    }

    @Override
    public void close() {
    }
}
