package dev.snapback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.detect.EventPattern;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every input shape the replay reads, and every way an input can be bad. */
class ReplayInputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Three calls: one a rule delivers, one a rule names but does not deliver (it failed), one nobody names. */
    static final List<ObjectNode> RECORDS = List.of(
            record("e-1", "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", null),
            record("e-2", "iam.amazonaws.com", "CreateAccessKey", "AccessDenied"),
            record("e-3", "ec2.amazonaws.com", "DescribeInstances", null));

    enum Shape {
        S3_LOG("trail.json", false) {
            String render(List<ObjectNode> records) { return s3Log(records); }
        },
        S3_LOG_GZ("trail.json.gz", true) {
            String render(List<ObjectNode> records) { return s3Log(records); }
        },
        ENVELOPE_PER_FILE("envelope-%d.json", false) {
            String render(List<ObjectNode> records) { throw new UnsupportedOperationException(); }
        },
        RECORD_LINES("records.jsonl", false) {
            String render(List<ObjectNode> records) { return lines(records.stream().map(JsonNode::toString)); }
        },
        ENVELOPE_LINES_GZ("envelopes.ndjson.gz", true) {
            String render(List<ObjectNode> records) { return lines(records.stream().map(r -> envelope(r).toString())); }
        },
        S3_LOG_LINES_GZ("logs.jsonl.gz", true) {
            String render(List<ObjectNode> records) { return lines(records.stream().map(r -> s3Log(List.of(r)))); }
        };

        final String name;
        final boolean gzip;

        Shape(String name, boolean gzip) {
            this.name = name;
            this.gzip = gzip;
        }

        abstract String render(List<ObjectNode> records);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void readsEveryInputShape(Shape shape) throws IOException {
        if (shape == Shape.ENVELOPE_PER_FILE) {
            for (int i = 0; i < RECORDS.size(); i++) write(dir.resolve(shape.name.formatted(i)), envelope(RECORDS.get(i)).toString(), false);
        } else {
            write(dir.resolve(shape.name), shape.render(RECORDS), shape.gzip);
        }
        ReplayRun run = ReplayRun.of("replay", "--format", "json", dir.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode summary = run.summary();
        assertThat(summary.get("records").asLong()).isEqualTo(3);
        assertThat(summary.get("malformedRecords").asLong()).isZero();
        JsonNode sg = summary.at("/detectors/security-group-opened");
        assertThat(sg.get("seen").asLong()).isEqualTo(1);
        assertThat(sg.get("matched").asLong()).isEqualTo(1);
        JsonNode keys = summary.at("/detectors/unmanaged-key-created");
        assertThat(keys.get("seen").asLong()).as("the failed CreateAccessKey is named").isEqualTo(1);
        assertThat(keys.get("matched").asLong()).as("but its rule does not deliver it").isZero();
        assertThat(run.err()).as("only the one-line summary of machine formats")
                .startsWith("snapback: replayed 3 records").doesNotContain("skipped").hasLineCount(1);
    }

    /**
     * The scan reads no caller it need not: it searches a skipped userIdentity's bytes for "Root". A root caller
     * spelled with escapes is still found; a user named Root is not a root caller, nor is root's call made by a service.
     */
    @Test
    void rootCallersAreFoundInTheBytesOfTheirIdentity() throws IOException {
        ObjectNode escaped = record("e-1", "ec2.amazonaws.com", "DescribeInstances", null);
        ((ObjectNode) escaped.get("userIdentity")).put("type", "ROOT_TYPE");
        ObjectNode namedRoot = record("e-2", "ec2.amazonaws.com", "DescribeInstances", null);
        ((ObjectNode) namedRoot.get("userIdentity")).put("type", "IAMUser").put("userName", "Root");
        ObjectNode onRootsBehalf = record("e-3", "ec2.amazonaws.com", "DescribeInstances", null);
        ((ObjectNode) onRootsBehalf.get("userIdentity")).put("type", "Root").put("invokedBy", "ec2.amazonaws.com");
        ObjectNode root = record("e-4", "ec2.amazonaws.com", "DescribeInstances", null);
        ((ObjectNode) root.get("userIdentity")).put("type", "Root");
        write(dir.resolve("trail.json.gz"), s3Log(List.of(escaped, namedRoot, onRootsBehalf, root))
                .replace("\"ROOT_TYPE\"", "\"R\\u006f\\u006ft\""), true);

        ReplayRun run = ReplayRun.of("replay", "--format", "json", dir.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode rootActivity = run.summary().at("/detectors/root-activity");
        assertThat(rootActivity.get("seen").asLong()).as(rootActivity.toString()).isEqualTo(2);
        assertThat(rootActivity.get("matched").asLong()).isEqualTo(2);
        assertThat(run.json().get("decisions")).extracting(d -> d.get("eventID").asText()).containsExactly("e-1", "e-4");
    }

    @Test
    void directoriesSkipOtherFilesButNamedFilesAreRead() throws IOException {
        write(dir.resolve("a/trail.json"), s3Log(RECORDS), false);
        write(dir.resolve("a/trail.expected"), "{}", false);
        write(dir.resolve("a/b/notes.txt"), "hello", false);
        Path named = dir.resolve("export.log");
        write(named, lines(RECORDS.stream().map(JsonNode::toString)), false);

        JsonNode summary = ReplayRun.of("replay", "--format", "json", dir.resolve("a").toString(), named.toString()).summary();

        assertThat(summary.get("files").asLong()).isEqualTo(2);
        assertThat(summary.get("otherFiles").asLong()).isEqualTo(2);
        assertThat(summary.get("records").asLong()).isEqualTo(6);
    }

    @Test
    void badInputsAreReportedWithPathAndPositionAndTheGoodOnesStillCount() throws IOException {
        write(dir.resolve("good.json.gz"), s3Log(RECORDS), true);
        write(dir.resolve("not-gzip.json.gz"), s3Log(RECORDS), false);
        byte[] gz = gzip(s3Log(RECORDS));
        Files.write(dir.resolve("truncated-gzip.json.gz"), Arrays.copyOf(gz, gz.length / 2));
        String log = s3Log(RECORDS);
        write(dir.resolve("truncated.json"), log.substring(0, log.length() - 40), false);
        write(dir.resolve("wrong-shape.jsonl"), String.join("\n",
                "[1, [2]]",
                "{\"Records\": \"none\"}",
                "{\"Records\": [7, " + RECORDS.get(0) + "]}",
                "{\"hello\": \"world\"}",
                "{\"eventSource\": \"ec2.amazonaws.com\", \"eventName\": \"AuthorizeSecurityGroupIngress\"}",
                "{\"note\": {\"Records\": 1}, \"Records\": [" + RECORDS.get(0) + "], \"after\": true}"), false);

        ReplayRun run = ReplayRun.of("replay", "--format", "json", dir.toString());

        assertThat(run.exit()).isEqualTo(ReplayCommand.SKIPPED);
        JsonNode summary = run.summary();
        assertThat(summary.get("failedFiles").asLong()).isEqualTo(3);
        assertThat(summary.get("malformedRecords").asLong()).isEqualTo(6);
        assertThat(summary.at("/detectors/security-group-opened/matched").asLong())
                .as("good.json.gz, the records of truncated.json before the cut, the good records in wrong-shape.jsonl")
                .isEqualTo(4);
        assertThat(run.err())
                .contains(dir.resolve("not-gzip.json.gz") + ": byte 0: Not in GZIP format (rest of file skipped)")
                .containsPattern("truncated-gzip.json.gz: record #\\d+ at line 1, column \\d+, byte \\d+: Unexpected end of ZLIB input stream")
                .containsPattern("truncated.json: record #2 at line 1, column \\d+, byte \\d+: not valid JSON: Unexpected end-of-input")
                .contains("wrong-shape.jsonl: record #0 at line 1, column 2, byte 1: array of records: expected a JSON object, got a number (record skipped)")
                .contains("wrong-shape.jsonl: record #1 at line 1, column 5, byte 4: array of records: expected a JSON object, got an array (record skipped)")
                .contains("wrong-shape.jsonl: record #2 at line 2, column 13, byte 21: Records: expected an array, got a string")
                .containsPattern("wrong-shape.jsonl: record #3 at line 3, column \\d+, byte \\d+: Records: expected a JSON object, got a number")
                .contains("wrong-shape.jsonl: record #5 at line 4")
                .contains("neither a CloudTrail record")
                .containsPattern("wrong-shape.jsonl: record #6 at line 5.*eventTime: required field is missing")
                .contains("snapback: skipped 6 malformed records and 3 unreadable files");
    }

    @Test
    void usageAndConfigurationErrorsExitTwoBeforeReplaying() throws IOException {
        write(dir.resolve("trail.json"), s3Log(RECORDS), false);
        Path badConfig = dir.resolve("config.json");
        write(badConfig, "{\"modes\": {\"no-such-detector\": \"off\"}}", false);

        assertThat(ReplayRun.of("replay", dir.resolve("missing").toString()).exit()).isEqualTo(ReplayCommand.USAGE);
        ReplayRun config = ReplayRun.of("replay", "--config", badConfig.toString(), dir.resolve("trail.json").toString());
        assertThat(config.exit()).isEqualTo(ReplayCommand.USAGE);
        assertThat(config.err()).contains("modes.no-such-detector");
        assertThat(ReplayRun.of("replay", "--format", "xml", dir.toString()).exit()).isEqualTo(ReplayCommand.USAGE);
        assertThat(ReplayRun.of("replay").exit()).isEqualTo(ReplayCommand.USAGE);
        ReplayRun unattended = ReplayRun.of("replay", "--apply", dir.toString());
        assertThat(unattended.exit()).isEqualTo(ReplayCommand.USAGE);
        assertThat(unattended.out()).isEmpty();
        assertThat(unattended.err()).contains("refusing --apply without a terminal");
    }

    static ObjectNode record(String eventId, String eventSource, String eventName, String errorCode) {
        ObjectNode record = JSON.createObjectNode().put("eventVersion", "1.09");
        ObjectNode identity = record.putObject("userIdentity").put("type", "AssumedRole")
                .put("principalId", "AROAEXAMPLE:alice").put("arn", "arn:aws:sts::111122223333:assumed-role/admin/alice")
                .put("accountId", "111122223333").put("accessKeyId", "ASIAEXAMPLE");
        identity.putObject("sessionContext").putObject("sessionIssuer").put("type", "Role")
                .put("arn", "arn:aws:iam::111122223333:role/admin").put("userName", "admin");
        record.put("eventTime", "2026-03-01T12:00:00Z").put("eventSource", eventSource).put("eventName", eventName)
                .put("awsRegion", "us-east-1").put("sourceIPAddress", "203.0.113.7").put("userAgent", "aws-cli/2.15.0");
        if (errorCode != null) record.put("errorCode", errorCode).put("errorMessage", "not allowed");
        record.putObject("requestParameters").put("groupId", "sg-0123456789abcdef0");
        record.putNull("responseElements");
        return record.put("eventID", eventId).put("eventType", "AwsApiCall").put("recipientAccountId", "111122223333");
    }

    static ObjectNode envelope(ObjectNode record) {
        String eventName = record.get("eventName").asText();
        ObjectNode envelope = JSON.createObjectNode().put("version", "0").put("id", "env-" + record.get("eventID").asText())
                .put("detail-type", EventPattern.detailTypeOf(eventName)).put("source", EventPattern.sourceOf(record.get("eventSource").asText()))
                .put("account", "111122223333").put("time", record.get("eventTime").asText()).put("region", "us-east-1");
        envelope.putArray("resources");
        envelope.set("detail", record);
        return envelope;
    }

    static String s3Log(List<ObjectNode> records) {
        return "{\"Records\":[" + records.stream().map(JsonNode::toString).collect(Collectors.joining(",")) + "]}";
    }

    static String lines(java.util.stream.Stream<String> lines) {
        return lines.collect(Collectors.joining("\n", "", "\n"));
    }

    static void write(Path file, String content, boolean gzip) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, gzip ? gzip(content) : content.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gzip(String content) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
