package dev.snapback.detect;

import dev.snapback.model.Cidr;
import dev.snapback.model.InvalidConfigException;
import java.util.List;
import java.util.Set;

/**
 * What {@code security-group-opened} treats as sanctioned.
 *
 * @param publicPorts  ports that may be open to the world (default 80, 443)
 * @param trustedCidrs sources that are fine on any port (default: RFC 1918 and fc00::/7)
 * @param minPrefixV4  IPv4 sources with a shorter prefix count as world-open (0.0.0.0/1 + 128.0.0.0/1)
 * @param minPrefixV6  the same for IPv6
 */
public record SecurityGroupSettings(Set<Integer> publicPorts, List<Cidr> trustedCidrs, int minPrefixV4, int minPrefixV6) {

    public static final SecurityGroupSettings DEFAULTS = new SecurityGroupSettings(Set.of(80, 443),
            List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"), Cidr.parse("fc00::/7")),
            8, 32);

    public SecurityGroupSettings {
        publicPorts = validPublicPorts(publicPorts);
        trustedCidrs = List.copyOf(trustedCidrs);
        validPrefixes(minPrefixV4, minPrefixV6);
    }

    /** {@code publicPorts} as validated here, for {@link NetworkAclSettings}, which reads the same key. */
    static Set<Integer> validPublicPorts(Set<Integer> publicPorts) {
        for (int port : publicPorts) {
            if (port < 0 || port > 65535) throw new InvalidConfigException("publicPorts", "port out of range: " + port);
        }
        return Set.copyOf(publicPorts);
    }

    /** {@code minPrefixV4} and {@code minPrefixV6} as validated here, for {@link NetworkAclSettings} too. */
    static void validPrefixes(int minPrefixV4, int minPrefixV6) {
        if (minPrefixV4 < 1 || minPrefixV4 > 32) {
            throw new InvalidConfigException("minPrefixV4", "must be between 1 and 32, got " + minPrefixV4);
        }
        if (minPrefixV6 < 1 || minPrefixV6 > 128) {
            throw new InvalidConfigException("minPrefixV6", "must be between 1 and 128, got " + minPrefixV6);
        }
    }

    public boolean isTrusted(Cidr source) {
        return trustedCidrs.stream().anyMatch(trusted -> trusted.contains(source));
    }

    /** World-open, or so broad that it is as good as world-open. */
    public boolean isBroad(Cidr source) {
        return source.isBroaderThan(minPrefixV4, minPrefixV6);
    }
}
