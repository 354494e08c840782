package io.wildcloud.ws.common.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a URL host that is an IP address in any form a resolver would accept, without asking DNS:
 * IPv6 in brackets ({@code [::1]}, {@code [::ffff:127.0.0.1]}) and every IPv4 form of
 * {@code inet_aton}, which the C library (and so curl, and the JDK on Linux) still accepts: one to
 * four parts, each decimal, octal ({@code 0177}) or hex ({@code 0x7f}); the last part fills the
 * remaining bytes ({@code 2130706433}, {@code 127.1}, {@code 0x7f.1} are all 127.0.0.1). Checking
 * callbacks against address ranges needs every such spelling recognised.
 */
public final class HostLiterals {

    /** Only hex digits, colons, dots (embedded IPv4) and a zone id: nothing DNS would be asked about. */
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+(%[0-9A-Za-z_.-]+)?");
    private static final Pattern IPV4_PART = Pattern.compile("0x[0-9a-f]*|[0-9]+");

    private HostLiterals() {
    }

    /** The address {@code host} spells, or empty when it is a name. */
    public static Optional<InetAddress> parse(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') >= 0) {
            return ipv6(h);
        }
        return ipv4(h.toLowerCase(Locale.ROOT));
    }

    private static Optional<InetAddress> ipv6(String text) {
        if (!IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<InetAddress> ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long value = number(parts[i]);
            if (value == null) {
                return Optional.empty();
            }
            values[i] = value;
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 0xff) {
                return Optional.empty();
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[values.length - 1];
        long lastMax = (1L << (8 * (5 - values.length))) - 1;
        if (last > lastMax) {
            return Optional.empty();
        }
        address |= last;
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** One part in decimal, octal (leading 0) or hex (0x); {@code null} if it is not a number. */
    private static Long number(String part) {
        if (part.length() > 12 || !IPV4_PART.matcher(part).matches()) {
            return null;
        }
        try {
            if (part.startsWith("0x")) {
                return part.length() == 2 ? 0L : Long.parseLong(part.substring(2), 16);
            }
            if (part.length() > 1 && part.startsWith("0")) {
                return Long.parseLong(part.substring(1), 8);
            }
            return Long.parseLong(part);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The IPv4 address an IPv4-mapped ({@code ::ffff:a.b.c.d}) or IPv4-compatible
     * ({@code ::a.b.c.d}) IPv6 address carries; any other address unchanged. How a dual-stack
     * socket shows an IPv4 peer: networks and peers are compared in this form ({@link Cidr}).
     */
    public static InetAddress unmapped(InetAddress address) {
        return carried(address, false);
    }

    /**
     * As {@link #unmapped}, and also for the forms whose packets a translator or relay delivers to
     * the IPv4 address they carry: IPv4-translated ({@code ::ffff:0:a.b.c.d}), the NAT64 well-known
     * prefix ({@code 64:ff9b::a.b.c.d}, RFC 6052) and 6to4 ({@code 2002:aabb:ccdd::/48}, RFC
     * 3056). Where a connection would end up, for a check of where it may go.
     */
    public static InetAddress destinationIpv4(InetAddress address) {
        return carried(address, true);
    }

    private static InetAddress carried(InetAddress address, boolean translated) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        int from = carriedIpv4At(b, translated);
        if (from < 0) {
            return address;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, from, from + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where in IPv6 address {@code b} the IPv4 address it carries starts, or -1. */
    private static int carriedIpv4At(byte[] b, boolean translated) {
        if (translated && b[0] == 0x20 && b[1] == 0x02) {
            return 2; // 6to4
        }
        boolean nat64 = translated && b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = nat64 ? 4 : 0; i < 8; i++) {
            if (b[i] != 0) {
                return -1;
            }
        }
        if (nat64) {
            return b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 0 ? 12 : -1;
        }
        if (b[8] != 0 || b[9] != 0) {
            return translated && b[8] == -1 && b[9] == -1 && b[10] == 0 && b[11] == 0 ? 12 : -1;
        }
        boolean mapped = b[10] == -1 && b[11] == -1;
        boolean compatible = b[10] == 0 && b[11] == 0 && (b[12] != 0 || b[13] != 0);
        return mapped || compatible ? 12 : -1;
    }
}
