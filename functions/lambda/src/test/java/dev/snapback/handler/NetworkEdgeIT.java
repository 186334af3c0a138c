package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.remediate.AwsClients;
import dev.snapback.testing.Emulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcPeeringConnectionStateReasonCode;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * {@code network-edge-changed} end to end on the AWS API emulator: another account (a session the emulator gives
 * account 444455556666) asks to peer with a VPC of this one, the handler gets the real-shaped event, and the peering
 * connection's state is read back. Every other change of the network edge pages only; one page is asserted here.
 */
class NetworkEdgeIT {

    private static final String REGION = "eu-west-1";
    private static final String FOREIGN = "444455556666";
    private static final String REMEDIATE = "{\"modes\": {\"network-edge-changed\": \"remediate\"}}";

    private Emulator aws;
    private AwsClients foreign;
    private String table;
    private String topic;
    private Ec2Client ec2;
    private String peering;

    @BeforeEach
    void start() {
        aws = Emulator.start(REGION);
        table = aws.auditTable();
        topic = aws.alertTopic();
        ec2 = aws.clients().ec2(REGION);
        String ours = ec2.createVpc(r -> r.cidrBlock("10.20.0.0/16")).vpc().vpcId();
        Credentials session = aws.clients().sts().assumeRole(r -> r.roleArn("arn:aws:iam::" + FOREIGN + ":role/network-admin")
                .roleSessionName("peering")).credentials();
        foreign = new AwsClients(Region.of(REGION), StaticCredentialsProvider.create(AwsSessionCredentials.create(
                session.accessKeyId(), session.secretAccessKey(), session.sessionToken())), aws.endpoint());
        Ec2Client theirs = foreign.ec2(REGION);
        String theirVpc = theirs.createVpc(r -> r.cidrBlock("10.50.0.0/16")).vpc().vpcId();
        peering = theirs.createVpcPeeringConnection(r -> r.vpcId(theirVpc).peerVpcId(ours).peerOwnerId(Emulator.ACCOUNT))
                .vpcPeeringConnection().vpcPeeringConnectionId();
    }

    @AfterEach
    void close() {
        if (foreign != null) foreign.close();
    }

    @Test
    void inRemediateModeAPendingRequestFromAnUntrustedAccountIsRejected() {
        JsonNode summary = aws.handler(Family.NETWORK, table, topic, REMEDIATE).invoke(requested());

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(status()).isEqualTo(VpcPeeringConnectionStateReasonCode.REJECTED);
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("rejected the peering request " + peering + " from account " + FOREIGN);
        });
    }

    @Test
    void aRequestAcceptedSinceIsNeverUndone() {
        ec2.acceptVpcPeeringConnection(r -> r.vpcPeeringConnectionId(peering));

        JsonNode summary = aws.handler(Family.NETWORK, table, topic, REMEDIATE).invoke(requested());

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(status()).isEqualTo(VpcPeeringConnectionStateReasonCode.ACTIVE);
        assertThat(aws.published(topic)).singleElement().satisfies(page -> assertThat(page.subject()).startsWith("[LOW] "));
    }

    @Test
    void byDefaultTheRequestIsPagedAndLeftPending() {
        JsonNode summary = aws.handler(Family.NETWORK, table, topic, "{}").invoke(requested());

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(status()).isEqualTo(VpcPeeringConnectionStateReasonCode.PENDING_ACCEPTANCE);
        assertThat(aws.published(topic)).singleElement().satisfies(page ->
                assertThat(page.text()).contains("VPC peering requested by untrusted account " + FOREIGN));
    }

    @Test
    void anInternetGatewayAttachedPagesWithItsIds() {
        JsonNode summary = aws.handler(Family.NETWORK, table, topic, "{}")
                .invoke(Emulator.event("network-edge-changed/finding/AttachInternetGateway.json", detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("igw-0a1b2c3d4e5f60001", "vpc-0a1b2c3d4e5f60001");
        });
    }

    private VpcPeeringConnectionStateReasonCode status() {
        return ec2.describeVpcPeeringConnections(r -> r.vpcPeeringConnectionIds(peering)).vpcPeeringConnections().getFirst()
                .status().code();
    }

    /** The fixture's request from account 444455556666, pointed at the connection the emulator made. */
    private ObjectNode requested() {
        return Emulator.event("network-edge-changed/finding/CreateVpcPeeringConnection-from-untrusted-account.json",
                detail -> ((ObjectNode) detail.at("/responseElements/vpcPeeringConnection")).put("vpcPeeringConnectionId", peering));
    }
}
