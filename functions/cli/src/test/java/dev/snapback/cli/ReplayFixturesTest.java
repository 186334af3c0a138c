package dev.snapback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Detectors;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Decision;
import dev.snapback.policy.Evaluator;
import dev.snapback.model.Outcome;
import dev.snapback.remediate.PageOnBurst;
import dev.snapback.remediate.Remediation;
import dev.snapback.remediate.RemediationExecutor;
import dev.snapback.testing.Fixture;
import dev.snapback.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * The replay over the bundled {@code events/} with the example configuration: its counts are what the fixture
 * folders and sidecars say, its machine output carries every finding's CloudTrail eventID, and {@code --apply}
 * hands exactly the REMEDIATE decisions to the executor.
 */
class ReplayFixturesTest {

    /** The account of every fixture event (recipientAccountId), as the credentials' own. */
    private static final String FIXTURE_ACCOUNT = "111122223333";

    @TempDir
    Path dir;

    private static String events() {
        return Fixtures.eventsDir().toString();
    }

    private static String config() {
        return Fixtures.root().resolve("examples/snapback-config.json").toString();
    }

    private static final Evaluator EVALUATOR = new Evaluator(Fixtures.config(), Fixtures.config().detectors());

    /**
     * What the folders and sidecars say each detector's row must show. A fixture of one detector's folder that another
     * detector's pattern also covers (root's call, watched by {@code root-activity} too) counts for that one as the
     * evaluator assesses it.
     */
    record Expected(long matched, long ignored, Map<String, Long> actions, long counted) {
        static Map<String, Expected> fromFixtures() {
            Map<String, Long> counted = countedByDetector();
            Map<String, Expected> out = new HashMap<>();
            for (DetectorSpec spec : Detectors.SPECS) {
                long matched = 0;
                long ignored = 0;
                Map<String, Long> actions = new HashMap<>();
                for (Fixture fixture : Fixtures.all()) {
                    if (!fixture.detectorId().equals(spec.id())) {
                        Optional<Assessment> also = alsoAssessed(spec, fixture);
                        if (also.isEmpty()) continue;
                        matched++;
                        switch (also.get()) {
                            case Assessment.Ignored i -> ignored++;
                            case Assessment.Decided decided -> decided.decisions()
                                    .forEach(d -> actions.merge(d.action().name().toLowerCase(), 1L, Long::sum));
                        }
                        continue;
                    }
                    switch (fixture.expectation()) {
                        case IGNORED_BY_PATTERN -> { }
                        case IGNORED_BY_DETECTOR -> {
                            matched++;
                            ignored++;
                        }
                        case FINDING -> {
                            matched++;
                            fixture.expected().get("findings")
                                    .forEach(f -> actions.merge(f.get("action").asText().toLowerCase(), 1L, Long::sum));
                        }
                    }
                }
                long notPaged = counted.getOrDefault(spec.id(), 0L);
                actions.merge("page", -notPaged, Long::sum);
                out.put(spec.id(), new Expected(matched, ignored, actions, notPaged));
            }
            return out;
        }

        /**
         * A burst's findings page once per window, through the one that reaches the threshold; the others are
         * counted. Grouped here by detector, key and window, apart from the replay's own tally.
         */
        private static Map<String, Long> countedByDetector() {
            Map<List<Object>, Long> windows = new HashMap<>();
            for (Fixture fixture : Fixtures.all()) {
                CloudTrailEvent event = EventParser.parse(fixture.bytes());
                for (Assessment assessment : EVALUATOR.assess(event)) {
                    if (!(assessment instanceof Assessment.Decided decided)) continue;
                    for (Decision decision : decided.decisions()) {
                        if (decision.finding().proposed() instanceof PageOnBurst burst && decision.action() == Decision.Action.PAGE) {
                            windows.merge(List.of(decided.detectorId(), burst.key(), burst.windowStart(event.time()),
                                    burst.threshold()), 1L, Long::sum);
                        }
                    }
                }
            }
            Map<String, Long> counted = new HashMap<>();
            windows.forEach((window, findings) -> counted.merge((String) window.get(0),
                    findings - (findings >= (Integer) window.get(3) ? 1 : 0), Long::sum));
            return counted;
        }
    }

    /** How a detector assesses a fixture of another detector's folder that its pattern covers. */
    private static Optional<Assessment> alsoAssessed(DetectorSpec spec, Fixture fixture) {
        CloudTrailEvent event = EventParser.parse(fixture.bytes());
        if (spec.patterns().stream().noneMatch(p -> p.covers(event))) return Optional.empty();
        return EVALUATOR.assess(event).stream().filter(a -> a.detectorId().equals(spec.id())).findFirst();
    }

