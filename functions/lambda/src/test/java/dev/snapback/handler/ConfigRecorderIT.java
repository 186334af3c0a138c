package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.remediate.ConfigService;
import dev.snapback.testing.Emulator;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code config-recorder-stopped} end to end on the AWS API emulator: the recorder is stopped (or deleted) there, the
 * handler gets the real-shaped event, and the recorder's status afterwards is read back through Snapback's own
 * JSON-protocol client, which is also how its wire shape meets a real implementation of AWS Config.
 */
class ConfigRecorderIT {

    private Emulator aws;
    private String table;
    private String topic;
    private ConfigService config;

    @BeforeEach
    void start() {
        aws = Emulator.start("us-east-1");
        table = aws.auditTable();
        topic = aws.alertTopic();
        config = aws.clients().config("us-east-1");
        aws.config("PutConfigurationRecorder", "{\"ConfigurationRecorder\": {\"name\": \"default\", \"roleARN\":"
                + " \"arn:aws:iam::" + Emulator.ACCOUNT + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig\"}}");
        aws.config("PutDeliveryChannel", "{\"DeliveryChannel\": {\"name\": \"default\", \"s3BucketName\": \"" + aws.bucket("config") + "\"}}");
        aws.config("StartConfigurationRecorder", "{\"ConfigurationRecorderName\": \"default\"}");
    }

    @Test
    void aStoppedRecorderIsStartedAndPaged() {
        aws.config("StopConfigurationRecorder", "{\"ConfigurationRecorderName\": \"default\"}");
        assertThat(config.recorderStatus("default")).hasValueSatisfying(status -> assertThat(status.recording()).isFalse());

        JsonNode summary = handler().invoke(stoppedNow());

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(config.recorderStatus("default")).hasValueSatisfying(status -> assertThat(status.recording()).isTrue());
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("started configuration recorder default in us-east-1",
                    "aws configservice stop-configuration-recorder --region us-east-1 --configuration-recorder-name 'default'");
        });
    }

    @Test
    void aLateEventNeverUndoesAStopMadeSince() {
        aws.config("StopConfigurationRecorder", "{\"ConfigurationRecorderName\": \"default\"}");

        // The fixture's own time, days before the emulator's stop: that stop is a newer call.
        JsonNode summary = handler().invoke(Emulator.event("config-recorder-stopped/finding/StopConfigurationRecorder-default.json",
                detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(config.recorderStatus("default")).hasValueSatisfying(status -> assertThat(status.recording()).isFalse());
        assertThat(aws.published(topic)).singleElement().satisfies(page -> assertThat(page.text()).contains("stopped again at"));
    }

    @Test
    void aDeletedRecorderPagesCritical() {
        aws.config("StopConfigurationRecorder", "{\"ConfigurationRecorderName\": \"default\"}");
        aws.config("DeleteConfigurationRecorder", "{\"ConfigurationRecorderName\": \"default\"}");

        JsonNode summary = handler().invoke(Emulator.event("config-recorder-stopped/finding/DeleteConfigurationRecorder-default.json",
                detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(config.recorderStatus("default")).isEmpty();
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ");
            assertThat(page.text()).contains("Config recorder default deleted in us-east-1", "cannot recreate it");
        });
    }

    @Test
    void aDeletionByTheManagedPathIsNotPaged() {
        aws.config("StopConfigurationRecorder", "{\"ConfigurationRecorderName\": \"default\"}");
        aws.config("DeleteConfigurationRecorder", "{\"ConfigurationRecorderName\": \"default\"}");

        JsonNode summary = aws.handler(Family.DETECTIVE, table, topic, "{\"managedPrincipals\": [\"arn:aws:iam::"
                        + Emulator.ACCOUNT + ":user/ci-deployer\"]}")
                .invoke(Emulator.event("config-recorder-stopped/ignored-by-detector/DeleteConfigurationRecorder-by-managed-principal.json",
                        detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("ignored");
        assertThat(aws.published(topic)).isEmpty();
    }

    private Emulator.Invoker handler() {
        return aws.handler(Family.DETECTIVE, table, topic, "{}");
    }

    /** The stop the test just made on the emulator, as CloudTrail records it. */
    private static ObjectNode stoppedNow() {
        return Emulator.event("config-recorder-stopped/finding/StopConfigurationRecorder-default.json",
                detail -> detail.put("eventTime", Instant.now().toString()));
    }
}
