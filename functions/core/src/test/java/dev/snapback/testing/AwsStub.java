package dev.snapback.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.remediate.AwsClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORGenerator;

/**
 * A local stand-in for AWS: one WireMock server on loopback per test class (register it as a static
 * {@code @RegisterExtension} field; stubs and the request journal reset per test), real SDK v2 clients with static
 * test credentials pointed at it, and helpers that answer in AWS's documented response shapes and read the wire
 * requests (query-protocol forms, JSON targets, the SigV4 credential scope).
 */
public final class AwsStub extends WireMockExtension {

    public static final String ACCESS_KEY = "AKIDSNAPBACKTEST0001";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");

    private final Region home;
    private final FakeDynamoDb table;
    private AwsClients clients;

    /** @param homeRegion the functions' own region (SNS, DynamoDB, SSM) */
    public AwsStub(String homeRegion) {
        this(homeRegion, new FakeDynamoDb());
    }

    private AwsStub(String homeRegion, FakeDynamoDb table) {
        super(WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(table)));
        this.home = Region.of(homeRegion);
        this.table = table;
    }

    /** The in-memory audit table; answers DynamoDB calls once {@link #stubTable()} routes them to it. */
    public FakeDynamoDb table() {
        return table;
    }

    /** Routes every DynamoDB call to the in-memory {@link #table()}. */
    public void stubTable() {
        stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", matching("DynamoDB_20120810\\..*"))
                .willReturn(aResponse().withTransformers(FakeDynamoDb.NAME)));
    }

    /** The clients every test of the class shares, built once the server is up. */
    public AwsClients clients() {
        return clients;
    }

    @Override
    protected void onBeforeAll(WireMockRuntimeInfo server) {
        clients = new AwsClients(home,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "test-secret-not-real")),
                URI.create(server.getHttpBaseUrl()));
    }

    @Override
    protected void onBeforeEach(WireMockRuntimeInfo server) {
        table.clear();
    }

    @Override
    protected void onAfterAll(WireMockRuntimeInfo server) {
        clients.close();
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

    /**
     * The operation of a request: the part of {@code X-Amz-Target} after the dot, the last path segment of a Smithy
     * RPC v2 call ({@code /service/S/operation/OP}, CloudWatch), the REST operations Snapback makes (Lambda's on a
     * function's concurrency, GuardDuty's on a detector, Security Hub's on standards), or the query {@code Action}.
     */
    public static String operation(LoggedRequest request) {
        String target = request.getHeader("X-Amz-Target");
        if (target != null) return target.substring(target.lastIndexOf('.') + 1);
        String path = request.getUrl();
        String method = request.getMethod().getName();
        if (path.startsWith("/service/")) return path.substring(path.lastIndexOf('/') + 1);
        if (path.endsWith("/concurrency")) return (method.equals("DELETE") ? "Delete" : "Get") + "FunctionConcurrency";
        if (path.matches("/detector/[^/]+")) return method.equals("GET") ? "GetDetector" : "UpdateDetector";
        if (path.equals("/standards/get")) return "GetEnabledStandards";
        if (path.equals("/standards/register")) return "BatchEnableStandards";
        // S3 Control's account settings, and a bucket's (path-style, as a fixed endpoint is addressed).
        if (path.equals("/v20180820/configuration/publicAccessBlock") || path.matches("/[^/?]+/?\\?publicAccessBlock.*")) {
            return (method.equals("GET") ? "Get" : "Put") + "PublicAccessBlock";
        }
        if (path.matches("/[^/?]+/?\\?policy.*")) return (method.equals("GET") ? "Get" : method.equals("PUT") ? "Put" : "Delete") + "BucketPolicy";
        return form(request).get("Action");
    }

    /** A Smithy RPC v2 CBOR call (CloudWatch), by operation. */
    public static MappingBuilder rpcV2(String operation) {
        return post(urlMatching("/service/[^/]+/operation/" + operation));
    }

    /** A Smithy RPC v2 CBOR answer: {@code body} (maps, lists, strings, booleans, numbers) encoded as CBOR. */
    public static ResponseDefinitionBuilder cbor(Map<String, ?> body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/cbor")
                .withHeader("smithy-protocol", "rpc-v2-cbor").withBody(toCbor(JSON.valueToTree(body)));
    }

    /**
     * JSON as Smithy RPC v2 CBOR: a number in a field named {@code ...Timestamp} (the JSON protocols' epoch seconds)
     * becomes a CBOR epoch timestamp (tag 1), as RPC v2 sends timestamps.
     */
    public static byte[] toCbor(JsonNode json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CBORGenerator generator = new CBORFactory().createGenerator(bytes)) {
            writeCbor(generator, null, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The CBOR body of a Smithy RPC v2 request, as JSON (the request parameters). */
    public static JsonNode cborRequest(LoggedRequest request) {
        return fromCbor(request.getBody());
    }

    /** A CBOR document as JSON (maps, arrays, strings, booleans and numbers). */
    public static JsonNode fromCbor(byte[] body) {
        try (var parser = new CBORFactory().createParser(body)) {
            return toJson(parser, parser.nextToken());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeCbor(CBORGenerator generator, String field, JsonNode value) throws IOException {
        if (value.isObject()) {
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                generator.writeFieldName(entry.getKey());
                writeCbor(generator, entry.getKey(), entry.getValue());
            }
            generator.writeEndObject();
        } else if (value.isArray()) {
            generator.writeStartArray();
            for (JsonNode item : value) writeCbor(generator, field, item);
            generator.writeEndArray();
        } else if (value.isNumber() && field != null && field.endsWith("Timestamp")) {
            generator.writeTag(1);
            generator.writeNumber(value.asDouble());
        } else if (value.isIntegralNumber()) {
            generator.writeNumber(value.asLong());
        } else if (value.isNumber()) {
            generator.writeNumber(value.asDouble());
        } else if (value.isBoolean()) {
            generator.writeBoolean(value.asBoolean());
        } else if (value.isNull()) {
            generator.writeNull();
        } else {
            generator.writeString(value.asText());
        }
    }

    private static JsonNode toJson(JsonParser parser,
                                   JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = JsonNodeFactory.instance.objectNode();
                for (var next = parser.nextToken(); next != JsonToken.END_OBJECT;
                     next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.set(name, toJson(parser, parser.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                for (var next = parser.nextToken(); next != JsonToken.END_ARRAY;
                     next = parser.nextToken()) {
                    array.add(toJson(parser, next));
                }
                yield array;
            }
            case VALUE_TRUE, VALUE_FALSE -> JsonNodeFactory.instance.booleanNode(parser.getBooleanValue());
            case VALUE_NUMBER_INT -> JsonNodeFactory.instance.numberNode(parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> JsonNodeFactory.instance.numberNode(parser.getDoubleValue());
            default -> JsonNodeFactory.instance.textNode(parser.getText());
        };
    }

    /** SNS message attributes from {@code MessageAttributes.entry.N.Name / .Value.StringValue} (all of type String). */
    public static Map<String, String> messageAttributes(Map<String, String> form) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int n = 1; form.containsKey("MessageAttributes.entry." + n + ".Name"); n++) {
            String entry = "MessageAttributes.entry." + n;
            if (!"String".equals(form.get(entry + ".Value.DataType"))) throw new AssertionError(entry + " is not a String");
            out.put(form.get(entry + ".Name"), form.get(entry + ".Value.StringValue"));
        }
        return out;
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
