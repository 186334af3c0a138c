package dev.snapback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snapback.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replay report of {@code events/} in each format, pinned byte for byte apart from how long it took: a refactoring
 * must leave every decision, reason and line as it was. After a change meant to alter decisions (a new fixture, a new
 * detector), rewrite the pinned reports with {@code -Dsnapback.golden.update=true} and review their diff.
 */
class ReplayGoldenTest {

    private static final Path PINNED = Fixtures.root().resolve("functions/cli/src/test/resources/golden");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text", "json", "ndjson"})
    void theReportOfTheFixturesIsUnchanged(String format) throws IOException {
        ReplayRun run = ReplayRun.of("replay", "--config", Fixtures.root().resolve("examples/snapback-config.json").toString(),
                "--format", format, Fixtures.eventsDir().toString());
        String report = withoutTimings(run.out());
        Path pinned = PINNED.resolve("replay-events." + format);
        if (Boolean.getBoolean("snapback.golden.update")) Files.writeString(pinned, report);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(report).isEqualTo(Files.readString(pinned));
    }

    /** The run's duration is the one thing that may differ: "in 0.4 s" in the text, "seconds" in JSON. */
    private static String withoutTimings(String report) {
        return report.replaceFirst(" in \\d+(\\.\\d+)? s ", " in (time) s ")
                .replaceFirst("\"seconds\" : \\d+(\\.\\d+)?", "\"seconds\" : (time)");
    }
}