    @Test
    void summaryCountsAreWhatTheFixturesExpect() {
        ReplayRun run = ReplayRun.of("replay", "--config", config(), "--format", "json", events());

        assertThat(run.exit()).as(run.err()).isZero();
        assertCounts(run.summary());
        List<Fixture> findings = Fixtures.all().stream().filter(f -> f.expectation() == Fixture.Expectation.FINDING).toList();
        assertThat(run.summary().get("otherFiles").asLong()).as("the .expected and .present sidecars")
                .isEqualTo(findings.size() + findings.stream().filter(f -> f.present().isPresent()).count());
    }

    @Test
    void theSameRecordsAsS3LogFilesGiveTheSameCounts() throws IOException {
        List<ObjectNode> records = Fixtures.all().stream().map(f -> (ObjectNode) f.json().get("detail")).toList();
        int half = records.size() / 2;
        ReplayInputsTest.write(dir.resolve("AWSLogs/a.json.gz"), ReplayInputsTest.s3Log(records.subList(0, half)), true);
        ReplayInputsTest.write(dir.resolve("AWSLogs/b.json"), ReplayInputsTest.s3Log(records.subList(half, records.size())), false);

        ReplayRun run = ReplayRun.of("replay", "--config", config(), "--format", "json", dir.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertCounts(run.summary());
    }

    private static void assertCounts(JsonNode summary) {
        assertThat(summary.get("records").asLong()).isEqualTo(Fixtures.all().size());
        Expected.fromFixtures().forEach((id, expected) -> {
            JsonNode row = summary.at("/detectors/" + id);
            assertThat(row.get("matched").asLong()).as("%s matched", id).isEqualTo(expected.matched());
            assertThat(row.get("ignored").asLong()).as("%s ignored", id).isEqualTo(expected.ignored());
            assertThat(row.get("counted").asLong()).as("%s counted", id).isEqualTo(expected.counted());
            for (String action : List.of("remediate", "page", "dry_run", "exempt", "off")) {
                assertThat(row.get(action).asLong()).as("%s %s", id, action).isEqualTo(expected.actions().getOrDefault(action, 0L));
            }
        });
    }

    @Test
    void aBurstSpreadOverFilesPagesOnceWhenItReachesItsThresholdInEventTimeOrder() throws IOException {
        ObjectNode failed = (ObjectNode) Fixtures.all().stream()
                .filter(f -> f.path().endsWith("console-login-without-mfa/finding/ConsoleLogin-failed-password.json"))
                .findFirst().orElseThrow().json().get("detail");
        List<ObjectNode> records = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            // The third by event time is in the second file, read in whatever order.
            records.add(failed.deepCopy().put("eventID", "b0000000-0000-4000-8000-00000000000" + n)
                    .put("eventTime", "2026-11-28T03:0" + n + ":00Z"));
        }
        ReplayInputsTest.write(dir.resolve("a.json"), ReplayInputsTest.s3Log(List.of(records.get(0), records.get(4), records.get(1))), false);
        ReplayInputsTest.write(dir.resolve("b.json"), ReplayInputsTest.s3Log(List.of(records.get(3), records.get(2))), false);
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"signInFailureThreshold\": 3}");

        List<JsonNode> lines = ReplayRun.of("replay", "--config", config.toString(), "--format", "ndjson",
                dir.resolve("a.json").toString(), dir.resolve("b.json").toString()).ndjson();

