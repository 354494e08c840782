package io.wildcloud.ws.push.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.net.HostLiterals;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Address ranges, spellings, allowed networks and the connect-time check after DNS. */
class CallbackAddressesTest {

    private final CallbackAddresses publicOnly = CallbackAddresses.publicOnly();

    @Test
    void everyIpv4SpellingOfLoopbackIsRead() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (String spelling : new String[] {"127.0.0.1", "2130706433", "0x7f000001", "0x7f.1", "127.1", "0177.0.0.1",
                "0x7F.0.0.0x1", "017700000001", "127.0.1"}) {
            assertEquals(Optional.of(loopback), HostLiterals.parse(spelling), spelling);
        }
        assertEquals(Optional.empty(), HostLiterals.parse("app.example"));
        assertEquals(Optional.empty(), HostLiterals.parse("256.1.1.1"));
        assertEquals(Optional.empty(), HostLiterals.parse("1.2.3.4.5"));
        assertEquals(Optional.empty(), HostLiterals.parse("[::1.example]"));
    }

    @Test
    void ipv4MappedAndCompatibleIpv6AreCheckedAsIpv4() throws Exception {
        for (String host : new String[] {"[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]",
                "[0:0:0:0:0:ffff:127.0.0.1]"}) {
            assertEquals(Optional.of(CallbackRefusal.LOOPBACK), publicOnly.checkLiteral(URI.create("http://" + host + "/")),
                    host);
        }
        assertEquals(Optional.of(CallbackRefusal.PRIVATE),
                publicOnly.checkLiteral(URI.create("http://[::ffff:10.0.0.1]/")));
    }

    /**
     * IPv6 forms that reach an IPv4 address through a translator or tunnel (attack5: they passed as
     * public): NAT64's well-known prefix, 6to4 and IPv4-translated are checked as the IPv4 address
     * they carry; Teredo and NAT64's local-use prefix are refused as reserved.
     */
    @Test
    void ipv6FormsCarryingAnIpv4AddressAreCheckedAsIt() {
        for (String host : new String[] {"[64:ff9b::7f00:1]", "[64:ff9b::127.0.0.1]", "[2002:7f00:1::]",
                "[2002:7f00:1:5::9]", "[::ffff:0:7f00:1]"}) {
            assertEquals(Optional.of(CallbackRefusal.LOOPBACK), publicOnly.checkLiteral(URI.create("http://" + host + "/")),
                    host);
        }
        assertEquals(Optional.of(CallbackRefusal.PRIVATE), publicOnly.checkLiteral(URI.create("http://[64:ff9b::a00:1]/")));
        assertEquals(Optional.of(CallbackRefusal.PRIVATE), publicOnly.checkLiteral(URI.create("http://[2002:c0a8:101::1]/")));
        for (String host : new String[] {"[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "[64:ff9b:1::a00:1]"}) {
            assertEquals(Optional.of(CallbackRefusal.RESERVED), publicOnly.checkLiteral(URI.create("http://" + host + "/")),
                    host);
        }
        assertEquals(Optional.empty(), publicOnly.checkLiteral(URI.create("http://[64:ff9b::5db8:d70e]/")),
                "NAT64 of a public address");
        assertEquals(Optional.empty(), publicOnly.checkLiteral(URI.create("http://[2606:2800:220:1::]/")));
    }

    @Test
    void publicAddressesAndNamesPassAtAuthorize() {
        assertEquals(Optional.empty(), publicOnly.checkLiteral(URI.create("https://93.184.215.14/cb")));
        assertEquals(Optional.empty(), publicOnly.checkLiteral(URI.create("https://[2606:4700::1111]/cb")));
        assertEquals(Optional.empty(), publicOnly.checkLiteral(URI.create("https://app.example/cb")));
        // Names are checked when connecting, after resolution.
        assertEquals(Optional.empty(), publicOnly.checkLiteral(URI.create("http://localhost:9/cb")));
    }

    @Test
    void allowedNetworksOpenOnlyTheirRange() {
        CallbackAddresses allowing = CallbackAddresses.allowing("127.0.0.0/8", "10.1.0.0/16", "fd00::/8");
        assertEquals(Optional.empty(), allowing.checkLiteral(URI.create("http://127.0.0.2:9/")));
        assertEquals(Optional.empty(), allowing.checkLiteral(URI.create("http://10.1.200.3/")));
        assertEquals(Optional.of(CallbackRefusal.PRIVATE), allowing.checkLiteral(URI.create("http://10.2.0.1/")));
        assertEquals(Optional.empty(), allowing.checkLiteral(URI.create("http://[fd00::5]/")));
        assertEquals(Optional.of(CallbackRefusal.LOOPBACK), allowing.checkLiteral(URI.create("http://[::1]/")));
    }

    @Test
    void theNodesOwnPortsAreRefusedEvenInAnAllowedNetwork() {
        CallbackAddresses allowing = CallbackAddresses.allowing("127.0.0.0/8", "0.0.0.0/0");
        allowing.ownPorts(18080, 18081);
        assertEquals(Optional.of(CallbackRefusal.OWN_PORT), allowing.checkLiteral(URI.create("http://127.0.0.1:18081/")));
        assertEquals(Optional.of(CallbackRefusal.OWN_PORT), allowing.checkLiteral(URI.create("http://0x7f.1:18080/")));
        assertEquals(Optional.empty(), allowing.checkLiteral(URI.create("http://127.0.0.1:18082/")));
        // Another machine's port 18081 is not this node's.
        assertEquals(Optional.empty(), allowing.checkLiteral(URI.create("http://93.184.215.14:18081/")));
    }

    @Test
    void atConnectTimeEveryResolvedAddressIsChecked() throws Exception {
        URI byName = URI.create("http://callbacks.example:9/cb");
        InetAddress publicAddress = InetAddress.getByName("93.184.215.14");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        // A name that answers a public address first and loopback second is refused all the same.
        CallbackRefusedException refused = assertThrows(CallbackRefusedException.class,
                () -> publicOnly.checkResolved(byName, List.of(publicAddress, loopback)));
        assertTrue(refused.refusal() == CallbackRefusal.LOOPBACK, refused.getMessage());
        assertEquals(publicAddress, publicOnly.checkResolved(byName, List.of(publicAddress)));
        assertEquals(loopback, CallbackAddresses.allowing("127.0.0.0/8", "::1/128")
                .checkResolved(URI.create("http://127.0.0.1:9/cb"), List.of(loopback)));
        assertEquals(Optional.of(loopback), publicOnly.literal(URI.create("http://0x7f.1:9/cb")));
        assertEquals(Optional.empty(), publicOnly.literal(byName));
    }
}
