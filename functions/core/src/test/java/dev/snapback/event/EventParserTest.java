package dev.snapback.event;

import static dev.snapback.testing.EditedFixture.envelope;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link EventParser} on real shapes, and the precise message of each way input can be malformed. */
class EventParserTest {

    private static final String USER_ENVELOPE = "unmanaged-key-created/finding/CreateAccessKey-iam-user-for-other-user.json";

    @Test
    void readsAnEnvelope() {
        CloudTrailEvent event = EventParser.parse(envelope(USER_ENVELOPE).toString());

        assertThat(event.eventId()).isEqualTo(envelope(USER_ENVELOPE).at("/detail/eventID").asText());
        assertThat(event.time()).isEqualTo(Instant.parse("2026-11-20T09:14:07Z"));
        assertThat(event.account()).isEqualTo(Fixtures.ACCOUNT);
        assertThat(event.region()).isEqualTo("us-east-1");
        assertThat(event.eventSource()).isEqualTo("iam.amazonaws.com");
        assertThat(event.eventName()).isEqualTo("CreateAccessKey");
        assertThat(event.actor()).isInstanceOf(Principal.IamUser.class);
        assertThat(event.actor().identityArn()).isEqualTo("arn:aws:iam::111122223333:user/alice");
        assertThat(event.sourceIp()).isEqualTo("198.51.100.23");
        assertThat(event.userAgent()).startsWith("aws-cli/2.");
        assertThat(event.succeeded()).isTrue();
        assertThat(event.request().path("userName").asText()).isEqualTo("svc-reporting");
        assertThat(event.response().path("accessKey").path("status").asText()).isEqualTo("Active");
        assertThat(event.record()).isEqualTo(envelope(USER_ENVELOPE).get("detail"));
    }

    @Test
    void readsABareRecordAsTheSameEvent() {
        JsonNode envelope = envelope(USER_ENVELOPE);

        assertThat(EventParser.parse(envelope.get("detail").toString())).isEqualTo(EventParser.parse(envelope));
    }

    @Test
    void readsBytesAndStreams() {
        byte[] bytes = envelope(USER_ENVELOPE).toString().getBytes(StandardCharsets.UTF_8);

        assertThat(EventParser.parse(bytes)).isEqualTo(EventParser.parse(new ByteArrayInputStream(bytes)));
    }

    @Test
    void keepsTheErrorOfAFailedCall() {
        CloudTrailEvent event = EventParser.parse(
                envelope("unmanaged-key-created/ignored-by-pattern/CreateAccessKey-limit-exceeded.json"));

        assertThat(event.succeeded()).isFalse();
        assertThat(event.errorCode()).isEqualTo("LimitExceededException");
        assertThat(event.errorMessage()).isEqualTo("Cannot exceed quota for AccessKeysPerUser: 2");
        assertThat(event.response().isNull()).as("responseElements: null").isTrue();
    }

    @Test
    void absentParametersAreMissingNodesNotNull() {
        CloudTrailEvent event = parseEdited(detail -> {
            detail.remove("requestParameters");
            detail.remove("responseElements");
        });

        assertThat(event.request().isMissingNode()).isTrue();
        assertThat(event.response().isMissingNode()).isTrue();
    }

    @Test
    void typesEachPrincipal() {
        assertThat(actor("unmanaged-key-created/finding/CreateAccessKey-root-own-key.json"))
                .isEqualTo(new Principal.Root("arn:aws:iam::111122223333:root", Fixtures.ACCOUNT));
        assertThat(actor("unmanaged-key-created/finding/CreateAccessKey-assumed-role.json"))
                .isEqualTo(new Principal.AssumedRole(
                        "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_5f3c0a1b2d9e8f70/dana@example.com",
                        "arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_5f3c0a1b2d9e8f70",
                        "dana@example.com", Fixtures.ACCOUNT, null));
        assertThat(actor("unmanaged-key-created/ignored-by-detector/CreateKeyPair-aws-service.json"))
                .isEqualTo(new Principal.AwsService("cloud9.amazonaws.com"));

        Principal identityCenter = parseEdited(detail -> ((ObjectNode) detail.get("userIdentity"))
                .put("type", "IdentityCenterUser").remove("arn")).actor();
        assertThat(identityCenter).isEqualTo(new Principal.Unknown("IdentityCenterUser", null));
        assertThat(identityCenter.identityArn()).isNull();
    }

    @Test
    void assumedRoleWithoutSessionIssuerHasNoIdentityArn() {
        Principal role = event("unmanaged-key-created/finding/CreateAccessKey-assumed-role.json",
                detail -> ((ObjectNode) detail.get("userIdentity")).remove("sessionContext")).actor();

        assertThat(role.identityArn()).as("never the per-session assumed-role ARN").isNull();
        assertThat(role.role()).as("the role is still known from the session ARN").contains(new RoleIdentity("aws",
                Fixtures.ACCOUNT, "AWSReservedSSO_AdministratorAccess_5f3c0a1b2d9e8f70"));
    }

