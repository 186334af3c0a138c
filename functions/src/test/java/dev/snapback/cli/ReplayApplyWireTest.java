package dev.snapback.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.scope;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.remediate.SdkRemediationExecutor;
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

    private static final String EC2_NS = "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
    private static final Fixture WORLD_SSH = Fixtures.all().stream()
            .filter(f -> f.toString().equals("security-group-opened/finding/AuthorizeSecurityGroupIngress-ipv4-world-ssh"))
            .findFirst().orElseThrow();

    @Test
    void applyRevokesTheRuleTheReplayedEventOpened() {
        JsonNode finding = WORLD_SSH.expected().get("findings").get(0);
        JsonNode detail = WORLD_SSH.json().get("detail");
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, "<RevokeSecurityGroupIngressResponse " + EC2_NS
                + "><requestId>59dbff89-35bd-4eac-99ed-be587example</requestId><return>true</return></RevokeSecurityGroupIngressResponse>")));

        ReplayRun run = ReplayRun.of(false, "", () -> new SdkRemediationExecutor(AWS.clients()),
                "replay", "--config", Fixtures.root().resolve("examples/snapback-config.json").toString(),
                "--apply", "--yes", WORLD_SSH.path().toString());

        assertThat(run.exit()).as(run.err()).isZero();
        List<LoggedRequest> requests = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        assertThat(finding.at("/remediation/type").asText()).isEqualTo("RevokeIngress");
        assertThat(form(requests.get(0))).isEqualTo(Map.of(
                "Action", "RevokeSecurityGroupIngress",
                "Version", "2016-11-15",
                "GroupId", finding.at("/remediation/groupId").asText(),
                "SecurityGroupRuleId.1", finding.at("/remediation/rules/0/ruleId").asText()));
        assertThat(scope(requests.get(0))).isEqualTo(detail.get("awsRegion").asText() + "/ec2");
        assertThat(run.err()).contains("remediated: revoke " + finding.at("/remediation/rules/0/ruleId").asText());
    }

    @Test
    void aRefusedCallIsAFailedRemediationAndExitsThree() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(AwsStub.ec2Error(403, "UnauthorizedOperation",
                "You are not authorized to perform this operation.")));

        ReplayRun run = ReplayRun.of(false, "", () -> new SdkRemediationExecutor(AWS.clients()),
                "replay", "--apply", "--yes", WORLD_SSH.path().toString());

        assertThat(run.exit()).isEqualTo(ReplayCommand.REMEDIATION_FAILED);
        assertThat(run.err()).contains("failed: revoke").contains("UnauthorizedOperation");
    }
}
