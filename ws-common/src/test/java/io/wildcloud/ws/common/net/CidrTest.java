package io.wildcloud.ws.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void containsTheAddressesOfItsNetworkOnly() {
        Cidr block = Cidr.parse("10.1.0.0/17");
        assertTrue(block.contains(address("10.1.0.1")));
        assertTrue(block.contains(address("10.1.127.255")));
        assertFalse(block.contains(address("10.1.128.0")));
        assertTrue(Cidr.parse("172.16.0.0/12").contains(address("172.31.255.255")));
        assertFalse(Cidr.parse("172.16.0.0/12").contains(address("172.32.0.0")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(address("203.0.113.9")));
        assertTrue(Cidr.parse("fd00::/8").contains(address("fd12:3456::1")));
        assertFalse(Cidr.parse("fd00::/8").contains(address("10.0.0.1")));
        assertTrue(Cidr.parse("192.0.2.7").contains(address("192.0.2.7")));
        assertFalse(Cidr.parse("192.0.2.7").contains(address("192.0.2.8")));
    }

    @Test
    void anIpv4MappedAddressIsTheIpv4AddressItCarries() {
        // A dual-stack socket shows an IPv4 peer as ::ffff:a.b.c.d.
        assertTrue(Cidr.parse("10.0.0.0/8").contains(address("::ffff:10.0.0.5")));
        assertEquals(Cidr.parse("10.1.2.0/24"), Cidr.parse("::ffff:10.1.2.0/120"));
        assertTrue(Cidr.parse("::ffff:127.0.0.1").contains(address("127.0.0.1")));
    }

    @Test
    void readsEveryNumericSpellingButNeverAName() {
        assertEquals("127.0.0.1/32", Cidr.parse("127.0.0.1").toString());
        assertEquals(Cidr.parse("127.0.0.1"), Cidr.parse("2130706433"));
        assertEquals(Cidr.parse("127.0.0.0/8"), Cidr.parse("0x7f.0/8"));
        assertEquals(Cidr.parse("::1/128"), Cidr.parse("[::1]"));
        assertEquals("not an IP address: localhost",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("localhost")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        assertEquals("prefix length out of range: 33",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertEquals("not a prefix length: x",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x")).getMessage());
    }

    @Test
    void aListSkipsBlanksAndNamesItsFirstBadEntry() {
        assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")), Cidr.parseList(" 10.0.0.0/8 , ::1 ,"));
        assertEquals(List.of(), Cidr.parseList(""));
        assertEquals("'nope': not an IP address: nope",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parseList("10.0.0.0/8, nope")).getMessage());
    }

    private static InetAddress address(String literal) {
        return HostLiterals.parse(literal).orElseThrow();
    }
}
