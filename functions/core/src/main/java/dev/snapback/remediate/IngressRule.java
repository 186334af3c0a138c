package dev.snapback.remediate;

/**
 * One ingress rule an event added: to a security group, or (without a {@code ruleId}) as a network ACL's allow entry.
 * {@code ruleId} is from {@code responseElements.securityGroupRuleSet} and is {@code null} when the event did not carry
 * it; {@code cidr} is IPv4 or IPv6. Ports are {@code null} for protocol {@code -1}, and for a network ACL's protocols
 * other than tcp and udp.
 */
public record IngressRule(String ruleId, String protocol, Integer fromPort, Integer toPort, String cidr) {

    /** The name EC2 reports for the protocols whose rules it describes by name; anything else as given. */
    public static String protocolName(String ipProtocol) {
        String protocol = ipProtocol.trim().toLowerCase();
        return switch (protocol) {
            case "6" -> "tcp";
            case "17" -> "udp";
            case "1" -> "icmp";
            case "58" -> "icmpv6";
            default -> protocol;
        };
    }

    public String describePorts() {
        if ("-1".equals(protocol)) return "all traffic";
        String proto = protocolName(protocol);
        if (fromPort == null || toPort == null) return proto;
        return (fromPort.equals(toPort) ? fromPort.toString() : fromPort + "-" + toPort) + "/" + proto;
    }

    /** The rule for people: {@code sgr-0abc (22/tcp from 0.0.0.0/0)}, or without the id when it is unknown. */
    public String label() {
        String what = describePorts() + " from " + cidr;
        return ruleId == null ? what : ruleId + " (" + what + ")";
    }

    boolean isIpv6() {
        return cidr.contains(":");
    }

    /** The AWS CLI shorthand for this permission, quoted for a POSIX shell. */
    String shorthand() {
        String ports = "-1".equals(protocol) ? "" : ",FromPort=" + fromPort + ",ToPort=" + toPort;
        String range = isIpv6() ? "Ipv6Ranges=[{CidrIpv6=" + cidr + "}]" : "IpRanges=[{CidrIp=" + cidr + "}]";
        return "'IpProtocol=" + protocol + ports + "," + range + "'";
    }
}
