package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Cidr;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * Delete the ingress entry {@code ruleNumber} of a network ACL, in the event's region, and only while it still allows
 * what the event recorded ({@code allowed}: protocol, ports and source).
 *
 * <p>The ACL is read first ({@code DescribeNetworkAcls}). An entry that is gone, or an ACL that is, has nothing to
 * delete; one replaced since (another source, other ports, a deny) is a newer change, left alone
 * ({@link Outcome.Superseded}). Deleting the entry lets the next entry by number decide, down to the ACL's final deny;
 * the inverse creates it again. An entry that {@code ReplaceNetworkAclEntry} set is deleted too: the entry it replaced
 * is not in the event, so the page says so rather than guess it.
 */
public record RemoveNetworkAclEntry(String networkAclId, int ruleNumber, IngressRule allowed) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(
            // EC2's Describe actions take no resource-level permissions.
            IamGrant.of("*", "ec2:DescribeNetworkAcls"),
            IamGrant.of("arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:network-acl/*", "ec2:DeleteNetworkAclEntry"));

    public RemoveNetworkAclEntry {
        Objects.requireNonNull(networkAclId, "networkAclId");
        Objects.requireNonNull(allowed, "allowed");
    }

    @Override
    public String describe() {
        return "delete ingress entry " + ruleNumber + " (" + allowed.label() + ") of " + networkAclId;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("delete entry", "entry deleted");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        String region = cause.region();
        Ec2Client ec2 = aws.ec2(region);
        Optional<NetworkAclEntry> entry = ec2.describeNetworkAcls(r -> r.networkAclIds(networkAclId)).networkAcls().stream()
                .map(NetworkAcl::entries).flatMap(List::stream)
                .filter(e -> e.ruleNumber() == ruleNumber && !Boolean.TRUE.equals(e.egress())).findFirst();
        if (entry.isEmpty()) {
            return new Outcome.AlreadyCompliant(networkAclId + " has no ingress entry " + ruleNumber + " any more");
        }
        if (!allowsExactly(entry.get())) {
            return new Outcome.Superseded("ingress entry " + ruleNumber + " of " + networkAclId + " changed since the event"
                    + " and is left as it is: now " + describe(entry.get()));
        }
        ec2.deleteNetworkAclEntry(r -> r.networkAclId(networkAclId).ruleNumber(ruleNumber).egress(false));
        return new Outcome.Remediated(List.of(describe() + " in " + region), List.of(recreate(region)));
    }

    /** Whether the present entry still allows what the event's did: the same protocol, ports and CIDR source. */
    private boolean allowsExactly(NetworkAclEntry present) {
        String cidr = allowed.cidr().contains(":") ? present.ipv6CidrBlock() : present.cidrBlock();
        if (present.ruleAction() != RuleAction.ALLOW || present.protocol() == null || cidr == null) return false;
        if (!Cidr.parse(cidr).equals(Cidr.parse(allowed.cidr()))) return false;
        if (!IngressRule.protocolName(present.protocol()).equals(IngressRule.protocolName(allowed.protocol()))) return false;
        if (allowed.fromPort() == null) return true;
        return present.portRange() != null && allowed.fromPort().equals(present.portRange().from())
                && allowed.toPort().equals(present.portRange().to());
    }

    private static String describe(NetworkAclEntry entry) {
        String source = entry.cidrBlock() != null ? entry.cidrBlock() : entry.ipv6CidrBlock();
        String ports = entry.portRange() == null ? "" : " ports " + entry.portRange().from() + "-" + entry.portRange().to();
        return entry.ruleActionAsString() + " protocol " + entry.protocol() + ports + " from " + source;
    }

    /** The AWS CLI command that creates the entry again. */
    private String recreate(String region) {
        String ports = allowed.fromPort() == null ? "" : " --port-range From=" + allowed.fromPort() + ",To=" + allowed.toPort();
        String source = (allowed.cidr().contains(":") ? " --ipv6-cidr-block " : " --cidr-block ") + allowed.cidr();
        return "aws ec2 create-network-acl-entry --region " + region + " --network-acl-id " + networkAclId + " --ingress"
                + " --rule-number " + ruleNumber + " --protocol " + allowed.protocol() + ports + source + " --rule-action allow";
    }
}
