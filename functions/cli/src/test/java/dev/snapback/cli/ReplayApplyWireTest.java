package dev.snapback.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.scope;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.SdkRemediationExecutor;
import dev.snapback.testing.AwsAnswers.PresentRule;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.Fixture;
import dev.snapback.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code replay --apply --yes} through the real SDK executor: the wire request AWS would receive. */
class ReplayApplyWireTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final String FIXTURE_ACCOUNT = "111122223333";
    private static final String EC2_NS = "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsAnswers ANSWER = new AwsAnswers(AWS);
    private static final Fixture WORLD_SSH = Fixtures.all().stream()
            .filter(f -> f.toString().equals("security-group-opened/finding/AuthorizeSecurityGroupIngress-ipv4-world-ssh"))
            .findFirst().orElseThrow();

    /** The caller as {@code snapback replay} resolves it: STS GetCallerIdentity, then the SDK executor. */
    private static Caller stubCaller() {
        return new Caller(AWS.clients().sts().getCallerIdentity().account(), new SdkRemediationExecutor(AWS.clients()));
    }

    /** GetCallerIdentity answered in STS's documented query/XML shape. */
    private static void callerIs(String account) {
        AWS.stubFor(query("GetCallerIdentity").willReturn(xml(200, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<GetCallerIdentityResult><Arn>arn:aws:iam::" + account + ":user/snapback-operator</Arn>"
                + "<UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>" + account + "</Account></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>"
                + "</GetCallerIdentityResponse>")));
    }

    private static ReplayRun applyWorldSsh() {
        return ReplayRun.of(false, "", ReplayApplyWireTest::stubCaller,
                "replay", "--config", Fixtures.root().resolve("examples/snapback-config.json").toString(),
                "--apply", "--yes", WORLD_SSH.path().toString());
    }

    @Test
    void applyRevokesTheRuleTheReplayedEventOpened() {
        JsonNode finding = WORLD_SSH.expected().get("findings").get(0);
        JsonNode detail = WORLD_SSH.json().get("detail");
        assertThat(detail.get("recipientAccountId").asText()).isEqualTo(FIXTURE_ACCOUNT);
        callerIs(FIXTURE_ACCOUNT);
        worldSshStillOpen();
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, "<RevokeSecurityGroupIngressResponse " + EC2_NS
                + "><requestId>59dbff89-35bd-4eac-99ed-be587example</requestId><return>true</return></RevokeSecurityGroupIngressResponse>")));

        ReplayRun run = applyWorldSsh();

        assertThat(run.exit()).as(run.err()).isZero();
        List<LoggedRequest> requests = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).extracting(AwsStub::operation)
                .containsExactly("GetCallerIdentity", "DescribeSecurityGroupRules", "RevokeSecurityGroupIngress");
        assertThat(form(requests.get(0))).isEqualTo(Map.of("Action", "GetCallerIdentity", "Version", "2011-06-15"));
        assertThat(scope(requests.get(0))).isEqualTo("us-east-1/sts");
        assertThat(finding.at("/remediation/type").asText()).isEqualTo("RevokeIngress");
        assertThat(form(requests.get(2))).isEqualTo(Map.of(
                "Action", "RevokeSecurityGroupIngress",
                "Version", "2016-11-15",
                "GroupId", finding.at("/remediation/groupId").asText(),
                "SecurityGroupRuleId.1", finding.at("/remediation/rules/0/ruleId").asText()));
        assertThat(scope(requests.get(2))).isEqualTo(detail.get("awsRegion").asText() + "/ec2");
        assertThat(run.err()).contains("1 remediations to apply in account " + FIXTURE_ACCOUNT)
                .contains("remediated: revoke " + finding.at("/remediation/rules/0/ruleId").asText())
                .containsPattern("; the event was \\d+ d( \\d+ h)? old");
    }

    @Test
    void replayedHistoryNeverUndoesANewerChange() {
        callerIs(FIXTURE_ACCOUNT);
        JsonNode rule = WORLD_SSH.expected().at("/findings/0/remediation/rules/0");
        ANSWER.securityGroupRules(WORLD_SSH.expected().at("/findings/0/remediation/groupId").asText(), List.of(
                new PresentRule(rule.get("ruleId").asText(), false, "tcp", 22, 22, "10.0.0.0/8")));

        ReplayRun run = applyWorldSsh();

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation)
                .containsExactly("GetCallerIdentity", "DescribeSecurityGroupRules");
        assertThat(run.err()).contains("superseded: revoke " + rule.get("ruleId").asText())
                .contains("now 22/tcp from 10.0.0.0/8");
    }

    /** The rule the fixture's event opened is still there as it opened it. */
    private static void worldSshStillOpen() {
        JsonNode remediation = WORLD_SSH.expected().at("/findings/0/remediation");
        ANSWER.securityGroupRules(remediation.get("groupId").asText(), List.of(PresentRule.of(
                JSON.convertValue(remediation.at("/rules/0"), IngressRule.class), remediation.at("/rules/0/ruleId").asText())));
    }

    @Test
    void anEventOfAnotherAccountIsNotAppliedWithTheseCredentials() {
        callerIs("444455556666");
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, "<RevokeSecurityGroupIngressResponse " + EC2_NS
                + "><requestId>59dbff89-35bd-4eac-99ed-be587example</requestId><return>true</return></RevokeSecurityGroupIngressResponse>")));

        ReplayRun run = applyWorldSsh();

        assertThat(run.exit()).as(run.err()).isEqualTo(ReplayCommand.NOT_ALL_APPLIED);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).containsExactly("GetCallerIdentity");
        assertThat(run.err())
                .contains("not applied: event is for account " + FIXTURE_ACCOUNT + ", credentials are for account 444455556666")
                .contains("1 of 1 remediations not applied: their events are for other accounts")
                .doesNotContain("remediated:");
    }

    @Test
    void whenStsCannotNameTheAccountNothingIsApplied() {
        AWS.stubFor(query("GetCallerIdentity").willReturn(AwsStub.queryError(403, "InvalidClientTokenId",
                "The security token included in the request is invalid.")));

        ReplayRun run = applyWorldSsh();

        assertThat(run.exit()).as(run.err()).isEqualTo(ReplayCommand.NOT_ALL_APPLIED);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).containsExactly("GetCallerIdentity");
        assertThat(run.err()).contains("nothing applied: cannot tell which account the credentials are for")
                .contains("InvalidClientTokenId").doesNotContain("remediations to apply");
    }

    @Test
    void aRefusedCallIsAFailedRemediationAndExitsThree() {
        callerIs(FIXTURE_ACCOUNT);
        worldSshStillOpen();
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(AwsStub.ec2Error(403, "UnauthorizedOperation",
                "You are not authorized to perform this operation.")));

        ReplayRun run = ReplayRun.of(false, "", ReplayApplyWireTest::stubCaller,
                "replay", "--apply", "--yes", WORLD_SSH.path().toString());

        assertThat(run.exit()).isEqualTo(ReplayCommand.NOT_ALL_APPLIED);
        assertThat(run.err()).contains("failed: revoke").contains("UnauthorizedOperation");
    }
}
