package io.wildcloud.ws.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void containsTheAddressesOfItsBlockOnly() {
        Cidr block = Cidr.parse("10.1.0.0/17");
        assertTrue(block.contains(Cidr.literal("10.1.0.1")));
        assertTrue(block.contains(Cidr.literal("10.1.127.255")));
        assertFalse(block.contains(Cidr.literal("10.1.128.0")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(Cidr.literal("203.0.113.9")));
        assertTrue(Cidr.parse("fd00::/8").contains(Cidr.literal("fd12:3456::1")));
        assertFalse(Cidr.parse("fd00::/8").contains(Cidr.literal("10.0.0.1")));
        assertTrue(Cidr.parse("192.0.2.7").contains(Cidr.literal("192.0.2.7")));
        assertFalse(Cidr.parse("192.0.2.7").contains(Cidr.literal("192.0.2.8")));
    }

    @Test
    void acceptsLiteralsOnlyNeverNames() {
        assertNull(Cidr.parse("localhost"));
        assertNull(Cidr.parse("10.0.0.0/33"));
        assertNull(Cidr.parse("10.0.0.0/x"));
        assertNull(Cidr.literal("example.com"));
        assertNull(Cidr.parseList("10.0.0.0/8,nope"));
        assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")), Cidr.parseList(" 10.0.0.0/8 , ::1 ,"));
    }
}
