package dev.snapback.snapstart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * service's own protocol (JSON for {@code X-Amz-Target} calls, the EC2 and query XML shapes otherwise). Clients built
 * on it run the SDK's whole request path (marshalling, endpoint rules, signing) and response path (unmarshalling)
 * with no side effect anywhere: what SnapStart priming needs before the snapshot is taken.
 */
public final class CannedAwsHttpClient implements SdkHttpClient {

    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z0-9]+)");

    private final AtomicInteger calls = new AtomicInteger();

    /** How many calls were answered: priming checks it actually went through the SDK. */
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
        var target = request.httpRequest().firstMatchingHeader("X-Amz-Target");
        if (target.isPresent()) {
            return response("application/x-amz-json-1.0", "{}");
        }
        String action = action(request);
        boolean ec2 = request.httpRequest().host().startsWith("ec2.");
        String body = ec2
                ? "<" + action + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>snapstart-priming</requestId>"
                  + "<return>true</return></" + action + "Response>"
                : "<" + action + "Response><" + action + "Result><MessageId>snapstart-priming</MessageId></" + action + "Result>"
                  + "<ResponseMetadata><RequestId>snapstart-priming</RequestId></ResponseMetadata></" + action + "Response>";
        return response("text/xml", body);
    }

    private static String action(HttpExecuteRequest request) {
        try (InputStream in = request.contentStreamProvider().orElseThrow().newStream()) {
            Matcher m = ACTION.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("priming: neither X-Amz-Target nor Action in " + request.httpRequest().getUri());
            }
            return m.group(1);
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
