package io.wildcloud.ws.node.http;

import io.wildcloud.ws.common.net.HostLiterals;
import java.net.InetAddress;
import java.util.function.Predicate;

/**
 * The client behind a trusted proxy: the right-most address of {@code X-Forwarded-For} that is not
 * itself a trusted proxy. Entries further left were written by the client and prove nothing.
 */
final class ForwardedClient {

    private ForwardedClient() {
    }

    /** {@code null} when the header is missing, names only trusted proxies, or holds a non-address. */
    static InetAddress of(String forwardedFor, Predicate<InetAddress> trustedProxy) {
        if (forwardedFor == null) {
            return null;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            InetAddress hop = HostLiterals.parse(stripPort(hops[i].trim())).orElse(null);
            if (hop == null) {
                return null;
            }
            if (!trustedProxy.test(hop)) {
                return hop;
            }
        }
        return null;
    }

    // "[2001:db8::1]:443" and "192.0.2.1:443" carry a port some proxies add; a bare IPv6 address has colons too.
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(1, end) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }
}
