package dev.snapback.snapstart;

import dev.snapback.snapstart.LoopbackExchange.Answer;
import dev.snapback.snapstart.LoopbackExchange.Request;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
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
 * function's, over TLS ({@link PrimingTls}), to a one-shot listener on the loopback interface ({@link LoopbackExchange})
 * that this process opens for that call and closes once it has answered. The answer is the one given for the operation,
 * if any (the state a priming sample left: {@link PrimingSample#answers()}), else a minimal success in the service's
 * own protocol (JSON for {@code X-Amz-Target} calls, with SSM's parameter holding no mode override; EC2's XML for EC2;
 * query XML otherwise). Clients built on it run the SDK's whole request path (marshalling, endpoint rules,
 * signing, the HTTP client, the JDK's HTTP and TLS stacks) and response path (unmarshalling) with no side effect
 * anywhere: what SnapStart priming needs before the snapshot. No proxy is ever used, whatever the environment says:
 * the calls are for this process.
 */
public final class CannedAwsHttpClient implements SdkHttpClient {

    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z0-9]+)");
    /** EC2's query requests carry its API version; no other query service uses it. */
    private static final String EC2_VERSION = "Version=2016-11-15";
    /** SSM always returns the parameter it found; this one holds the stack's initial value, no mode override. */
    private static final String SSM_NO_OVERRIDE =
            "{\"Parameter\":{\"Name\":\"snapstart-priming\",\"Type\":\"String\",\"Value\":\"{}\",\"Version\":1}}";

    private final Map<String, String> answers;
    private final PrimingTls tls = PrimingTls.create();
    private final SdkHttpClient transport = UrlConnectionHttpClient.builder()
            .tlsTrustManagersProvider(tls.clientTrust())
            .connectionTimeout(LoopbackExchange.WAIT)
            .socketTimeout(LoopbackExchange.WAIT)
            .proxyConfiguration(proxy -> proxy.useSystemPropertyValues(false).useEnvironmentVariablesValues(false))
            .build();

    /** Minimal successes for every operation. */
    public CannedAwsHttpClient() {
        this(Map.of());
    }

    /** @param answers response bodies by operation ({@code Action}, or the {@code X-Amz-Target} after its dot) */
    public CannedAwsHttpClient(Map<String, String> answers) {
        this.answers = Map.copyOf(answers);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return LoopbackExchange.run(tls.serverSockets(), CannedAwsHttpClient.this::answer,
                        request.httpRequest().getUri().toString(), port -> {
                            HttpExecuteResponse response = transport.prepareRequest(HttpExecuteRequest.builder()
                                    .request(request.httpRequest().toBuilder().protocol("https")
                                            .host(LoopbackExchange.ADDRESS.getHostAddress()).port(port).build())
                                    .contentStreamProvider(request.contentStreamProvider().orElse(null))
                                    .build()).call();
                            // Read and closed here, so the connection closes now: the listener's TLS close waits for it.
                            Optional<AbortableInputStream> body = response.responseBody();
                            return HttpExecuteResponse.builder().response(response.httpResponse())
                                    .responseBody(body.isEmpty() ? null
                                            : AbortableInputStream.create(new ByteArrayInputStream(readAndClose(body.get()))))
                                    .build();
                        });
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

    private Answer answer(Request request) {
        String target = request.headers().get("x-amz-target");
        if (target != null) {
            String given = answers.get(target.substring(target.lastIndexOf('.') + 1));
            if (given != null) return new Answer("application/x-amz-json-1.1", given);
            return target.equals("AmazonSSM.GetParameter")
                    ? new Answer("application/x-amz-json-1.1", SSM_NO_OVERRIDE)
                    : new Answer("application/x-amz-json-1.0", "{}");
        }
        Matcher action = ACTION.matcher(request.body());
        if (!action.find()) {
            throw new IllegalStateException("priming: neither X-Amz-Target nor Action in a request");
        }
        String name = action.group(1);
        if (answers.containsKey(name)) return new Answer("text/xml", answers.get(name));
        return new Answer("text/xml", request.body().contains(EC2_VERSION)
                ? "<" + name + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>snapstart-priming</requestId>"
                  + "<return>true</return></" + name + "Response>"
                : "<" + name + "Response><" + name + "Result><MessageId>snapstart-priming</MessageId></" + name + "Result>"
                  + "<ResponseMetadata><RequestId>snapstart-priming</RequestId></ResponseMetadata></" + name + "Response>");
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
