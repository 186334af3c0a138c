package dev.snapback.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.remediate.AwsClients;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A local stand-in for AWS: one WireMock server on loopback per test class, answering with AWS's documented response
 * shapes, and helpers to read the wire requests the real SDK v2 clients sent (query-protocol forms, JSON targets,
 * the SigV4 credential scope).
 */
public final class AwsStub {

    public static final String ACCESS_KEY = "AKIDSNAPBACKTEST0001";
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");

    private AwsStub() {
    }

    /** One server per test class (register it as a static field); stubs and the request journal reset per test. */
    public static WireMockExtension server() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
                .build();
    }

    /** Real SDK clients, static test credentials, every service pointed at the stub. */
    public static AwsClients clients(WireMockExtension server, String homeRegion) {
        return new AwsClients(Region.of(homeRegion),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "test-secret-not-real")),
                URI.create(server.baseUrl()));
    }

    /** A query-protocol call (EC2, IAM, SNS): a form POST with {@code Action=<action>}. */
    public static MappingBuilder query(String action) {
        return post(urlEqualTo("/")).withRequestBody(matching("(?s)(.*&)?Action=" + action + "(&.*)?"));
    }

    /** A JSON-protocol call (CloudTrail, DynamoDB, SSM), by its {@code X-Amz-Target}. */
    public static MappingBuilder target(String target) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(target));
    }

    public static ResponseDefinitionBuilder xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml;charset=UTF-8").withBody(body);
    }

    public static ResponseDefinitionBuilder json(int status, String contentType, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body);
    }

    /** EC2's error shape ({@code Response/Errors/Error}). */
    public static ResponseDefinitionBuilder ec2Error(int status, String code, String message) {
        return xml(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>" + code
                + "</Code><Message>" + message + "</Message></Error></Errors><RequestID>req-1</RequestID></Response>");
    }

    /** The IAM / SNS query error shape ({@code ErrorResponse/Error}). */
    public static ResponseDefinitionBuilder queryError(int status, String code, String message) {
        return xml(status, "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
                + "</Message></Error><RequestId>req-1</RequestId></ErrorResponse>");
    }

    /** The form parameters of a query-protocol request, decoded, in order. */
    public static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            form.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return form;
    }

    /** {@code region/service} from the SigV4 credential scope of the request's Authorization header. */
    public static String scope(LoggedRequest request) {
        Matcher m = SCOPE.matcher(request.getHeader("Authorization"));
        if (!m.find()) throw new AssertionError("no SigV4 credential scope in " + request.getHeader("Authorization"));
        return m.group(1) + "/" + m.group(2);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
