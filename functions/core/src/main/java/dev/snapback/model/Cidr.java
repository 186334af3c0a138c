package dev.snapback.model;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 CIDR block. Parsing accepts only literal addresses (never a host name, so no DNS lookup) and
 * normalizes host bits away, so {@code 10.1.2.3/8} equals {@code 10.0.0.0/8}.
 */
public record Cidr(BigInteger network, int prefixLength, boolean ipv6) {

    /** Compiled once: events are parsed per rule, and {@code String.matches} would compile per call. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public static Cidr parse(String text) {
        if (text == null) throw new IllegalArgumentException("CIDR is missing");
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not a CIDR (no /prefix): " + text);
        String address = text.substring(0, slash).trim();
        boolean v6 = address.contains(":");
        if (!(v6 ? IPV6 : IPV4).matcher(address).matches()) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length: " + text);
        }
        int bits = v6 ? 128 : 32;
        if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("prefix length out of range: " + text);
        byte[] raw;
        try {
            raw = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        if (raw.length * 8 != bits) throw new IllegalArgumentException("not an IP address: " + text);
        BigInteger value = new BigInteger(1, raw);
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
        return new Cidr(value.and(mask), prefix, v6);
    }

    /** 0.0.0.0/0 or ::/0. */
    public boolean isWorld() {
        return prefixLength == 0;
    }

    /** Whether the block's prefix is shorter than the minimum of its family: as good as the whole internet. */
    public boolean isBroaderThan(int minPrefixV4, int minPrefixV6) {
        return prefixLength < (ipv6 ? minPrefixV6 : minPrefixV4);
    }

    /** Whether every address of {@code other} lies inside this block (same IP family only). */
    public boolean contains(Cidr other) {
        if (ipv6 != other.ipv6 || other.prefixLength < prefixLength) return false;
        int bits = ipv6 ? 128 : 32;
        return other.network.shiftRight(bits - prefixLength).equals(network.shiftRight(bits - prefixLength));
    }

    @Override
    public String toString() {
        try {
            byte[] bytes = new byte[ipv6 ? 16 : 4];
            byte[] raw = network.toByteArray();
            int copy = Math.min(raw.length, bytes.length);
            System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
            String host = InetAddress.getByAddress(bytes).getHostAddress();
            return host + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
