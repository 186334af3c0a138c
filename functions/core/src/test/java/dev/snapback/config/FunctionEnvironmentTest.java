package dev.snapback.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snapback.detect.KeySettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FunctionEnvironment}: the variables the stack sets are the ones the functions read. */
class FunctionEnvironmentTest {

    private static final Map<String, String> LAMBDA = Map.of(
            "SNAPBACK_AUDIT_TABLE", "snapback-audit",
            "SNAPBACK_ALERT_TOPIC_ARN", "arn:aws:sns:eu-west-1:111122223333:snapback-alerts",
            "SNAPBACK_CONFIG", "{\"managedPrincipals\": [\"arn:aws:iam::111122223333:role/key-rotation\"]}",
            "AWS_REGION", "eu-west-1");

    @Test
    void readsWhatTheStackSets() {
        FunctionEnvironment environment = FunctionEnvironment.of(LAMBDA);

        assertThat(environment.auditTable()).isEqualTo("snapback-audit");
        assertThat(environment.modesParameter()).as("no overrides").isNull();
        assertThat(environment.snapbackConfig().settings(KeySettings.class).managedPrincipals())
                .containsExactly("arn:aws:iam::111122223333:role/key-rotation");
        assertThat(FunctionEnvironment.of(environment.variables())).isEqualTo(environment);
        assertThat(environment.variables()).doesNotContainKey("AWS_REGION").hasSize(3);
    }

    @Test
    void aBlankConfigurationIsTheDefaults() {
        Map<String, String> blank = Map.of("SNAPBACK_AUDIT_TABLE", "t", "SNAPBACK_ALERT_TOPIC_ARN", "arn:aws:sns:eu-west-1:1:t",
                "SNAPBACK_CONFIG", "  ", "SNAPBACK_MODES_PARAMETER", "");

        assertThat(FunctionEnvironment.of(blank).snapbackConfig()).isEqualTo(SnapbackConfig.defaults());
        assertThat(FunctionEnvironment.of(blank).modesParameter()).isNull();
    }

    @Test
    void aMissingTableOrTopicFailsTheInitNamingTheVariable() {
        assertThatThrownBy(() -> FunctionEnvironment.of(Map.of("SNAPBACK_ALERT_TOPIC_ARN", "arn:aws:sns:eu-west-1:1:t")))
                .isInstanceOf(IllegalStateException.class).hasMessage("SNAPBACK_AUDIT_TABLE is not set");
        assertThatThrownBy(() -> FunctionEnvironment.of(Map.of("SNAPBACK_AUDIT_TABLE", "t")))
                .isInstanceOf(IllegalStateException.class).hasMessage("SNAPBACK_ALERT_TOPIC_ARN is not set");
    }
}
