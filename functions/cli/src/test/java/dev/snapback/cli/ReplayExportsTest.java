package dev.snapback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * History exported from other tools ({@code examples/exports/}: CloudTrail Lake, Athena, a flattened SIEM export,
 * Panther) replays to exactly the decisions of the same three CloudTrail records in CloudTrail's own shape, and the
 * report says which exported forms it read. What is really malformed is still rejected with the usual message.
 */
class ReplayExportsTest {

    private static final List<String> CANONICAL = List.of(
            "security-group-opened/finding/AuthorizeSecurityGroupIngress-ipv4-world-ssh.json",
            "mfa-deactivated/finding/DeactivateMFADevice-iam-user-own-device.json",
            "unmanaged-key-created/finding/CreateAccessKey-iam-user-for-other-user.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            cloudtrail-lake.jsonl  | spaced_time=3
            athena.jsonl           | spaced_time=3, lower_case_names=3, json_string_fields=3
            siem-flattened.ndjson  | epoch_millis_time=3, flattened_names=3
            panther.json           | spaced_time=3
            """)
    void anExportReplaysToTheDecisionsOfCloudTrailsOwnRecords(String export, String forms) {
        ReplayRun run = ReplayRun.of("replay", "--config", config(), "--format", "json", exports().resolve(export).toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(decisions(run)).isEqualTo(decisions(canonical()));
        assertThat(run.summary().get("normalisedRecords").asLong()).isEqualTo(3);
        assertThat(run.summary().get("normalised").toString()).isEqualTo(expectedForms(forms));
    }

    @Test
    void theTextReportSaysWhatItReadFromExportedForms() {
        ReplayRun run = ReplayRun.of("replay", "--config", config(), exports().resolve("athena.jsonl").toString());

        assertThat(run.out()).contains("Read from exported forms: 3 records (eventTime as 'yyyy-MM-dd HH:mm:ss[.fraction]'"
                + " (UTC): 3, lower-case field names: 3, requestParameters or responseElements as a JSON string: 3).");
        assertThat(canonical().out()).as("CloudTrail's own shape needs no note").doesNotContain("exported forms");
    }

    @Test
    void whatIsReallyMalformedIsStillRejectedWithTheUsualMessage() throws IOException {
        List<ObjectNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(exports().resolve("athena.jsonl"))) records.add((ObjectNode) JSON.readTree(line));
        records.get(0).put("eventtime", "yesterday");
        records.get(1).put("requestparameters", "userName=alice");
        Path file = dir.resolve("damaged.jsonl");
        Files.writeString(file, String.join("\n", records.stream().map(JsonNode::toString).toList()) + "\n");

        ReplayRun run = ReplayRun.of("replay", "--config", config(), "--format", "json", file.toString());

        assertThat(run.exit()).isEqualTo(ReplayCommand.SKIPPED);
        assertThat(run.err()).contains("record #0 at line 1").contains("eventTime: not an ISO-8601 instant: 'yesterday'")
                .contains("record #1 at line 2").contains("requestParameters: expected an object or null, got string");
        assertThat(run.summary().get("malformedRecords").asLong()).isEqualTo(2);
        assertThat(run.json().get("decisions")).hasSize(1);
    }

    @Test
    void aRecordAsAnExportWritesAnEmptyErrorColumnIsNotAFailedCall() throws IOException {
        Path file = dir.resolve("nulls.jsonl");
        ObjectNode record = (ObjectNode) Fixtures.all().stream()
                .filter(f -> f.path().endsWith(CANONICAL.getFirst())).findFirst().orElseThrow().json().get("detail");
        record.putNull("errorCode").putNull("errorMessage");
        Files.writeString(file, record + "\n");

        ReplayRun run = ReplayRun.of("replay", "--config", config(), "--format", "json", file.toString());

        assertThat(run.summary().at("/detectors/security-group-opened/matched").asLong()).isEqualTo(1);
        assertThat(run.json().get("decisions")).hasSize(1);
    }

    @Test
    void aRecordWithOnlySomeNamesLowerCasedKeepsTheCanonicalOnes() throws IOException {
        Path file = dir.resolve("mixed.jsonl");
        ObjectNode record = (ObjectNode) Fixtures.all().stream()
                .filter(f -> f.path().endsWith(CANONICAL.getFirst())).findFirst().orElseThrow().json().get("detail");
        record.set("eventname", record.remove("eventName"));
        Files.writeString(file, record + "\n");

        ReplayRun run = ReplayRun.of("replay", "--config", config(), "--format", "json", file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.summary().at("/detectors/security-group-opened/matched").asLong()).isEqualTo(1);
        assertThat(run.summary().get("normalised").toString()).isEqualTo("{\"lower_case_names\":1}");
    }

    private ReplayRun canonical() {
        List<String> args = new ArrayList<>(List.of("replay", "--config", config(), "--format", "json"));
        CANONICAL.forEach(path -> args.add(Fixtures.eventsDir().resolve(path).toString()));
        return ReplayRun.of(args.toArray(String[]::new));
    }

    /** What a decision is, without where it was read from. */
    private static List<Map<String, String>> decisions(ReplayRun run) {
        List<Map<String, String>> out = new ArrayList<>();
        for (JsonNode d : run.json().get("decisions")) {
            out.add(Map.of("eventID", d.get("eventID").asText(), "eventTime", d.get("eventTime").asText(),
                    "detector", d.get("detector").asText(), "action", d.get("action").asText(),
                    "remediation", d.at("/remediation/describe").asText(), "actor", d.get("actor").asText()));
        }
        return out;
    }

    private static String expectedForms(String forms) {
        StringBuilder json = new StringBuilder("{");
        for (String form : forms.split(",\\s*")) {
            String[] pair = form.split("=");
            if (json.length() > 1) json.append(',');
            json.append('"').append(pair[0]).append("\":").append(pair[1]);
        }
        return json.append('}').toString();
    }

    private static Path exports() {
        return Fixtures.root().resolve("examples/exports");
    }

    private static String config() {
        return Fixtures.root().resolve("examples/snapback-config.json").toString();
    }
}
