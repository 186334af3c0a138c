package dev.snapback.detect;

import dev.snapback.model.Cidr;
import dev.snapback.model.InvalidConfigException;
import java.util.List;
import java.util.Set;

/**
 * What {@code network-acl-opened} treats as sanctioned.
 *
 * @param publicPorts        as for {@code security-group-opened} ({@link SecurityGroupSettings}), which validates it:
 *                           one list of ports that may be open to the world, for both layers
 * @param returnTrafficPorts {@code [from, to]}: a tcp or udp range from {@code from} or above up to {@code to}, from
 *                           anywhere, is the return traffic of the subnet's own outbound connections, which a stateless
 *                           ACL must let in (default 1024–65535, which holds the ephemeral ports of Linux, Windows and
 *                           ELB alike). Such entries reach the top of the range; one that stops short of it, such as
 *                           3389 alone, names a service and is flagged. {@code []} flags return traffic too.
 * @param minPrefixV4        as for {@code security-group-opened}, which validates them: sources broader than these
 * @param minPrefixV6        are as good as the whole internet
 */
public record NetworkAclSettings(Set<Integer> publicPorts, List<Integer> returnTrafficPorts, int minPrefixV4, int minPrefixV6) {

    private static final List<Integer> EPHEMERAL = List.of(1024, 65535);

    public static final NetworkAclSettings DEFAULTS = new NetworkAclSettings(SecurityGroupSettings.DEFAULTS.publicPorts(),
            EPHEMERAL, SecurityGroupSettings.DEFAULTS.minPrefixV4(), SecurityGroupSettings.DEFAULTS.minPrefixV6());

    public NetworkAclSettings {
        publicPorts = SecurityGroupSettings.validPublicPorts(publicPorts);
        SecurityGroupSettings.validPrefixes(minPrefixV4, minPrefixV6);
        returnTrafficPorts = List.copyOf(returnTrafficPorts);
        if (!returnTrafficPorts.isEmpty() && (returnTrafficPorts.size() != 2 || returnTrafficPorts.get(0) < 0
                || returnTrafficPorts.get(1) > 65535 || returnTrafficPorts.get(0) > returnTrafficPorts.get(1))) {
            throw new InvalidConfigException("returnTrafficPorts", "expected [from, to] with 0 <= from <= to <= 65535,"
                    + " or [] to flag return traffic too, got " + returnTrafficPorts);
        }
    }

    /** World-open, or so broad that it is as good as world-open. */
    public boolean isBroad(Cidr source) {
        return source.isBroaderThan(minPrefixV4, minPrefixV6);
    }

    /**
     * Whether an entry from {@code fromPort} to {@code toPort} lets in the whole return-traffic range (the configured
     * one, or 1024–65535 when return traffic is flagged too), so that the subnets' answers come through it.
     */
    public boolean coversReturnTraffic(int fromPort, int toPort) {
        List<Integer> range = returnTrafficPorts.isEmpty() ? EPHEMERAL : returnTrafficPorts;
        return fromPort <= range.get(0) && toPort >= range.get(1);
    }

    /** Whether {@code fromPort}–{@code toPort} is a return-traffic range: within the configured one, up to its top. */
    public boolean isReturnTraffic(int fromPort, int toPort) {
        return !returnTrafficPorts.isEmpty() && fromPort >= returnTrafficPorts.get(0) && toPort == returnTrafficPorts.get(1);
    }
}
