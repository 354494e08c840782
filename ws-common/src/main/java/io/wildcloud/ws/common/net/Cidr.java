package io.wildcloud.ws.common.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare address is its own
 * /32 or /128. The one network type of the node: {@code trusted-proxies} and
 * {@code callback-allow-networks} are lists of these, and the callback guard's ranges too.
 *
 * <p>Addresses are read by {@link HostLiterals} (every numeric IPv4 spelling, never DNS), and
 * IPv4-mapped or IPv4-compatible IPv6 addresses are compared as the IPv4 address they carry
 * ({@link HostLiterals#unmapped}): a peer seen on a dual-stack socket as {@code ::ffff:10.0.0.5}
 * lies in {@code 10.0.0.0/8}.
 */
public record Cidr(byte[] network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        network = network.clone();
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
        }
    }

    /**
     * Parses {@code address/prefix} or a bare address; never asks DNS.
     *
     * @throws IllegalArgumentException saying what is wrong when {@code text} is neither
     */
    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress address = HostLiterals.parse(host)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + host));
        byte[] bytes = HostLiterals.unmapped(address).getAddress();
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prefix length: " + trimmed.substring(slash + 1));
            }
            // ::ffff:a.b.c.d/120 names the IPv4 network a.b.c.d/24 (the JDK reads such a literal
            // as an IPv4 address already, so the spelling tells).
            if (bytes.length == 4 && host.indexOf(':') >= 0) {
                if (prefix < 96) {
                    throw new IllegalArgumentException("prefix length out of range for an IPv4-mapped address: " + prefix);
                }
                prefix -= 96;
            }
        }
        return new Cidr(bytes, prefix);
    }

    /**
     * Parses a comma-separated list; blank entries are skipped.
     *
     * @throws IllegalArgumentException naming the first entry that is not a network
     */
    public static List<Cidr> parseList(String text) {
        List<Cidr> networks = new ArrayList<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                networks.add(parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + entry.trim() + "': " + e.getMessage(), e);
            }
        }
        return List.copyOf(networks);
    }

    /** Whether {@code address} lies in this network (an IPv4 address never lies in an IPv6 network). */
    public boolean contains(InetAddress address) {
        byte[] candidate = HostLiterals.unmapped(address).getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (candidate[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && prefixLength == cidr.prefixLength && Arrays.equals(network, cidr.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