    @Test
    void readsEveryIdentityVariantWithoutDroppingTheEvent() {
        Principal userByArn = parseEdited(detail -> ((ObjectNode) detail.get("userIdentity")).remove("userName")).actor();
        assertThat(userByArn).as("IAMUser without userName: the user from the ARN")
                .isEqualTo(new Principal.IamUser("arn:aws:iam::111122223333:user/alice", "alice", Fixtures.ACCOUNT));
        Principal userWithPath = parseEdited(detail -> ((ObjectNode) detail.get("userIdentity")).put("arn",
                "arn:aws:iam::111122223333:user/division/team/alice").remove("userName")).actor();
        assertThat(((Principal.IamUser) userWithPath).userName()).isEqualTo("alice");
        Principal blankName = parseEdited(detail -> ((ObjectNode) detail.get("userIdentity")).put("userName", " ")).actor();
        assertThat(blankName).as("a blank userName names nobody: the user from the ARN")
                .isEqualTo(new Principal.IamUser("arn:aws:iam::111122223333:user/alice", "alice", Fixtures.ACCOUNT));
        Principal nameless = parseEdited(detail -> ((ObjectNode) detail.get("userIdentity")).remove(List.of("userName", "arn"))).actor();
        assertThat(nameless).as("reported, not guessed").isEqualTo(new Principal.Unknown("IAMUser", null));

        Principal rootWithoutArn = parseEdited(detail -> ((ObjectNode) detail.get("userIdentity")).put("type", "Root")
                .remove(List.of("arn", "userName"))).actor();
        assertThat(rootWithoutArn).isEqualTo(new Principal.Root(null, Fixtures.ACCOUNT));
        assertThat(rootWithoutArn.label()).isEqualTo("root");

        Principal service = parseEdited(detail -> ((ObjectNode) detail.get("userIdentity")).removeAll().put("type", "AWSService")).actor();
        assertThat(service).isEqualTo(new Principal.AwsService(null));
        assertThat(service.label()).isEqualTo("an unnamed AWS service");

        Principal crossAccount = parseEdited(detail -> ((ObjectNode) detail.get("userIdentity")).removeAll()
                .put("type", "AWSAccount").put("principalId", "AIDAEXAMPLEREMOTE001").put("accountId", "444455556666")).actor();
        assertThat(crossAccount).isEqualTo(new Principal.AwsAccount("444455556666", "AIDAEXAMPLEREMOTE001"));
        assertThat(crossAccount.label()).isEqualTo("account 444455556666 (principal AIDAEXAMPLEREMOTE001)");
        assertThat(crossAccount.identityArn()).isNull();
    }

    @Test
    void aDeployByCloudFormationIsKeptOnTheSession() {
        Principal role = event("unmanaged-key-created/finding/CreateAccessKey-assumed-role.json",
                detail -> ((ObjectNode) detail.get("userIdentity")).put("invokedBy", "cloudformation.amazonaws.com")).actor();

        assertThat(((Principal.AssumedRole) role).invokedBy()).isEqualTo("cloudformation.amazonaws.com");
    }

    @Test
    void anAssumedRoleNamedNowhereStillHasALabel() {
        Principal role = event("unmanaged-key-created/finding/CreateAccessKey-assumed-role.json", detail -> {
            ObjectNode identity = (ObjectNode) detail.get("userIdentity");
            identity.remove("sessionContext");
            identity.remove("arn");
        }).actor();

        assertThat(role.label()).as("alerts and finding facts print it").isEqualTo("unnamed role");
    }

    @Test
    void anAssumedRoleNamedByBlankArnsStillHasALabel() {
        Principal role = event("unmanaged-key-created/finding/CreateAccessKey-assumed-role.json", detail -> {
            ObjectNode identity = (ObjectNode) detail.get("userIdentity");
            ((ObjectNode) identity.path("sessionContext").path("sessionIssuer")).put("arn", "");
            identity.putNull("arn");
        }).actor();

        assertThat(role.label()).as("a burst is counted by it when nothing else names the caller").isEqualTo("unnamed role");
    }

    @Test
    void notJson() {
        assertMalformed(() -> EventParser.parse("{\"detail-type\": "), "not JSON: ");
        assertMalformed(() -> EventParser.parse(Arrays.copyOf(bytes(USER_ENVELOPE), 100)), "not JSON: ");
        assertMalformed(() -> EventParser.parse(new ByteArrayInputStream(new byte[] {(byte) 0xff, 0x00})), "not JSON: ");
    }

