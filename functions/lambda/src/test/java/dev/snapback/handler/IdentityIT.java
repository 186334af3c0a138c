package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.remediate.QuarantinePolicy;
import dev.snapback.testing.Emulator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The identity guardrails end to end on the AWS API emulator, through the real handlers: root's sign-in pages with
 * what it was; a console sign-in without MFA quarantines the user there; and bursts (denied calls, failed sign-ins) are
 * counted in the emulator's audit table, so that only the event that reaches the threshold in its window pages, once,
 * however often the others arrive.
 */
class IdentityIT {

    private Emulator aws;
    private String table;
    private String topic;

    @BeforeEach
    void start() {
        aws = Emulator.start("us-east-1");
        table = aws.auditTable();
        topic = aws.alertTopic();
    }

    @Test
    void rootSigningInPagesCriticalWithTheSourceTheBrowserAndNoMfa() {
        JsonNode summary = aws.handler(Family.IDENTITY, table, topic, "{}")
                .invoke(Emulator.event("root-activity/finding/ConsoleLogin-root-without-mfa.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ").contains("root signed in to the console");
            assertThat(page.text()).contains("source IP: 198.51.100.23", "MFA used: no", "user agent: Mozilla/5.0");
        });
    }

    @Test
    void aConsoleSignInWithoutMfaQuarantinesTheUser() {
        aws.createQuarantinePolicy();
        String user = aws.name("alice");
        aws.clients().iam().createUser(r -> r.userName(user));

        JsonNode summary = aws.handler(Family.MFA, table, topic, "{}").invoke(Emulator.event(
                "console-login-without-mfa/finding/ConsoleLogin-iam-user-without-mfa.json", detail -> ((ObjectNode) detail
                        .get("userIdentity")).put("userName", user).put("arn", "arn:aws:iam::" + Emulator.ACCOUNT + ":user/" + user)));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(aws.clients().iam().listAttachedUserPolicies(r -> r.userName(user)).attachedPolicies())
                .extracting(p -> p.policyArn()).containsExactly(QuarantinePolicy.arn("aws", Emulator.ACCOUNT));
        assertThat(aws.published(topic)).singleElement()
                .satisfies(page -> assertThat(page.subject()).startsWith("[HIGH] ").contains("signed in without MFA").endsWith("user quarantined"));
    }

    @Test
    void deniedCallsPageOnceWhenTheThirdArrivesAndTheWindowItemStopsGrowing() {
        Emulator.Invoker identity = aws.handler(Family.IDENTITY, table, topic, "{\"deniedCallThreshold\": 3}");
        Instant windowStart = Instant.now().truncatedTo(ChronoUnit.HOURS);
        List<String> outcomes = new ArrayList<>();
        List<ObjectNode> events = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            Instant at = windowStart.plusSeconds(10 + n);
            String call = n % 2 == 0 ? "CreateUser" : "AttachUserPolicy";
            events.add(Emulator.event("unauthorized-calls/finding/CreateUser-access-denied-by-role.json",
                    detail -> detail.put("eventTime", at.toString()).put("eventName", call)));
        }
        for (ObjectNode event : events) outcomes.add(identity.invoke(event).at("/results/0/outcome").asText());
        String thirdAgain = identity.invoke(events.get(2)).at("/results/0/outcome").asText();

        assertThat(outcomes).containsExactly("counted", "counted", "paged", "counted", "counted");
        assertThat(thirdAgain).as("a repeated delivery is a duplicate, never a second page").isEqualTo("duplicate");
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ").contains("denied calls by");
            assertThat(page.text()).contains("3 denied calls by arn:aws:iam::" + Emulator.ACCOUNT + ":role/build-runner",
                    "iam:AttachUserPolicy, iam:CreateUser", "from 198.51.100.23");
        });
        Map<String, AttributeValue> window = burstItem();
        assertThat(window.get("eventIds").ss()).as("counting stops at the threshold").hasSize(3);
        assertThat(window.get("pagedBy").s()).isEqualTo(events.get(2).at("/detail/eventID").asText());
    }

    @Test
    void failedSignInsFromOneSourcePageOncePerWindowAndAgainInTheNext() {
        Emulator.Invoker mfa = aws.handler(Family.MFA, table, topic, "{\"signInFailureThreshold\": 2, \"signInFailureWindow\": \"PT15M\"}");
        Instant window = Instant.now().truncatedTo(ChronoUnit.HOURS);
        List<String> outcomes = new ArrayList<>();
        for (Instant at : List.of(window.plusSeconds(1), window.plusSeconds(2), window.plusSeconds(3), window.plus(15, ChronoUnit.MINUTES),
                window.plus(16, ChronoUnit.MINUTES))) {
            outcomes.add(mfa.invoke(Emulator.event("console-login-without-mfa/finding/ConsoleLogin-failed-password.json",
                    detail -> detail.put("eventTime", at.toString()))).at("/results/0/outcome").asText());
        }

        assertThat(outcomes).containsExactly("counted", "paged", "counted", "counted", "paged");
        assertThat(aws.published(topic)).hasSize(2).allSatisfy(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ").contains("failed console sign-ins from 198.51.100.23");
            assertThat(page.text()).contains("2 failed console sign-ins from 198.51.100.23", "as bob");
        });
    }

    /** The one window item of the burst test, beside the events' items. */
    private Map<String, AttributeValue> burstItem() {
        ScanResponse scan = aws.clients().dynamoDb().scan(r -> r.tableName(table));
        return scan.items().stream().filter(item -> item.get("eventId").s().startsWith("burst/")).reduce((a, b) -> {
            throw new AssertionError("more than one window item");
        }).orElseThrow();
    }
}