        assertThat(lines).extracting(l -> l.get("action").asText()).containsExactly("COUNTED", "COUNTED", "PAGE", "COUNTED", "COUNTED");
        assertThat(lines.get(2).get("eventID").asText()).isEqualTo("b0000000-0000-4000-8000-000000000002");
        assertThat(lines.get(2).get("reason").asText()).startsWith("3 failed console sign-ins from 198.51.100.23 in the 15 minutes"
                + " from 2026-11-28T03:00:00Z: as bob");
        assertThat(lines.get(3).get("reason").asText()).contains("which has paged already");
    }

    @Test
    void ndjsonHasOneLinePerFindingWithItsEventIdAndJsonHasTheSameDecisions() {
        Map<String, Integer> findingsByEventId = new HashMap<>();
        for (Fixture fixture : Fixtures.all()) {
            String eventId = fixture.json().at("/detail/eventID").asText();
            if (fixture.expectation() == Fixture.Expectation.FINDING) {
                findingsByEventId.merge(eventId, fixture.expected().get("findings").size(), Integer::sum);
            }
            for (DetectorSpec other : Detectors.SPECS) {
                if (other.id().equals(fixture.detectorId())) continue;
                alsoAssessed(other, fixture).filter(Assessment.Decided.class::isInstance)
                        .ifPresent(a -> findingsByEventId.merge(eventId, ((Assessment.Decided) a).decisions().size(), Integer::sum));
            }
        }
        ReplayRun ndjson = ReplayRun.of("replay", "--config", config(), "--format", "ndjson", events());
        List<JsonNode> lines = ndjson.ndjson();

        Map<String, Integer> linesByEventId = new HashMap<>();
        for (JsonNode line : lines) {
            linesByEventId.merge(line.get("eventID").asText(), 1, Integer::sum);
            for (String field : List.of("eventTime", "account", "region", "detector", "severity", "title", "action", "actor")) {
                assertThat(line.get(field).asText()).as("%s of %s", field, line).isNotBlank();
            }
            assertThat(line.at("/remediation/type").asText()).isNotBlank();
            assertThat(line.at("/remediation/describe").asText()).isNotBlank();
            assertThat(line.at("/resource/id").asText()).isNotBlank();
            assertThat(line.has("sourceIp")).isTrue();
        }
        assertThat(linesByEventId).isEqualTo(findingsByEventId);

        JsonNode json = ReplayRun.of("replay", "--config", config(), "--format", "json", events()).json();
        assertThat(StreamSupport.stream(json.get("decisions").spliterator(), false).toList()).isEqualTo(lines);
        assertThat(lines).extracting(l -> l.get("eventTime").asText()).isSorted();
    }

    @Test
    void textShowsTheTableAndEveryDecision() {
        ReplayRun run = ReplayRun.of("replay", "--config", config(), events());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("DETECTOR", "MATCHED", "REMEDIATE", "IGNORED", "dry run: nothing was changed");
        Detectors.SPECS.forEach(spec -> assertThat(run.out()).containsPattern("(?m)^" + spec.id() + " +\\d+"));
        long decisions = Expected.fromFixtures().values().stream()
                .mapToLong(e -> e.counted() + e.actions().values().stream().mapToLong(Long::longValue).sum()).sum();
        assertThat(run.out()).contains("Decisions (" + decisions + ")");
        assertThat(run.out().lines().filter(l -> l.startsWith("    -> ")).count()).isEqualTo(decisions);
        Detectors.SPECS.forEach(spec -> assertThat(reasonLinesTotal(run.out(), spec.id()))
                .as("ignored reasons of %s add up to its IGNORED column", spec.id())
                .isEqualTo(ignoredColumn(run.out(), spec.id())));
    }

    private static long ignoredColumn(String text, String detector) {
        return text.lines().filter(l -> l.startsWith(detector + " ")).findFirst()
                .map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).orElseThrow();
    }

    private static long reasonLinesTotal(String text, String detector) {
        return text.lines().filter(l -> l.startsWith("  " + detector + " "))
                .mapToLong(l -> Long.parseLong(l.substring(2 + detector.length()).strip().split(" ")[0])).sum();
    }

    /** Remembers what it was asked to do and answers with the given outcome. */
    static final class RecordingExecutor implements RemediationExecutor {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        private final Outcome outcome;

        RecordingExecutor(Outcome outcome) {
            this.outcome = outcome;
        }

        @Override
        public Outcome execute(Remediation remediation, CloudTrailEvent cause) {
            calls.add(cause.eventId() + " " + remediation.describe());
            return outcome;
        }
    }

    private List<String> remediateDecisions() {
        return ReplayRun.of("replay", "--config", config(), "--format", "ndjson", events()).ndjson().stream()
                .filter(l -> l.get("action").asText().equals("REMEDIATE"))
                .map(l -> l.get("eventID").asText() + " " + l.at("/remediation/describe").asText()).toList();
    }

    @Test
    void applyWithYesExecutesExactlyTheRemediateDecisions() {
        RecordingExecutor executor = new RecordingExecutor(new Outcome.Remediated(List.of("done"), List.of("undo")));
        ReplayRun run = ReplayRun.of(false, "", () -> new Caller(FIXTURE_ACCOUNT, executor), "replay", "--config", config(), "--apply", "--yes", events());

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> expected = remediateDecisions();
        assertThat(expected).isNotEmpty();
        assertThat(executor.calls).containsExactlyElementsOf(expected);
        assertThat(run.err()).contains(expected.size() + " remediations to apply").contains("remediated: ");
    }

    @Test
    void applyAsksFirstAndDoesNothingUnlessTheAnswerIsYes() {
        RecordingExecutor executor = new RecordingExecutor(new Outcome.Remediated(List.of(), List.of()));
        ReplayRun declined = ReplayRun.of(true, "no\n", () -> new Caller(FIXTURE_ACCOUNT, executor), "replay", "--config", config(), "--apply", events());
        assertThat(declined.exit()).isZero();
        assertThat(declined.err()).contains("Apply them now in account " + FIXTURE_ACCOUNT).contains("Type 'yes' to continue")
                .contains("not applied");
        assertThat(executor.calls).isEmpty();

        ReplayRun confirmed = ReplayRun.of(true, "yes\n", () -> new Caller(FIXTURE_ACCOUNT, executor), "replay", "--config", config(), "--apply", events());
        assertThat(confirmed.exit()).isZero();
        assertThat(executor.calls).containsExactlyElementsOf(remediateDecisions());
    }

    @Test
    void onlyTheCredentialsOwnAccountIsRemediatedAndTheOthersAreCountedAndExitThree() throws IOException {
        String other = "444455556666";
        List<ObjectNode> records = Fixtures.all().stream().map(f -> (ObjectNode) f.json().get("detail").deepCopy()).toList();
        int half = records.size() / 2;
        records.subList(half, records.size()).forEach(r -> r.put("recipientAccountId", other));
        ReplayInputsTest.write(dir.resolve("AWSLogs/mixed.json"), ReplayInputsTest.s3Log(records), false);
        List<JsonNode> remediate = ReplayRun.of("replay", "--config", config(), "--format", "ndjson", dir.toString()).ndjson().stream()
                .filter(l -> l.get("action").asText().equals("REMEDIATE")).toList();
        List<String> own = remediate.stream().filter(l -> l.get("account").asText().equals(FIXTURE_ACCOUNT))
                .map(l -> l.get("eventID").asText() + " " + l.at("/remediation/describe").asText()).toList();
        long elsewhere = remediate.stream().filter(l -> l.get("account").asText().equals(other)).count();
        assertThat(own).isNotEmpty();
        assertThat(elsewhere).isPositive();

        RecordingExecutor executor = new RecordingExecutor(new Outcome.Remediated(List.of("done"), List.of("undo")));
        ReplayRun run = ReplayRun.of(false, "", () -> new Caller(FIXTURE_ACCOUNT, executor),
                "replay", "--config", config(), "--apply", "--yes", dir.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(ReplayCommand.NOT_ALL_APPLIED);
        assertThat(executor.calls).containsExactlyElementsOf(own);
        assertThat(run.err().lines().filter(l -> l.startsWith("snapback: not applied: event is for account " + other
                + ", credentials are for account " + FIXTURE_ACCOUNT))).hasSize((int) elsewhere);
        assertThat(run.err()).contains(elsewhere + " of " + remediate.size() + " remediations not applied")
                .contains(own.size() + " remediations to apply in account " + FIXTURE_ACCOUNT);
    }

    @Test
    void aFailedRemediationExitsThreeAndTheRestAreStillTried() {
        RecordingExecutor failing = new RecordingExecutor(new Outcome.Failed("UnauthorizedOperation"));
        ReplayRun run = ReplayRun.of(false, "", () -> new Caller(FIXTURE_ACCOUNT, failing), "replay", "--config", config(), "--apply", "--yes", events());

        assertThat(run.exit()).isEqualTo(ReplayCommand.NOT_ALL_APPLIED);
        assertThat(failing.calls).hasSameSizeAs(remediateDecisions());
        assertThat(run.err()).contains("failed: ").contains("(UnauthorizedOperation)")
                .contains(failing.calls.size() + " of " + failing.calls.size() + " remediations failed");

        ReplayRun throwing = ReplayRun.of(false, "", () -> new Caller(FIXTURE_ACCOUNT, (remediation, cause) -> {
            throw new IllegalStateException("no credentials");
        }), "replay", "--config", config(), "--apply", "--yes", events());
        assertThat(throwing.exit()).isEqualTo(ReplayCommand.NOT_ALL_APPLIED);
        assertThat(throwing.err()).contains("IllegalStateException: no credentials");
    }
}
