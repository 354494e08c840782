package io.wildcloud.ws.push.callback;

import io.wildcloud.ws.common.net.Cidr;
import io.wildcloud.ws.common.net.HostLiterals;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where callbacks may go (server-side request forgery guard). A tenant chooses its callback URL,
 * and the node POSTs there from inside its own network: without this, a callback could reach the
 * node's own API (and publish into another application's sockets), Redis, the cloud's metadata
 * service or any neighbour. So:
 *
 * <ul>
 *   <li>addresses in loopback, link-local, private (incl. 100.64/10), unique-local, unspecified,
 *       multicast and reserved ranges are refused, unless a network of {@code allowed}
 *       ({@code callback-allow-networks}) holds them;</li>
 *   <li>this node's own ports on this machine are always refused;</li>
 *   <li>IPv6 addresses that carry an IPv4 address (IPv4-mapped, -compatible, -translated, NAT64's
 *       well-known prefix, 6to4) are checked as that IPv4 address, Teredo and NAT64's local-use
 *       prefix are refused as reserved, and every numeric spelling of a host is recognised
 *       ({@link HostLiterals}).</li>
 * </ul>
 * Checked twice: {@link #checkLiteral} at authorize (hosts given as addresses; a 400 says why), and
 * {@link #checkResolved} just before each connection: one DNS resolution ({@link CallbackNames},
 * on the event loop), every address it answers checked, and the connection made to the checked
 * address, so a name that answers differently the second time (DNS rebinding) gains nothing.
 */
public final class CallbackAddresses {

    private static final List<Cidr> PRIVATE = cidrs("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10");
    private static final List<Cidr> RESERVED = cidrs("240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15");
    private static final Cidr THIS_NETWORK = Cidr.parse("0.0.0.0/8");
    private static final Cidr UNIQUE_LOCAL = Cidr.parse("fc00::/7");
    /**
     * IPv6 ranges whose packets end at an IPv4 address they do not carry plainly: Teredo (the
     * client's address obfuscated) and NAT64's local-use prefix (a translator of the operator's
     * own network). The forms that carry it plainly are checked as that IPv4 address.
     */
    private static final List<Cidr> TUNNELS = cidrs("2001::/32", "64:ff9b:1::/48");

    private final List<Cidr> allowed;
    private final Set<InetAddress> localAddresses;
    private volatile Set<Integer> ownPorts = Set.of();

    private CallbackAddresses(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
        this.localAddresses = localAddresses();
    }

    /** Only public addresses (the default). */
    public static CallbackAddresses publicOnly() {
        return new CallbackAddresses(List.of());
    }

    /** Public addresses and those in {@code networks} ({@code callback-allow-networks}). */
    public static CallbackAddresses allowing(List<Cidr> networks) {
        return new CallbackAddresses(networks);
    }

    /** Public addresses and those in {@code networks}, in CIDR notation. */
    public static CallbackAddresses allowing(String... networks) {
        return new CallbackAddresses(cidrs(networks));
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /** The node's bound ports, once known: callbacks to them on this machine are refused. */
    public void ownPorts(int... ports) {
        Set<Integer> set = new HashSet<>();
        Arrays.stream(ports).forEach(set::add);
        ownPorts = Set.copyOf(set);
    }

    /**
     * At authorize, without DNS: the refusal of a callback whose host is an address (in any
     * spelling), or empty when it is allowed or a name (names are checked at connect time).
     */
    public Optional<CallbackRefusal> checkLiteral(URI callback) {
        return HostLiterals.parse(host(callback)).flatMap(address -> check(address, port(callback)));
    }

    /** The callback's host as an address (in any spelling), or empty when it is a name DNS must resolve. */
    public Optional<InetAddress> literal(URI callback) {
        return HostLiterals.parse(host(callback));
    }

    /**
     * At connect time: checks every address the callback's host stands for (the address itself,
     * or all that DNS answered for the name); returns the one to connect to.
     */
    public InetAddress checkResolved(URI callback, List<InetAddress> addresses) throws CallbackRefusedException {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address for " + host(callback));
        }
        int port = port(callback);
        for (InetAddress address : addresses) {
            Optional<CallbackRefusal> refusal = check(address, port);
            if (refusal.isPresent()) {
                throw new CallbackRefusedException(refusal.get(), host(callback) + " (" + address.getHostAddress() + ")");
            }
        }
        return addresses.get(0);
    }

    /** Why {@code address}:{@code port} is refused, or empty when a callback may go there. */
    public Optional<CallbackRefusal> check(InetAddress address, int port) {
        InetAddress a = HostLiterals.destinationIpv4(address);
        if (ownPorts.contains(port) && isThisMachine(a)) {
            return Optional.of(CallbackRefusal.OWN_PORT);
        }
        for (Cidr network : allowed) {
            if (network.contains(a)) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(range(a));
    }

    private static CallbackRefusal range(InetAddress a) {
        if (a.isAnyLocalAddress() || THIS_NETWORK.contains(a)) {
            return CallbackRefusal.UNSPECIFIED;
        }
        if (a.isLoopbackAddress()) {
            return CallbackRefusal.LOOPBACK;
        }
        if (a.isLinkLocalAddress()) {
            return CallbackRefusal.LINK_LOCAL;
        }
        if (a.isMulticastAddress()) {
            return CallbackRefusal.MULTICAST;
        }
        if (a.isSiteLocalAddress() || PRIVATE.stream().anyMatch(n -> n.contains(a))) {
            return CallbackRefusal.PRIVATE;
        }
        if (UNIQUE_LOCAL.contains(a)) {
            return CallbackRefusal.UNIQUE_LOCAL;
        }
        if (RESERVED.stream().anyMatch(n -> n.contains(a)) || TUNNELS.stream().anyMatch(n -> n.contains(a))
                || (a instanceof Inet4Address && isBroadcast(a))) {
            return CallbackRefusal.RESERVED;
        }
        return null;
    }

    private static boolean isBroadcast(InetAddress a) {
        byte[] b = a.getAddress();
        return b[0] == -1 && b[1] == -1 && b[2] == -1 && b[3] == -1;
    }

    private boolean isThisMachine(InetAddress a) {
        return a.isLoopbackAddress() || a.isAnyLocalAddress() || THIS_NETWORK.contains(a) || localAddresses.contains(a);
    }

    /** The callback's host as written (an address in any spelling, or a name). */
    static String host(URI callback) {
        String host = callback.getHost();
        if (host != null) {
            return host;
        }
        // java.net.URI gives no host for spellings such as 0x7f.1 or 127.1: take it from the authority.
        String authority = callback.getRawAuthority() == null ? "" : callback.getRawAuthority();
        int colon = authority.startsWith("[") ? authority.indexOf("]:") + 1 : authority.lastIndexOf(':');
        return (colon > 0 ? authority.substring(0, colon) : authority).toLowerCase(Locale.ROOT);
    }

    private static int port(URI callback) {
        if (callback.getPort() >= 0) {
            return callback.getPort();
        }
        String authority = callback.getRawAuthority() == null ? "" : callback.getRawAuthority();
        int colon = authority.startsWith("[") ? authority.indexOf("]:") + 1 : authority.lastIndexOf(':');
        if (colon > 0) {
            try {
                return Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                // fall through to the scheme's port
            }
        }
        return "https".equalsIgnoreCase(callback.getScheme()) ? 443 : 80;
    }

    /** This machine's interface addresses, read once: "own port" means on one of these. */
    private static Set<InetAddress> localAddresses() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    addresses.add(HostLiterals.unmapped(address));
                }
            }
        } catch (SocketException | RuntimeException e) {
            // Without the list, loopback and the unspecified address still count as this machine.
        }
        return Set.copyOf(addresses);
    }

    private static List<Cidr> cidrs(String... networks) {
        return Arrays.stream(networks).map(Cidr::parse).toList();
    }

    @Override
    public String toString() {
        return "CallbackAddresses[allowed=" + allowed + ", ownPorts=" + ownPorts + "]";
    }
}
