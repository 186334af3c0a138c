package dev.snapback.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.SnapbackTamperedDetector;
import dev.snapback.model.InvalidConfigException;
import dev.snapback.model.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/** Context values are validated before anything is built; a wrong one names its key. */
class SettingsTest {

    private static Settings read(Map<String, Object> context) {
        return Settings.fromContext(context::get, Map.of("CDK_DEFAULT_REGION", "eu-west-1"));
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> context = new HashMap<>(SynthesizedApp.context());
        context.put(key, value);
        return context;
    }

    @Test
    void readsStringsFromTheCommandLineAndTypedValuesFromCdkJson() {
        Settings fromFlags = read(Map.of("homeRegion", "eu-west-1", "regions", "eu-central-1, eu-west-1",
                "alertEmails", "a@example.com,b@example.com", "snapStart", "false",
                "config", "{\"modes\":{\"trail-tampered\":\"dry-run\"}}"));
        Settings fromJson = read(Map.of("homeRegion", "eu-west-1", "regions", List.of("eu-central-1", "eu-west-1"),
                "alertEmails", List.of("a@example.com", "b@example.com"), "snapStart", false,
                "config", Map.of("modes", Map.of("trail-tampered", "dry-run"))));
        for (Settings settings : List.of(fromFlags, fromJson)) {
            assertThat(settings.regions()).containsExactly("eu-west-1", "eu-central-1");
            assertThat(settings.alertEmails()).containsExactly("a@example.com", "b@example.com");
            assertThat(settings.snapStart()).isFalse();
            assertThat(settings.config().modeFor(dev.snapback.detect.TrailTamperedDetector.SPEC)).isEqualTo(Mode.DRY_RUN);
        }
    }

    @Test
    void defaultsToTheCliRegionSnapStartOnAndDefaultConfig() {
        Settings settings = read(Map.of());
        assertThat(settings.homeRegion()).isEqualTo("eu-west-1");
        assertThat(settings.regions()).containsExactly("eu-west-1");
        assertThat(settings.alertEmails()).isEmpty();
        assertThat(settings.snapStart()).isTrue();
        assertThat(settings.config()).isEqualTo(dev.snapback.config.SnapbackConfig.defaults());
    }

    @Test
    void readsConfigFromAFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("snapback.json"), "{\"exemptResources\":{\"AWS::EC2::SecurityGroup\":[\"sg-1\"]}}");
        assertThat(read(with("config", file.toString())).config().shared().exemptResources())
                .containsExactly(Map.entry("AWS::EC2::SecurityGroup", Set.of("sg-1")));
        assertThatThrownBy(() -> read(with("config", dir.resolve("missing.json").toString())))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("config: cannot read the file");
    }

    @Test
    void forwardsFromOtherWatchedRegionsAndFromWhereIamEventsArrive() {
        assertThat(read(with("regions", "eu-west-1,eu-central-1")).forwardingRegions())
                .containsExactly("eu-central-1", "us-east-1");
        assertThat(read(Map.of("homeRegion", "us-east-1")).forwardingRegions()).isEmpty();
        assertThat(read(Map.of("homeRegion", "us-east-1", "regions", "us-west-2")).forwardingRegions())
                .containsExactly("us-west-2");
    }

    @Test
    void globalRulesAreWatchedOnlyWhereTheirEventsArriveAndSnapbacksOwnWhereverItHasAStack() {
        Settings settings = read(with("regions", "eu-west-1,eu-central-1"));
        for (DeclaredRule rule : DeclaredRule.all()) {
            boolean global = Set.of("iam.amazonaws.com", "cloudfront.amazonaws.com", "organizations.amazonaws.com").contains(String.valueOf(rule.pattern().eventSource()));
            boolean own = rule.spec().equals(SnapbackTamperedDetector.SPEC) || rule.pattern().eventSource() == null
                    || rule.pattern().eventSource().equals("signin.amazonaws.com");
            assertThat(rule.arrivesIn("us-east-1", settings)).as(rule.id()).isEqualTo(global || own);
            assertThat(rule.arrivesIn("eu-central-1", settings)).as(rule.id()).isEqualTo(!global);
            assertThat(rule.arrivesIn("ap-south-1", settings)).as(rule.id()).isFalse();
        }
    }

    @Test
    void wrongValuesNameTheirKey() {
        assertRejected(with("homeRegion", "Ireland"), "homeRegion: not an AWS region: Ireland");
        assertRejected(Map.of(), Map.of(), "homeRegion: not set");
        assertRejected(with("regions", "eu-west-1,eu-wst-1x"), "regions: not an AWS region: eu-wst-1x");
        assertRejected(with("alertEmails", "oncall-at-example.com"), "alertEmails: not an email address");
        assertRejected(with("snapStart", "yes"), "snapStart: expected true or false, got yes");
        assertRejected(with("breakGlassEmails", "lead@example"), "breakGlassEmails: not an email address");
        assertRejected(with("livenessHours", "0"), "livenessHours: must be 1 to 168");
        assertRejected(with("livenessHours", "169"), "livenessHours: must be 1 to 168");
        assertRejected(with("livenessHours", "a day"), "livenessHours: expected a whole number, got a day");
        assertRejected(with("canary", "sometimes"), "canary: expected true or false, got sometimes");
        assertRejected(with("config", "{\"snapbackKeyArns\":[\"alias/snapback\"]}"), "config: snapbackKeyArns: expected");
        assertRejected(with("config", "{\"passwordMinLength\":5}"), "config: passwordMinLength: must be 6 to 128, as IAM allows");
        assertRejected(with("config", "{\"passwordMinLength\":129}"), "config: passwordMinLength: must be 6 to 128");
        assertRejected(with("config", "{\"passwordReusePrevention\":25}"), "config: passwordReusePrevention: must be 1 to 24");
        assertRejected(with("config", "{\"passwordMaxAgeDays\":0}"), "config: passwordMaxAgeDays: must be 1 to 1095");
        assertRejected(with("config", "{\"passwordCharacterClasses\":[\"emoji\"]}"), "config: passwordCharacterClasses");
        assertRejected(with("config", "{\"deploymentRoleArns\":[\"arn:aws:iam::111122223333:role/cdk-*\"]}"),
                "config: deploymentRoleArns: not an exact IAM ARN");
        assertRejected(with("config", "{\"modes\":{\"sg-opened\":\"remediate\"}}"), "config: modes.sg-opened: no detector");
        assertRejected(with("config", "{\"modes\":{\"trail-tampered\":\"fix\"}}"), "config: modes.trail-tampered: 'fix' is not a mode");
        assertRejected(with("config", "{\"trustedCidr\":[]}"), "config: trustedCidr: unknown setting");
        assertRejected(with("config", "{\"snapbackRoleArns\":[\"arn:aws:iam::111122223333:role/*\"]}"),
                "config: snapbackRoleArns: not an exact IAM ARN");
        assertRejected(with("config", "{not json"), "config: not valid JSON");
        assertRejected(with("config", List.of("a")), "config: expected a JSON object");
    }

    private static void assertRejected(Map<String, Object> context, String message) {
        assertRejected(context, Map.of("CDK_DEFAULT_REGION", "eu-west-1"), message);
    }

    private static void assertRejected(Map<String, Object> context, Map<String, String> environment, String message) {
        assertThatThrownBy(() -> Settings.fromContext(context::get, environment))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(message);
    }
}
