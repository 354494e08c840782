package io.wildcloud.ws.node.net;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A block of IP addresses in a node setting, such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare
 * address is a block of one. Only literals are accepted: parsing never resolves a name, and a
 * setting that is not a block parses to {@code null} (the setting's error names it). Matching is
 * the callback guard's {@link io.wildcloud.ws.push.callback.Cidr}: one implementation of a prefix.
 */
public record Cidr(io.wildcloud.ws.push.callback.Cidr block) {

    /** Parses {@code address/prefix} or {@code address}; {@code null} when it is neither. */
    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (address == null) {
            return null;
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (prefix < 0 || prefix > bits) {
                return null;
            }
        }
        return new Cidr(new io.wildcloud.ws.push.callback.Cidr(address, prefix));
    }

    /** Parses a comma-separated list; {@code null} if any entry is not a block. */
    public static List<Cidr> parseList(String text) {
        List<Cidr> blocks = new java.util.ArrayList<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Cidr block = parse(entry);
            if (block == null) {
                return null;
            }
            blocks.add(block);
        }
        return List.copyOf(blocks);
    }

    /** Whether {@code address} lies in this block (an IPv4 address never lies in an IPv6 block). */
    public boolean contains(InetAddress address) {
        return block.contains(address);
    }

    /** An address literal as an address, without any name lookup; {@code null} if not a literal. */
    public static InetAddress literal(String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text.trim());
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // only thrown for a wrong length, which the parser never gives
        }
    }

    @Override
    public String toString() {
        return block.toString();
    }
}
