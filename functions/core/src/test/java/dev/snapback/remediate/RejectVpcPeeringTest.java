package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.model.Outcome;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reading a VPC peering request before rejecting it, on EC2's query wire, with the event of {@code network-edge-changed}'s
 * fixture: account 444455556666 asked to peer with a VPC of this account in eu-west-1.
 */
class RejectVpcPeeringTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final AwsAnswers ANSWER = new AwsAnswers(AWS);
    private static final String PEERING = "pcx-0a1b2c3d4e5f60001";
    private static final RejectVpcPeering FIX = new RejectVpcPeering(PEERING, "444455556666");

    private static CloudTrailEvent requested;

    @BeforeAll
    static void event() throws IOException {
        requested = EventParser.parse(Files.readAllBytes(Fixtures.eventsDir()
                .resolve("network-edge-changed/finding/CreateVpcPeeringConnection-from-untrusted-account.json")));
    }

    @Test
    void aRequestStillPendingIsRejected() {
        ANSWER.vpcPeering(PEERING, "444455556666", "pending-acceptance");
        AWS.stubFor(query("RejectVpcPeeringConnection").willReturn(xml(200, "<RejectVpcPeeringConnectionResponse "
                + AwsAnswers.EC2_NS + "><requestId>r</requestId><return>true</return></RejectVpcPeeringConnectionResponse>")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, requested);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Remediated.class, done -> assertThat(done.actions())
                .containsExactly("rejected the peering request " + PEERING + " from account 444455556666 in eu-west-1"));
        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(form(calls.get(0))).isEqualTo(Map.of("Action", "DescribeVpcPeeringConnections", "Version", "2016-11-15",
                "VpcPeeringConnectionId.1", PEERING));
        assertThat(form(calls.get(1))).isEqualTo(Map.of("Action", "RejectVpcPeeringConnection", "Version", "2016-11-15",
                "VpcPeeringConnectionId", PEERING));
        assertThat(calls).allSatisfy(call -> assertThat(AwsStub.scope(call)).isEqualTo("eu-west-1/ec2"));
    }

    @Test
    void aRequestStillInitiatingIsRejectedTooAndOneWithoutAStatusFails() {
        ANSWER.vpcPeering(PEERING, "444455556666", "initiating-request");
        AWS.stubFor(query("RejectVpcPeeringConnection").willReturn(xml(200, "<RejectVpcPeeringConnectionResponse "
                + AwsAnswers.EC2_NS + "><requestId>r</requestId><return>true</return></RejectVpcPeeringConnectionResponse>")));

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, requested)).isInstanceOf(Outcome.Remediated.class);

        AWS.stubFor(query("DescribeVpcPeeringConnections").willReturn(xml(200, "<DescribeVpcPeeringConnectionsResponse "
                + AwsAnswers.EC2_NS + "><vpcPeeringConnectionSet><item><vpcPeeringConnectionId>" + PEERING
                + "</vpcPeeringConnectionId></item></vpcPeeringConnectionSet></DescribeVpcPeeringConnectionsResponse>")));

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, requested)).isInstanceOf(Outcome.Failed.class);
    }

    @Test
    void aRequestAcceptedSinceIsLeftAloneAndPaged() {
        ANSWER.vpcPeering(PEERING, "444455556666", "active");

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, requested);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Superseded.class, superseded -> assertThat(superseded.seen())
                .contains("is active: accepted since the event", "aws ec2 delete-vpc-peering-connection --region eu-west-1"));
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).containsExactly("DescribeVpcPeeringConnections");
    }

    @Test
    void aRequestEndedOrGoneHasNothingToReject() {
        for (String ended : List.of("rejected", "expired", "deleted", "failed")) {
            ANSWER.vpcPeering(PEERING, "444455556666", ended);

            assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, requested)).as(ended)
                    .isEqualTo(new Outcome.AlreadyCompliant(PEERING + " is " + ended + ": nothing to reject"));
        }
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).doesNotContain("RejectVpcPeeringConnection");
    }
}