    @Test
    void everyInputFormFailsWithTheSameMessage() {
        String truncated = "{\"detail-type\": ";
        byte[] bytes = truncated.getBytes(StandardCharsets.UTF_8);
        String message = messageOf(() -> EventParser.parse(truncated));

        assertThat(message).startsWith("not JSON: ");
        assertThat(messageOf(() -> EventParser.parse(bytes))).isEqualTo(message);
        assertThat(messageOf(() -> EventParser.parse(new ByteArrayInputStream(bytes)))).isEqualTo(message);
    }

    @Test
    void aStreamThatFailsToReadIsMalformedNotJson() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertMalformed(() -> EventParser.parse(failing), "could not read the input: connection reset");
    }

    private static String messageOf(ThrowingCallable parse) {
        return assertThatThrownBy(parse).isInstanceOf(MalformedEventException.class).actual().getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            []                 | expected a JSON object, got array
            "text"             | expected a JSON object, got string
            ''                 | expected a JSON object, got nothing
            {"source":"aws.iam"} | neither an EventBridge envelope (detail-type, detail) nor a CloudTrail record (eventVersion, eventID)
            """)
    void notAnEventAtAll(String json, String message) {
        assertThatThrownBy(() -> EventParser.parse(json)).isInstanceOf(MalformedEventException.class).hasMessage(message);
    }

    @Test
    void envelopeProblems() {
        ObjectNode noDetail = envelope(USER_ENVELOPE);
        noDetail.remove("detail");
        ObjectNode textDetail = envelope(USER_ENVELOPE).put("detail", "{}");
        ObjectNode otherType = envelope(USER_ENVELOPE).put("detail-type", "EC2 Instance State-change Notification");
        ObjectNode noType = envelope(USER_ENVELOPE);
        noType.remove("detail-type");

        assertMalformedExactly(noDetail, "detail: expected an object, got nothing");
        assertMalformedExactly(textDetail, "detail: expected an object, got string");
        assertMalformed(otherType, "detail-type 'EC2 Instance State-change Notification' is not a CloudTrail event");
        assertMalformedExactly(noType, "detail-type: required field is missing");
    }

    @Test
    void recordProblemsNameTheField() {
        assertMalformedExactly(edited(d -> d.put("eventTime", "yesterday")), "detail.eventTime: not an ISO-8601 instant: 'yesterday'");
        assertMalformedExactly(edited(d -> d.put("eventName", 7)), "detail.eventName: expected a non-empty string, got number");
        assertMalformedExactly(edited(d -> d.put("eventID", "")), "detail.eventID: expected a non-empty string, got string");
        assertMalformedExactly(edited(d -> d.remove("recipientAccountId")), "detail.recipientAccountId: required field is missing");
        assertMalformedExactly(edited(d -> d.putNull("awsRegion")), "detail.awsRegion: required field is missing");
        assertMalformedExactly(edited(d -> d.remove("userIdentity")), "detail.userIdentity: expected an object, got nothing");
        assertMalformedExactly(edited(d -> d.putArray("userIdentity")), "detail.userIdentity: expected an object, got array");
        assertMalformedExactly(edited(d -> ((ObjectNode) d.get("userIdentity")).remove("type")),
                "detail.userIdentity.type: required field is missing");
        assertMalformedExactly(edited(d -> d.put("sourceIPAddress", 198)), "detail.sourceIPAddress: expected a string, got number");
        assertMalformedExactly(edited(d -> d.putArray("requestParameters")),
                "detail.requestParameters: expected an object or null, got array");
        assertMalformedExactly(edited(d -> d.put("responseElements", true)),
                "detail.responseElements: expected an object or null, got boolean");
    }

    @Test
    void bareRecordProblemsHaveNoDetailPrefix() {
        ObjectNode record = (ObjectNode) envelope(USER_ENVELOPE).get("detail");
        record.remove("eventName");

        assertMalformedExactly(record, "eventName: required field is missing");
    }

    private static void assertMalformedExactly(JsonNode json, String message) {
        assertThatThrownBy(() -> EventParser.parse(json.toString())).isInstanceOf(MalformedEventException.class).hasMessage(message);
    }

    private static void assertMalformed(JsonNode json, String messageStart) {
        assertMalformed(() -> EventParser.parse(json.toString()), messageStart);
    }

    private static void assertMalformed(ThrowingCallable parse, String messageStart) {
        assertThatThrownBy(parse).isInstanceOf(MalformedEventException.class).hasMessageStartingWith(messageStart);
    }

    private static Principal actor(String path) {
        return EventParser.parse(envelope(path)).actor();
    }

    private static ObjectNode edited(Consumer<ObjectNode> editDetail) {
        return envelope(USER_ENVELOPE, editDetail);
    }

    private static CloudTrailEvent parseEdited(Consumer<ObjectNode> editDetail) {
        return EventParser.parse(edited(editDetail));
    }

    private static byte[] bytes(String path) {
        try {
            return Files.readAllBytes(Fixtures.eventsDir().resolve(path));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
