package dev.snapback.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.detect.Finding;
import dev.snapback.model.Mode;
import dev.snapback.model.Outcome;
import dev.snapback.policy.Decision;
import dev.snapback.testing.Decisions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertRendererTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT_ID = "5f0c3b7e-8d2a-4e61-b9c4-1a7d2e3f4b50";
    private final AlertRenderer renderer = new AlertRenderer(Duration.ofMinutes(15));
    /** 38 seconds after the sample event's call. */
    private static final Instant ACTED = Instant.parse("2026-11-27T09:41:50Z");

    private static final Outcome REVOKED = new Outcome.Remediated(
            List.of("revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1"),
            List.of("aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0abc1234def567890"
                    + " --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'"));

    @Test
    void subjectSaysSeverityWhatWhereAndWhatWasDone() {
        Alert alert = renderer.render(Decisions.remediate(), REVOKED, ACTED);

        assertThat(alert.subject()).isEqualTo("[HIGH] sg-0abc1234def567890 opened 22/tcp to 0.0.0.0/0 in 111122223333/eu-west-1 - revoked");
    }

    @Test
    void bodyStartsWithPlainSentencesThenTheDecisionJson() throws Exception {
        Alert alert = renderer.render(Decisions.remediate(), REVOKED, ACTED);

        assertThat(alert.text()).contains(
                "Who: role/devops (session mallory) (arn:aws:iam::111122223333:role/devops) called ec2:AuthorizeSecurityGroupIngress"
                        + " from 198.51.100.77 at 2026-11-27T09:41:12Z in account 111122223333, region eu-west-1.",
                "What Snapback did: revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1.",
                "How to undo: aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0abc1234def567890",
                "CloudTrail event: https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/" + EVENT_ID,
                "  rule: sgr-0fedcba9876543210: 22/tcp from 0.0.0.0/0");
        assertThat(alert.text().indexOf("What happened")).isLessThan(alert.text().indexOf("Decision (JSON):"));
        String embedded = alert.text().substring(alert.text().indexOf("Decision (JSON):") + "Decision (JSON):".length());
        assertThat(JSON.readTree(embedded)).isEqualTo(JSON.readTree(alert.json()));
    }

    @Test
    void jsonCarriesTheDecisionOutcomeAndEventIdentity() throws Exception {
        JsonNode json = JSON.readTree(renderer.render(Decisions.remediate(), REVOKED, ACTED).json());

        assertThat(json.get("detector").asText()).isEqualTo("security-group-opened");
        assertThat(json.get("action").asText()).isEqualTo("REMEDIATE");
        assertThat(json.at("/remediation/type").asText()).isEqualTo("RevokeIngress");
        assertThat(json.at("/remediation/rules/0/ruleId").asText()).isEqualTo("sgr-0fedcba9876543210");
        assertThat(json.at("/outcome/type").asText()).isEqualTo("remediated");
        assertThat(json.at("/outcome/inverses/0").asText()).startsWith("aws ec2 authorize-security-group-ingress");
        assertThat(json.at("/event/eventId").asText()).isEqualTo(EVENT_ID);
        assertThat(json.at("/event/sourceIp").asText()).isEqualTo("198.51.100.77");
    }

    @Test
    void neverCopiesRequestOrResponseBodiesOrCredentialIds() {
        Alert alert = renderer.render(Decisions.remediate(), REVOKED, ACTED);

        // The event's access key id and the TLS details are in the record, not in the alert.
        assertThat(alert.text() + alert.json()).doesNotContain("ASIAEXAMPLEKEY000001", "tlsDetails", "requestParameters");
    }

    @Test
    void attributesLetSubscriptionsFilter() {
        assertThat(renderer.render(Decisions.remediate(), REVOKED, ACTED).attributes()).isEqualTo(Map.of(
                "severity", "HIGH", "detector", "security-group-opened", "outcome", "remediated",
                "account", "111122223333", "region", "eu-west-1"));
    }

    @Test
    void dryRunSaysWhatWouldHaveHappened() {
        Alert alert = renderer.render(Decisions.dryRun(), new Outcome.DryRun("revoke sgr-0fedcba9876543210 on sg-0abc1234def567890"), ACTED);

        assertThat(alert.subject()).endsWith(" - dry run, would revoke");
        assertThat(alert.text()).contains("It would have done: revoke sgr-0fedcba9876543210 on sg-0abc1234def567890.",
                "How to undo: nothing to undo, nothing was changed.");
        assertThat(alert.attributes()).containsEntry("outcome", "dry-run");
    }

    @Test
    void failureIsShoutedAndSaysTheChangeIsStillThere() {
        Alert alert = renderer.render(Decisions.remediate(),
                new Outcome.Failed("UnauthorizedOperation: You are not authorized to perform this operation."), ACTED);

        assertThat(alert.subject()).endsWith(" - FAILED to revoke");
        assertThat(alert.text()).contains("FAILED (UnauthorizedOperation: You are not authorized to perform this operation.)",
                "The change is still in place: fix it by hand.");
        assertThat(alert.attributes()).containsEntry("outcome", "failed");
    }

    @Test
    void longTitlesAreShortenedSoTheSubjectFitsSnsLimit() {
        Finding base = Decisions.worldSsh();
        Finding wordy = new Finding(base.detectorId(), base.severity(), "sg-0abc1234def567890 opened 0-65535/tcp to "
                + "0.0.0.0/1, 128.0.0.0/1, ::/0, 203.0.113.0/24 and 198.51.100.0/24\nwith a description",
                base.resource(), base.proposed(), base.context(), base.cause());
        Alert alert = renderer.render(new Decision(wordy, Mode.REMEDIATE, Decision.Action.REMEDIATE, "remediates"), REVOKED, ACTED);

        assertThat(alert.subject()).hasSizeLessThanOrEqualTo(100).doesNotContain("\n")
                .startsWith("[HIGH] sg-0abc1234def567890 opened 0-65535/tcp")
                .endsWith("... in 111122223333/eu-west-1 - revoked");
    }

    @Test
    void subjectsArePrintableAsciiWhateverTheEventCarries() {
        Finding base = Decisions.worldSsh();
        Finding odd = new Finding(base.detectorId(), base.severity(), "sg-0ab\u00e9c\u0000opened 22/tcp (\"\u7ba1\u7406\uD83D\uDD25\"\u0007\t\u007f)",
                base.resource(), base.proposed(), base.context(), base.cause());

        Alert alert = renderer.render(new Decision(odd, Mode.REMEDIATE, Decision.Action.REMEDIATE, "remediates"), REVOKED, ACTED);

        assertThat(alert.subject()).isEqualTo("[HIGH] sg-0ab?c opened 22/tcp (\"???\" ) in 111122223333/eu-west-1 - revoked");
        assertThat(alert.text()).contains("What happened: sg-0ab\u00e9c opened 22/tcp (\"\u7ba1\u7406\uD83D\uDD25\" ).");
    }

    @Test
    void aSubjectThatIsNotPrintableAsciiIsRefused() {
        assertThatThrownBy(() -> new Alert("[HIGH] caf\u00e9", "text", "{}", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Alert("[HIGH] two\nlines", "text", "{}", Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLoweredModeIsPagedWithWhatChangedAndWhereToLook() throws Exception {
        Alert alert = SnapbackAlerts.modesLowered(SnapbackAlerts.LoweredBy.override("/snapback/modes"), "111122223333",
                List.of(new SnapbackAlerts.Lowered("security-group-opened", Mode.REMEDIATE, Mode.OFF)));

        assertThat(alert.subject()).isEqualTo("[HIGH] Snapback mode lowered in 111122223333: security-group-opened remediate -> off");
        assertThat(alert.text()).contains("SSM parameter /snapback/modes", "security-group-opened remediate -> off", "ssm:PutParameter");
        assertThat(JSON.readTree(alert.json()).at("/detectors/0/to").asText()).isEqualTo("off");
        assertThat(alert.attributes()).containsEntry("outcome", "mode-lowered").containsEntry("severity", "HIGH");
    }

    @Test
    void aDeploymentBelowTheDefaultModesIsPagedWithItsVersion() throws Exception {
        Alert alert = SnapbackAlerts.modesLowered(SnapbackAlerts.LoweredBy.deployment("7"), "111122223333",
                List.of(new SnapbackAlerts.Lowered("snapback-tampered", Mode.REMEDIATE, Mode.DRY_RUN)));

        assertThat(alert.subject()).isEqualTo("[HIGH] Snapback mode lowered in 111122223333: snapback-tampered remediate -> dry-run");
        assertThat(alert.text()).contains("the deployed configuration (function version 7)", "deploy again");
        assertThat(JSON.readTree(alert.json()).at("/detectors/0/from").asText()).isEqualTo("remediate");
    }

    @Test
    void aChangeMadeSinceTheEventIsPagedLowAndLeftAlone() throws Exception {
        Alert alert = renderer.render(Decisions.remediate(), new Outcome.Superseded(
                "sg-0abc1234def567890 changed since the event and is left as it is (sgr-0fedcba9876543210: now 22/tcp from 10.0.0.0/8)"), ACTED);

        assertThat(alert.subject()).startsWith("[LOW] ").endsWith(" - changed since, left alone");
        assertThat(alert.text()).contains("severity LOW (the finding's is HIGH)",
                "What Snapback did: nothing: the resource changed since the event (sg-0abc1234def567890 changed since",
                "Snapback never reverts a newer change.", "How to undo: nothing to undo, nothing was changed.");
        assertThat(alert.attributes()).containsEntry("severity", "LOW").containsEntry("outcome", "superseded");
        assertThat(JSON.readTree(alert.json()).get("severity").asText()).isEqualTo("LOW");
    }

    @Test
    void aRefusalIsCritical() {
        Alert alert = renderer.render(Decisions.remediate(), new Outcome.Refused("the policy is not Snapback's"), ACTED);

        assertThat(alert.subject()).startsWith("[CRITICAL] ").endsWith(" - REFUSED to revoke");
        assertThat(alert.text()).contains("it refused to revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 (the policy is"
                + " not Snapback's). The invocation fails so the event is retried");
        assertThat(alert.attributes()).containsEntry("severity", "CRITICAL").containsEntry("outcome", "refused");
    }

    @Test
    void saysHowLongAfterTheCallSnapbackActedAndWhenThatWasLate() throws Exception {
        Alert prompt = renderer.render(Decisions.remediate(), REVOKED, ACTED);
        Alert late = renderer.render(Decisions.remediate(), REVOKED, Instant.parse("2026-11-27T12:53:12Z"));

        assertThat(prompt.text()).contains("When Snapback acted: 38 s after the call.\n");
        assertThat(JSON.readTree(prompt.json()).get("late").asBoolean()).isFalse();
        assertThat(late.text()).contains("When Snapback acted: 3 h 12 min after the call, late (more than 15 min): the"
                + " resource's current state was read first, and only what was still offending was changed.\n");
        JsonNode json = JSON.readTree(late.json());
        assertThat(json.get("eventAgeSeconds").asLong()).isEqualTo(11_520);
        assertThat(json.get("late").asBoolean()).isTrue();
        assertThat(json.get("actedAt").asText()).isEqualTo("2026-11-27T12:53:12Z");
    }

    @Test
    void agesReadAsPeopleSayThem() {
        assertThat(AlertRenderer.humanized(Duration.ofSeconds(38))).isEqualTo("38 s");
        assertThat(AlertRenderer.humanized(Duration.ofMinutes(15))).isEqualTo("15 min");
        assertThat(AlertRenderer.humanized(Duration.ofMinutes(185))).isEqualTo("3 h 5 min");
        assertThat(AlertRenderer.humanized(Duration.ofHours(52))).isEqualTo("2 d 4 h");
        assertThat(AlertRenderer.humanized(Duration.ofSeconds(-3))).as("a clock ahead of the event's").isEqualTo("0 s");
    }

    @Test
    void anInvocationThatRanOutOfTimeSaysWhatItDidAndWhatHappensNext() throws Exception {
        Alert alert = SnapbackAlerts.couldNotFinish(Decisions.worldSsh().cause(), "security-group-opened",
                List.of("revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1"), "out of time: ApiCallTimeoutException");

        assertThat(alert.subject()).isEqualTo("[HIGH] Snapback could not finish security-group-opened in"
                + " 111122223333/eu-west-1 - event 5f0c3b7e...");
        assertThat(alert.text()).contains("ran out of time handling ec2:AuthorizeSecurityGroupIngress",
                "What Snapback did before: revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1.",
                "Lambda retries the event, and keeps it in the dead-letter queue");
        assertThat(JSON.readTree(alert.json()).get("eventId").asText()).isEqualTo(EVENT_ID);
        assertThat(alert.attributes()).containsEntry("outcome", "could-not-finish").containsEntry("severity", "HIGH");
    }
}
