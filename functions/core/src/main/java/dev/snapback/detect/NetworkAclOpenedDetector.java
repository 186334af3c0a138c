package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Cidr;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.Remediation;
import dev.snapback.remediate.RemoveNetworkAclEntry;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A network ACL entry that lets the internet in (CIS 4.11): {@code CreateNetworkAclEntry} or
 * {@code ReplaceNetworkAclEntry} allowing ingress from {@code 0.0.0.0/0}, {@code ::/0}, or a range as broad as
 * {@code security-group-opened} counts as the world ({@code minPrefixV4}, {@code minPrefixV6}), to all traffic or to a
 * port that is not public.
 *
 * <p>Not findings: egress entries, deny entries, ICMP (as for security groups: path MTU discovery needs it), entries
 * whose ports are all public, and tcp or udp return-traffic ranges ({@code returnTrafficPorts}: up to its top), which a
 * stateless ACL needs for the answers to its subnet's own connections. It pages HIGH by default; in {@code remediate}
 * mode the one entry a create made is deleted, after reading it back ({@link RemoveNetworkAclEntry}), unless it also
 * carries the return traffic (all traffic, or a range over the whole return-traffic range) or a replace made it: those
 * page. A part of the event that cannot be read with certainty is paged with the reason and never acted on.
 */
public record NetworkAclOpenedDetector(NetworkAclSettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "network-acl-opened",
            "Network ACL opened",
            Family.NETWORK,
            Severity.HIGH,
            Mode.PAGE,
            List.of(EventPattern.apiCalls("ec2", "CreateNetworkAclEntry", "ReplaceNetworkAclEntry")),
            RemoveNetworkAclEntry.GRANTS);

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        if (!event.service().equals("ec2") || !SPEC.patterns().getFirst().eventNames().contains(event.eventName())) {
            return Verdict.clean(event.eventName() + " sets no network ACL entry");
        }
        var request = event.request();
        String aclId = Fields.text(request, "networkAclId");
        Integer ruleNumber = Fields.integer(request, "ruleNumber");
        Boolean egress = Fields.bool(request, "egress");
        String action = Fields.text(request, "ruleAction");
        if (aclId == null || ruleNumber == null || egress == null || action == null) {
            return review(event, "the request lacks its networkAclId, ruleNumber, egress or ruleAction");
        }
        if (egress) return Verdict.clean("an egress entry");
        if (action.trim().equalsIgnoreCase("deny")) return Verdict.clean("a deny entry");
        if (!action.trim().equalsIgnoreCase("allow")) return review(event, "the ruleAction is '" + action + "', neither allow nor deny");
        String protocol = protocolNumber(Fields.text(request, "aclProtocol"));
        if (protocol == null) return review(event, "the request names no protocol (aclProtocol)");
        if (protocol.equals("1") || protocol.equals("58")) return Verdict.clean("ICMP is not flagged");
        String cidrText = Fields.text(request, "ipv6CidrBlock") != null ? Fields.text(request, "ipv6CidrBlock")
                : Fields.text(request, "cidrBlock");
        Cidr source;
        try {
            source = Cidr.parse(cidrText);
        } catch (IllegalArgumentException | NullPointerException e) {
            return review(event, "the entry's source cannot be read (" + cidrText + ")");
        }
        if (!source.isWorld() && !settings.isBroad(source)) {
            return Verdict.clean("source " + cidrText + " is not the internet");
        }
        Integer from = null;
        Integer to = null;
        if (protocol.equals("6") || protocol.equals("17")) {
            from = Fields.integer(request, "portRange", "from");
            to = Fields.integer(request, "portRange", "to");
            if (from == null || to == null || from > to || from < 0 || to > 65535) {
                return review(event, "the " + IngressRule.protocolName(protocol) + " entry's portRange cannot be read");
            }
            int first = from;
            if (IntStream.rangeClosed(first, to).allMatch(settings.publicPorts()::contains)) {
                return Verdict.clean("public ports only");
            }
            if (settings.isReturnTraffic(from, to)) {
                return Verdict.clean("return traffic: " + from + "-" + to + " is a returnTrafficPorts range");
            }
        }
        IngressRule allowed = new IngressRule(null, protocol, from, to, cidrText);
        String title = aclId + " entry " + ruleNumber + " lets in " + allowed.describePorts() + " from " + cidrText;
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, title, new ResourceRef("AWS::EC2::NetworkAcl", aclId),
                fix(event, aclId, ruleNumber, allowed), Facts.of(event, "network ACL", aclId, "rule number",
                        ruleNumber.toString(), "allows", allowed.label(), "region", event.region()), event));
    }

    /**
     * The entry's deletion, unless deleting it could cut the subnets off or lose a sanctioned entry: an entry that
     * lets all traffic in also carries the subnets' return traffic, and the entry a replace overwrote is not in the
     * event. Those page, saying what to do by hand.
     */
    private Remediation fix(CloudTrailEvent event, String aclId, int ruleNumber, IngressRule allowed) {
        if (event.eventName().equals("ReplaceNetworkAclEntry")) {
            return new PageOnly("this call replaced entry " + ruleNumber + " of " + aclId + ", and the entry it replaced is"
                    + " not in the event, so deleting this one would not bring that back; put the sanctioned entry back by hand");
        }
        boolean carriesReturnTraffic = allowed.fromPort() == null ? allowed.protocol().equals("-1")
                : settings.coversReturnTraffic(allowed.fromPort(), allowed.toPort());
        if (carriesReturnTraffic) {
            return new PageOnly("entry " + ruleNumber + " also lets in the subnets' return traffic, so deleting it would cut"
                    + " them off; narrow it to the ports that must be open, and keep a return-traffic entry");
        }
        return new RemoveNetworkAclEntry(aclId, ruleNumber, allowed);
    }

    /** EC2 takes a protocol number, or {@code -1} for all; the names of the common ones are read as their numbers. */
    private static String protocolNumber(String aclProtocol) {
        if (aclProtocol == null) return null;
        return switch (aclProtocol.trim().toLowerCase(Locale.ROOT)) {
            case "tcp" -> "6";
            case "udp" -> "17";
            case "icmp" -> "1";
            case "icmpv6" -> "58";
            case "all" -> "-1";
            case "-1" -> "-1";
            // EC2 reads the number: "006" is tcp.
            case String number when number.matches("\\d{1,3}") && Integer.parseInt(number) <= 255 -> Integer.toString(Integer.parseInt(number));
            default -> null;
        };
    }

    private static Verdict review(CloudTrailEvent event, String why) {
        return Verdict.flagged(Finding.needsReview(SPEC.id(), event, why));
    }
}
