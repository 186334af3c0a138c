package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcPeeringConnection;
import software.amazon.awssdk.services.ec2.model.VpcPeeringConnectionStateReasonCode;

/**
 * Reject a VPC peering request that another account ({@code requesterAccount}) made to one of this account's VPCs, in
 * the event's region, while it is still pending.
 *
 * <p>The connection is read first ({@code DescribeVpcPeeringConnections}). One gone, rejected, expired or failed has
 * nothing to reject; one accepted since (active, provisioning) is a newer change by this account's own people, left
 * alone and paged ({@link Outcome.Superseded}); one whose requester is another account than the event's is left alone,
 * and one EC2 gives no status fails, and pages.
 */
public record RejectVpcPeering(String peeringId, String requesterAccount) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(
            // EC2's Describe actions take no resource-level permissions.
            IamGrant.of("*", "ec2:DescribeVpcPeeringConnections"),
            IamGrant.of("arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:vpc-peering-connection/*", "ec2:RejectVpcPeeringConnection"));

    private static final Set<VpcPeeringConnectionStateReasonCode> PENDING = Set.of(
            VpcPeeringConnectionStateReasonCode.PENDING_ACCEPTANCE, VpcPeeringConnectionStateReasonCode.INITIATING_REQUEST);
    private static final Set<VpcPeeringConnectionStateReasonCode> ENDED = Set.of(VpcPeeringConnectionStateReasonCode.REJECTED,
            VpcPeeringConnectionStateReasonCode.DELETED, VpcPeeringConnectionStateReasonCode.DELETING,
            VpcPeeringConnectionStateReasonCode.EXPIRED, VpcPeeringConnectionStateReasonCode.FAILED);

    @Override
    public String describe() {
        return "reject the peering request " + peeringId + " from account " + requesterAccount;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("reject peering", "peering rejected");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        String region = cause.region();
        Ec2Client ec2 = aws.ec2(region);
        Optional<VpcPeeringConnection> now = ec2.describeVpcPeeringConnections(r -> r.vpcPeeringConnectionIds(peeringId))
                .vpcPeeringConnections().stream().filter(c -> peeringId.equals(c.vpcPeeringConnectionId())).findFirst();
        if (now.isPresent() && now.get().status() == null) {
            return new Outcome.Failed("DescribeVpcPeeringConnections gave " + peeringId + " no status, so it is left as it is");
        }
        if (now.isEmpty() || ENDED.contains(now.get().status().code())) {
            return new Outcome.AlreadyCompliant(peeringId + " is " + now.map(c -> c.status().codeAsString()).orElse("gone")
                    + ": nothing to reject");
        }
        String requester = now.get().requesterVpcInfo() == null ? null : now.get().requesterVpcInfo().ownerId();
        if (!requesterAccount.equals(requester)) {
            return new Outcome.Superseded(peeringId + " is now requested by account " + requester + ", not " + requesterAccount
                    + "; left as it is");
        }
        // A request still initiating is rejected too: EC2 answers if it cannot be yet, and that failure pages.
        if (!PENDING.contains(now.get().status().code())) {
            return new Outcome.Superseded(peeringId + " is " + now.get().status().codeAsString() + ": accepted since the event,"
                    + " so it is left as it is; delete it (aws ec2 delete-vpc-peering-connection --region " + region
                    + " --vpc-peering-connection-id " + peeringId + ") unless the peering is sanctioned");
        }
        ec2.rejectVpcPeeringConnection(r -> r.vpcPeeringConnectionId(peeringId));
        return new Outcome.Remediated(List.of("rejected the peering request " + peeringId + " from account " + requesterAccount
                + " in " + region), List.of("a rejected request cannot be accepted: account " + requesterAccount
                + " must request the peering again (aws ec2 create-vpc-peering-connection), and this account accept it"));
    }
}
