package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.testing.Emulator;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * {@code kms-key-disabled-or-deleted} end to end on the AWS API emulator: a customer key is disabled or scheduled for
 * deletion there, the handler gets the real-shaped event, and the key's state afterwards is read back.
 */
class KmsKeyIT {

    private static final String REMEDIATE = "{\"modes\": {\"kms-key-disabled-or-deleted\": \"remediate\"}}";

    private Emulator aws;
    private String table;
    private String topic;
    private KmsClient kms;
    private String key;

    @BeforeEach
    void start() {
        aws = Emulator.start("us-east-1");
        table = aws.auditTable();
        topic = aws.alertTopic();
        kms = aws.clients().kms("us-east-1");
        key = kms.createKey(r -> r.description("orders")).keyMetadata().arn();
    }

    @Test
    void aKeyScheduledForDeletionIsCancelledAndEnabledAndPaged() {
        kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));

        JsonNode summary = handler(REMEDIATE).invoke(event("finding/ScheduleKeyDeletion-customer-key.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        KeyMetadata now = kms.describeKey(r -> r.keyId(key)).keyMetadata();
        assertThat(now.keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(now.deletionDate()).as("no deletion pending").isNull();
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("cancelled the deletion of " + key, "enabled " + key,
                    "aws kms disable-key --region us-east-1 --key-id " + key);
        });
    }

    @Test
    void aDisabledKeyIsEnabled() {
        kms.disableKey(r -> r.keyId(key));

        JsonNode summary = handler(REMEDIATE).invoke(event("finding/DisableKey-customer-key.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
    }

    @Test
    void aLateDisableKeyNeverUndoesTheDeletionScheduledSince() {
        kms.disableKey(r -> r.keyId(key));
        kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));

        JsonNode summary = handler(REMEDIATE).invoke(event("finding/DisableKey-customer-key.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(aws.published(topic)).singleElement()
                .satisfies(page -> assertThat(page.text()).contains("scheduled for deletion after it was disabled"));
    }

    @Test
    void byDefaultItPagesAndLeavesTheKeyAsItIs() {
        kms.disableKey(r -> r.keyId(key));

        JsonNode summary = handler("{}").invoke(event("finding/DisableKey-customer-key.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
        assertThat(aws.published(topic)).singleElement().satisfies(page -> assertThat(page.text()).contains(key));
    }

    @Test
    void aKeyOnTheManagedPathIsLeftDisabledAndNotPaged() {
        kms.disableKey(r -> r.keyId(key));

        JsonNode summary = handler("{\"modes\": {\"kms-key-disabled-or-deleted\": \"remediate\"},"
                + " \"managedPrincipals\": [\"arn:aws:iam::" + Emulator.ACCOUNT + ":role/key-rotation\"]}")
                .invoke(event("ignored-by-detector/DisableKey-by-managed-principal.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("ignored");
        assertThat(kms.describeKey(r -> r.keyId(key)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
        assertThat(aws.published(topic)).isEmpty();
    }

    private Emulator.Invoker handler(String config) {
        return aws.handler(Family.DETECTIVE, table, topic, config);
    }

    /** The fixture, pointed at the key the emulator made (its id is the emulator's, not the fixture's). */
    private ObjectNode event(String fixture) {
        Consumer<ObjectNode> onKey = detail -> {
            ((ObjectNode) detail.get("requestParameters")).put("keyId", key);
            detail.putArray("resources").addObject().put("accountId", Emulator.ACCOUNT).put("type", "AWS::KMS::Key").put("ARN", key);
        };
        return Emulator.event("kms-key-disabled-or-deleted/" + fixture, onKey);
    }
}
