package dev.snapback.detect;

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
 */
public record NetworkAclSettings(Set<Integer> publicPorts, List<Integer> returnTrafficPorts) {

    public static final NetworkAclSettings DEFAULTS = new NetworkAclSettings(SecurityGroupSettings.DEFAULTS.publicPorts(),
            List.of(1024, 65535));

    public NetworkAclSettings {
        publicPorts = SecurityGroupSettings.validPublicPorts(publicPorts);
        returnTrafficPorts = List.copyOf(returnTrafficPorts);
        if (!returnTrafficPorts.isEmpty() && (returnTrafficPorts.size() != 2 || returnTrafficPorts.get(0) < 0
                || returnTrafficPorts.get(1) > 65535 || returnTrafficPorts.get(0) > returnTrafficPorts.get(1))) {
            throw new InvalidConfigException("returnTrafficPorts", "expected [from, to] with 0 <= from <= to <= 65535,"
                    + " or [] to flag return traffic too, got " + returnTrafficPorts);
        }
    }

    /** Whether {@code fromPort}–{@code toPort} is a return-traffic range: within the configured one, up to its top. */
    public boolean isReturnTraffic(int fromPort, int toPort) {
        return !returnTrafficPorts.isEmpty() && fromPort >= returnTrafficPorts.get(0) && toPort == returnTrafficPorts.get(1);
    }
}
