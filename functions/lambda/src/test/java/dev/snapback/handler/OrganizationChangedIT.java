package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.model.Family;
import dev.snapback.testing.Emulator;
import org.junit.jupiter.api.Test;

/**
 * {@code organization-changed} through the real handler on the AWS API emulator: nothing is changed, so what is asserted
 * is the page in the emulator's published messages and the audit record.
 */
class OrganizationChangedIT {

    @Test
    void aDetachedPolicyPagesCriticalWithTheCallThatWouldUndoIt() {
        Emulator aws = Emulator.start("us-east-1");
        String table = aws.auditTable();
        String topic = aws.alertTopic();
        var event = Emulator.event("organization-changed/finding/DetachPolicy-scp-from-ou.json", detail -> { });

        JsonNode summary = aws.handler(Family.DETECTIVE, table, topic, "{}").invoke(event);

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ");
            assertThat(page.text()).contains("Organizations: policy p-8z3k1m2n detached (DetachPolicy)",
                    "aws organizations attach-policy --policy-id p-8z3k1m2n --target-id ou-ab12-34cd56ef");
        });
        assertThat(aws.auditItem(table, event.at("/detail/eventID").asText(), "organization-changed")).isNotEmpty();
    }
}
