package dev.snapback.detect;

import static dev.snapback.detect.DetectorAssertions.onlyFinding;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Edge cases of {@link RootActivityDetector} beyond the fixtures: what the page says, and when it is lowered. */
class RootActivityDetectorTest {

    private static final String SIGN_IN = "root-activity/finding/ConsoleLogin-root-without-mfa.json";
    private static final String CALL = "root-activity/finding/RunInstances-root-eu-west-1.json";
    private static final String IN_WINDOW = "root-activity/finding/CreateUser-root-in-break-glass-window.json";

    private final RootActivityDetector detector = new RootActivityDetector(Fixtures.config().settings(RootSettings.class));

    @Test
    void thePageSaysWhereFromWithWhatAndWhetherMfaWasUsed() {
        Finding signIn = onlyFinding(detector.evaluate(event(SIGN_IN)));
        Finding call = onlyFinding(detector.evaluate(event(CALL)));

        assertThat(signIn.title()).isEqualTo("root signed in to the console");
        assertThat(signIn.context()).containsEntry("actor", "root").containsEntry("source IP", "198.51.100.23")
                .containsEntry("MFA used", "no").containsKey("user agent");
        assertThat(call.title()).isEqualTo("root called ec2:RunInstances");
        assertThat(call.context()).containsEntry("MFA used", "no").containsEntry("region", "eu-west-1");
        assertThat(call.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(call.proposed()).isInstanceOf(PageOnly.class);
    }

    @Test
    void aBreakGlassWindowLowersItToHighOnlyWhileItHolds() {
        Finding inside = onlyFinding(detector.evaluate(event(IN_WINDOW)));
        Finding after = onlyFinding(detector.evaluate(event(IN_WINDOW, detail -> detail.put("eventTime", "2026-11-25T13:00:00Z"))));

        assertThat(inside.severity()).isEqualTo(Severity.HIGH);
        assertThat(inside.context()).containsEntry("break-glass window",
                "INC-4211 close the legacy billing account, until 2026-11-25T13:00:00Z");
        assertThat(after.severity()).as("the window's end is exclusive").isEqualTo(Severity.CRITICAL);
        assertThat(after.context()).doesNotContainKey("break-glass window");
    }

    @Test
    void anAwsServiceEventIsNoCallByRoot() {
        var serviceEvent = event(CALL, detail -> detail.put("eventType", "AwsServiceEvent"));

        assertThat(detector.evaluate(serviceEvent)).isEqualTo(new Verdict.Clean("an AWS service event, not a call by root"));
    }

    @Test
    void withoutWindowsEveryRootActionIsCritical() {
        var strict = new RootActivityDetector(new RootSettings(Map.of()));

        assertThat(onlyFinding(strict.evaluate(event(IN_WINDOW))).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(onlyFinding(strict.evaluate(event(SIGN_IN, detail -> ((ObjectNode) detail.get("additionalEventData"))
                .remove("MFAUsed")))).context()).containsEntry("MFA used", "not stated in the event");
    }
}
