package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.model.Family;
import dev.snapback.testing.Emulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.PasswordPolicy;

/**
 * {@code password-policy-weakened} end to end on the AWS API emulator: the policy is weakened or deleted there, the
 * handler gets the real-shaped event, and the policy in force afterwards is read back: the stricter of the baseline
 * and what was there, setting by setting, and nothing changed when it already meets the baseline.
 */
class PasswordPolicyIT {

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
    void aWeakenedPolicyIsRaisedToTheStricterOfTheBaselineAndWhatIsInForce() {
        IamClient iam = aws.clients().iam();
        iam.updateAccountPasswordPolicy(r -> r.minimumPasswordLength(20).requireSymbols(false).requireNumbers(true)
                .allowUsersToChangePassword(true).maxPasswordAge(30).passwordReusePrevention(3));

        JsonNode summary = handler().invoke(Emulator.event(
                "password-policy-weakened/finding/UpdateAccountPasswordPolicy-length-8-no-symbols.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        PasswordPolicy now = iam.getAccountPasswordPolicy().passwordPolicy();
        assertThat(now.minimumPasswordLength()).as("20 set since stays: never lowered").isEqualTo(20);
        assertThat(now.requireSymbols()).isTrue();
        assertThat(now.requireUppercaseCharacters()).isTrue();
        assertThat(now.requireLowercaseCharacters()).isTrue();
        assertThat(now.passwordReusePrevention()).isEqualTo(24);
        assertThat(now.maxPasswordAge()).as("30 is stricter than the baseline's 90").isEqualTo(30);
        assertThat(now.allowUsersToChangePassword()).as("kept as it was").isTrue();
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("symbols not required", "reuse prevention 3 (baseline 24)");
        });
    }

    @Test
    void aDeletedPolicyIsPutBackAsTheBaseline() {
        IamClient iam = aws.clients().iam();
        iam.updateAccountPasswordPolicy(r -> r.minimumPasswordLength(8));
        iam.deleteAccountPasswordPolicy();

        JsonNode summary = handler().invoke(Emulator.event(
                "password-policy-weakened/finding/DeleteAccountPasswordPolicy-deleted.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        PasswordPolicy now = iam.getAccountPasswordPolicy().passwordPolicy();
        assertThat(now.minimumPasswordLength()).isEqualTo(14);
        assertThat(now.requireSymbols() && now.requireNumbers()).isTrue();
        assertThat(now.passwordReusePrevention()).isEqualTo(24);
        assertThat(now.maxPasswordAge()).isEqualTo(90);
        assertThat(now.allowUsersToChangePassword()).as("Snapback grants nobody anything").isFalse();
    }

    @Test
    void aLateEventFindsThePolicyStrongAgainAndChangesNothing() {
        IamClient iam = aws.clients().iam();
        iam.updateAccountPasswordPolicy(r -> r.minimumPasswordLength(16).requireSymbols(true).requireNumbers(true)
                .requireUppercaseCharacters(true).requireLowercaseCharacters(true).maxPasswordAge(60)
                .passwordReusePrevention(24));

        JsonNode summary = handler().invoke(Emulator.event(
                "password-policy-weakened/finding/UpdateAccountPasswordPolicy-length-8-no-symbols.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("already-compliant");
        assertThat(iam.getAccountPasswordPolicy().passwordPolicy().minimumPasswordLength()).isEqualTo(16);
        assertThat(iam.getAccountPasswordPolicy().passwordPolicy().maxPasswordAge()).isEqualTo(60);
    }

    private Emulator.Invoker handler() {
        return aws.handler(Family.MFA, table, topic, "{}");
    }
}
